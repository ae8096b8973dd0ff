"""委托: a person away names a delegate for a period; meanwhile the delegate sees and does their tasks
(never personal acts), each recorded as "由 B 代 A 办理". A delegation ends at its end date or when cancelled.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit import audit_context
from ..exceptions import Conflict
from ..models import User
from ..notifications import notify
from ..org.permissions import is_read_only
from ..records import record_save
from .common import require_writer
from .models import Delegation, StandIn


def active_on(day: date) -> Q:
    return Q(cancelled_at__isnull=True, starts__lte=day, ends__gte=day)


def _today() -> date:
    return timezone.localdate()


class _Delegations:
    """The stand-in source `workflows.tasks.standins` asks (registered in TaskActionsConfig.ready)."""

    def principals_of(self, user) -> list[User]:
        if not user.is_authenticated:
            return []
        return [d.principal for d in Delegation.objects.filter(active_on(_today()), delegate=user,
                                                                principal__is_active=True)
                .select_related("principal").order_by("pk")]

    def delegates_of(self, users) -> dict:
        ids = [u.pk for u in users if u is not None]
        if not ids:
            return {}
        rows = Delegation.objects.filter(active_on(_today()), principal_id__in=ids, delegate__is_active=True)
        return {d.principal_id: d.delegate for d in rows.select_related("delegate")}

    def record(self, *, task, delegate, principal) -> None:
        delegation = Delegation.objects.filter(active_on(_today()), principal=principal, delegate=delegate).first()
        if delegation is None:
            raise PermissionDenied
        stand_in = StandIn.objects.filter(task=task).first() or StandIn(task=task)
        stand_in.delegate, stand_in.principal, stand_in.delegation = delegate, principal, delegation
        record_save(stand_in, reason=f"由 {delegate} 代 {principal} 办理")

    def principal_of(self, task):
        stand_in = StandIn.objects.filter(task=task, delegate_id=task.owner_id).select_related("principal").first()
        return stand_in.principal if stand_in else None


DELEGATIONS = _Delegations()


@transaction.atomic
def delegation_create(*, user, delegate: User, starts: date, ends: date, reason: str) -> Delegation:
    """Name `delegate` for `starts`..`ends` (inclusive); 400 when it overlaps another of the user's."""
    require_writer(user)
    errors = {}
    if delegate.pk == user.pk:
        errors["delegate"] = _("不能委托给自己。")
    elif not delegate.is_active or is_read_only(delegate):
        errors["delegate"] = _("%s 不能受托办理。") % delegate
    if starts < _today():
        errors["starts"] = _("开始日期不能早于今天。")
    if ends < starts:
        errors["ends"] = _("结束日期不能早于开始日期。")
    if errors:
        raise ValidationError(errors)
    User.objects.select_for_update().filter(pk=user.pk).first()  # one delegation written per person at a time
    clash = (Delegation.objects.filter(principal=user, cancelled_at__isnull=True, starts__lte=ends, ends__gte=starts)
             .select_related("delegate").first())
    if clash is not None:
        raise ValidationError(_("与已有委托（%(who)s，%(starts)s 至 %(ends)s）时间重叠。") % {
            "who": clash.delegate, "starts": f"{clash.starts:%Y-%m-%d}", "ends": f"{clash.ends:%Y-%m-%d}"})
    with audit_context(actor=user, reason=f"委托：{Delegation.Reason(reason).label}"):
        delegation = record_save(Delegation(principal=user, delegate=delegate, starts=starts, ends=ends, reason=reason))
        notify(recipients=[delegate], kind="delegation_named", context={"delegation": delegation},
               url="/workbench/delegations/")
    return delegation


@transaction.atomic
def delegation_cancel(*, delegation: Delegation, user) -> Delegation:
    """End a delegation now (the principal only; 404 for anyone else)."""
    if delegation.principal_id != user.pk:
        raise Http404
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if delegation.cancelled_at is not None or delegation.ends < _today():
        raise Conflict(_("该委托已结束。"))
    delegation.cancelled_at = timezone.now()
    with audit_context(actor=user, reason="撤销委托"):
        record_save(delegation)
        notify(recipients=[delegation.delegate], kind="delegation_cancelled", context={"delegation": delegation},
               url="/workbench/delegations/")
    return delegation


def delegations_of(user):
    """Delegations the user gave or received, newest first."""
    return (Delegation.objects.filter(Q(principal=user) | Q(delegate=user))
            .select_related("principal", "delegate").order_by("-starts", "-pk"))


def delegation_state(delegation: Delegation, today: date | None = None) -> str:
    today = today or _today()
    if delegation.cancelled_at is not None:
        return _("已撤销")
    if delegation.ends < today:
        return _("已结束")
    return _("生效中") if delegation.starts <= today else _("未开始")
