from django.apps import AppConfig


class MaterialsConfig(AppConfig):
    name = "workflows.materials"
    label = "materials"
    verbose_name = "附件"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import rules  # noqa: F401  (registers its rules)
