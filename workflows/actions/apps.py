from django.apps import AppConfig


class TaskActionsConfig(AppConfig):
    name = "workflows.actions"
    label = "task_actions"
    verbose_name = "任务操作"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ..tasks.standins import register_completion_check, register_stand_ins
        from .consult import task_consultations_check
        from .delegation import DELEGATIONS

        register_stand_ins(DELEGATIONS)
        register_completion_check(task_consultations_check)
