from django.apps import AppConfig


class ForecastsConfig(AppConfig):
    name = "forecasts"
    verbose_name = "Reckon ledger"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Connect the signal receivers (``forecasts/receivers.py``)."""
        from django.db.models.signals import m2m_changed

        from forecasts import receivers
        from forecasts.models import Question

        m2m_changed.connect(
            receivers.question_tags_changed,
            sender=Question.tags.through,
            dispatch_uid="reckon-rescore-retagged",
        )
