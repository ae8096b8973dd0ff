from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "三重一大决策"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import demo, rules, steps  # noqa: F401  (rules and demo register themselves)

        steps.register()
