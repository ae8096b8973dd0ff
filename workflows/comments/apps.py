from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "workflows.comments"
    label = "comments"
    verbose_name = "讨论"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import rules  # noqa: F401  (registers its rule)
