"""Reads of elections: what a user may see and the API representation."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from workflows.materials.selectors import subject_records
from workflows.models import Unit

from .counting import count_round
from .models import Election, ElectionRound, PaperTally, Recommendation


def visible_elections(user):
    """Elections the user may see: overseers all, others those of the units they belong to."""
    qs = Election.objects.select_related("unit", "secretary", "deputy")
    if not user.is_authenticated:
        return qs.none()
    if user.has_perm("workflows.oversee_organisation"):
        return qs
    units = user.role_grants.filter(unit__isnull=False).values("unit")
    return qs.filter(Q(unit__in=units) | Q(unit=user.unit_id) if user.unit_id else Q(unit__in=units))


def get_visible_election(user, pk) -> Election:
    election = Election.objects.select_related("unit").filter(pk=pk).first()
    if election is None or not user.has_perm("elections.view", election):
        raise Http404
    return election


def recommendation_counts(election: Election) -> dict[str, int]:
    """Online recommendations plus the paper tallies, per username."""
    counts: dict[str, int] = {}
    for nominees in Recommendation.objects.filter(election=election, active=True).values_list("nominees", flat=True):
        for name in nominees:
            counts[name] = counts.get(name, 0) + 1
    for name, count in PaperTally.objects.filter(election=election).values_list("nominee__username", "count"):
        counts[name] = counts.get(name, 0) + count
    return counts


def election_materials(election: Election, *, with_counts: bool = True) -> dict:
    """What the election page and its task pages show about the election."""
    counts = sorted(recommendation_counts(election).items(), key=lambda kv: -kv[1]) if with_counts else None
    return {
        "election": election,
        "candidates": election.candidates.filter(active=True).select_related("user"),
        "rounds": rounds_data(election),
        "recommendation_counts": counts,
        "reviews": election.reviews.select_related("reviewer"),
        "officials": election.officials.filter(active=True).select_related("user"),
    }


def my_recommendation(election: Election, user):
    return Recommendation.objects.filter(election=election, member=user, active=True).first()


def rounds_data(election: Election) -> list[dict]:
    rounds = []
    for round_ in election.rounds.prefetch_related("votes__candidate").order_by("number"):
        votes = list(round_.votes.all())
        rounds.append({
            "number": round_.number,
            "held_on": round_.held_on.isoformat(),
            "valid": round_.valid,
            "void_reason": round_.void_reason,
            "seats_to_fill": round_.seats_to_fill,
            "eligible": round_.eligible,
            "present": round_.present,
            "ballots_issued": round_.ballots_issued,
            "ballots_returned": round_.ballots_returned,
            "invalid": round_.invalid,
            "votes": {v.candidate.username: v.votes for v in votes},
            "elected": [v.candidate.username for v in votes if v.elected and round_.valid],
            "outcome": round_.outcome,
        })
    return rounds


def term_overview(*, today, parent_code: str | None = None):
    """Every branch and general branch with its current term, days left and running election."""
    units = Unit.objects.filter(kind__in=[Unit.Kind.BRANCH, Unit.Kind.GENERAL_BRANCH], active=True)
    if parent_code:
        units = units.filter(Q(parent__code=parent_code) | Q(code=parent_code))
    units = units.select_related("parent").prefetch_related("terms").order_by("code")
    running = {
        e.unit_id: e for e in Election.objects.exclude(status__in=Election.CLOSED_STATUSES)
    }
    return units, running


def election_history(election: Election, *, with_ids: bool = False) -> list[dict]:
    """Every change to the election and its reviews, recommendations, tallies, candidates and rounds."""
    from workflows.audit.history import history_entries

    from .models import RoundVote

    return history_entries(
        election, election.reviews.all(), election.recommendations.all(), election.paper_tallies.all(),
        election.candidates.all(), election.officials.all(), election.rounds.all(),
        RoundVote.objects.filter(round__election=election), *subject_records(election), with_ids=with_ids,
    )


# --- the ballot of the next round -----------------------------------------------------------


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


def started_elections():
    """Elections that started a term's renewal (running or done; a returned request does not count)."""
    return Election.objects.exclude(status=Election.Status.CANCELLED)


def terms_with_election(term_ids) -> set[int]:
    """Of these terms, those whose election has started: their 换届 reminders and warnings stop."""
    return set(started_elections().filter(term_id__in=list(term_ids)).values_list("term_id", flat=True))
