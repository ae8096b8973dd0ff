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
from .pool import may_claim_if_free
from .processes import OPEN_STATUSES
from .selectors import acting_for, may_act_on, may_act_on_own_right
from .standins import principal_of, record_stand_in, run_completion_checks


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
        _take(task, user, _stand_in_for(user, task))
        return task


def _stand_in_for(user, task):
    """For whom `user` does `task` (委托), or None when on their own right."""
    if task.owner_id == user.pk:
        return principal_of(task)  # taken over earlier as a delegate
    return None if may_act_on_own_right(user, task) else acting_for(user, task)


def _take(task, user, principal, *, save: bool = True) -> None:
    """Assign the task to `user`; a delegate takes it over from the person they stand in for.

    `save=False` when the task is completed in the same step: the completion saves it once (one
    history row for the step, not one for the claim and one for the completion).
    """
    activation = task.flow_task.activation_class(task)
    if task.status == STATUS.NEW and not save:
        task.owner, task.status = user, STATUS.ASSIGNED  # what viewflow's assign does, less its save
    elif task.status == STATUS.NEW:
        activation.assign(user)
    elif principal is not None:
        task.owner = user
        task.save(update_fields=["owner"])
    if principal is not None:
        record_stand_in(task=task, delegate=user, principal=principal)


@transaction.atomic
def task_complete(*, task: Task, user, data) -> None:
    """Validate the step payload with the node's form, run the node's service, route the process on.

    Callers that show the subject read it afresh after the commit (its status is the next step's).
    """
    with task.flow_task.flow_class.lock(task.process_id):
        task.refresh_from_db()
        _require_may_act(user, task)  # before the state: a stranger learns nothing of it
        _check_open(task)
        step = step_of(task)
        form = step.form_class(data=data, task=task, user=user)
        if not form.is_valid():
            raise FormInvalid(form)
        run_completion_checks(task=task, user=user, data=data)
        activation = task.flow_task.activation_class(task)
        principal = _stand_in_for(user, task)
        title = str(step.task_title or step.name)
        reason = f"{title}（由 {user} 代 {principal} 办理）" if principal is not None else title
        with audit_context(actor=user, reason=reason):
            if task.owner_id != user.pk:
                _take(task, user, principal, save=False)
            if task.status == STATUS.ASSIGNED:
                activation.start(None)
            step.perform(task=task, user=user, data=form.cleaned_data)
            activation.execute()

