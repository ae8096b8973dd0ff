"""One task inbox for every flow.

Each flow declares `flow_code` ("decision", "meeting", "election"); each human step of it
is registered here with the Django form that validates its payload and the service that
performs it. The HTML task page and `POST /api/v1/tasks/{id}/complete/` both go through
`task_complete`, so they validate and write alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .exceptions import Conflict, FormInvalid
from .permissions import is_read_only

OPEN_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
API_STATUS = {
    STATUS.NEW: "new",
    STATUS.ASSIGNED: "assigned",
    STATUS.STARTED: "assigned",
    STATUS.DONE: "done",
    STATUS.CANCELED: "canceled",
}


@dataclass(frozen=True)
class Step:
    flow: str
    code: str
    form_class: type[forms.Form]
    # perform(task=, user=, data=) writes the step's records; runs inside the process lock,
    # before viewflow completes the task and routes on. Returns the subject (or None).
    perform: Callable
    # context(task=, user=) -> dict: extra template context for the step page.
    context: Callable | None = None
    extra: dict = field(default_factory=dict)


_STEPS: dict[tuple[str, str], Step] = {}
_FLOWS: dict[str, tuple[type, Callable | None]] = {}


def register_flow(flow_class, *, serialize_subject: Callable | None = None) -> None:
    """Make a flow's tasks listable by `?flow=<flow_code>`; `serialize_subject(obj, request)`."""
    _FLOWS[flow_class.flow_code] = (flow_class, serialize_subject)


def registered_flows() -> dict[str, tuple[type, Callable | None]]:
    return dict(_FLOWS)


def register_step(flow: str, code: str, *, form_class, perform, context=None, **extra) -> Step:
    step = Step(flow=flow, code=code, form_class=form_class, perform=perform, context=context, extra=extra)
    _STEPS[(flow, code)] = step
    return step


def flow_code_of(task) -> str:
    return getattr(task.flow_task.flow_class, "flow_code", task.flow_task.flow_class.__name__.lower())


def step_of(task) -> Step:
    try:
        return _STEPS[(flow_code_of(task), task.flow_task.name)]
    except KeyError:
        raise Conflict(_("该步骤不能在此办理。")) from None


# --- due dates ---------------------------------------------------------------------------


def default_due_days(flow: str, step: str) -> int:
    table = settings.STEP_DUE_DAYS
    return int(table.get(f"{flow}.{step}", table.get(step, table.get("default", 7))))


def set_task_due(sender, instance, **kwargs):
    """pre_save receiver on Task: give every new human task its due date."""
    if not instance._state.adding or instance.flow_task is None or instance.flow_task_type != "HUMAN":
        return
    if instance.data is None:
        instance.data = {}
    if "due" in instance.data:
        return
    flow = instance.flow_task.flow_class
    due = None
    hook = getattr(flow.instance, "task_due", None)
    if hook is not None:
        due = hook(instance)
    if due is None:
        due = timezone.now() + timedelta(days=default_due_days(getattr(flow, "flow_code", ""), instance.flow_task.name))
    instance.data["due"] = due.isoformat()


def task_due(task) -> datetime | None:
    value = (task.data or {}).get("due")
    return parse_datetime(value) if value else None


# --- selectors ---------------------------------------------------------------------------


def open_tasks_for(user):
    """Tasks assigned to the user, or unassigned ones the user may claim."""
    base = Task.objects.filter(flow_task_type="HUMAN", status__in=OPEN_STATUSES)
    if not user.is_authenticated or is_read_only(user):
        return base.none()
    return (
        base.user_queue(user)
        .filter(Q(owner=user) | Q(owner__isnull=True, status=STATUS.NEW))
        .select_related("process", "owner")
        .prefetch_related("process__artifact")
        .order_by("data__due", "pk")
    )


def filter_tasks(queryset, *, flow: str | None = None, step: str | None = None):
    if flow:
        flow_class = _FLOWS.get(flow, (None, None))[0]
        queryset = queryset.filter(process__flow_class=flow_class) if flow_class else queryset.none()
    if step:
        queryset = queryset.filter(flow_task__endswith=f".{step}")
    return queryset


def task_title(task) -> str:
    subject = task.process.artifact
    step_title = str(task.flow_task.task_title or task.flow_task.name)
    return f"{step_title}：{subject}" if subject is not None else step_title


def may_act_on(user, task) -> bool:
    if not user.is_authenticated or is_read_only(user):
        return False
    if task.owner_id:
        return task.owner_id == user.pk
    return task.flow_task.can_assign(user, task)


def _may_claim_if_free(user, task) -> bool:
    if is_read_only(user) or not task.owner_permission:
        return False
    obj = task.owner_permission_obj if task.owner_permission_obj_pk else None
    return user.has_perm(task.owner_permission, obj) or user.has_perm(task.owner_permission)


def get_task(task_id) -> Task:
    return Task.objects.select_related("process", "owner").get(pk=task_id)


# --- services ----------------------------------------------------------------------------


def _require_may_act(user, task):
    """403 for people who may not act; 409 when someone else already claimed what they could have."""
    if not may_act_on(user, task):
        if task.owner_id and _may_claim_if_free(user, task):
            raise Conflict(_("该任务已由他人认领。"))
        raise PermissionDenied


def _check_open(task):
    if task.status not in OPEN_STATUSES:
        raise Conflict(_("该任务已办结或已取消。"))


@transaction.atomic
def task_claim(*, task: Task, user) -> Task:
    with task.flow_task.flow_class.lock(task.process_id):
        task.refresh_from_db()
        _check_open(task)
        if task.owner_id == user.pk:
            return task
        _require_may_act(user, task)
        task.flow_task.activation_class(task).assign(user)
        return task


@transaction.atomic
def task_complete(*, task: Task, user, data) -> object:
    """Validate the step payload, write the step's records and route the process on."""
    with task.flow_task.flow_class.lock(task.process_id):
        task.refresh_from_db()
        _check_open(task)
        _require_may_act(user, task)
        step = step_of(task)
        form = step.form_class(data=data, task=task, user=user)
        if not form.is_valid():
            raise FormInvalid(form)
        activation = task.flow_task.activation_class(task)
        if task.status == STATUS.NEW:
            activation.assign(user)
        if task.status == STATUS.ASSIGNED:
            activation.start(None)
        subject = step.perform(task=task, user=user, data=form.cleaned_data)
        activation.execute()
        return subject if subject is not None else task.process.artifact
