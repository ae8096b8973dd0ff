"""合规体检 of 三重一大 decisions, computed from the stored records (see workflows.audit.compliance).

Each decision that was not withdrawn gets a checklist; a check is None while the decision
has not reached the step it is about (or when the rule does not apply to it). A batch of
decisions is checked with a constant number of queries (`load_records`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from workflows.audit.compliance import Check, ComplianceItem, Watch, register
from workflows.models import HospitalSettings

from .counting import has_quorum, tally
from .models import (
    Attendance,
    Decision,
    ImplementationReport,
    Meeting,
    Minutes,
    Opinion,
    Recusal,
    Vote,
    VoteResult,
)

PASSED, REJECTED, DEFERRED = VoteResult.Outcome.PASSED, VoteResult.Outcome.REJECTED, VoteResult.Outcome.DEFERRED


def _who(user) -> str:
    return (getattr(user, "name", "") or getattr(user, "username", "")) if user else "系统"


def _day(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else "—"


def _last(opinions, step):
    found = [o for o in opinions if o.step == step]
    return found[-1] if found else None


def check_pre_review(decision, opinions) -> Check:
    cadre = decision.is_cadre_appointment()
    step = "organization_review" if cadre else "branch_review"
    label = "组织考察及党风廉政意见" if cadre else "党支部前置研究"
    if not decision.has_reached(Decision.Status.EXPERT_REVIEW):
        return Check("pre_review", label, None, "尚未完成该步骤")
    opinion = _last(opinions, step)
    if opinion is None:
        return Check("pre_review", label, False, "没有前置研究/考察记录即进入后续环节")
    if opinion.opinion != "approve":
        return Check("pre_review", label, False, f"最后一次意见为“{opinion.opinion_label}”")
    if cadre and not (opinion.discipline_opinion or "").strip():
        return Check("pre_review", label, False, "缺少纪检（党风廉政）意见")
    return Check("pre_review", label, True, f"{_who(opinion.author)} {_day(opinion.created)} 同意")


def check_expert_review(decision, opinions, threshold) -> Check:
    label = "专家论证（需要时）"
    required = decision.expert_required or decision.compute_expert_required(threshold)
    if not required:
        return Check("expert_review", label, None, "本议题无需专家论证")
    if not decision.has_reached(Decision.Status.RISK_ASSESSMENT):
        return Check("expert_review", label, None, "尚未到风险评估环节")
    experts = [o for o in opinions if o.step == "expert_review"]
    if not experts:
        return Check("expert_review", label, False, "需专家论证但没有任何专家意见")
    return Check("expert_review", label, True, f"{len(experts)} 位专家出具了书面意见")


def check_risk(decision, opinions) -> Check:
    label = "风险评估（含意识形态风险）"
    if not decision.has_reached(Decision.Status.COMMUNICATE):
        return Check("risk", label, None, "尚未到该环节")
    opinion = _last(opinions, "risk_assessment")
    if opinion is None or not opinion.level:
        return Check("risk", label, False, "没有风险评估记录")
    return Check("risk", label, True, f"风险等级：{opinion.get_level_display()}")


def check_legal_review(decision, opinions) -> Check:
    label = "合法性审查（需要时）"
    if decision.is_cadre_appointment() or not (decision.legal_required or decision.compute_legal_required()):
        return Check("legal_review", label, None, "本议题无需合法性审查")
    if not decision.has_reached(Decision.Status.OFFICE_MEETING):
        return Check("legal_review", label, None, "尚未完成该步骤")
    opinion = _last(opinions, "legal_review")
    if opinion is None:
        return Check("legal_review", label, False, "需合法性审查但没有法律顾问意见")
    if opinion.opinion == "unlawful":
        return Check("legal_review", label, False, "最后一次审查结论为不合法")
    return Check("legal_review", label, True, f"{_who(opinion.author)} {_day(opinion.created)} {opinion.opinion_label}")


def check_office_meeting(decision, opinions) -> Check:
    label = "院长办公会研究（提请时）"
    if not decision.wants_office_meeting():
        return Check("office_meeting", label, None, "未提请院长办公会研究")
    if not decision.has_reached(Decision.Status.COMMUNICATE):
        return Check("office_meeting", label, None, "尚未完成该步骤")
    opinion = _last(opinions, "office_meeting")
    if opinion is None or opinion.held_on is None:
        return Check("office_meeting", label, False, "提请院长办公会研究但没有研究记录")
    if opinion.opinion != "support":
        return Check("office_meeting", label, False, "最后一次研究结论为退回修改")
    return Check("office_meeting", label, True, f"{opinion.held_on:%Y-%m-%d} 院长办公会研究同意")


def check_urgent_confirmed(decision, opinions) -> Check:
    label = "事后报告经书记、院长分别确认"
    answers = [o for o in opinions if o.step == "urgent_confirm"]
    if not decision.has_reached(Decision.Status.AWAITING_REPORT):
        if decision.status == Decision.Status.NOT_CONFIRMED:
            return Check("urgent_confirm", label, None, "未予确认，已关闭")
        return Check("urgent_confirm", label, None, "确认中")
    if len(answers) < 2 or any(o.opinion != "agree" for o in answers):
        return Check("urgent_confirm", label, False, "未经书记、院长均确认即待会议通报")
    return Check("urgent_confirm", label, True, "、".join(_who(o.author) for o in answers) + " 已确认")


def check_reported(decision, result) -> Check:
    label = "紧急事项已向党委会通报"
    if result is not None and result.outcome == VoteResult.Outcome.REPORTED:
        return Check("reported", label, True, f"{_day(result.meeting.scheduled_at)} {result.meeting.title} 通报")
    if decision.status in ("implementing", "closed"):
        return Check("reported", label, False, "未经党委会通报即进入执行")
    return Check("reported", label, None, "待会议通报")


def check_communication(decision, opinions) -> Check:
    label = "书记院长会前沟通"
    if not decision.has_reached(Decision.Status.AGENDA_REVIEW):
        return Check("communicate", label, None, "尚未到该环节")
    opinion = _last(opinions, "communicate")
    if opinion is None:
        return Check("communicate", label, False, "上会前没有沟通记录")
    if opinion.consensus is not True:
        return Check("communicate", label, False, "最后一次沟通未达成一致")
    return Check("communicate", label, True, f"{_day(opinion.created)} 达成一致")


def _notice_given_at(meeting, history):
    """When the members were told the final date: a stored notice time if the model keeps one,
    else the last history record that set scheduled_at (`history`: (date, scheduled_at) in order)."""
    for name in ("notified_at", "notice_sent_at"):
        if getattr(meeting, name, None):
            return getattr(meeting, name)
    given, last_value = meeting.created, None
    for history_date, scheduled_at in history:
        if scheduled_at != last_value:
            given, last_value = history_date, scheduled_at
    return given


def check_notice(meeting, notice_days, history) -> Check:
    label = f"会议通知提前 {notice_days} 天送达（紧急会议须说明理由）"
    if meeting is None:
        return Check("notice", label, None, "尚未安排会议")
    given = _notice_given_at(meeting, history)
    days = (timezone.localtime(meeting.scheduled_at).date() - timezone.localtime(given).date()).days
    if days >= notice_days:
        return Check("notice", label, True, f"提前 {days} 天通知")
    if meeting.urgent and (meeting.urgent_reason or "").strip():
        return Check("notice", label, True, f"紧急会议（提前 {days} 天）：{meeting.urgent_reason}")
    return Check("notice", label, False, f"仅提前 {days} 天通知，且未说明紧急理由")


def check_quorum(decision, meeting, result, attendance) -> Check:
    label = "到会人数符合要求（干部任免≥⅔，其他过半数）"
    if result is None or (result.outcome == DEFERRED and not attendance):
        return Check("quorum", label, None, "尚未表决")
    present = sum(1 for a in attendance if a.present) if attendance else result.present
    members = result.members
    ok = has_quorum(eligible=present, members=members, cadre=decision.is_cadre_appointment())
    detail = f"应到 {members} 人，实到 {present} 人"
    if attendance and present != result.present:
        return Check("quorum", label, False, f"{detail}；与表决结果记载的实到人数 {result.present} 不符")
    return Check("quorum", label, ok, detail)


def check_recusals(votes, recusals, attendance) -> Check:
    label = "回避、缺席委员未参加表决"
    recused = {r.member_id for r in recusals}
    absent = {a.member_id for a in attendance if not a.present}
    offenders = [v for v in votes if v.member_id in recused | absent]
    if offenders:
        names = "、".join(_who(v.member) for v in offenders)
        return Check("recusals", label, False, f"{names} 应回避或缺席却有表决记录")
    if not votes:
        return Check("recusals", label, None, "尚未表决")
    return Check("recusals", label, True, f"{len(recused)} 人回避" if recused else "无回避事项")


def check_secretary_last(votes, result) -> Check:
    label = "书记末位表态"
    if result is None:
        return Check("secretary_last", label, None, "尚未表决")
    secretary = [v for v in votes if v.is_secretary]
    members = [v for v in votes if not v.is_secretary]
    last_member = max((v.created for v in members), default=None)
    if not secretary:
        if result.outcome == DEFERRED:
            ok = last_member is None or result.created >= last_member
            return Check("secretary_last", label, ok, "书记决定暂缓表决")
        return Check("secretary_last", label, False, "没有书记的表态记录")
    vote = secretary[-1]
    if last_member is not None and (vote.created < last_member or vote.pk < max(v.pk for v in members)):
        return Check("secretary_last", label, False, "书记在其他委员表决完成前表态")
    return Check("secretary_last", label, True, f"{_who(vote.member)} 最后表态")


def check_majority(votes, result) -> Check:
    label = "同意票超过应到会委员半数方为通过"
    if result is None or result.outcome == DEFERRED:
        return Check("majority", label, None, "暂缓表决" if result else "尚未表决")
    counted = tally([v.vote for v in votes], members=result.members)
    agree, should_pass = counted.agree, counted.passed
    detail = f"同意 {agree} 票 / 应到 {result.members} 人，结果：{result.get_outcome_display()}"
    if agree != result.agree:
        return Check("majority", label, False, f"{detail}；计票记录为同意 {result.agree} 票，与表决票不符")
    return Check("majority", label, should_pass == (result.outcome == PASSED), detail)


def check_minutes(decision, meeting, result, minutes) -> Check:
    label = "会议纪要已签发"
    if result is None or meeting is None:
        return Check("minutes", label, None, "尚未表决")
    if minutes is not None and minutes.status == "approved":
        return Check("minutes", label, True, f"{_who(minutes.approved_by)} {_day(minutes.approved_at)} 签发")
    if decision.status in ("implementing", "closed"):
        return Check("minutes", label, False, "纪要未签发即进入执行或归档")
    return Check("minutes", label, None, "纪要尚在起草或签发中")


def check_execution(decision, result, today, done) -> Check:
    label = "按期报告执行情况"
    if result is None or result.outcome not in (PASSED, VoteResult.Outcome.REPORTED):
        return Check("execution", label, None, "未通过的议题无需执行" if result else "尚未表决")
    due = decision.implementation_due
    if done is not None:
        on_time = due is None or timezone.localtime(done.created).date() <= due
        return Check("execution", label, on_time,
                     f"{_day(done.created)} 报告执行完毕" + (f"（期限 {due:%Y-%m-%d}）" if due else ""))
    if due is not None and today > due:
        return Check("execution", label, False, f"已超过执行期限 {due:%Y-%m-%d}，尚未报告执行完毕")
    return Check("execution", label, None, f"执行中（期限 {due:%Y-%m-%d}）" if due else "执行中")


@dataclass
class DecisionRecords:
    """What the checks of one decision read (loaded for a batch by `load_records`)."""

    opinions: list = field(default_factory=list)
    result: VoteResult | None = None
    meeting: Meeting | None = None
    votes: list = field(default_factory=list)
    recusals: list = field(default_factory=list)
    attendance: list = field(default_factory=list)
    meeting_history: list = field(default_factory=list)
    minutes: Minutes | None = None
    done_report: ImplementationReport | None = None


def load_records(decisions) -> dict[int, DecisionRecords]:
    """The records of these decisions (loaded with `meeting`), nine queries for any number."""
    pks = [d.pk for d in decisions]
    found = {pk: DecisionRecords() for pk in pks}
    for opinion in Opinion.objects.filter(decision_id__in=pks).select_related("author").order_by("pk"):
        found[opinion.decision_id].opinions.append(opinion)
    for result in VoteResult.objects.filter(decision_id__in=pks).select_related("meeting").order_by("pk"):
        found[result.decision_id].result = result  # the latest wins
    for report in ImplementationReport.objects.filter(decision_id__in=pks, done=True).order_by("-created", "-pk"):
        found[report.decision_id].done_report = report  # the first wins
    for decision in decisions:
        records = found[decision.pk]
        records.meeting = records.result.meeting if records.result else decision.meeting
    meetings = {r.meeting.pk for r in found.values() if r.meeting is not None}
    if not meetings:
        return found
    attendance, history, minutes = {}, {}, {}
    for row in Attendance.objects.filter(meeting_id__in=meetings):
        attendance.setdefault(row.meeting_id, []).append(row)
    for pk, at, scheduled in (Meeting.history.filter(id__in=meetings).order_by("history_date", "history_id")
                              .values_list("id", "history_date", "scheduled_at")):
        history.setdefault(pk, []).append((at, scheduled))
    for row in Minutes.objects.filter(meeting_id__in=meetings).select_related("approved_by"):
        minutes[row.meeting_id] = row
    for records in found.values():
        if records.meeting is not None:
            pk = records.meeting.pk
            records.attendance, records.meeting_history = attendance.get(pk, []), history.get(pk, [])
            records.minutes = minutes.get(pk)
    mine = {pk: r.meeting.pk for pk, r in found.items() if r.meeting is not None}
    votes = Vote.objects.filter(decision_id__in=list(mine), meeting_id__in=meetings).select_related("member")
    for vote in votes.order_by("pk"):
        if mine[vote.decision_id] == vote.meeting_id:
            found[vote.decision_id].votes.append(vote)
    for recusal in Recusal.objects.filter(decision_id__in=list(mine), meeting_id__in=meetings):
        if mine[recusal.decision_id] == recusal.meeting_id:
            found[recusal.decision_id].recusals.append(recusal)
    return found


def decision_checks(decision, *, threshold, notice_days, today, records: DecisionRecords | None = None) -> list[Check]:
    records = records or load_records([decision])[decision.pk]
    opinions, result, meeting = records.opinions, records.result, records.meeting
    votes, recusals, attendance = records.votes, records.recusals, records.attendance
    if decision.urgent:
        return [
            check_urgent_confirmed(decision, opinions),
            check_reported(decision, result),
            check_minutes(decision, meeting, result, records.minutes),
            check_execution(decision, result, today, records.done_report),
        ]
    return [
        check_pre_review(decision, opinions),
        check_expert_review(decision, opinions, threshold),
        check_risk(decision, opinions),
        check_legal_review(decision, opinions),
        check_office_meeting(decision, opinions),
        check_communication(decision, opinions),
        check_notice(meeting, notice_days, records.meeting_history),
        check_quorum(decision, meeting, result, attendance),
        check_recusals(votes, recusals, attendance),
        check_secretary_last(votes, result),
        check_majority(votes, result),
        check_minutes(decision, meeting, result, records.minutes),
        check_execution(decision, result, today, records.done_report),
    ]


def _of_meetings(meeting_ids) -> list[int]:
    """Decisions a change of these meetings (or their attendance, minutes) may touch."""
    return list(Decision.objects.filter(Q(meeting_id__in=meeting_ids) | Q(results__meeting_id__in=meeting_ids))
                .values_list("pk", flat=True).distinct())


def _of_units(unit_ids) -> list[int]:
    return list(Decision.objects.filter(department_unit_id__in=unit_ids).values_list("pk", flat=True))


def _execution_due(since, today) -> list[int]:
    """Execution checks turn overdue the day after `implementation_due`."""
    return list(Decision.objects.filter(implementation_due__gte=since, implementation_due__lt=today)
                .values_list("pk", flat=True))


WATCHES = {
    "decisions.decision": Watch("id"),
    "decisions.opinion": Watch("decision_id"),
    "decisions.voteresult": Watch("decision_id"),
    "decisions.vote": Watch("decision_id"),
    "decisions.recusal": Watch("decision_id"),
    "decisions.implementationreport": Watch("decision_id"),
    "decisions.meeting": Watch("id", _of_meetings),
    "decisions.attendance": Watch("meeting_id", _of_meetings),
    "decisions.minutes": Watch("meeting_id", _of_meetings),
    "workflows.unit": Watch("id", _of_units),
    # the threshold and notice days: every decision
    "workflows.hospitalsettings": Watch("id", lambda _ids: list(Decision.objects.values_list("pk", flat=True))),
}
CHECKS = {
    "pre_review": "党支部前置研究/组织考察", "expert_review": "专家论证", "risk": "风险评估",
    "legal_review": "合法性审查", "office_meeting": "院长办公会研究", "communicate": "书记院长会前沟通",
    "notice": "会议通知提前送达", "quorum": "到会人数", "recusals": "回避、缺席委员未参加表决",
    "secretary_last": "书记末位表态", "majority": "得票过半数", "minutes": "会议纪要签发",
    "execution": "按期报告执行情况", "urgent_confirm": "事后报告经书记、院长确认", "reported": "紧急事项向党委会通报",
}


@register("decision", "三重一大决策", subjects=lambda: Decision.objects.all(), watches=WATCHES,
          due=_execution_due, checks=CHECKS)
def check_decisions(ids):
    settings = HospitalSettings.current()
    today = timezone.localdate()
    decisions = list(
        Decision.objects.filter(pk__in=list(ids)).exclude(status=Decision.Status.WITHDRAWN)
        .select_related("department_unit", "meeting").order_by("-pk")
    )
    records = load_records(decisions)
    for decision in decisions:
        yield ComplianceItem(
            kind="decision",
            object_id=decision.pk,
            title=decision.title,
            status=decision.get_status_display(),
            unit=decision.department_unit.name,
            url=f"/decisions/{decision.pk}/",
            checks=decision_checks(
                decision, threshold=settings.large_fund_threshold, notice_days=settings.meeting_notice_days,
                today=today, records=records[decision.pk],
            ),
        )
