"""Reads of the one inbox: whose tasks, in which order, titled how."""

from __future__ import annotations

import functools
import operator

from django.db.models import Case, CharField, F, Q, Value, When
from viewflow.workflow.managers import TaskQuerySet
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from ..org.permissions import is_read_only
from .pool import claimable_by
from .processes import OPEN_STATUSES, registered_flows
from .standins import is_personal, principals_of

API_STATUS = {
    STATUS.NEW: "new",
    STATUS.ASSIGNED: "assigned",
    STATUS.STARTED: "assigned",
    STATUS.DONE: "done",
    STATUS.CANCELED: "canceled",
}


OPEN_HUMAN = Q(flow_task_type="HUMAN", status__in=OPEN_STATUSES)  # the inbox and its count alike


def _takes(user, also: Q | None = None) -> list[Q]:
    """Filters whose union is the tasks `user` may do on their own right: assigned to them, or claimable.

    Kept as separate arms (each `& also`) so that the database serves each from an index.
    """
    also = also or Q()
    return [Q(owner=user) & also, *(arm & also for arm in claimable_by(user))]


def _any(filters: list[Q]) -> Q:
    return functools.reduce(operator.or_, filters)


class InboxQuerySet(TaskQuerySet):
    """The inbox. While nothing narrows it, it is counted part by part (`_count_parts`, disjoint): the own
    tasks by the owner index, each pool arm from the partial pool index alone, so the count costs the
    number of arms, not the number of tasks. Any filter drops back to one ordinary COUNT."""

    _count_parts: tuple | None = None

    def _clone(self):
        clone = super()._clone()
        clone._count_parts = self._count_parts
        return clone

    def _filter_or_exclude(self, negate, args, kwargs):
        narrowed = super()._filter_or_exclude(negate, args, kwargs)
        narrowed._count_parts = None
        return narrowed

    def complex_filter(self, filter_obj):
        narrowed = super().complex_filter(filter_obj)
        narrowed._count_parts = None
        return narrowed

    def none(self):
        empty = super().none()
        empty._count_parts = None
        return empty

    def count(self) -> int:
        if self._count_parts is None or self._result_cache is not None or self.query.is_sliced:
            return super().count()
        return sum(part.count() for part in self._count_parts)


def personal_nodes() -> list:
    return [node for entry in registered_flows().values() for node in entry.flow_class.instance.nodes()
            if getattr(node, "personal", False)]


def open_tasks_for(user):
    """Tasks assigned to the user, or unassigned ones the user may claim, and those of the people who
    delegated to the user today (not their personal acts), annotated `on_behalf_of` (their username);
    soonest due first (the indexed `TaskSchedule.due_at`, tasks without a due date last), then oldest."""
    base = InboxQuerySet(Task).filter(OPEN_HUMAN)
    if not user.is_authenticated or is_read_only(user):
        return base.none()
    mine = _takes(user)
    arms, on_behalf = list(mine), []
    principals = principals_of(user)
    not_personal = ~Q(flow_task__in=personal_nodes()) if principals else Q()
    for principal in principals:
        theirs = _takes(principal, not_personal)
        arms += theirs
        on_behalf.append(When(_any(theirs) & ~_any(mine), then=Value(principal.username)))
    inbox = (
        base.filter(_any(arms), schedule__isnull=False)  # every human task has one; inner-joined, the
        # database may walk the due-date index and stop at the page
        .annotate(on_behalf_of=Case(*on_behalf, default=Value(None), output_field=CharField()))
        # Only the sort key is joined; what a row shows is fetched for the page alone (a join would run
        # over every task the user may do before the sort picks the page).
        .select_related("schedule")
        .prefetch_related("process__artifact", "owner")
        .order_by(F("schedule__due_at").asc(nulls_last=True), "pk")
    )
    if not principals:  # a delegator's tasks may also be the user's: then one ordinary COUNT
        own, *pool = mine
        inbox._count_parts = (Task.objects.filter(own, OPEN_HUMAN), *(Task.objects.filter(arm) for arm in pool))
    return inbox


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


def get_task(task_id) -> Task:
    return Task.objects.select_related("process", "owner", "schedule").get(pk=task_id)
