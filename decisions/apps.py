from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "三重一大决策"
    default_auto_field = "django.db.models.BigAutoField"
