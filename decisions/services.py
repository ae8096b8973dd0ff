"""Writes of the decisions app: every rule of the 三重一大 route and the 党委会 is enforced here."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from workflows.audit import audit_context
from workflows.exceptions import Conflict
from workflows.models import HospitalSettings, Unit, User
from workflows.notifications import notify
from workflows.permissions import can, require

from . import selectors
from .models import (
    AgendaItem,
    Attendance,
    Decision,
    ImplementationReport,
    Meeting,
    Minutes,
    MinutesCorrection,
    Opinion,
    Recusal,
    Vote,
    VoteResult,
)

# Which decision status each human step puts the item in.
STEP_STATUS = {
    "branch_review": Decision.Status.BRANCH_REVIEW,
    "organization_review": Decision.Status.ORGANIZATION_REVIEW,
    "revise": Decision.Status.REVISE,
    "expert_review": Decision.Status.EXPERT_REVIEW,
    "risk_assessment": Decision.Status.RISK_ASSESSMENT,
    "communicate": Decision.Status.COMMUNICATE,
    "agenda_review": Decision.Status.AGENDA_REVIEW,
}


def _save(obj):
    obj.full_clean()
    obj.save()
    return obj


def _set_status(decision: Decision, status: str) -> Decision:
    if decision.status != status:
        decision.status = status
        _save(decision)
    return decision


def _run_handle(node, process, **kwargs):
    """Trigger a waiting Handle node of another process (under that process's lock)."""
    task = selectors.open_tasks(process, node.name).order_by("pk").first()
    if task is None:
        raise Conflict("流程当前不在等待该步骤，无法继续。")
    return node.run(task, **kwargs)


# --- decisions: submit, revise, withdraw ---------------------------------------------------


def _check_proposal(*, user, category, department_unit, amount):
    if not can(user, "decisions.propose", department_unit if isinstance(department_unit, Unit) else None):
        raise PermissionDenied("您无权为该科室申报议题。")
    if category == Decision.Category.CADRE_APPOINTMENT and not can(user, "decisions.propose_cadre_appointment"):
        raise PermissionDenied("重要干部任免议题只能由党委办公室或党委委员申报。")


@transaction.atomic
def decision_submit(
    *, user: User, title: str, category: str, summary: str, department_unit: Unit,
    amount: Decimal | None = None, needs_expert_review: bool = False, reconsider_of: Decision | None = None,
) -> Decision:
    """Create a 议题 and start its decision process (the `submit` step)."""
    from .flows import DecisionFlow

    _check_proposal(user=user, category=category, department_unit=department_unit, amount=amount)
    if reconsider_of is not None and reconsider_of.status not in Decision.DECIDED:
        raise ValidationError({"reconsider_of": ["只能对已表决的议题提请复议。"]})
    with audit_context(actor=user, reason="提请复议" if reconsider_of else "议题申报"):
        decision = Decision(
            title=title, category=category, summary=summary, department_unit=department_unit, amount=amount,
            needs_expert_review=bool(needs_expert_review), proposer=user, reconsider_of=reconsider_of,
        )
        decision.expert_required = decision.compute_expert_required(HospitalSettings.current().large_fund_threshold)
        _save(decision)
        if not decision.is_cadre_appointment() and decision.department_unit.secretary is None:
            raise ValidationError({"department_unit": ["该支部暂无支部书记，无法进行前置研究。"]})
        DecisionFlow.submit.run(decision=decision)
    decision.refresh_from_db()
    return decision


@transaction.atomic
def decision_revise(*, decision: Decision, user: User, title: str, category: str, summary: str,
                    department_unit: Unit, amount=None, needs_expert_review=False, reconsider_of=None) -> Decision:
    """The proposer edits and resubmits a returned item (the route starts over)."""
    if decision.proposer_id != user.pk:
        raise PermissionDenied
    _check_proposal(user=user, category=category, department_unit=department_unit, amount=amount)
    with audit_context(actor=user, reason="修改重报"):
        decision.title, decision.category, decision.summary = title, category, summary
        decision.department_unit, decision.amount = department_unit, amount
        decision.needs_expert_review = bool(needs_expert_review)
        decision.expert_required = decision.compute_expert_required(HospitalSettings.current().large_fund_threshold)
        decision.status = Decision.Status.SUBMITTED
        _save(decision)
        if not decision.is_cadre_appointment() and decision.department_unit.secretary is None:
            raise ValidationError({"department_unit": ["该支部暂无支部书记，无法进行前置研究。"]})
        _save(Opinion(decision=decision, step="revise", author=user, opinion="resubmit", comment="修改后重新申报"))
    return decision


@transaction.atomic
def decision_withdraw(*, decision: Decision, user: User, reason: str) -> Decision:
    """The proposer withdraws the item before the agenda review is done; the process is cancelled."""
    from .flows import DecisionFlow

    require(user, "decisions.withdraw", decision)
    if not (reason or "").strip():
        raise ValidationError({"reason": ["请填写撤回理由。"]})
    process = selectors.process_of(decision)
    with DecisionFlow.lock(process.pk):
        decision.refresh_from_db()
        if decision.status not in Decision.WITHDRAWABLE:
            raise Conflict("议题已审定列入议程或已办结，不能撤回。")
        with audit_context(actor=user, reason=f"撤回：{reason.strip()}"):
            DecisionFlow.instance.cancel(process)
            decision.status = Decision.Status.WITHDRAWN
            decision.withdraw_reason = reason.strip()[:300]
            _save(decision)
    return decision


def decision_enter_step(*, decision: Decision, step: str) -> None:
    """Mirror the step just opened in the decision status (called by the flow)."""
    status = STEP_STATUS.get(step)
    if status is None:
        return
    fresh = Decision.objects.get(pk=decision.pk)
    _set_status(fresh, status)
    decision.status = status


# --- review steps ------------------------------------------------------------------------


def _notify_returned(decision, opinion):
    notify(recipients=[decision.proposer], kind="decision_returned",
           context={"decision": decision, "opinion": opinion}, url=f"/decisions/{decision.pk}/")


@transaction.atomic
def decision_review(*, decision: Decision, user: User, step: str, opinion: str, comment: str = "",
                    discipline_opinion: str = "", task_id=None) -> Opinion:
    """Branch pre-review or organization review: approve, or return with a reason."""
    if opinion == "return" and not comment.strip():
        raise ValidationError({"comment": ["退回时请填写理由。"]})
    if step == "organization_review" and not discipline_opinion.strip():
        raise ValidationError({"discipline_opinion": ["请填写纪检部门党风廉政意见。"]})
    with audit_context(actor=user, reason=f"{dict(Opinion.Step.choices)[step]}：{'同意' if opinion == 'approve' else '退回'}"):
        record = _save(Opinion(decision=decision, step=step, author=user, opinion=opinion, comment=comment,
                               discipline_opinion=discipline_opinion, task_id=task_id))
    if record.sends_back():
        _notify_returned(decision, record)
    return record


@transaction.atomic
def decision_expert_opinion(*, decision: Decision, user: User, opinion: str, comment: str, task_id=None) -> Opinion:
    if not comment.strip():
        raise ValidationError({"comment": ["请填写书面论证意见。"]})
    with audit_context(actor=user, reason="专家论证意见"):
        return _save(Opinion(decision=decision, step="expert_review", author=user, opinion=opinion,
                             comment=comment, task_id=task_id))


@transaction.atomic
def expert_review_close(*, decision: Decision, user: User) -> list[Opinion]:
    """After the deadline the office closes the expert review, recording who did not answer."""
    from workflows.tasks import task_due

    from .flows import DecisionFlow

    require(user, "workflows.run_office")
    process = selectors.process_of(decision)
    with DecisionFlow.lock(process.pk):
        decision.refresh_from_db()
        pending = list(selectors.open_tasks(process, "expert_review").select_related("owner").order_by("pk"))
        if decision.status != Decision.Status.EXPERT_REVIEW or not pending:
            raise Conflict("该议题当前不在专家论证阶段。")
        now = timezone.now()
        if any((task_due(task) or now) > now for task in pending):
            raise Conflict("专家论证期限未到，不能关闭。")
        records = []
        with audit_context(actor=user, reason="专家论证逾期，党办关闭"):
            for task in pending:
                expert = task.owner
                records.append(_save(Opinion(
                    decision=decision, step="expert_review", author=user, opinion="no_answer", task_id=task.pk,
                    comment=f"{expert.name or expert.username} 逾期未提交论证意见，由党委办公室关闭。")))
                activation = task.flow_task.activation_class(task)
                activation.start(None)
                activation.execute()
    return records


@transaction.atomic
def decision_risk_assessment(*, decision: Decision, user: User, level: str, notes: str, task_id=None) -> Opinion:
    if level not in Opinion.Level.values:
        raise ValidationError({"level": ["风险等级须为低、中或高。"]})
    with audit_context(actor=user, reason="风险评估（含意识形态风险）"):
        return _save(Opinion(decision=decision, step="risk_assessment", author=user, level=level, comment=notes,
                             task_id=task_id))


@transaction.atomic
def decision_communicate(*, decision: Decision, user: User, consensus: bool, notes: str, task_id=None) -> Opinion:
    if consensus is None:
        raise ValidationError({"consensus": ["请选择书记与院长是否达成一致。"]})
    if not consensus and not notes.strip():
        raise ValidationError({"notes": ["未达成一致时请说明分歧。"]})
    with audit_context(actor=user, reason="书记院长会前沟通" + ("：达成一致" if consensus else "：未达成一致")):
        record = _save(Opinion(decision=decision, step="communicate", author=user, consensus=consensus,
                               opinion="agree" if consensus else "disagree", comment=notes, task_id=task_id))
    if record.sends_back():
        _notify_returned(decision, record)
    return record


@transaction.atomic
def decision_agenda_review(*, decision: Decision, user: User, accept: bool, comment: str = "",
                           task_id=None) -> Opinion:
    if not accept and not comment.strip():
        raise ValidationError({"comment": ["退回时请填写理由。"]})
    with audit_context(actor=user, reason="议题审定" + ("：列入议程" if accept else "：退回")):
        record = _save(Opinion(decision=decision, step="agenda_review", author=user,
                               opinion="accept" if accept else "return", comment=comment, task_id=task_id))
        if accept:
            _set_status(decision, Decision.Status.AWAITING_MEETING)
    if record.sends_back():
        _notify_returned(decision, record)
    return record


# --- meetings ----------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(*, user: User, title: str, scheduled_at, place: str, agenda: list[int],
                     urgent: bool = False, urgent_reason: str = "", now=None) -> Meeting:
    """Schedule a 党委会 with its agenda and send the notice to every committee member.

    `now` (default: the current time) lets the demo data record a meeting held in the past.
    """
    from .flows import MeetingFlow

    require(user, "decisions.schedule_meeting")
    settings = HospitalSettings.current()
    now = now or timezone.now()
    if scheduled_at <= now:
        raise ValidationError({"scheduled_at": ["会议时间须晚于当前时间。"]})
    if urgent and not (urgent_reason or "").strip():
        raise ValidationError({"urgent_reason": ["紧急会议须说明紧急理由。"]})
    if not urgent and scheduled_at - now < timedelta(days=settings.meeting_notice_days):
        raise ValidationError({"scheduled_at": [
            f"会议通知须至少提前{settings.meeting_notice_days}天发出；确需紧急召开请选择紧急会议并说明理由。"]})
    ids = list(dict.fromkeys(agenda or []))
    if not ids:
        raise ValidationError({"agenda": ["请至少选择一个议题。"]})
    decisions = {d.pk: d for d in Decision.objects.select_for_update().filter(pk__in=ids)}
    problems = []
    for pk in ids:
        decision = decisions.get(pk)
        if decision is None or decision.status != Decision.Status.AWAITING_MEETING:
            problems.append(f"议题 {pk} 不处于待上会状态。")
        elif AgendaItem.objects.filter(decision=decision, outcome__in=AgendaItem.OPEN_OUTCOMES).exists():
            problems.append(f"议题“{decision.title}”已列入另一次会议议程。")
    if problems:
        raise ValidationError({"agenda": problems})
    if not selectors.committee_members().exists():
        raise ValidationError({"non_field_errors": ["党委委员名单为空，无法召开党委会。"]})
    with audit_context(actor=user, reason="会议通知" + ("（紧急会议）" if urgent else "")):
        number = Meeting.objects.filter(scheduled_at__year=scheduled_at.year).count() + 1
        meeting = _save(Meeting(
            title=title, scheduled_at=scheduled_at, place=place, urgent=bool(urgent),
            urgent_reason=(urgent_reason or "").strip() if urgent else "", number=number, created_by=user,
            notified_at=now,
            recorder=user, presider=selectors.party_secretary(),
        ))
        for order, pk in enumerate(ids, 1):
            _save(AgendaItem(meeting=meeting, decision=decisions[pk], order=order))
        MeetingFlow.schedule.run(meeting=meeting)
        notify(recipients=list(selectors.committee_members()), kind="meeting_notice",
               context={"meeting": meeting, "items": [decisions[pk] for pk in ids]}, url=f"/decisions/meetings/{meeting.pk}/")
    return meeting


