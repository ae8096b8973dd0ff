"""议题申报, 修改重报 and 撤回: who may propose what, and the start of a decision's process."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from workflows.audit import audit_context
from workflows.exceptions import Conflict
from workflows.models import HospitalSettings, Unit, User
from workflows.org.permissions import require_perm
from workflows.records import record_save
from workflows.tasks import process_cancel, process_lock, process_start

from ..models import Decision, Opinion


def _check_proposal(*, user, category, department_unit):
    if not user.has_perm("decisions.propose", department_unit if isinstance(department_unit, Unit) else None):
        raise PermissionDenied("您无权为该科室申报议题。")
    if category == Decision.Category.CADRE_APPOINTMENT and not user.has_perm("decisions.propose_cadre_appointment"):
        raise PermissionDenied("重要干部任免议题只能由党委办公室或党委委员申报。")


def _check_branch_can_review(decision: Decision) -> None:
    if not decision.is_cadre_appointment() and decision.department_unit.secretary is None:
        raise ValidationError({"department_unit": ["该支部暂无支部书记，无法进行前置研究。"]})


def _set_requests(decision: Decision, *, needs_legal_review, needs_office_meeting) -> None:
    """What the proposer asked for and what the rules require (expert and legal review)."""
    if decision.is_cadre_appointment() and (needs_legal_review or needs_office_meeting):
        raise ValidationError({"needs_legal_review" if needs_legal_review else "needs_office_meeting":
                               ["干部任免议题不经合法性审查和院长办公会研究。"]})
    decision.needs_legal_review = bool(needs_legal_review)
    decision.needs_office_meeting = bool(needs_office_meeting)
    decision.expert_required = decision.compute_expert_required(HospitalSettings.current().large_fund_threshold)
    decision.legal_required = decision.compute_legal_required()


@transaction.atomic
def decision_submit(
    *, user: User, title: str, category: str, summary: str, department_unit: Unit,
    amount: Decimal | None = None, needs_expert_review: bool = False, needs_legal_review: bool = False,
    needs_office_meeting: bool = False, reconsider_of: Decision | None = None,
) -> Decision:
    """Create a 议题 and start its decision process (the `submit` step)."""
    _check_proposal(user=user, category=category, department_unit=department_unit)
    if reconsider_of is not None and reconsider_of.status not in Decision.DECIDED:
        raise ValidationError({"reconsider_of": ["只能对已表决的议题提请复议。"]})
    with audit_context(actor=user, reason="提请复议" if reconsider_of else "议题申报"):
        decision = Decision(
            title=title, category=category, summary=summary, department_unit=department_unit, amount=amount,
            needs_expert_review=bool(needs_expert_review), proposer=user, reconsider_of=reconsider_of,
        )
        _set_requests(decision, needs_legal_review=needs_legal_review, needs_office_meeting=needs_office_meeting)
        record_save(decision)
        _check_branch_can_review(decision)
        process_start(decision, user=user)
    decision.refresh_from_db()
    return decision


@transaction.atomic
def decision_revise(*, decision: Decision, user: User, title: str, category: str, summary: str,
                    department_unit: Unit, amount=None, needs_expert_review=False, needs_legal_review=False,
                    needs_office_meeting=False, reconsider_of=None) -> Decision:
    """The proposer edits and resubmits a returned item (the route starts over)."""
    if decision.proposer_id != user.pk:
        raise PermissionDenied
    _check_proposal(user=user, category=category, department_unit=department_unit)
    with audit_context(actor=user, reason="修改重报"):
        decision.title, decision.category, decision.summary = title, category, summary
        decision.department_unit, decision.amount = department_unit, amount
        decision.needs_expert_review = bool(needs_expert_review)
        _set_requests(decision, needs_legal_review=needs_legal_review, needs_office_meeting=needs_office_meeting)
        record_save(decision)
        _check_branch_can_review(decision)
        record_save(Opinion(decision=decision, step="revise", author=user, opinion="resubmit", comment="修改后重新申报"))
    return decision


@transaction.atomic
def decision_withdraw(*, decision: Decision, user: User, reason: str) -> Decision:
    """The proposer withdraws the item before the agenda review is done; the process is cancelled.

    WITHDRAWN is a terminal outcome set here: no flow node leads to it.
    """
    require_perm(user, "decisions.withdraw", decision)
    if not (reason or "").strip():
        raise ValidationError({"reason": ["请填写撤回理由。"]})
    with process_lock(decision):
        decision.refresh_from_db()
        if decision.status not in Decision.WITHDRAWABLE:
            raise Conflict("议题已审定列入议程或已办结，不能撤回。")
        with audit_context(actor=user, reason=f"撤回：{reason.strip()}"):
            process_cancel(decision)
            decision.status = Decision.Status.WITHDRAWN
            decision.withdraw_reason = reason.strip()[:300]
            record_save(decision)
    return decision
