"""Writes of the 三上三下 election: one service per step, each enforcing the step's rules.

Every service is called by the API and the HTML pages alike (the step services through
`workflows.tasks.task_complete`, inside the process lock). Rules are enforced here, not only
in forms. Decisions that change the route set `Election.status` to the next step code; the
flow's If-gates read the recorded reviews and rounds.
"""

from __future__ import annotations

import functools
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from workflows.audit import audit_context
from workflows.exceptions import Conflict
from workflows.models import RoleGrant, Term, Unit, User, add_years
from workflows.notifications import notify
from workflows.permissions import can, is_read_only, require, sync_user_permissions, units_led_by
from workflows.roles import Role

from .counting import count_round, is_majority
from .models import (
    MAX_COMMITTEE_SEATS,
    MIN_COMMITTEE_SEATS,
    MIN_MEMBERS_FOR_COMMITTEE,
    Candidate,
    Election,
    ElectionOfficial,
    ElectionReview,
    ElectionRound,
    PaperTally,
    Recommendation,
    RoundVote,
    min_candidates,
)

S = Election.Status


def audited(reason: str):
    """Run the service with the acting user and a reason on every history record it writes."""

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with audit_context(actor=kwargs.get("user"), reason=reason):
                return func(*args, **kwargs)

        return wrapper

    return decorator


# --- rules -----------------------------------------------------------------------------------


def full_member_count(unit: Unit) -> int:
    return unit.full_members().count()


def validate_seats(*, unit: Unit, seats: int, elect_deputy: bool, field: str = "seats") -> None:
    """Seats rule of domain.md B.

    A unit with at least 7 full members elects a committee of 3-7 (3-5 usual, never more
    than 7). A smaller branch has no committee: it elects a secretary only (seats = 1), or a
    secretary and a deputy (seats = 2, elect_deputy).
    """
    if full_member_count(unit) >= MIN_MEMBERS_FOR_COMMITTEE:
        if not MIN_COMMITTEE_SEATS <= seats <= MAX_COMMITTEE_SEATS:
            raise ValidationError({field: f"正式党员7人以上的支部设支部委员会，委员职数应为{MIN_COMMITTEE_SEATS}至"
                                          f"{MAX_COMMITTEE_SEATS}名（一般3至5名）。"})
    else:
        wanted = 2 if elect_deputy else 1
        if seats != wanted:
            raise ValidationError({field: "正式党员不足7人的支部不设支部委员会，只选举书记"
                                          + ("和副书记，职数应为2名。" if elect_deputy else "，职数应为1名。")})


def _check_status(election: Election, status: str) -> None:
    if election.status != status:
        raise Conflict(f"该换届选举当前处于“{election.get_status_display()}”阶段，不能办理此步骤。")


def _full_members_by_username(unit: Unit, usernames, field: str) -> list[User]:
    usernames = list(usernames)
    if len(set(usernames)) != len(usernames):
        raise ValidationError({field: "名单中有重复的人员。"})
    found = {u.username: u for u in unit.full_members().filter(username__in=usernames)}
    missing = [name for name in usernames if name not in found]
    if missing:
        raise ValidationError({field: f"以下人员不是本支部正式党员：{'、'.join(missing)}（预备党员没有被选举权）。"})
    return [found[name] for name in usernames]


def _secretaries(unit: Unit):
    return list(unit.holders_of(Role.BRANCH_SECRETARY))


def _organization_staff():
    return list(User.objects.filter(role_grants__role=Role.ORGANIZATION_STAFF, is_active=True).distinct())


def _notify_later(*, recipients, election: Election, message: str) -> None:
    url = f"/elections/{election.pk}/"
    recipients = list(recipients)
    transaction.on_commit(
        lambda: notify(recipients=recipients, kind="election_update",
                       context={"election": election, "message": message}, url=url)
    )


# --- 一上: request -----------------------------------------------------------------------------


