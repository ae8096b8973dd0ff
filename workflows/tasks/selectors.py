"""Reads of the one inbox: whose tasks, in which order, titled how."""

from __future__ import annotations

from django.db.models import Case, CharField, F, Q, Value, When
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from ..org.permissions import is_read_only
from .processes import OPEN_STATUSES, registered_flows
from .standins import is_personal, principals_of

API_STATUS = {
    STATUS.NEW: "new",
    STATUS.ASSIGNED: "assigned",
    STATUS.STARTED: "assigned",
    STATUS.DONE: "done",
    STATUS.CANCELED: "canceled",
}


def _takes(user) -> Q:
    """Tasks assigned to `user`, or unassigned ones `user` may claim."""
    claimable = Task.objects.user_queue(user).filter(owner__isnull=True, status=STATUS.NEW).values("pk")
    return Q(owner=user) | Q(pk__in=claimable)


def personal_nodes() -> list:
    return [node for entry in registered_flows().values() for node in entry.flow_class.instance.nodes()
            if getattr(node, "personal", False)]


def open_tasks_for(user):
    """Tasks assigned to the user, or unassigned ones the user may claim, and those of the people who
    delegated to the user today (not their personal acts), annotated `on_behalf_of` (their username);
    soonest due first (the indexed `TaskSchedule.due_at`, tasks without a due date last), then oldest."""
    base = Task.objects.filter(flow_task_type="HUMAN", status__in=OPEN_STATUSES)
    if not user.is_authenticated or is_read_only(user):
        return base.none()
    mine = _takes(user)
    query, on_behalf = mine, []
    principals = principals_of(user)
    not_personal = ~Q(flow_task__in=personal_nodes()) if principals else Q()
    for principal in principals:
        theirs = _takes(principal) & not_personal
        query |= theirs
        on_behalf.append(When(theirs & ~mine, then=Value(principal.username)))
    return (
        base.filter(query)
        .annotate(on_behalf_of=Case(*on_behalf, default=Value(None), output_field=CharField()))
        .select_related("process", "owner", "schedule")
        .prefetch_related("process__artifact")
        .order_by(F("schedule__due_at").asc(nulls_last=True), "pk")
    )


def filter_tasks(queryset, *, flow: str | None = None, step: str | None = None):
    if flow:
        entry = registered_flows().get(flow)
        queryset = queryset.filter(process__flow_class=entry.flow_class) if entry else queryset.none()
    if step:
        queryset = queryset.filter(flow_task__endswith=f".{step}")
    return queryset


def task_title(task) -> str:
    subject = task.process.artifact
    step_title = str(task.flow_task.task_title or task.flow_task.name)
    return f"{step_title}：{subject}" if subject is not None else step_title


def may_act_on(user, task) -> bool:
    """On one's own right, or for someone who delegated to the user (委托)."""
    return may_act_on_own_right(user, task) or acting_for(user, task) is not None


def may_act_on_own_right(user, task) -> bool:
    if not user.is_authenticated or is_read_only(user):
        return False
    if task.owner_id:
        return task.owner_id == user.pk
    return task.flow_task.can_assign(user, task)


def acting_for(user, task):
    """The person who delegated to `user` and may act on `task` themselves (never for a personal act), or None."""
    if not user.is_authenticated or is_read_only(user) or is_personal(task):
        return None
    if task.owner_id == user.pk:
        return None
    return next((p for p in principals_of(user) if may_act_on_own_right(p, task)), None)


def may_claim_if_free(user, task) -> bool:
    if is_read_only(user) or not task.owner_permission:
        return False
    obj = task.owner_permission_obj if task.owner_permission_obj_pk else None
    return user.has_perm(task.owner_permission, obj) or user.has_perm(task.owner_permission)


def get_task(task_id) -> Task:
    return Task.objects.select_related("process", "owner", "schedule").get(pk=task_id)