def has_quorum(decision: Decision, eligible: int, members: int) -> bool:
    """More than half of all members present and not recused; at least two thirds for cadre appointments."""
    if members == 0:
        return False
    if decision.is_cadre_appointment():
        return eligible * 3 >= members * 2
    return eligible * 2 > members


def _pick_presider(present: list[User]):
    from workflows.permissions import has_role
    from workflows.roles import Role

    for role in (Role.PARTY_SECRETARY, Role.PRESIDENT):
        for user in present:
            if has_role(user, role):
                return user
    return present[0] if present else None


@transaction.atomic
def meeting_attendance(*, meeting: Meeting, user: User, present: list[str], absent: dict, recusals: dict) -> Meeting:
    """Record who is present, absent and recused; open the vote on every item with quorum."""
    from .flows import DecisionFlow

    if timezone.now() < meeting.scheduled_at:
        raise Conflict(f"会议尚未开始（{timezone.localtime(meeting.scheduled_at):%Y-%m-%d %H:%M}），不能登记出席。")
    members = {u.username: u for u in selectors.committee_members()}
    errors = {}
    unknown = [name for name in [*present, *absent] if name not in members]
    if unknown:
        errors["present"] = [f"不是党委委员：{'、'.join(unknown)}"]
    both = set(present) & set(absent)
    if both:
        errors.setdefault("absent", []).append(f"不能同时登记为出席和缺席：{'、'.join(sorted(both))}")
    missing_reason = [name for name, reason in absent.items() if not str(reason or "").strip()]
    if missing_reason:
        errors.setdefault("absent", []).append(f"请填写缺席理由：{'、'.join(missing_reason)}")
    items = {str(item.decision_id): item for item in meeting.items.select_related("decision")}
    for decision_id, entries in recusals.items():
        if str(decision_id) not in items:
            errors.setdefault("recusals", []).append(f"议题 {decision_id} 不在本次会议议程中。")
            continue
        if not isinstance(entries, dict):
            errors.setdefault("recusals", []).append("回避格式应为 {议题编号: {用户名: 理由}}。")
            continue
        for name, reason in entries.items():
            if name not in members:
                errors.setdefault("recusals", []).append(f"不是党委委员：{name}")
            elif not str(reason or "").strip():
                errors.setdefault("recusals", []).append(f"请填写回避理由：{name}")
    if errors:
        raise ValidationError(errors)
    present_users = [members[name] for name in dict.fromkeys(present)]
    with audit_context(actor=user, reason="出席登记"):
        for name, member in members.items():
            is_present = name in present
            reason = "" if is_present else str(absent.get(name) or "未说明缺席理由").strip()[:300]
            _save(Attendance(meeting=meeting, member=member, present=is_present, reason=reason))
        for decision_id, entries in recusals.items():
            for name, reason in entries.items():
                _save(Recusal(meeting=meeting, decision=items[str(decision_id)].decision, member=members[name],
                              reason=str(reason).strip()[:300]))
        meeting.presider = _pick_presider(present_users)
        meeting.status = Meeting.Status.IN_SESSION
        _save(meeting)
        total = len(members)
        for item in meeting.agenda_items():
            decision = item.decision
            eligible = len(selectors.eligible_voter_ids(meeting, decision))
            if not has_quorum(decision, eligible, total):
                need = "三分之二" if decision.is_cadre_appointment() else "半数以上"
                item.outcome = AgendaItem.Outcome.NO_QUORUM
                item.note = f"出席且无需回避的委员{eligible}人，未达到全体委员{total}人的{need}，本议题不能表决，退回待上会。"
                _save(item)
                continue
            item.outcome = AgendaItem.Outcome.VOTING
            _save(item)
            decision.meeting = meeting
            decision.status = Decision.Status.VOTING
            _save(decision)
            _run_handle(DecisionFlow.awaiting_meeting, selectors.process_of(decision), meeting=meeting)
    return meeting