@transaction.atomic
@audited("换届请示")
def election_request(*, user: User, unit: Unit, planned_date: date, seats: int, elect_deputy: bool) -> Election:
    """Start an election of `unit` (换届请示) and its ElectionFlow; the request step is done."""
    from .flows import ElectionFlow

    require(user, "elections.request", unit)
    if unit.kind not in (Unit.Kind.BRANCH, Unit.Kind.GENERAL_BRANCH):
        raise ValidationError({"unit": "只有党支部和党总支通过本流程换届。"})
    if Election.objects.filter(unit=unit).exclude(status__in=Election.CLOSED_STATUSES).exists():
        raise Conflict("该党组织已有正在进行的换届选举。")
    if planned_date < timezone.localdate():
        raise ValidationError({"planned_date": "计划选举日期不能早于今天。"})
    validate_seats(unit=unit, seats=seats, elect_deputy=elect_deputy)
    election = Election(
        unit=unit, term=unit.current_term, status=S.REQUEST_APPROVAL, requested_by=user,
        planned_date=planned_date, seats=seats, requested_seats=seats, elect_deputy=elect_deputy,
    )
    election.full_clean()
    try:
        with transaction.atomic():
            election.save()
    except IntegrityError:
        raise Conflict("该党组织已有正在进行的换届选举。") from None
    ElectionFlow.request.run(election=election, user=user)
    return election


def _record_review(*, election: Election, user: User, step: str, status: str, approve: bool, comment: str) -> None:
    """An organization-staff decision on a step: allowed, at that step, with a comment when returning."""
    require(user, "elections.review", election)
    _check_status(election, status)
    if not approve and not comment.strip():
        raise ValidationError({"comment": "退回时请填写意见。"})
    ElectionReview.objects.create(election=election, step=step, approve=approve, comment=comment, reviewer=user)


@transaction.atomic
@audited("换届请示批复")
def request_review(*, election: Election, user: User, approve: bool, seats: int | None, comment: str) -> Election:
    """一下: organization staff approve (maybe with other seats) or return the request."""
    _record_review(election=election, user=user, step="request_approval", status=S.REQUEST_APPROVAL,
                   approve=approve, comment=comment)
    if approve:
        if seats is not None and seats != election.seats:
            validate_seats(unit=election.unit, seats=seats, elect_deputy=election.elect_deputy)
            election.seats = seats
        election.status = S.NOMINATE
        members = election.unit.full_members()
        _notify_later(recipients=members, election=election,
                      message=f"组织部门已批复换届请示（委员职数 {election.seats} 名），现开始民主推荐，请登录系统推荐人选。")
    else:
        election.status = S.CANCELLED
        _notify_later(recipients=[election.requested_by, *_secretaries(election.unit)], election=election,
                      message=f"换届请示被退回：{comment}。请修改后重新提出请示。")
    election.full_clean()
    election.save()
    return election


# --- 二上: nominate ----------------------------------------------------------------------------


@transaction.atomic
@audited("民主推荐")
def recommendation_submit(*, election: Election, user: User, nominees: list[str]) -> Recommendation:
    """A full member recommends up to `seats` members; a second call supersedes the first."""
    require(user, "elections.view", election, hide=True)
    check_may_try_recommending(user, election)
    if not user.is_full_member:
        raise ValidationError({"nominees": "只有正式党员可以参加民主推荐，预备党员没有推荐权。"})
    require(user, "elections.recommend", election)
    election = Election.objects.select_for_update().get(pk=election.pk)  # serialise with nominate_report
    _check_status(election, S.NOMINATE)
    if not nominees:
        raise ValidationError({"nominees": "请至少推荐一名人选。"})
    if len(nominees) > election.seats:
        raise ValidationError({"nominees": f"推荐人数不能超过应选名额（{election.seats} 名）。"})
    people = _full_members_by_username(election.unit, nominees, "nominees")
    previous = Recommendation.objects.select_for_update().filter(
        election=election, member=user, active=True).first()
    if previous is not None:
        previous.active = False
        previous._change_reason = "本人重新推荐，原推荐作废"
        previous.save()
    recommendation = Recommendation(election=election, member=user, nominees=[p.username for p in people],
                                    supersedes=previous)
    recommendation.full_clean()
    try:
        with transaction.atomic():
            recommendation.save()
    except IntegrityError:
        raise Conflict("您的推荐正在提交，请勿重复提交。") from None
    return recommendation


