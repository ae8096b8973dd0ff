"""Reads of elections: what a user may see and the API representation."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from workflows.materials.selectors import subject_records
from workflows.models import Term, Unit

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


def rounds_data(election: Election, rounds_with_votes=None) -> list[dict]:
    """The rounds of the election; `rounds_with_votes`: them with their votes prefetched already."""
    if rounds_with_votes is None:
        rounds_with_votes = election.rounds.prefetch_related("votes__candidate").order_by("number")
    rounds = []
    for round_ in rounds_with_votes:
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


def term_overview(*, today, parent_code: str | None = None, due: bool = False, band: str | None = None):
    """Every branch and general branch with its current term's end (`term_end`, postponement included)
    and its running election (`running_election`), soonest end first, filtered in the database.

    `due`: ends within 180 days or overdue; `band`: a band of the dashboard's 换届 chart (workflows.stats).
    """
    units = Unit.objects.filter(kind__in=[Unit.Kind.BRANCH, Unit.Kind.GENERAL_BRANCH], active=True)
    if parent_code:
        units = units.filter(Q(parent__code=parent_code) | Q(code=parent_code))
    running = Election.objects.filter(unit=OuterRef("pk")).exclude(status__in=Election.CLOSED_STATUSES)
    units = units.annotate(
        current=FilteredRelation("terms", condition=Q(terms__status=Term.Status.CURRENT)),
        term_id=F("current__pk"), term_end=Coalesce("current__postponed_until", "current__ends"),
        term_postponed=F("current__postponed_until"),
        running_election=Subquery(running.order_by("created", "pk").values("pk")[:1]),
    ).select_related("parent")
    if due:
        units = units.filter(term_end__lte=today + timedelta(days=180))
    if band == "postponed":
        units = units.filter(term_postponed__isnull=False)
    elif band:
        units = _band_filter(units.filter(kind=Unit.Kind.BRANCH, term_end__isnull=False), band, today)
    return units.order_by(F("term_end").asc(nulls_last=True), "code")


def _band_filter(units, band: str, today):
    """The units of one band of workflows.stats.term_band (a running election comes first)."""
    if band == "running":
        return units.filter(running_election__isnull=False)
    idle = units.filter(running_election__isnull=True)
    limits = {"overdue": (None, -1), "30": (0, 30), "90": (31, 90), "180": (91, 180), "later": (181, None)}
    if band not in limits:
        return units.none()
    low, high = limits[band]
    if low is not None:
        idle = idle.filter(term_end__gte=today + timedelta(days=low))
    if high is not None:
        idle = idle.filter(term_end__lte=today + timedelta(days=high))
    return idle


def overview_rows(units, today) -> list[dict]:
    """The rows of a page of `term_overview`: its terms and running elections in one query each."""
    units = list(units)
    terms = Term.objects.in_bulk([u.term_id for u in units if u.term_id])
    elections = Election.objects.in_bulk([u.running_election for u in units if u.running_election])
    rows = []
    for unit in units:
        term = terms.get(unit.term_id)
        days_left = term.days_left(today) if term else None
        rows.append({
            "unit": unit, "term": term, "days_left": days_left, "election": elections.get(unit.running_election),
            "overdue": days_left is not None and days_left < 0,
            "soon": days_left is not None and 0 <= days_left <= 180,
            "overdue_days": -days_left if days_left is not None and days_left < 0 else None,
        })
    return rows


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