# --- votes -------------------------------------------------------------------------------


def _check_voter(decision, user, meeting):
    if user.pk in selectors.recused_ids(meeting, decision):
        raise PermissionDenied("您已回避本议题，不能表决。")
    if user.pk not in selectors.eligible_voter_ids(meeting, decision):
        raise PermissionDenied("您未出席本次会议，不能表决。")


@transaction.atomic
def vote_cast(*, decision: Decision, user: User, vote: str, comment: str = "") -> Vote:
    """A member's vote on an item (once; the database refuses a second one)."""
    meeting = decision.meeting
    if meeting is None or decision.status != Decision.Status.VOTING:
        raise Conflict("该议题当前不在表决阶段。")
    _check_voter(decision, user, meeting)
    try:
        with transaction.atomic(), audit_context(actor=user, reason="表决"):
            return _save(Vote(decision=decision, meeting=meeting, member=user, vote=vote, comment=comment))
    except (IntegrityError, ValidationError) as error:
        if Vote.objects.filter(decision=decision, meeting=meeting, member=user).exists():
            raise Conflict("您已对该议题表决，不能重复表决。") from None
        raise error


@transaction.atomic
def secretary_vote(*, decision: Decision, user: User, vote: str = "", defer: bool = False,
                   comment: str = "") -> VoteResult:
    """The presiding secretary votes last (or defers); the item is tallied and settled."""
    from .flows import MeetingFlow

    meeting = decision.meeting
    if meeting is None or decision.status != Decision.Status.VOTING:
        raise Conflict("该议题当前不在表决阶段。")
    eligible = user.pk in selectors.eligible_voter_ids(meeting, decision)
    if defer and not comment.strip():
        raise ValidationError({"comment": ["暂缓表决时请说明理由（如分歧较大）。"]})
    if not defer and eligible and not vote:
        raise ValidationError({"vote": ["请选择表决意见，或选择暂缓表决。"]})
    if not defer and vote and not eligible:
        raise ValidationError({"vote": ["您已回避本议题或未出席，不能表决；请直接确认表决结果。"]})
    members = selectors.committee_members().count()
    present = len(selectors.present_member_ids(meeting))
    meeting_process = selectors.process_of(meeting)
    # Items of one meeting settle under the meeting's lock, so exactly one of them wakes the meeting up.
    with MeetingFlow.lock(meeting_process.pk), \
            audit_context(actor=user, reason="书记末位表态" + ("：暂缓表决" if defer else "")):
        if not defer and vote:
            try:
                with transaction.atomic():
                    _save(Vote(decision=decision, meeting=meeting, member=user, vote=vote, comment=comment,
                               is_secretary=True))
            except (IntegrityError, ValidationError):
                raise Conflict("您已对该议题表决，不能重复表决。") from None
        votes = list(Vote.objects.filter(decision=decision, meeting=meeting).values_list("vote", flat=True))
        agree, disagree, abstain = (votes.count(v) for v in ("agree", "disagree", "abstain"))
        if defer:
            outcome = VoteResult.Outcome.DEFERRED
        else:
            outcome = VoteResult.Outcome.PASSED if agree * 2 > members else VoteResult.Outcome.REJECTED
        result = _save(VoteResult(decision=decision, meeting=meeting, outcome=outcome, agree=agree,
                                  disagree=disagree, abstain=abstain, members=members, present=present,
                                  comment=comment))
        item = AgendaItem.objects.get(meeting=meeting, decision=decision)
        item.outcome = outcome
        item.note = result.tally_text if not defer else f"暂缓表决：{comment.strip()}"
        _save(item)
        _set_status(decision, {
            VoteResult.Outcome.DEFERRED: Decision.Status.AWAITING_MEETING,
            VoteResult.Outcome.PASSED: Decision.Status.MINUTES,
            VoteResult.Outcome.REJECTED: Decision.Status.REJECTED,
        }[outcome])
        if meeting.all_items_settled() and selectors.open_tasks(meeting_process, "voting").exists():
            _run_handle(MeetingFlow.voting, meeting_process)
    return result