def recommendation_counts(election: Election) -> dict[str, int]:
    """Online recommendations plus the paper tallies, per username."""
    counts: dict[str, int] = {}
    for nominees in Recommendation.objects.filter(election=election, active=True).values_list("nominees", flat=True):
        for name in nominees:
            counts[name] = counts.get(name, 0) + 1
    for name, count in PaperTally.objects.filter(election=election).values_list("nominee__username", "count"):
        counts[name] = counts.get(name, 0) + count
    return counts


@transaction.atomic
@audited("上报初步人选")
def nominate_report(*, election: Election, user: User, candidates: list[str],
                    paper_tallies: dict[str, int]) -> Election:
    """二上: the secretary enters paper tallies and reports the 初步人选 with their counts."""
    require(user, "elections.lead", election)
    election = Election.objects.select_for_update().get(pk=election.pk)
    _check_status(election, S.NOMINATE)
    tally_people = _full_members_by_username(election.unit, list(paper_tallies), "paper_tallies")
    for person in tally_people:
        count = paper_tallies[person.username]
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValidationError({"paper_tallies": f"{person.username} 的纸质推荐票数应为非负整数。"})
        if count > full_member_count(election.unit):
            raise ValidationError({"paper_tallies": f"{person.username} 的纸质推荐票数超过本支部正式党员人数。"})
        PaperTally.objects.create(election=election, nominee=person, count=count, entered_by=user)
    people = _full_members_by_username(election.unit, candidates, "candidates")
    needed = min_candidates(election.seats)
    if len(people) < needed:
        raise ValidationError({"candidates": f"初步人选应多于应选名额（差额不少于20%），至少 {needed} 名。"})
    counts = recommendation_counts(election)
    for person in people:
        Candidate.objects.create(election=election, user=person, recommendations=counts.get(person.username, 0))
    election.status = S.CANDIDATE_REVIEW
    election.save()
    return election


# --- 二下: candidate_review --------------------------------------------------------------------


@transaction.atomic
@audited("候选人审查")
def candidate_review(*, election: Election, user: User, approved: list[str], struck: dict[str, str]) -> Election:
    """二下: organization staff approve the 候选人预备人选, striking names with a reason."""
    require(user, "elections.review", election)
    _check_status(election, S.CANDIDATE_REVIEW)
    by_name = {c.user.username: c for c in election.active_candidates()}
    unknown = [n for n in [*approved, *struck] if n not in by_name]
    if unknown:
        raise ValidationError({"approved": f"以下人员不在初步人选名单中：{'、'.join(unknown)}。"})
    both = set(approved) & set(struck)
    if both:
        raise ValidationError({"struck": f"同一人不能既通过又不予通过：{'、'.join(sorted(both))}。"})
    undecided = [n for n in by_name if n not in approved and n not in struck]
    if undecided:
        raise ValidationError({"approved": f"请对每名初步人选作出审查结论，未审查：{'、'.join(undecided)}。"})
    blank = [n for n, reason in struck.items() if not str(reason or "").strip()]
    if blank:
        raise ValidationError({"struck": f"不予通过须说明理由：{'、'.join(blank)}。"})
    needed = min_candidates(election.seats)
    if len(set(approved)) < needed:
        raise ValidationError({"approved": f"审查通过的人选不足，差额选举至少需要 {needed} 名候选人。"})
    for name, candidate in by_name.items():
        if name in struck:
            candidate.approved, candidate.struck_reason = False, str(struck[name]).strip()[:300]
        else:
            candidate.approved = True
        candidate.save()
    election.status = S.ELECTION_PLAN
    election.save()
    _notify_later(recipients=_secretaries(election.unit), election=election,
                  message="候选人预备人选已审查，请上报选举方案。")
    return election


# --- 三上 / 三下: election_plan and plan_approval ------------------------------------------------


