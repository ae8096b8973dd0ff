"""Each human task's schedule: its due date, when it was announced and when it is next reminded.

viewflow's Task is not ours, so this is a side table keyed by the task, one row per human
task, written with the task (`due.schedule_task`, one INSERT). Imported at the end of
`workflows.models`, so it is a model of the workflows app.

Operational bookkeeping, like the outbox: the sweeps change `announced_at` and
`next_reminder_at` with UPDATEs, so it has no history. The due date never changes once set.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TaskSchedule(models.Model):
    task = models.OneToOneField(
        "viewflow.Task", verbose_name=_("任务"), primary_key=True, on_delete=models.CASCADE, related_name="schedule"
    )
    due_at = models.DateTimeField(_("办理期限"), null=True, blank=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("产生该任务的操作人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", help_text="not told of the task their own action created",
    )
    announced_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    announce_claim = models.CharField(_("通知批次"), max_length=32, blank=True)
    next_reminder_at = models.DateTimeField(_("下次提醒时间"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("待办期限")
        verbose_name_plural = _("待办期限")
        indexes = [
            models.Index(fields=["task"], condition=Q(announced_at__isnull=True), name="task_schedule_unannounced"),
        ]

    def __str__(self):
        return f"{self.task_id} {self.due_at:%Y-%m-%d %H:%M}" if self.due_at else str(self.task_id)
