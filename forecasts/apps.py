from django.apps import AppConfig


class ForecastsConfig(AppConfig):
    name = "forecasts"
    verbose_name = "Reckon ledger"
    default_auto_field = "django.db.models.BigAutoField"