@transaction.atomic
@audited("上报选举方案")
def election_plan_submit(*, election: Election, user: User, candidates: list[str], meeting_date: date,
                         scrutineers: list[str], counters: list[str], method_text: str) -> Election:
    """三上: final candidates (差额), meeting date, 监票人, 计票人 and the 选举办法."""
    require(user, "elections.lead", election)
    _check_status(election, S.ELECTION_PLAN)
    approved = {c.user.username: c for c in election.active_candidates().filter(approved=True)}
    if len(set(candidates)) != len(candidates):
        raise ValidationError({"candidates": "候选人名单中有重复的人员。"})
    not_approved = [n for n in candidates if n not in approved]
    if not_approved:
        raise ValidationError({"candidates": f"以下人员未经审查通过，不能列为候选人：{'、'.join(not_approved)}。"})
    needed = min_candidates(election.seats)
    if len(candidates) < needed:
        raise ValidationError({"candidates": f"实行差额选举，候选人应比应选名额多20%以上，至少 {needed} 名。"})
    if meeting_date < timezone.localdate():
        raise ValidationError({"meeting_date": "党员大会日期不能早于今天。"})
    if not method_text.strip():
        raise ValidationError({"method_text": "请填写选举办法。"})
    officials = {}
    for field, names, label in (("scrutineers", scrutineers, "监票人"), ("counters", counters, "计票人")):
        if not names:
            raise ValidationError({field: f"请指定{label}。"})
        clash = [n for n in names if n in candidates]
        if clash:
            raise ValidationError({field: f"{label}不能由候选人担任：{'、'.join(clash)}。"})
        if len(set(names)) != len(names):
            raise ValidationError({field: f"{label}名单中有重复的人员。"})
        found = {u.username: u for u in election.unit.people.filter(username__in=names, is_active=True)
                 .exclude(membership=User.Membership.NONE)}
        missing = [n for n in names if n not in found]
        if missing:
            raise ValidationError({field: f"{label}应为本支部党员：{'、'.join(missing)}。"})
        officials[field] = [found[n] for n in names]
    for official in election.officials.filter(active=True):  # a plan returned earlier
        official.active = False
        official.save()
    for candidate in election.active_candidates():
        final = candidate.user.username in candidates
        if candidate.final != final:
            candidate.final = final
            candidate.save()
    for person in officials["scrutineers"]:
        ElectionOfficial.objects.create(election=election, user=person, role=ElectionOfficial.Role.SCRUTINEER)
    for person in officials["counters"]:
        ElectionOfficial.objects.create(election=election, user=person, role=ElectionOfficial.Role.COUNTER)
    election.meeting_date = meeting_date
    election.method_text = method_text.strip()
    election.status = S.PLAN_APPROVAL
    election.full_clean()
    election.save()
    return election


@transaction.atomic
@audited("选举方案批复")
def plan_review(*, election: Election, user: User, approve: bool, comment: str) -> Election:
    """三下: organization staff approve the plan, or return it to the secretary."""
    _record_review(election=election, user=user, step="plan_approval", status=S.PLAN_APPROVAL,
                   approve=approve, comment=comment)
    election.status = S.ELECTION_MEETING if approve else S.ELECTION_PLAN
    election.save()
    _notify_later(recipients=_secretaries(election.unit), election=election,
                  message="选举方案已批复，请按期召开党员大会。" if approve else f"选举方案被退回：{comment}")
    return election


# --- election_meeting ------------------------------------------------------------------------


def current_ballot(election: Election) -> tuple[list[str], int]:
    """Candidates on the ballot of the next round and the seats it fills."""
    last = election.rounds.filter(valid=True).order_by("-number").first()
    if last is None:
        return [c.user.username for c in election.final_candidates()], election.seats
    result = _result_of(last)
    return result.next_candidates, result.next_seats


def _result_of(round_: ElectionRound):
    votes = {v.candidate.username: v.votes for v in round_.votes.select_related("candidate").order_by("pk")}
    return count_round(seats=round_.seats_to_fill, present=round_.present, ballots_issued=round_.ballots_issued,
                       ballots_returned=round_.ballots_returned, votes=votes)


def seats_filled(election: Election) -> int:
    return RoundVote.objects.filter(round__election=election, round__valid=True, elected=True).count()


