"""Every new human task is announced, soon after its step commits, to whoever may do it.

Creating a human task only writes its `TaskSchedule` row, unannounced (`tasks.due`): the
completing transaction sends nothing. `announce_new_tasks()` (run at the start of every
`manage.py send_outbox`, i.e. every minute from cron) claims unannounced rows in batches
(`select_for_update(skip_locked=True)` on PostgreSQL plus a conditional UPDATE that only takes
rows still unannounced, so SQLite and several hosts are safe), and in the same transaction
tells each task's owner, or for a pool task everyone who may claim it, `task_assigned` (in-app
and e-mail, with a link to the task page); the subject's unit's group robots hear of it too.
A row is marked when it is claimed, so a task is announced once; one finished or cancelled
before its turn is marked without a notice. The person whose action created the task (the
audit actor, kept on the row) is not told about it. Start tasks are not human tasks.

`task_recipients(task)` answers "who may claim this" by the inbox's own rule (`tasks.pool.claimants`):
one query, whatever the number of people.
"""

from __future__ import annotations

import logging
import uuid

from django.db import transaction
from django.utils import timezone

from ..audit import audit_context
from ..tasks.pool import claimants
from ..tasks.processes import OPEN_STATUSES
from ..tasks.standins import delegates_of, is_personal
from .channels import channel_unit_of
from .service import notify

log = logging.getLogger(__name__)

TASK_KIND = "task_assigned"
BATCH_SIZE = 50


def task_recipients(task) -> list:
    """The owner of an assigned task, or everyone who may claim a pool task; plus the delegate of anyone
    of them away (委托), except for personal acts."""
    if task.owner_id:
        holders = [task.owner] if task.owner.is_active else []
    elif not task.owner_permission:
        return []
    else:
        holders = list(claimants(task))
    delegates = [] if is_personal(task) or not holders else list(delegates_of(holders).values())
    return list({user.pk: user for user in delegates + holders}.values())


def task_context(task) -> dict:
    from ..tasks import task_due, task_title

    return {"task": task, "title": task_title(task), "due": task_due(task),
            "pool": not task.owner_id}


def announce_task(task, *, actor_id=None) -> None:
    """Tell who may do `task` that it is there (not `actor_id`, whose action created it)."""
    recipients = [u for u in task_recipients(task) if u.pk != actor_id]
    subject = task.process.artifact if task.process.artifact_object_id else None
    unit = channel_unit_of(subject)
    if not recipients and unit is None:
        return
    notify(recipients=recipients, kind=TASK_KIND, context=task_context(task),
           url=f"/workbench/tasks/{task.pk}/", unit=unit)


def claim_unannounced(*, size: int = BATCH_SIZE) -> list:
    """Mark up to `size` unannounced schedule rows as announced by this run and return them (inside a transaction)."""
    from ..models import TaskSchedule

    ids = list(TaskSchedule.objects.filter(announced_at__isnull=True).order_by("pk")
               .select_for_update(skip_locked=True).values_list("pk", flat=True)[:size])
    if not ids:
        return []
    claim = uuid.uuid4().hex
    # Conditional: a row another runner took meanwhile (SQLite has no row locks) stays theirs.
    TaskSchedule.objects.filter(pk__in=ids, announced_at__isnull=True).update(
        announced_at=timezone.now(), announce_claim=claim)
    return list(TaskSchedule.objects.filter(pk__in=ids, announce_claim=claim)
                .select_related("task__process", "task__owner").prefetch_related("task__process__artifact")
                .order_by("pk"))


def announce_new_tasks(*, limit: int = 1000) -> int:
    """Announce the tasks created since the last run (at most `limit`); return how many rows were handled."""
    handled = 0
    with audit_context(reason="新待办通知"):
        while handled < limit:
            with transaction.atomic():
                rows = claim_unannounced(size=min(BATCH_SIZE, limit - handled))
                for row in rows:
                    if row.task.status in OPEN_STATUSES:  # else finished or cancelled before its turn
                        _announce_safely(row)
            if not rows:
                break
            handled += len(rows)
    return handled


def _announce_safely(row) -> None:
    try:
        with transaction.atomic():
            announce_task(row.task, actor_id=row.actor_id)
    except Exception:  # one broken task must not hold back every later announcement
        log.exception("announcing task %s failed; marked without a notice", row.task_id)
