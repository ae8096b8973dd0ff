"""Due dates of human tasks, kept in their `TaskSchedule` row (an indexed column the inbox sorts by).

`schedule_task` (post_save on Task) writes the row when a human task is created: the due date
its node declares, the actor whose action created it, unannounced, first reminder a day
before the due date. The announcement and the reminders are sent later by the sweeps
(`notifications.task_notices.announce_new_tasks`, `notifications.reminders`).
Tasks created before the schedule existed kept their due date in `task.data["due"]`; the
migration that added the table copied it, and the audit history still shows it there.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ObjectDoesNotExist

from ..audit import current_actor
from .models import TaskSchedule

DUE_SOON = timedelta(days=1)  # the `task_due` reminder goes out this long before the due date


def first_reminder_at(due: datetime | None) -> datetime | None:
    return due - DUE_SOON if due is not None else None


def schedule_task(sender, instance, created, **kwargs):
    """post_save receiver on Task: a new human task gets its schedule row (one INSERT)."""
    if not created or instance.flow_task is None or instance.flow_task_type != "HUMAN":
        return
    due = instance.flow_task.due_for(instance) if hasattr(instance.flow_task, "due_for") else None
    actor = current_actor()
    TaskSchedule.objects.create(  # also caches it as `instance.schedule`
        task=instance, due_at=due, actor_id=getattr(actor, "pk", None), next_reminder_at=first_reminder_at(due))


def task_due(task) -> datetime | None:
    """The task's due date; select_related("schedule") on lists, else one query."""
    try:
        return task.schedule.due_at
    except ObjectDoesNotExist:
        return None