@transaction.atomic
@audited("党员大会选举")
def round_record(*, election: Election, user: User, held_on: date | None, eligible: int, present: int,
                 ballots_issued: int, ballots_returned: int, invalid: int, votes: dict[str, int],
                 reduce_seats_to: int | None = None, reduce_reason: str = "",
                 reduce_agree: int | None = None) -> ElectionRound:
    """党员大会: record one round; void, complete, or another round (另行选举) or agreed seat cut."""
    require(user, "elections.lead", election)
    _check_status(election, S.ELECTION_MEETING)
    today = timezone.localdate()
    held_on = held_on or today
    if held_on > today:
        raise ValidationError({"held_on": "选举日期不能晚于今天。"})
    previous = election.rounds.order_by("-number").first()
    if previous is not None and held_on < previous.held_on:
        raise ValidationError({"held_on": "选举日期不能早于上一轮。"})
    voters = full_member_count(election.unit)
    if not 1 <= eligible <= voters:
        raise ValidationError({"eligible": f"应到会人数应为 1 至 {voters}（本支部有表决权的正式党员人数）。"})
    if present > eligible:
        raise ValidationError({"present": "实到会人数不能多于应到会人数。"})
    if 5 * present < 4 * eligible:
        raise ValidationError({"present": f"实到会有表决权的党员 {present} 人，不足应到会人数 {eligible} 人的五分之四，"
                                          "选举无效，不能进行选举。"})
    if invalid > ballots_returned:
        raise ValidationError({"invalid": "无效票数不能多于收回选票数。"})
    ballot, seats = current_ballot(election)
    unknown = [n for n in votes if n not in ballot]
    if unknown:
        raise ValidationError({"votes": f"以下人员不是本轮候选人：{'、'.join(unknown)}。"})
    for name, count in votes.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValidationError({"votes": f"{name} 的得票数应为非负整数。"})
        if count > ballots_returned - invalid and ballots_returned <= ballots_issued <= present:
            raise ValidationError({"votes": f"{name} 的得票数多于有效选票数。"})
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
    round_.full_clean()
    round_.save()
    people = {u.username: u for u in User.objects.filter(username__in=ballot)}
    for name in ballot:
        RoundVote.objects.create(round=round_, candidate=people[name], votes=full_votes[name],
                                 elected=name in result.elected)
    if reducing:
        election.seats_reduced_from = election.seats
        election.seats_reduced_reason = reduce_reason.strip()[:300]
        election.seats = reduce_seats_to
        election._change_reason = f"党员大会同意减少委员职数：{reduce_reason.strip()}"
    if result.complete or reducing:
        election.held_on = held_on
        election.status = S.OFFICER_ELECTION
    election.save()
    return round_


def _check_seat_reduction(election, result, present, seats_to, reason, agree) -> None:
    if not result.shortfall:
        raise ValidationError({"reduce_seats_to": "只有当选人数不足应选名额时，才能经党员大会同意减少委员职数。"})
    elected_total = seats_filled(election) + len(result.elected)
    if election.seats - elected_total > 1:
        raise ValidationError({"reduce_seats_to": "差额较大，不能减少职数，应另行选举。"})
    if seats_to != elected_total:
        raise ValidationError({"reduce_seats_to": f"减少后的职数应等于已当选人数（{elected_total} 名）。"})
    if seats_to < election.min_seats:
        raise ValidationError({"reduce_seats_to": f"委员职数不能少于 {election.min_seats} 名，应另行选举。"})
    if election.elect_deputy and seats_to < 2:
        raise ValidationError({"reduce_seats_to": "需选举副书记，职数不能少于2名。"})
    if not reason.strip():
        raise ValidationError({"reduce_reason": "请填写减少职数的理由。"})
    if agree is None or not is_majority(agree, present):
        raise ValidationError({"reduce_agree": "减少职数须经到会党员过半数同意。"})


# --- officer_election and result_approval -------------------------------------------------------