# --- minutes -----------------------------------------------------------------------------


@transaction.atomic
def minutes_draft(*, meeting: Meeting, user: User, text: str) -> Minutes:
    if not text.strip():
        raise ValidationError({"text": ["请填写纪要正文。"]})
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is not None and minutes.frozen:
        raise Conflict("纪要已签发，不能修改；如需更正请提交更正记录。")
    with audit_context(actor=user, reason="会议纪要起草"):
        if minutes is None:
            minutes = Minutes(meeting=meeting, drafted_by=user)
        minutes.text = text
        minutes.drafted_by = user
        minutes.status = Minutes.Status.DRAFT
        _save(minutes)
        meeting.status = Meeting.Status.MINUTES
        meeting.recorder = user
        _save(meeting)
    return minutes


@transaction.atomic
def minutes_approve(*, meeting: Meeting, user: User, approve: bool, comment: str = "") -> Minutes:
    """The secretary approves (freezes) or returns the draft; approval releases passed items."""
    from .flows import DecisionFlow

    minutes = Minutes.objects.select_for_update().get(meeting=meeting)
    if minutes.frozen:
        raise Conflict("纪要已签发。")
    if not approve and not comment.strip():
        raise ValidationError({"comment": ["退回时请填写修改意见。"]})
    with audit_context(actor=user, reason="纪要签发" if approve else "纪要退回修改"):
        if not approve:
            minutes.status = Minutes.Status.RETURNED
            minutes.return_comment = comment
            return _save(minutes)
        minutes.status = Minutes.Status.APPROVED
        minutes.approved_by = user
        minutes.approved_at = timezone.now()
        minutes.frozen = True
        _save(minutes)
        meeting.status = Meeting.Status.CLOSED
        _save(meeting)
        due_days = HospitalSettings.current().implementation_due_days
        for result in VoteResult.objects.filter(meeting=meeting, outcome=VoteResult.Outcome.PASSED):
            decision = Decision.objects.get(pk=result.decision_id)
            if decision.status != Decision.Status.MINUTES:
                continue
            decision.status = Decision.Status.IMPLEMENTING
            decision.implementation_due = timezone.localdate() + timedelta(days=due_days)
            _save(decision)
            _run_handle(DecisionFlow.await_minutes, selectors.process_of(decision))
    return minutes


@transaction.atomic
def minutes_correct(*, minutes: Minutes, user: User, text: str, reason: str) -> MinutesCorrection:
    """A correction (更正) of approved minutes: a new record; the original stays."""
    require(user, "decisions.correct_minutes", minutes)
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
        return _save(MinutesCorrection(minutes=minutes, text=text, reason=reason.strip()[:300], author=user))


# --- implementation ----------------------------------------------------------------------


@transaction.atomic
def implementation_report(*, decision: Decision, user: User, report: str, done: bool) -> ImplementationReport:
    if decision.status != Decision.Status.IMPLEMENTING:
        raise Conflict("该议题当前不在执行阶段。")
    if not report.strip():
        raise ValidationError({"report": ["请填写执行情况。"]})
    with audit_context(actor=user, reason="执行完毕，归档" if done else "执行进展报告"):
        record = _save(ImplementationReport(decision=decision, report=report, done=bool(done), author=user))
        if done:
            _set_status(decision, Decision.Status.CLOSED)
    return record
