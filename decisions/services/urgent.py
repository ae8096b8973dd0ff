"""事后报告: an urgent matter the secretary and the president decided outside a meeting.

Office staff record it; the secretary and the president each confirm it (two parallel
`urgent_confirm` tasks); a confirmed matter waits for the next 党委会, which hears it as a
report item without a vote, and goes to implementation when that meeting's minutes are approved.
If either does not confirm, the matter is closed as 未予确认 (the office may record it again).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from workflows.audit import audit_context
from workflows.models import Unit, User
from workflows.notifications import notify
from workflows.org.permissions import require_perm
from workflows.records import record_save
from workflows.tasks import process_start

from .. import selectors
from ..models import Decision, Opinion


@transaction.atomic
def decision_urgent_report(*, user: User, title: str, category: str, summary: str, department_unit: Unit,
                           reason: str, decided_on, amount: Decimal | None = None) -> Decision:
    """Office staff record an urgent matter; it goes to the secretary and the president to confirm."""
    require_perm(user, "workflows.run_office")
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = ["请说明不能等待党委会的原因。"]
    if decided_on is None or decided_on > timezone.localdate():
        errors["decided_on"] = ["决定日期不能晚于今天。"]
    if len(selectors.urgent_confirmer_ids()) < 2:
        errors["non_field_errors"] = ["须有党委书记和院长各一人确认，目前人员不全。"]
    if errors:
        raise ValidationError(errors)
    with audit_context(actor=user, reason="事后报告登记"):
        decision = record_save(Decision(
            title=title, category=category, summary=summary, department_unit=department_unit, amount=amount,
            proposer=user, urgent=True, urgent_reason=reason.strip(), decided_on=decided_on,
        ))
        process_start(decision, user=user)
    decision.refresh_from_db()
    return decision


@transaction.atomic
def decision_urgent_confirm(*, decision: Decision, user: User, agree: bool, comment: str = "",
                            task=None) -> Opinion:
    """The secretary or the president confirms (or does not confirm) the urgent matter."""
    if agree is None:
        raise ValidationError({"agree": ["请选择确认或不予确认。"]})
    if not agree and not comment.strip():
        raise ValidationError({"comment": ["不予确认时请说明理由。"]})
    with audit_context(actor=user, reason="事后报告确认" + ("：确认" if agree else "：不予确认")):
        record = record_save(Opinion(decision=decision, step="urgent_confirm", author=user,
                                     opinion="agree" if agree else "disagree", comment=comment,
                                     task_id=task.pk if task else None))
    if not agree:
        notify(recipients=[decision.proposer], kind="urgent_not_confirmed",
               context={"decision": decision, "opinion": record}, url=f"/decisions/{decision.pk}/")
    return record
