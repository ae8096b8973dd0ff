"""会议纪要: the office drafts, the secretary approves (which releases passed items) or returns;
approved minutes are frozen and only corrected by linked records."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from workflows.audit import audit_context
from workflows.exceptions import Conflict
from workflows.models import HospitalSettings, User
from workflows.org.permissions import require_perm
from workflows.records import audited, record_save
from workflows.tasks import process_resume

from ..models import Decision, Meeting, Minutes, MinutesCorrection, VoteResult


@transaction.atomic
@audited("会议纪要起草")
def minutes_draft(*, meeting: Meeting, user: User, text: str) -> Minutes:
    if not text.strip():
        raise ValidationError({"text": ["请填写纪要正文。"]})
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is not None and minutes.frozen:
        raise Conflict("纪要已签发，不能修改；如需更正请提交更正记录。")
    if minutes is None:
        minutes = Minutes(meeting=meeting, drafted_by=user)
    minutes.text = text
    minutes.drafted_by = user
    minutes.status = Minutes.Status.DRAFT
    record_save(minutes)
    meeting.recorder = user
    record_save(meeting)
    return minutes


@transaction.atomic
def minutes_approve(*, meeting: Meeting, user: User, approve: bool, comment: str = "") -> Minutes:
    """The secretary approves (freezes) or returns the draft; approval releases passed and reported items."""
    minutes = Minutes.objects.select_for_update().get(meeting=meeting)
    if minutes.frozen:
        raise Conflict("纪要已签发。")
    if not approve and not comment.strip():
        raise ValidationError({"comment": ["退回时请填写修改意见。"]})
    with audit_context(actor=user, reason="纪要签发" if approve else "纪要退回修改"):
        if not approve:
            minutes.status = Minutes.Status.RETURNED
            minutes.return_comment = comment
            return record_save(minutes)
        minutes.status = Minutes.Status.APPROVED
        minutes.approved_by = user
        minutes.approved_at = timezone.now()
        minutes.frozen = True
        record_save(minutes)
        due_days = HospitalSettings.current().implementation_due_days
        released = (VoteResult.Outcome.PASSED, VoteResult.Outcome.REPORTED)
        for result in VoteResult.objects.filter(meeting=meeting, outcome__in=released):
            decision = Decision.objects.get(pk=result.decision_id)
            if decision.status != Decision.Status.MINUTES:
                continue
            decision.implementation_due = timezone.localdate() + timedelta(days=due_days)
            record_save(decision)
            process_resume(decision)
    return minutes


@transaction.atomic
def minutes_correct(*, minutes: Minutes, user: User, text: str, reason: str) -> MinutesCorrection:
    """A correction (更正) of approved minutes: a new record; the original stays."""
    require_perm(user, "decisions.correct_minutes", minutes)
    if not minutes.frozen:
        raise Conflict("纪要尚未签发，请直接修改草稿。")
    errors = {}
    if not (text or "").strip():
        errors["text"] = ["请填写更正内容。"]
    if not (reason or "").strip():
        errors["reason"] = ["请填写更正理由。"]
    if errors:
        raise ValidationError(errors)
    with audit_context(actor=user, reason=f"纪要更正：{reason.strip()}"):
        return record_save(MinutesCorrection(minutes=minutes, text=text, reason=reason.strip()[:300], author=user))
