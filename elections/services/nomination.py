"""二上 民主推荐 and 初步人选, 二下 候选人审查."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from workflows.models import User
from workflows.org.permissions import is_read_only, require_perm
from workflows.records import audited, record_create_once, record_save

from ..models import Candidate, Election, PaperTally, Recommendation, min_candidates
from ..selectors import recommendation_counts
from .common import (
    Errors,
    check_status,
    display_names,
    full_member_count,
    full_members_by_username,
    notify_election,
    secretaries,
)

S = Election.Status


def check_may_try_recommending(user, election: Election) -> None:
    """Refuse (403) people who are not members of the unit, and read-only users, before any parsing."""
    if is_read_only(user) or user.unit_id != election.unit_id:
        raise PermissionDenied


@transaction.atomic
@audited("民主推荐")
def recommendation_submit(*, election: Election, user: User, nominees: list[str]) -> Recommendation:
    """A full member recommends up to `seats` members; a second call supersedes the first."""
    require_perm(user, "elections.view", election, hide=True)
    check_may_try_recommending(user, election)
    if not user.is_full_member:
        raise ValidationError({"nominees": "只有正式党员可以参加民主推荐，预备党员没有推荐权。"})
    require_perm(user, "elections.recommend", election)
    election = Election.objects.select_for_update().get(pk=election.pk)  # serialise with election_nominate
    check_status(election, S.NOMINATE)
    errors = Errors()
    if not nominees:
        errors.add("nominees", "请至少推荐一名人选。")
    if len(nominees) > election.seats:
        errors.add("nominees", f"推荐人数不能超过应选名额（{election.seats} 名）。")
    with errors.collect():
        people = full_members_by_username(election.unit, nominees, "nominees")
    errors.raise_any()
    previous = Recommendation.objects.select_for_update().filter(
        election=election, member=user, active=True).first()
    if previous is not None:
        previous.active = False
        record_save(previous, reason="本人重新推荐，原推荐作废")
    return record_create_once(
        Recommendation(election=election, member=user, nominees=[p.username for p in people], supersedes=previous),
        duplicate_message="您的推荐正在提交，请勿重复提交。")


@transaction.atomic
@audited("上报初步人选")
def election_nominate(*, election: Election, user: User, candidates: list[str],
                      paper_tallies: dict[str, int]) -> Election:
    """二上: the secretary enters paper tallies and reports the 初步人选 with their counts."""
    require_perm(user, "elections.lead", election)
    election = Election.objects.select_for_update().get(pk=election.pk)
    check_status(election, S.NOMINATE)
    errors = Errors()
    tally_people = []
    with errors.collect():
        tally_people = full_members_by_username(election.unit, list(paper_tallies), "paper_tallies")
    voters = full_member_count(election.unit)
    for person in tally_people:
        count = paper_tallies[person.username]
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            errors.add("paper_tallies", f"{person.name} 的纸质推荐票数应为非负整数。")
        elif count > voters:
            errors.add("paper_tallies", f"{person.name} 的纸质推荐票数超过本支部正式党员人数（{voters} 人）。")
    needed = min_candidates(election.seats)
    if len(candidates) < needed:
        errors.add("candidates", f"初步人选应多于应选名额（差额不少于20%），至少 {needed} 名。")
    with errors.collect():
        people = full_members_by_username(election.unit, candidates, "candidates")
    errors.raise_any()
    for person in tally_people:
        record_save(PaperTally(election=election, nominee=person, count=paper_tallies[person.username],
                               entered_by=user))
    counts = recommendation_counts(election)
    for person in people:
        record_save(Candidate(election=election, user=person, recommendations=counts.get(person.username, 0)))
    return election


@transaction.atomic
@audited("候选人审查")
def election_candidate_review(*, election: Election, user: User, approved: list[str],
                              struck: dict[str, str]) -> Election:
    """二下: organization staff approve the 候选人预备人选, striking names with a reason."""
    require_perm(user, "elections.review", election)
    check_status(election, S.CANDIDATE_REVIEW)
    by_name = {c.user.username: c for c in election.active_candidates()}
    errors = Errors()
    unknown = [n for n in [*approved, *struck] if n not in by_name]
    if unknown:
        errors.add("approved", f"以下人员不在初步人选名单中：{display_names(unknown)}。")
    both = sorted(set(approved) & set(struck))
    if both:
        errors.add("struck", f"同一人不能既通过又不予通过：{display_names(both)}。")
    undecided = [n for n in by_name if n not in approved and n not in struck]
    if undecided:
        errors.add("approved", f"请对每名初步人选作出审查结论，未审查：{display_names(undecided)}。")
    blank = [n for n, reason in struck.items() if not str(reason or "").strip()]
    if blank:
        errors.add("struck", f"不予通过须说明理由：{display_names(blank)}。")
    needed = min_candidates(election.seats)
    if len(set(approved)) < needed:
        errors.add("approved", f"审查通过的人选不足，差额选举至少需要 {needed} 名候选人。")
    errors.raise_any()
    for name, candidate in by_name.items():
        if name in struck:
            candidate.approved, candidate.struck_reason = False, str(struck[name]).strip()[:300]
        else:
            candidate.approved = True
        record_save(candidate)
    notify_election(recipients=secretaries(election.unit), election=election, message="候选人预备人选已审查，请上报选举方案。")
    return election
