from django.apps import AppConfig


class ForecastsConfig(AppConfig):
    name = "forecasts"
    verbose_name = "Reckon ledger"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed

        from forecasts.ledger import rescore_retagged
        from forecasts.models import Question

        m2m_changed.connect(
            rescore_retagged, sender=Question.tags.through, dispatch_uid="reckon-rescore-retagged"
        )
