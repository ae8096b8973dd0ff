"""Reads of the one inbox: whose tasks, in which order, titled how."""

from __future__ import annotations

from django.db.models import Q
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from ..org.permissions import is_read_only
from .processes import OPEN_STATUSES, registered_flows

API_STATUS = {
    STATUS.NEW: "new",
    STATUS.ASSIGNED: "assigned",
    STATUS.STARTED: "assigned",
    STATUS.DONE: "done",
    STATUS.CANCELED: "canceled",
}


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
    if not user.is_authenticated or is_read_only(user):
        return False
    if task.owner_id:
        return task.owner_id == user.pk
    return task.flow_task.can_assign(user, task)


def may_claim_if_free(user, task) -> bool:
    if is_read_only(user) or not task.owner_permission:
        return False
    obj = task.owner_permission_obj if task.owner_permission_obj_pk else None
    return user.has_perm(task.owner_permission, obj) or user.has_perm(task.owner_permission)


def get_task(task_id) -> Task:
    return Task.objects.select_related("process", "owner").get(pk=task_id)
