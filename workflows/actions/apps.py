from django.apps import AppConfig


class TaskActionsConfig(AppConfig):
    name = "workflows.actions"
    label = "task_actions"
    verbose_name = "任务操作"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ..org.people_search import register_people_source
        from ..tasks.standins import register_completion_check, register_stand_ins
        from .consult import task_consultations_check
        from .delegation import DELEGATIONS
        from .forms import colleagues, delegates_for

        register_stand_ins(DELEGATIONS)
        register_completion_check(task_consultations_check)
        register_people_source("colleagues", lambda user: colleagues())  # the pickers of 抄送, 征求意见
        register_people_source("delegates", delegates_for)  # 委托
