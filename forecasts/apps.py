from django.apps import AppConfig


class ForecastsConfig(AppConfig):
    name = "forecasts"
    verbose_name = "Reckon ledger"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Connect the signal receivers (``forecasts/receivers.py``), and parse
        PostgreSQL timestamps in C (``config/timestamps.py``)."""
        from django.db.backends.signals import connection_created
        from django.db.models.signals import m2m_changed

        from config import timestamps
        from forecasts import receivers
        from forecasts.models import Question

        m2m_changed.connect(
            receivers.question_tags_changed,
            sender=Question.tags.through,
            dispatch_uid="reckon-rescore-retagged",
        )
        connection_created.connect(timestamps.use_c_parser, dispatch_uid="reckon-c-timestamps")
