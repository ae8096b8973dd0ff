"""抄送: whoever acts on a step copies the subject, with a note, to people who may already see it (抄送我的)."""

from __future__ import annotations

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ..audit import audit_context
from ..models import User
from ..notifications import notify
from ..records import record_save
from ..tasks import OPEN_STATUSES, registered_flows
from ..tasks.selectors import may_act_on
from .common import may_see_subject, names, notice_context, require_writer, subject_url
from .models import CarbonCopy


def may_copy(user, task) -> bool:
    """The holder of the open step, or whoever did it."""
    if task.status in OPEN_STATUSES:
        return may_act_on(user, task)
    return task.owner_id == user.pk


@transaction.atomic
def task_cc(*, task, user, to: list[User], note: str = "") -> list[CarbonCopy]:
    """Copy the subject of `task` to `to`; 400 for anyone who may not see it or was copied already."""
    require_writer(user)
    if not may_copy(user, task):
        raise PermissionDenied(_("只有办理该步骤的人可以抄送。"))
    if not to:
        raise ValidationError({"to": _("请选择抄送对象。")})
    blind = [p for p in to if p.pk == user.pk or not may_see_subject(p, task)]
    if blind:
        raise ValidationError({"to": _("%s 无权查看该事项，不能抄送。") % names(blind)})
    copied = set(CarbonCopy.objects.filter(task=task, to__in=to).values_list("to_id", flat=True))
    if copied:
        raise ValidationError({"to": _("已抄送过：%s。") % names(p for p in to if p.pk in copied)})
    note = (note or "").strip()
    with audit_context(actor=user, reason=f"抄送：{names(to)}"):
        copies = [record_save(CarbonCopy(task=task, by=user, to=person, note=note)) for person in to]
        notify(recipients=to, kind="task_cc", context=notice_context(task, user, note=note), url=subject_url(task))
    return copies


def copies_for(user, *, flow: str | None = None, text: str | None = None):
    """What was copied to the user, newest first, each with its task and subject prefetched."""
    copies = CarbonCopy.objects.filter(to=user)
    if flow:
        entry = registered_flows().get(flow)
        copies = copies.filter(task__process__flow_class=entry.flow_class) if entry else copies.none()
    if text:
        query = Q(pk__in=[])
        for entry in registered_flows().values():
            if entry.search:
                match = Q()
                for name in entry.search:
                    match |= Q(**{f"{name}__icontains": text})
                query |= Q(task__process__flow_class=entry.flow_class,
                           task__process__artifact_object_id__in=entry.model._default_manager.filter(match).values("pk"))
        copies = copies.filter(query)
    subjects = [e.model._default_manager.select_related(*e.select_related) for e in registered_flows().values()]
    return (copies.select_related("by", "to", "task", "task__process")
            .prefetch_related(GenericPrefetch("task__process__artifact", subjects))
            .order_by("-at", "-pk"))


