"""党委会: the notice with its agenda (and changes to it), 请假, and attendance, which opens the vote on each item."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from workflows.audit import audit_context
from workflows.exceptions import Conflict
from workflows.materials.selectors import attachment_links
from workflows.models import HospitalSettings, User
from workflows.notifications import notify
from workflows.org.permissions import has_role, require_perm
from workflows.org.roles import Role
from workflows.records import audited, record_save
from workflows.tasks import process_resume, process_start

from .. import selectors
from ..counting import has_quorum, quorum_shortfall_note
from ..models import AgendaItem, Attendance, Decision, Meeting, Recusal, VoteResult
from ..models.meeting import LeaveRequest


def _schedule_errors(*, scheduled_at, urgent, urgent_reason, now) -> dict:
    errors = {}
    notice_days = HospitalSettings.current().meeting_notice_days
    if scheduled_at <= now:
        errors["scheduled_at"] = ["会议时间须晚于当前时间。"]
    elif not urgent and scheduled_at - now < timedelta(days=notice_days):
        errors["scheduled_at"] = [f"会议通知须至少提前{notice_days}天发出；确需紧急召开请选择紧急会议并说明理由。"]
    if urgent and not (urgent_reason or "").strip():
        errors["urgent_reason"] = ["紧急会议须说明紧急理由。"]
    return errors


def _agenda_errors(ids: list[int], *, meeting: Meeting | None = None,
                   lock: bool = True) -> tuple[list[str], dict[int, Decision]]:
    """Problems with the chosen items (each must await a meeting and be on no other open agenda)."""
    if not ids:
        return ["请至少选择一个议题。"], {}
    qs = Decision.objects.select_for_update() if lock else Decision.objects.all()
    decisions = {d.pk: d for d in qs.filter(pk__in=ids)}
    problems = []
    for pk in ids:
        decision = decisions.get(pk)
        if decision is None:
            problems.append("所选议题不存在，请重新选择。")
            continue
        elsewhere = AgendaItem.objects.filter(decision=decision, outcome__in=AgendaItem.OPEN_OUTCOMES)
        if meeting is not None:
            elsewhere = elsewhere.exclude(meeting=meeting)
        if decision.status not in Decision.AGENDA_READY:
            problems.append(f"议题“{decision.title}”不处于待上会状态（当前：{decision.get_status_display()}）。")
        elif elsewhere.exists():
            problems.append(f"议题“{decision.title}”已列入另一次会议议程。")
    return problems, decisions


def meeting_schedule_errors(*, scheduled_at, urgent, urgent_reason, agenda, meeting: Meeting | None = None,
                            now=None) -> dict:
    """Every problem of a meeting notice at once ({field: [messages]}), read only, for forms."""
    now = now or timezone.now()
    errors = _schedule_errors(scheduled_at=scheduled_at, urgent=urgent, urgent_reason=urgent_reason, now=now)
    problems, _ = _agenda_errors(list(dict.fromkeys(agenda or [])), meeting=meeting, lock=False)
    if problems:
        errors["agenda"] = problems
    return errors


def _check_notice(*, scheduled_at, urgent, urgent_reason, ids, now, meeting=None) -> dict[int, Decision]:
    errors = _schedule_errors(scheduled_at=scheduled_at, urgent=urgent, urgent_reason=urgent_reason, now=now)
    problems, decisions = _agenda_errors(ids, meeting=meeting)
    if problems:
        errors["agenda"] = problems
    if not selectors.committee_members().exists():
        errors["non_field_errors"] = ["党委委员名单为空，无法召开党委会。"]
    if errors:
        raise ValidationError(errors)
    return decisions


@transaction.atomic
def meeting_schedule(*, user: User, title: str, scheduled_at, place: str, agenda: list[int],
                     urgent: bool = False, urgent_reason: str = "", now=None) -> Meeting:
    """Schedule a 党委会 with its agenda and send the notice to every committee member.

    All problems (time, urgent reason, agenda) are reported together. `now` (default: the
    current time) lets the demo data record a meeting held in the past.
    """
    require_perm(user, "decisions.schedule_meeting")
    now = now or timezone.now()
    ids = list(dict.fromkeys(agenda or []))
    decisions = _check_notice(scheduled_at=scheduled_at, urgent=urgent, urgent_reason=urgent_reason, ids=ids,
                              now=now)
    with audit_context(actor=user, reason="会议通知" + ("（紧急会议）" if urgent else "")):
        number = Meeting.objects.filter(scheduled_at__year=scheduled_at.year).count() + 1
        meeting = record_save(Meeting(
            title=title, scheduled_at=scheduled_at, place=place, urgent=bool(urgent),
            urgent_reason=(urgent_reason or "").strip() if urgent else "", number=number, created_by=user,
            notified_at=now, recorder=user, presider=selectors.party_secretary(),
        ))
        for order, pk in enumerate(ids, 1):
            record_save(AgendaItem(meeting=meeting, decision=decisions[pk], order=order))
        process_start(meeting)
        notify(recipients=list(selectors.committee_members()), kind="meeting_notice",
               context={"meeting": meeting, "items": [decisions[pk] for pk in ids], "materials": attachment_links(meeting)},
               url=f"/decisions/meetings/{meeting.pk}/")
    return meeting


def may_change(meeting: Meeting, now=None) -> bool:
    """A meeting may be rescheduled, and members may ask for leave, until it begins."""
    return meeting.status == Meeting.Status.SCHEDULED and (now or timezone.now()) < meeting.scheduled_at


@transaction.atomic
def meeting_reschedule(*, meeting: Meeting, user: User, title: str, scheduled_at, place: str, agenda: list[int],
                       urgent: bool = False, urgent_reason: str = "") -> Meeting:
    """Change the time, place or agenda of a meeting not yet held and notify every member again.

    The notice period counts again from now (an urgent meeting needs its reason).
    """
    require_perm(user, "decisions.schedule_meeting")
    now = timezone.now()
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not may_change(meeting, now):
        raise Conflict("会议已开始或已结束，不能再改期或调整议程。")
    ids = list(dict.fromkeys(agenda or []))
    decisions = _check_notice(scheduled_at=scheduled_at, urgent=urgent, urgent_reason=urgent_reason, ids=ids,
                              now=now, meeting=meeting)
    before = {"scheduled_at": meeting.scheduled_at, "place": meeting.place}
    with audit_context(actor=user, reason="会议改期/调整议程" + ("（紧急会议）" if urgent else "")):
        if scheduled_at.year != meeting.scheduled_at.year:
            meeting.number = Meeting.objects.filter(scheduled_at__year=scheduled_at.year).count() + 1
        meeting.title, meeting.scheduled_at, meeting.place = title, scheduled_at, place
        meeting.urgent = bool(urgent)
        meeting.urgent_reason = (urgent_reason or "").strip() if urgent else ""
        meeting.notified_at = now
        record_save(meeting)
        for item in meeting.items.exclude(decision_id__in=ids):
            item.delete()
        current = {item.decision_id: item for item in meeting.items.all()}
        for order, pk in enumerate(ids, 1):
            item = current.get(pk) or AgendaItem(meeting=meeting, decision=decisions[pk])
            if item.pk is None or item.order != order:
                item.order = order
                record_save(item)
        notify(recipients=list(selectors.committee_members()), kind="meeting_rescheduled",
               context={"meeting": meeting, "items": [decisions[pk] for pk in ids], "before": before,
                        "materials": attachment_links(meeting)},
               url=f"/decisions/meetings/{meeting.pk}/")
    return meeting


@transaction.atomic
def meeting_leave_request(*, meeting: Meeting, user: User, reason: str) -> LeaveRequest:
    """A committee member asks for leave (请假) before the meeting; asking again replaces the reason."""
    if not selectors.committee_members().filter(pk=user.pk).exists():
        raise PermissionDenied("只有党委委员可以请假。")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not may_change(meeting):
        raise Conflict("会议已开始，不能再请假；如有需要请联系党委办公室登记。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写请假理由。"]})
    with audit_context(actor=user, reason="请假"):
        leave = LeaveRequest.objects.filter(meeting=meeting, member=user).first()
        leave = leave or LeaveRequest(meeting=meeting, member=user)
        leave.reason = reason[:300]
        record_save(leave)
        notify(recipients=[meeting.created_by], kind="meeting_leave",
               context={"meeting": meeting, "member": user, "reason": leave.reason},
               url=f"/decisions/meetings/{meeting.pk}/")
    return leave


def _pick_presider(present: list[User]):
    for role in (Role.PARTY_SECRETARY, Role.PRESIDENT):
        for user in present:
            if has_role(user, role):
                return user
    return present[0] if present else None


def _attendance_errors(*, members, present, absent, recusals, items) -> dict:
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
    return errors


@transaction.atomic
@audited("出席登记")
def meeting_attendance(*, meeting: Meeting, user: User, present: list[str], absent: dict | None = None,
                       recusals: dict | None = None) -> Meeting:
    """Record who is present, absent and recused; open the vote on every item with quorum."""
    absent, recusals = absent or {}, recusals or {}
    if timezone.now() < meeting.scheduled_at:
        raise Conflict(f"会议尚未开始（{timezone.localtime(meeting.scheduled_at):%Y-%m-%d %H:%M}），不能登记出席。")
    members = {u.username: u for u in selectors.committee_members()}
    leave = {lr.member.username: lr.reason for lr in meeting.leave_requests.select_related("member")}
    items = {str(item.decision_id): item for item in meeting.items.select_related("decision")}
    errors = _attendance_errors(members=members, present=present, absent=absent, recusals=recusals, items=items)
    if errors:
        raise ValidationError(errors)
    for name, member in members.items():
        is_present = name in present
        reason = "" if is_present else str(absent.get(name) or leave.get(name) or "未说明缺席理由").strip()[:300]
        record_save(Attendance(meeting=meeting, member=member, present=is_present, reason=reason))
    for decision_id, entries in recusals.items():
        for name, reason in entries.items():
            record_save(Recusal(meeting=meeting, decision=items[str(decision_id)].decision, member=members[name],
                                reason=str(reason).strip()[:300]))
    meeting.presider = _pick_presider([members[name] for name in dict.fromkeys(present)])
    record_save(meeting)
    total = len(members)
    for item in meeting.agenda_items():
        decision = item.decision
        eligible = len(selectors.eligible_voter_ids(meeting, decision))
        cadre = decision.is_cadre_appointment() and not decision.urgent
        if not has_quorum(eligible=eligible, members=total, cadre=cadre):
            item.outcome = AgendaItem.Outcome.NO_QUORUM
            item.note = quorum_shortfall_note(eligible=eligible, members=total, cadre=cadre)
            record_save(item)
            continue
        decision.meeting = meeting
        record_save(decision)
        if decision.status == Decision.Status.AWAITING_REPORT:
            _hear_report(item, members=total, present=len(set(present) & set(members)))
            continue
        item.outcome = AgendaItem.Outcome.VOTING
        record_save(item)
        process_resume(decision, meeting=meeting)
    return meeting


def _hear_report(item: AgendaItem, *, members: int, present: int) -> None:
    """A 事后报告 is heard, not voted: its result is `reported` and it waits for the minutes."""
    result = record_save(VoteResult(decision=item.decision, meeting=item.meeting, outcome=VoteResult.Outcome.REPORTED,
                                    agree=0, disagree=0, abstain=0, members=members, present=present))
    item.outcome = AgendaItem.Outcome.REPORTED
    item.note = result.tally_text
    record_save(item)
    process_resume(item.decision)