@transaction.atomic
@audited("选举书记、副书记")
def officer_elect(*, election: Election, user: User, secretary: str, deputy: str | None) -> Election:
    """The new committee elects the secretary (and deputy) from among its elected members."""
    require(user, "elections.lead", election)
    _check_status(election, S.OFFICER_ELECTION)
    elected = {u.username: u for u in election.elected_users()}
    if secretary not in elected:
        raise ValidationError({"secretary": "书记应从当选的委员中选举产生。"})
    if election.elect_deputy:
        if not deputy:
            raise ValidationError({"deputy": "本次换届需选举副书记。"})
        if deputy not in elected:
            raise ValidationError({"deputy": "副书记应从当选的委员中选举产生。"})
        if deputy == secretary:
            raise ValidationError({"deputy": "副书记与书记不能为同一人。"})
    elif deputy:
        raise ValidationError({"deputy": "本次换届不选举副书记。"})
    election.secretary = elected[secretary]
    election.deputy = elected.get(deputy) if deputy else None
    election.status = S.RESULT_APPROVAL
    election.save()
    return election


@transaction.atomic
@audited("选举结果报批")
def result_review(*, election: Election, user: User, approve: bool, comment: str) -> Election:
    """报批: approval starts the new term and moves the committee; a return re-opens officer_election."""
    _record_review(election=election, user=user, step="result_approval", status=S.RESULT_APPROVAL,
                   approve=approve, comment=comment)
    if not approve:
        election.status = S.OFFICER_ELECTION
        election.save()
        _notify_later(recipients=_secretaries(election.unit), election=election,
                      message=f"选举结果报批被退回：{comment}")
        return election
    unit = Unit.objects.select_for_update().get(pk=election.unit_id)
    old = unit.current_term
    if old is not None:
        old.status = Term.Status.ENDED
        old._change_reason = "换届选举结果获批，任期届满"
        old.save()
    new_term = Term(unit=unit, started=election.held_on, ends=add_years(election.held_on, unit.term_years))
    new_term._change_reason = "换届选举结果获批，新一届任期开始"
    new_term.full_clean()
    new_term.save()
    old_secretaries = _secretaries(unit)
    _move_officers(election)
    election.new_term = new_term
    election.status = S.FINISHED
    election.save()
    _notify_later(recipients={*old_secretaries, *election.elected_users()}, election=election,
                  message=f"换届选举结果已批准，新一届任期自 {new_term.started:%Y-%m-%d} 起。")
    return election


def _move_officers(election: Election) -> None:
    """Give the branch_secretary grant to the new secretary and committee grants to the others."""
    unit = election.unit
    secretary = election.secretary
    committee_ids = {u.pk for u in election.elected_users()} - {secretary.pk}
    affected = {secretary.pk: secretary}
    for grant in RoleGrant.objects.filter(
        unit=unit, role__in=[Role.BRANCH_SECRETARY, Role.BRANCH_COMMITTEE_MEMBER]
    ).select_related("user"):
        keep = (grant.role == Role.BRANCH_SECRETARY and grant.user_id == secretary.pk) or (
            grant.role == Role.BRANCH_COMMITTEE_MEMBER and grant.user_id in committee_ids)
        if not keep:
            affected[grant.user_id] = grant.user
            grant._change_reason = "换届：原支部委员会任期结束"
            grant.delete()
    wanted = [(secretary.pk, Role.BRANCH_SECRETARY)] + [(pk, Role.BRANCH_COMMITTEE_MEMBER) for pk in committee_ids]
    for user_id, role in wanted:
        grant, created = RoleGrant.objects.get_or_create(user_id=user_id, role=role, unit=unit)
        if created:
            affected.setdefault(user_id, grant.user)
    for person in affected.values():
        sync_user_permissions(User.objects.get(pk=person.pk))


def may_request_somewhere(user) -> bool:
    """Organization staff, or the secretary of some unit (checked before parsing a request)."""
    if can(user, "elections.review"):
        return True
    return any(can(user, "elections.request", unit) for unit in units_led_by(user))


def check_may_try_recommending(user, election: Election) -> None:
    """Refuse (403) people who are not members of the unit, and read-only users, before any parsing."""
    if is_read_only(user) or user.unit_id != election.unit_id:
        raise PermissionDenied
