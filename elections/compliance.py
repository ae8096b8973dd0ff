"""合规体检 of 三上三下 branch elections, computed from the stored records (see workflows.audit.compliance).

A batch of elections is checked with a constant number of queries (`load_records`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Min, Q
from django.utils import timezone

from workflows.audit.compliance import Check, ComplianceItem, Watch, register
from workflows.models import Term, Unit, add_years

from .models import (
    Candidate,
    Election,
    ElectionOfficial,
    ElectionReview,
    ElectionRound,
    PaperTally,
    Recommendation,
    min_candidates,
)
from .selectors import started_elections


@dataclass
class ElectionRecords:
    """What the checks of one election read (loaded for a batch by `load_records`)."""

    reviews: list = field(default_factory=list)
    rounds: list = field(default_factory=list)
    first_nomination: object = None  # when the first recommendation, tally or candidate was written
    finals: list = field(default_factory=list)  # user ids of the final candidates
    officials: set = field(default_factory=set)


def _earliest(found, pk, at):
    if at is not None and (found[pk].first_nomination is None or at < found[pk].first_nomination):
        found[pk].first_nomination = at


def load_records(election_ids) -> dict[int, ElectionRecords]:
    """Seven queries for any number of elections."""
    pks = list(election_ids)
    found = {pk: ElectionRecords() for pk in pks}
    for review in ElectionReview.objects.filter(election_id__in=pks).order_by("pk"):
        found[review.election_id].reviews.append(review)
    rounds = ElectionRound.objects.filter(election_id__in=pks).prefetch_related("votes__candidate")
    for election_round in rounds.order_by("election_id", "number"):
        found[election_round.election_id].rounds.append(election_round)
    for model in (Recommendation, PaperTally):
        for pk, at in model.objects.filter(election_id__in=pks).values("election_id").annotate(
                first=Min("created")).values_list("election_id", "first"):
            _earliest(found, pk, at)
    current = Candidate.objects.filter(election_id__in=pks).values("pk")
    candidates = Candidate.history.filter(id__in=current).values("election_id").annotate(
        first=Min("history_date")).values_list("election_id", "first")
    for pk, at in candidates:
        _earliest(found, pk, at)
    for pk, user_id in Candidate.objects.filter(election_id__in=pks, active=True, final=True).values_list(
            "election_id", "user_id"):
        found[pk].finals.append(user_id)
    for pk, user_id in ElectionOfficial.objects.filter(election_id__in=pks, active=True).values_list(
            "election_id", "user_id"):
        found[pk].officials.add(user_id)
    return found


def check_request_approved(election, reviews, first_nomination) -> Check:
    label = "一下：换届请示经批复后才开始民主推荐"
    approvals = [r for r in reviews if r.step == "request_approval" and r.approve]
    if first_nomination is None and not election.has_reached(Election.Status.NOMINATE):
        return Check("request_approved", label, None, "尚未批复")
    if not approvals:
        return Check("request_approved", label, False, "没有批复记录却已进入民主推荐")
    approved_at = approvals[0].created
    if first_nomination is not None and first_nomination < approved_at:
        return Check("request_approved", label, False, "批复前已有推荐记录")
    return Check("request_approved", label, True, f"{timezone.localtime(approved_at):%Y-%m-%d} 批复")


def check_surplus(election, finals) -> Check:
    seats = election.seats_reduced_from or election.seats
    needed = min_candidates(seats)
    label = "差额选举：正式候选人数不少于应选人数的 120%"
    if not election.has_reached(Election.Status.PLAN_APPROVAL):
        return Check("surplus", label, None, "选举方案尚未上报")
    count = len(finals)
    return Check("surplus", label, count >= needed, f"应选 {seats} 名，正式候选人 {count} 名（至少 {needed} 名）")


def check_officials(election, officials, finals) -> Check:
    label = "监票人、计票人不是候选人"
    if not officials:
        return Check("officials", label, None if not election.has_reached(Election.Status.ELECTION_MEETING) else False,
                     "尚未确定监票人、计票人" if not election.has_reached(Election.Status.ELECTION_MEETING) else "没有监票人、计票人记录")
    clash = officials & set(finals)
    return Check("officials", label, not clash, f"{len(clash)} 人同时为候选人" if clash else "符合")


def check_quorum(rounds) -> Check:
    label = "党员大会到会人数不少于应到会人数的五分之四"
    valid = [r for r in rounds if r.valid]
    if not rounds:
        return Check("quorum", label, None, "尚未召开党员大会")
    problems = [f"第{r.number}轮 应到 {r.eligible} 实到 {r.present}" for r in valid if r.present * 5 < r.eligible * 4]
    problems += [f"第{r.number}轮 选票数不合（发出 {r.ballots_issued}，收回 {r.ballots_returned}，实到 {r.present}）"
                 for r in valid if not r.ballots_returned <= r.ballots_issued <= r.present]
    if problems:
        return Check("quorum", label, False, "；".join(problems) + "，却记为有效")
    if not valid:
        return Check("quorum", label, None, "各轮均无效，尚无有效选举")
    return Check("quorum", label, True, "；".join(f"第{r.number}轮 应到 {r.eligible} 实到 {r.present}" for r in valid))


def check_majorities(rounds) -> Check:
    label = "当选人得票超过实到会有表决权人数的半数，且不超过应选名额"
    valid = [r for r in rounds if r.valid]
    if not valid:
        return Check("majority", label, None, "尚无有效选举轮次")
    problems = []
    for election_round in valid:
        elected = [v for v in election_round.votes.all() if v.elected]
        for vote in elected:
            if vote.votes * 2 <= election_round.present:
                problems.append(f"第{election_round.number}轮 {vote.candidate} 仅得 {vote.votes} 票却当选")
        if len(elected) > election_round.seats_to_fill:
            problems.append(f"第{election_round.number}轮 当选 {len(elected)} 人超过应选 {election_round.seats_to_fill} 名")
    if problems:
        return Check("majority", label, False, "；".join(problems))
    return Check("majority", label, True, f"{len(valid)} 轮有效选举，当选人均过半数")


def check_result_approved(election, reviews) -> Check:
    label = "选举结果经组织部门批复"
    approved = [r for r in reviews if r.step == "result_approval" and r.approve]
    if approved:
        return Check("result_approved", label, True, f"{timezone.localtime(approved[-1].created):%Y-%m-%d} 批复")
    if election.status == Election.Status.FINISHED:
        return Check("result_approved", label, False, "换届已完成但没有结果批复记录")
    return Check("result_approved", label, None, "尚未报批")


def check_on_time(election, rounds, today) -> Check:
    label = "在任期届满前换届（延期须经批准且不超过一年）"
    term = election.term
    if term is None:
        return Check("on_time", label, None, "无上一届任期记录")
    if term.postponed_until and term.postponed_until > add_years(term.ends, 1):
        return Check("on_time", label, False, f"延期至 {term.postponed_until:%Y-%m-%d}，超过一年")
    held = election.held_on or min((r.held_on for r in rounds), default=None)
    deadline = term.effective_end
    extra = f"（经批准延期至 {term.postponed_until:%Y-%m-%d}：{term.postpone_reason}）" if term.postponed_until else ""
    if held is None:
        if today > deadline:
            return Check("on_time", label, False, f"任期已于 {deadline:%Y-%m-%d} 届满{extra}，尚未选举")
        return Check("on_time", label, None, f"任期届满日 {deadline:%Y-%m-%d}{extra}")
    if held > deadline:
        return Check("on_time", label, False, f"{held:%Y-%m-%d} 选举，晚于届满日 {deadline:%Y-%m-%d}{extra}")
    return Check("on_time", label, True, f"{held:%Y-%m-%d} 选举，届满日 {deadline:%Y-%m-%d}{extra}")


def election_checks(election, *, today, records: ElectionRecords | None = None) -> list[Check]:
    records = records or load_records([election.pk])[election.pk]
    reviews, rounds = records.reviews, records.rounds
    return [
        check_request_approved(election, reviews, records.first_nomination),
        check_surplus(election, records.finals),
        check_officials(election, records.officials, records.finals),
        check_quorum(rounds),
        check_majorities(rounds),
        check_result_approved(election, reviews),
        check_on_time(election, rounds, today),
    ]


def _ends_between(since, today, prefix=""):
    """Terms (or, with a prefix, rows linked to them) whose effective end falls in [since, today)."""
    postponed, ends = f"{prefix}postponed_until", f"{prefix}ends"
    return (Q(**{f"{postponed}__gte": since, f"{postponed}__lt": today})
            | Q(**{f"{postponed}__isnull": True, f"{ends}__gte": since, f"{ends}__lt": today}))


def _elections_of(field_name):
    def resolve(values):
        return list(Election.objects.filter(**{f"{field_name}__in": values}).values_list("pk", flat=True))
    return resolve


def _elections_of_rounds(round_ids):
    return list(ElectionRound.objects.filter(pk__in=round_ids).values_list("election_id", flat=True))


ELECTION_WATCHES = {
    "elections.election": Watch("id"),
    **{f"elections.{name}": Watch("election_id") for name in (
        "electionreview", "recommendation", "papertally", "candidate", "electionofficial", "electionround")},
    "elections.roundvote": Watch("round_id", _elections_of_rounds),
    "workflows.term": Watch("id", _elections_of("term_id")),
    "workflows.unit": Watch("id", _elections_of("unit_id")),
}
ELECTION_CHECKS = {
    "request_approved": "换届请示经批复后才开始民主推荐", "surplus": "差额选举候选人数", "officials": "监票人、计票人不是候选人",
    "quorum": "到会人数", "majority": "得票过半数", "result_approved": "选举结果经批复",
    "on_time": "按期换届",
}


@register("election", "支部换届", subjects=lambda: Election.objects.all(), watches=ELECTION_WATCHES,
          due=lambda since, today: Election.objects.filter(_ends_between(since, today, "term__"))
          .values_list("pk", flat=True), checks=ELECTION_CHECKS)
def check_elections(ids):
    today = timezone.localdate()
    elections = list(
        Election.objects.filter(pk__in=list(ids)).exclude(status=Election.Status.CANCELLED)
        .select_related("unit", "term").order_by("-pk")
    )
    records = load_records([e.pk for e in elections])
    for election in elections:
        yield ComplianceItem(
            kind="election",
            object_id=election.pk,
            title=str(election),
            status=election.get_status_display(),
            unit=election.unit.name,
            url=f"/elections/{election.pk}/",
            checks=election_checks(election, today=today, records=records[election.pk]),
        )


def _terms_of(field_name):
    def resolve(values):
        return list(Term.objects.filter(**{f"{field_name}__in": values}).values_list("pk", flat=True))
    return resolve


def _overdue_terms(since, today):
    """On a new day every overdue term's day count changes: the overdue current terms (O(overdue))."""
    return Term.objects.filter(status=Term.Status.CURRENT).filter(
        Q(postponed_until__lt=today) | Q(postponed_until__isnull=True, ends__lt=today)).values_list("pk", flat=True)


