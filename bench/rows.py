"""Row builders the generator shares: viewflow tasks as the real nodes create them, and history rows.

Everything here builds unsaved instances; `bench.generate` inserts them with large `bulk_create`
batches (history rows through their ChainedHistoryManager, which seals each one, so the history
tables hold what the product would have written, awaiting the sealer like any fresh record).

`build_task` is the one place a task row is made and `add_task_side_rows` the one place rows
that hang off a task are made after the tasks have ids: a change that adds a side table to tasks
(e.g. indexed due dates) extends these two and nothing else.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.token import Token

from workflows.audit.registration import DECIDED_AT_ONCE

START_TOKEN = Token("start")


def node_label(node) -> str:
    return str(node.task_title or node.name)


def due_at(node, created: datetime) -> datetime | None:
    """The due date `schedule_task` gives a human task of `node` created at `created`."""
    if not hasattr(node, "due_for"):
        return None
    probe = Task(flow_task=node, flow_task_type="HUMAN", data={})
    from django.utils import timezone

    return node.due_for(probe) - (timezone.now() - created)


def owner_permission_of(node) -> str | None:
    """The permission a node's unassigned tasks wait on (`.Permission(...)`), or None (`.Assign(...)`)."""
    permission = getattr(node, "_owner_permission", None)
    return permission if isinstance(permission, str) else None


def build_task(process, node, *, created: datetime, status: str, owner_id=None, finished: datetime | None = None,
               due: datetime | None = None, data: dict | None = None) -> Task:
    """A task of `node` as viewflow leaves it in `status`: human tasks get their node's permission and due date.

    `due` overrides the node's due date (the reminder bench makes tasks that are due soon).
    """
    task_type = node.task_type
    data = dict(data or {})
    permission = owner_permission_of(node) if task_type == "HUMAN" else None
    if task_type == "HUMAN":
        due = due or due_at(node, created)
    done = status == STATUS.DONE
    finished = (finished or created) if done else None
    started = finished if done and task_type in ("START", "HUMAN") else None
    task = Task(
        process=process, flow_task=node, flow_task_type=task_type, status=status, created=created,
        assigned=started if permission and done else None, started=started, finished=finished, token=START_TOKEN,
        owner_id=owner_id, owner_permission=permission, data=data,
    )
    task.bench_due = due if task_type == "HUMAN" else None
    return task


def add_task_side_rows(tasks: list[Task]) -> None:
    """Rows that hang off new tasks (they have ids here): each human task's schedule, as
    `workflows.tasks.due.schedule_task` writes it; generated tasks count as announced already."""
    from workflows.tasks.due import first_reminder_at
    from workflows.tasks.models import TaskSchedule

    TaskSchedule.objects.bulk_create([
        TaskSchedule(task_id=task.pk, due_at=task.bench_due, announced_at=task.created,
                     next_reminder_at=first_reminder_at(task.bench_due) if task.status != STATUS.DONE else None)
        for task in tasks if task.flow_task_type == "HUMAN"
    ], batch_size=5000)


def history_row(obj, *, history_type: str, when: datetime, user_id, reason: str, **overrides):
    """One history record of `obj` as simple-history writes it, with some fields as they were then."""
    model = type(obj).history.model
    values = {field.attname: getattr(obj, field.attname) for field in model.tracked_fields}
    values.update(overrides)
    return model(history_date=when, history_user_id=user_id, history_change_reason=reason,
                 history_type=history_type, **values)


def task_history(task: Task, *, user_id, reason: str, done_reason: str | None = None, done_by=None) -> list:
    """The history records the real flow writes for one task, ending in its current state.

    Gateways decided at once and start tasks: one record. Human tasks: one when created (unassigned
    and NEW when they wait on a permission, ASSIGNED to their owner otherwise), one more when done
    (`done_reason`: the title of the step that was completed, by `done_by`).
    """
    if task.flow_task_type in DECIDED_AT_ONCE:
        return [history_row(task, history_type="~", when=task.finished, user_id=user_id, reason=reason)]
    if task.flow_task_type == "START" or task.status != STATUS.DONE:
        return [history_row(task, history_type="+", when=task.created, user_id=user_id, reason=reason)]
    if task.owner_permission:
        opened = {"status": STATUS.NEW, "owner_id": None}
    else:
        opened = {"status": STATUS.ASSIGNED}
    first = history_row(task, history_type="+", when=task.created, user_id=user_id, reason=reason,
                        started=None, finished=None, assigned=None, **opened)
    done = history_row(task, history_type="~", when=task.finished, user_id=done_by or user_id,
                       reason=done_reason or reason)
    return [first, done]


def step_times(start: datetime, count: int, spacing: timedelta) -> list[datetime]:
    return [start + spacing * i for i in range(count)]


def copy_insert(model, objs, connection) -> int:
    """Insert `objs` with PostgreSQL COPY (no ids come back; columns with database defaults are left to them).

    Values go through each field's own `get_db_prep_save`, as `bulk_create` would send them.
    """
    if not objs:
        return 0
    fields = [f for f in model._meta.concrete_fields
              if not f.primary_key and getattr(f, "db_default", None) is models.NOT_PROVIDED]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in objs:
            copy.write_row([f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields])
    return len(objs)
