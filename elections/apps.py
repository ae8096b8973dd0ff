from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "elections"
    verbose_name = "支部换届"
    default_auto_field = "django.db.models.BigAutoField"
