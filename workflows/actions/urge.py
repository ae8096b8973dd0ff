"""催办: office staff or the starter urge whoever holds an open task, at most once per task per 24 hours."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit import audit_context
from ..exceptions import Conflict
from ..notifications import notify
from ..notifications.reminders import task_recipients
from ..org.permissions import is_read_only
from ..records import record_save
from ..tasks import open_tasks
from ..tasks.selectors import may_act_on
from .common import TooSoon, notice_context, require_open, require_writer, started_by, task_url
from .models import Urge

URGE_INTERVAL = timedelta(hours=24)


def may_urge(user, task) -> bool:
    """Office staff or the starter, unless they hold (or may take) the task themselves."""
    if not user.is_authenticated or is_read_only(user) or task.flow_task_type != "HUMAN":
        return False
    if may_act_on(user, task):
        return False
    starter = started_by(task)
    return user.has_perm("workflows.run_office") or (starter is not None and starter.pk == user.pk)


def last_urge(task):
    return Urge.objects.filter(task=task).order_by("-at", "-pk").first()


def next_urge_at(task, now=None):
    """When the task may be urged again (None: now)."""
    now = now or timezone.now()
    last = last_urge(task)
    return last.at + URGE_INTERVAL if last is not None and last.at + URGE_INTERVAL > now else None


def _urge(task, user, message, now) -> Urge | None:
    """Urge one locked, open task; None when urged within the last 24 hours."""
    if next_urge_at(task, now) is not None:
        return None
    recipients = [u for u in task_recipients(task) if u.pk != user.pk]
    urge = record_save(Urge(task=task, by=user, message=message, recipients=[u.username for u in recipients], at=now))
    notify(recipients=recipients, kind="task_urged", context=notice_context(task, user, message=message),
           url=task_url(task))
    return urge


def _check(user, task, message) -> str:
    require_writer(user)
    if not may_urge(user, task):
        raise PermissionDenied(_("只有党委办公室或发起人可以催办。"))
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("请填写催办内容。")})
    return message


def _too_soon(task, now) -> TooSoon:
    again = timezone.localtime(next_urge_at(task, now))
    return TooSoon(_("该任务24小时内已催办过，请于 %s 后再催办。") % f"{again:%m-%d %H:%M}")


@transaction.atomic
def task_urge(*, task, user, message: str, now=None) -> Urge:
    """Urge the holder of `task` (for a pool task, everyone who may claim it); 429 within 24 h of the last."""
    now = now or timezone.now()
    with task.flow_task.flow_class.lock(task.process_id):
        task.refresh_from_db()
        require_open(task)
        message = _check(user, task, message)
        with audit_context(actor=user, reason=f"催办：{message}"):
            urge = _urge(task, user, message, now)
        if urge is None:
            raise _too_soon(task, now)
    return urge


@transaction.atomic
def process_urge(*, process, user, message: str, now=None) -> list[Urge]:
    """Urge every open human task of a process (e.g. each member yet to vote); skips those urged within 24 h."""
    now = now or timezone.now()
    with process.flow_class.lock(process.pk):
        tasks = list(open_tasks(process).filter(flow_task_type="HUMAN").select_related("process", "owner")
                     .order_by("pk"))
        if not tasks:
            raise Conflict(_("该事项当前没有待办理的步骤。"))
        message = _check(user, tasks[0], message)
        with audit_context(actor=user, reason=f"催办：{message}"):
            urges = [u for u in (_urge(t, user, message, now) for t in tasks) if u is not None]
        if not urges:
            raise _too_soon(tasks[0], now)
    return urges
