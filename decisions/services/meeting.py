"""党委会: the notice with its agenda, and attendance, which opens the vote on each item."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from workflows.audit import audit_context
from workflows.exceptions import Conflict
from workflows.models import HospitalSettings, User
from workflows.notifications import notify
from workflows.org.permissions import has_role, require_perm
from workflows.org.roles import Role
from workflows.records import audited, record_save
from workflows.tasks import process_resume, process_start

from .. import selectors
from ..counting import has_quorum, quorum_shortfall_note
from ..models import AgendaItem, Attendance, Decision, Meeting, Recusal


def _check_schedule(*, scheduled_at, urgent, urgent_reason, now) -> None:
    notice_days = HospitalSettings.current().meeting_notice_days
    if scheduled_at <= now:
        raise ValidationError({"scheduled_at": ["会议时间须晚于当前时间。"]})
    if urgent and not (urgent_reason or "").strip():
        raise ValidationError({"urgent_reason": ["紧急会议须说明紧急理由。"]})
    if not urgent and scheduled_at - now < timedelta(days=notice_days):
        raise ValidationError({"scheduled_at": [
            f"会议通知须至少提前{notice_days}天发出；确需紧急召开请选择紧急会议并说明理由。"]})


def _agenda_decisions(ids: list[int]) -> dict[int, Decision]:
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
    return decisions


@transaction.atomic
def meeting_schedule(*, user: User, title: str, scheduled_at, place: str, agenda: list[int],
                     urgent: bool = False, urgent_reason: str = "", now=None) -> Meeting:
    """Schedule a 党委会 with its agenda and send the notice to every committee member.

    `now` (default: the current time) lets the demo data record a meeting held in the past.
    """
    require_perm(user, "decisions.schedule_meeting")
    now = now or timezone.now()
    _check_schedule(scheduled_at=scheduled_at, urgent=urgent, urgent_reason=urgent_reason, now=now)
    ids = list(dict.fromkeys(agenda or []))
    decisions = _agenda_decisions(ids)
    if not selectors.committee_members().exists():
        raise ValidationError({"non_field_errors": ["党委委员名单为空，无法召开党委会。"]})
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
               context={"meeting": meeting, "items": [decisions[pk] for pk in ids]},
               url=f"/decisions/meetings/{meeting.pk}/")
    return meeting


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
    items = {str(item.decision_id): item for item in meeting.items.select_related("decision")}
    errors = _attendance_errors(members=members, present=present, absent=absent, recusals=recusals, items=items)
    if errors:
        raise ValidationError(errors)
    for name, member in members.items():
        is_present = name in present
        reason = "" if is_present else str(absent.get(name) or "未说明缺席理由").strip()[:300]
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
        cadre = decision.is_cadre_appointment()
        if not has_quorum(eligible=eligible, members=total, cadre=cadre):
            item.outcome = AgendaItem.Outcome.NO_QUORUM
            item.note = quorum_shortfall_note(eligible=eligible, members=total, cadre=cadre)
            record_save(item)
            continue
        item.outcome = AgendaItem.Outcome.VOTING
        record_save(item)
        decision.meeting = meeting
        record_save(decision)
        process_resume(decision, meeting=meeting)
    return meeting
