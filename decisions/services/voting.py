"""Votes at the 党委会: each member once, the presiding secretary last, then the item settles."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from workflows.audit import audit_context
from workflows.exceptions import Conflict
from workflows.models import User
from workflows.records import audited, record_create_once, record_save
from workflows.tasks import process_lock, process_resume, waiting_task

from .. import selectors
from ..counting import tally
from ..models import AgendaItem, Decision, Vote, VoteResult

DUPLICATE_VOTE = "您已对该议题表决，不能重复表决。"


def _check_voting(decision: Decision) -> None:
    if decision.meeting is None or decision.status != Decision.Status.VOTING:
        raise Conflict("该议题当前不在表决阶段。")


@transaction.atomic
@audited("表决")
def vote_cast(*, decision: Decision, user: User, vote: str, comment: str = "") -> Vote:
    """A member's vote on an item (once; the database refuses a second one)."""
    _check_voting(decision)
    meeting = decision.meeting
    if user.pk in selectors.recused_ids(meeting, decision):
        raise PermissionDenied("您已回避本议题，不能表决。")
    if user.pk not in selectors.eligible_voter_ids(meeting, decision):
        raise PermissionDenied("您未出席本次会议，不能表决。")
    if vote not in (Vote.CADRE_CHOICES if decision.is_cadre_appointment() else Vote.ORDINARY_CHOICES):
        raise ValidationError({"vote": ["干部任免议题的表决意见须为同意、不同意或缓议。" if decision.is_cadre_appointment()
                                        else "表决意见须为同意、不同意或弃权。"]})
    return record_create_once(Vote(decision=decision, meeting=meeting, member=user, vote=vote, comment=comment),
                              duplicate_message=DUPLICATE_VOTE)


@transaction.atomic
def vote_cast_last(*, decision: Decision, user: User, vote: str = "", defer: bool = False,
                   comment: str = "") -> VoteResult:
    """The presiding secretary votes last (or defers); the item is tallied and settled."""
    _check_voting(decision)
    meeting = decision.meeting
    eligible = user.pk in selectors.eligible_voter_ids(meeting, decision)
    if defer and not comment.strip():
        raise ValidationError({"comment": ["暂缓表决时请说明理由（如分歧较大）。"]})
    if not defer and eligible and not vote:
        raise ValidationError({"vote": ["请选择表决意见，或选择暂缓表决。"]})
    if not defer and vote and not eligible:
        raise ValidationError({"vote": ["您已回避本议题或未出席，不能表决；请直接确认表决结果。"]})
    members = selectors.committee_members().count()
    present = len(selectors.present_member_ids(meeting))
    # Items of one meeting settle under the meeting's lock, so exactly one of them wakes the meeting up.
    with process_lock(meeting) as meeting_process, \
            audit_context(actor=user, reason="书记末位表态" + ("：暂缓表决" if defer else "")):
        if not defer and vote:
            record_create_once(Vote(decision=decision, meeting=meeting, member=user, vote=vote, comment=comment,
                                    is_secretary=True), duplicate_message=DUPLICATE_VOTE)
        counted = tally(list(Vote.objects.filter(decision=decision, meeting=meeting).values_list("vote", flat=True)),
                        members=members)
        if defer:
            outcome = VoteResult.Outcome.DEFERRED
        else:
            outcome = VoteResult.Outcome.PASSED if counted.passed else VoteResult.Outcome.REJECTED
        result = record_save(VoteResult(
            decision=decision, meeting=meeting, outcome=outcome, agree=counted.agree, disagree=counted.disagree,
            abstain=counted.abstain, members=members, present=present, comment=comment))
        item = AgendaItem.objects.get(meeting=meeting, decision=decision)
        item.outcome = outcome
        item.note = result.tally_text if not defer else f"暂缓表决：{comment.strip()}"
        record_save(item)
        if meeting.all_items_settled() and waiting_task(meeting_process) is not None:
            process_resume(meeting_process)
    return result
