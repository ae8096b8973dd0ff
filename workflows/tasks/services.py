"""Claim and complete any human task: the HTML task page and the tasks API both come here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from ..audit import audit_context
from ..exceptions import Conflict, FormInvalid
from .nodes import Step
from .processes import OPEN_STATUSES
from .selectors import may_act_on, may_claim_if_free


def _require_may_act(user, task):
    """403 for people who may not act; 409 when someone else already claimed what they could have."""
    if not may_act_on(user, task):
        if task.owner_id and may_claim_if_free(user, task):
            raise Conflict(_("该任务已由他人认领。"))
        raise PermissionDenied


def _check_open(task):
    if task.status not in OPEN_STATUSES:
        raise Conflict(_("该任务已办结或已取消。"))


def step_of(task) -> Step:
    if not isinstance(task.flow_task, Step):
        raise Conflict(_("该步骤不能在此办理。"))
    return task.flow_task


@transaction.atomic
def task_claim(*, task: Task, user) -> Task:
    with task.flow_task.flow_class.lock(task.process_id):
        task.refresh_from_db()
        _require_may_act(user, task)  # before the state: a stranger learns nothing of it
        _check_open(task)
        if task.owner_id == user.pk:
            return task
        task.flow_task.activation_class(task).assign(user)
        return task


@transaction.atomic
def task_complete(*, task: Task, user, data) -> object:
    """Validate the step payload with the node's form, run the node's service, route the process on.

    Returns the process subject as it is after routing (its status is the next step's).
    """
    with task.flow_task.flow_class.lock(task.process_id):
        task.refresh_from_db()
        _require_may_act(user, task)  # before the state: a stranger learns nothing of it
        _check_open(task)
        step = step_of(task)
        form = step.form_class(data=data, task=task, user=user)
        if not form.is_valid():
            raise FormInvalid(form)
        activation = task.flow_task.activation_class(task)
        with audit_context(actor=user, reason=str(step.task_title or step.name)):
            if task.status == STATUS.NEW:
                activation.assign(user)
            if task.status == STATUS.ASSIGNED:
                activation.start(None)
            step.perform(task=task, user=user, data=form.cleaned_data)
            activation.execute()
        subject = task.process.artifact
        return type(subject)._default_manager.get(pk=subject.pk) if subject is not None else None
