"""党员大会选举: one round at a time until the seats are filled (另行选举), or an agreed seat cut.

The arithmetic of a round is pure and lives in `elections/counting.py`.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from workflows.models import User
from workflows.org.permissions import require_perm
from workflows.records import audited, record_save

from ..counting import count_round, is_majority
from ..models import Election, ElectionRound, RoundVote
from ..selectors import current_ballot
from .common import Errors, check_status, display_names, full_member_count

S = Election.Status


@transaction.atomic
@audited("党员大会选举")
def election_round_record(*, election: Election, user: User, held_on: date | None, eligible: int, present: int,
                 ballots_issued: int, ballots_returned: int, invalid: int, votes: dict[str, int],
                 reduce_seats_to: int | None = None, reduce_reason: str = "",
                 reduce_agree: int | None = None) -> ElectionRound:
    """党员大会: record one round; void, complete, or another round (另行选举) or agreed seat cut."""
    require_perm(user, "elections.lead", election)
    check_status(election, S.ELECTION_MEETING)
    today = timezone.localdate()
    held_on = held_on or today
    errors = Errors()
    if held_on > today:
        errors.add("held_on", "选举日期不能晚于今天。")
    previous = election.rounds.order_by("-number").first()
    if previous is not None and held_on < previous.held_on:
        errors.add("held_on", "选举日期不能早于上一轮。")
    voters = full_member_count(election.unit)
    if not 1 <= eligible <= voters:
        errors.add("eligible", f"应到会人数应为 1 至 {voters}（本支部有表决权的正式党员人数）。")
    if present > eligible:
        errors.add("present", "实到会人数不能多于应到会人数。")
    elif 5 * present < 4 * eligible:
        errors.add("present", f"实到会有表决权的党员 {present} 人，不足应到会人数 {eligible} 人的五分之四，"
                              "选举无效，不能进行选举。")
    if invalid > ballots_returned:
        errors.add("invalid", "无效票数不能多于收回选票数。")
    ballot, seats = current_ballot(election)
    unknown = [n for n in votes if n not in ballot]
    if unknown:
        errors.add("votes", f"以下人员不是本轮候选人：{display_names(unknown)}。")
    names = dict(User.objects.filter(username__in=list(votes)).values_list("username", "name"))
    for name, count in votes.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            errors.add("votes", f"{names.get(name) or name} 的得票数应为非负整数。")
        elif count > ballots_returned - invalid and ballots_returned <= ballots_issued <= present:
            errors.add("votes", f"{names.get(name) or name} 的得票数多于有效选票数。")
    errors.raise_any()
    full_votes = {name: int(votes.get(name, 0)) for name in ballot}
    result = count_round(seats=seats, present=present, ballots_issued=ballots_issued,
                         ballots_returned=ballots_returned, votes=full_votes)
    reducing = reduce_seats_to is not None
    if reducing:
        _check_seat_reduction(election, result, present, reduce_seats_to, reduce_reason, reduce_agree)
    round_ = ElectionRound(
        election=election, number=(previous.number + 1) if previous else 1, held_on=held_on, seats_to_fill=seats,
        eligible=eligible, present=present, ballots_issued=ballots_issued, ballots_returned=ballots_returned,
        invalid=invalid, valid=result.valid, void_reason=result.void_reason, outcome=result.outcome_text(),
        recorded_by=user,
    )
    if reducing:
        round_.outcome += f" 经党员大会表决同意（{reduce_agree}票），委员职数由 {election.seats} 名减为 {reduce_seats_to} 名。"
    record_save(round_)
    people = {u.username: u for u in User.objects.filter(username__in=ballot)}
    for name in ballot:
        record_save(RoundVote(round=round_, candidate=people[name], votes=full_votes[name],
                              elected=name in result.elected))
    if reducing:
        election.seats_reduced_from = election.seats
        election.seats_reduced_reason = reduce_reason.strip()[:300]
        election.seats = reduce_seats_to
    if result.complete or reducing:
        election.held_on = held_on
        record_save(election, reason=f"党员大会同意减少委员职数：{reduce_reason.strip()}" if reducing else None)
    return round_


def _check_seat_reduction(election, result, present, seats_to, reason, agree) -> None:
    errors = Errors()
    elected_total = election.seats_filled() + len(result.elected)
    if not result.shortfall:
        errors.add("reduce_seats_to", "只有当选人数不足应选名额时，才能经党员大会同意减少委员职数。")
    elif election.seats - elected_total > 1:
        errors.add("reduce_seats_to", "差额较大，不能减少职数，应另行选举。")
    elif seats_to != elected_total:
        errors.add("reduce_seats_to", f"减少后的职数应等于已当选人数（{elected_total} 名）。")
    elif seats_to < election.min_seats:
        errors.add("reduce_seats_to", f"委员职数不能少于 {election.min_seats} 名，应另行选举。")
    elif election.elect_deputy and seats_to < 2:
        errors.add("reduce_seats_to", "需选举副书记，职数不能少于2名。")
    if not reason.strip():
        errors.add("reduce_reason", "请填写减少职数的理由。")
    if agree is None or not is_majority(agree, present):
        errors.add("reduce_agree", "减少职数须经到会党员过半数同意。")
    errors.raise_any()