TERM_WATCHES = {
    "workflows.term": Watch("id"),
    "workflows.unit": Watch("id", _terms_of("unit_id")),
    "elections.election": Watch("term_id"),
}


@register("term", "支部届期", subjects=lambda: Term.objects.all(), watches=TERM_WATCHES, due=_overdue_terms,
          checks={"term_overdue": "任期届满前启动换届"})
def check_overdue_terms(ids):
    """Branches whose (possibly postponed) term has ended with no election started."""
    today = timezone.localdate()
    started = started_elections().filter(term_id__in=list(ids)).values("term_id")
    terms = (
        Term.objects.filter(pk__in=list(ids), status=Term.Status.CURRENT, unit__active=True,
                            unit__kind__in=[Unit.Kind.BRANCH, Unit.Kind.GENERAL_BRANCH])
        .exclude(pk__in=started).select_related("unit").order_by("unit__code")
    )
    label = "任期届满前启动换届（延期须经批准）"
    for term in terms:
        days = -term.days_left(today)
        if days <= 0:
            continue
        extra = f"（经批准延期至 {term.postponed_until:%Y-%m-%d}）" if term.postponed_until else ""
        yield ComplianceItem(
            kind="term",
            object_id=term.pk,
            title=f"{term.unit.name}（{term.started:%Y-%m-%d} 起任期）",
            status="届期已满，未启动换届",
            unit=term.unit.name,
            url=f"/organisation/units/{term.unit.code}/",
            checks=[Check("term_overdue", label, False,
                          f"届满日 {term.effective_end:%Y-%m-%d}{extra}，已逾期 {days} 天，尚未启动换届")],
        )
