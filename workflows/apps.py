from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "组织与流程"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from simple_history.signals import pre_create_historical_record
        from viewflow.workflow.models import Task

        from . import audit
        from .accounts import mark_session_seen
        from .org import perm_cache
        from .tasks.due import schedule_task
        from .tasks.nodes import enter_status

        pre_create_historical_record.connect(audit.fill_history_context, dispatch_uid="workflows_history_context")
        post_save.connect(enter_status, sender=Task, dispatch_uid="workflows_enter_status")
        post_save.connect(schedule_task, sender=Task, dispatch_uid="workflows_task_schedule")
        post_migrate.connect(_create_role_groups, sender=self, dispatch_uid="workflows_role_groups")
        perm_cache.connect()
        user_logged_in.connect(mark_session_seen, dispatch_uid="workflows_session_seen")
        audit.ready()  # append-only history triggers after migrate (PostgreSQL)


def _create_role_groups(sender, **kwargs):
    from .org.permissions import ensure_role_groups

    ensure_role_groups()
