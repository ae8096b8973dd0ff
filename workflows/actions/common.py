"""What every task action checks: the task is open, the step is not a personal act, who may see the subject."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from ..exceptions import Conflict
from ..models import User
from ..org.permissions import is_read_only
from ..tasks import OPEN_STATUSES, flow_code_of, registered_flows, task_title
from ..tasks.standins import is_personal


class TooSoon(Exception):
    """Asked again too soon (HTTP 429), e.g. a second 催办 within 24 hours."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def require_open(task) -> None:
    if task.status not in OPEN_STATUSES:
        raise Conflict(_("该任务已办结或已取消。"))


def require_not_personal(task, what: str) -> None:
    if is_personal(task):
        raise PermissionDenied(_("表决、末位表态、专家意见等本人事项不能%s。") % what)


def subject_of(task):
    return task.process.artifact if task.process.artifact_object_id else None


def may_see_subject(user, task) -> bool:
    entry = registered_flows().get(flow_code_of(task))
    subject = subject_of(task)
    if entry is None or entry.view_perm is None or subject is None or not user.is_active:
        return False
    return user.has_perm(entry.view_perm, subject)


def started_by(task):
    """Who started the task's process (the proposer, the requester), or None."""
    entry = registered_flows().get(flow_code_of(task))
    subject = subject_of(task)
    if entry is None or not entry.started_by or subject is None:
        return None
    return getattr(subject, entry.started_by, None)


def task_url(task) -> str:
    return f"/workbench/tasks/{task.pk}/"


def subject_url(task) -> str:
    entry = registered_flows().get(flow_code_of(task))
    subject = subject_of(task)
    return entry.url(subject) if entry and entry.url and subject is not None else task_url(task)


def notice_context(task, user, **extra) -> dict:
    return {"task": task, "title": task_title(task), "actor": user, **extra}


def people_by_username(names, *, field: str) -> list[User]:
    """Active users by username, in the given order; a 400 naming any that do not exist."""
    names = [n for n in dict.fromkeys(names or []) if n]
    found = {u.username: u for u in User.objects.filter(username__in=names, is_active=True).select_related("unit")}
    missing = [n for n in names if n not in found]
    if missing:
        raise ValidationError({field: _("找不到人员：%s。") % "、".join(missing)})
    return [found[n] for n in names]


def require_writer(user) -> None:
    if not user.is_authenticated or is_read_only(user):
        raise PermissionDenied(_("审计人员只读，不能办理。"))


def names(users) -> str:
    return "、".join(str(u) for u in users)
