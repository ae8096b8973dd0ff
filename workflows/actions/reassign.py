"""转办: the holder of an open task, or office staff, hands it to someone else who may also do the step."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from ..audit import audit_context
from ..models import User
from ..notifications import notify
from ..org.permissions import is_read_only
from ..records import record_save
from ..tasks.pool import may_claim_if_free
from ..tasks.selectors import may_act_on
from .common import notice_context, require_not_personal, require_open, require_writer, task_url
from .models import Reassignment


def may_hand_on(user, task) -> bool:
    """The holder (or whoever may take a pool task), or office staff; never a personal act."""
    if not user.is_authenticated or is_read_only(user) or getattr(task.flow_task, "personal", False):
        return False
    return may_act_on(user, task) or user.has_perm("workflows.run_office")


def may_do_step(person: User, task) -> bool:
    """Whether `person` could do this step on their own right (the node's permission)."""
    return person.is_active and not is_read_only(person) and may_claim_if_free(person, task)


@transaction.atomic
def task_reassign(*, task, user, to: User, reason: str):
    """Hand `task` to `to` with a reason; `to` is told. 403 for personal acts, 400 when `to` may not do it."""
    require_writer(user)
    with task.flow_task.flow_class.lock(task.process_id):
        task.refresh_from_db()
        require_open(task)
        require_not_personal(task, _("转办"))
        if not may_hand_on(user, task):
            raise PermissionDenied(_("只有当前办理人或党委办公室可以转办。"))
        step = str(task.flow_task.task_title or task.flow_task.name)
        errors = {}
        if not (reason or "").strip():
            errors["reason"] = _("请填写转办理由。")
        if to.pk == task.owner_id:
            errors["to"] = _("该任务已由 %s 办理，请选择其他人。") % to
        elif not may_do_step(to, task):
            errors["to"] = _("%(who)s 无权办理「%(step)s」，不能转办给他/她。") % {"who": to, "step": step}
        if errors:
            raise ValidationError(errors)
        previous = task.owner
        with audit_context(actor=user, reason=f"转办：{reason.strip()}"):
            if task.status == STATUS.NEW:
                task.flow_task.activation_class(task).assign(to)
            else:
                task.owner = to
                task.save(update_fields=["owner"])
            record = record_save(Reassignment(task=task, from_user=previous, to_user=to, by=user, reason=reason.strip()))
            notify(recipients=[to], kind="task_reassigned",
                   context=notice_context(task, user, reason=record.reason, previous=previous), url=task_url(task))
    return task
