"""Reads of elections: what a user may see and the API representation."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from workflows.models import Unit
from workflows.permissions import can, role_codes
from workflows.roles import Role

from .models import Election, Recommendation


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
    if election is None or not can(user, "elections.view", election):
        raise Http404
    return election


def process_of(election: Election):
    return Process.objects.filter(
        artifact_object_id=election.pk, artifact_content_type__app_label="elections",
        artifact_content_type__model="election",
    ).order_by("-pk").first()


def open_tasks(election: Election):
    process = process_of(election)
    if process is None:
        return Task.objects.none()
    return Task.objects.filter(process=process, flow_task_type="HUMAN",
                               status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]).order_by("pk")


def active_steps(election: Election) -> list[str]:
    return [task.flow_task.name for task in open_tasks(election)]


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


def serialize_election(election: Election, request=None) -> dict:
    candidates = election.candidates.filter(active=True).select_related("user").order_by("-recommendations", "pk")
    process = process_of(election)
    return {
        "id": election.pk,
        "unit": election.unit.code,
        "status": election.status,
        "active_steps": active_steps(election),
        "seats": election.seats,
        "requested_seats": election.requested_seats,
        "seats_reduced_from": election.seats_reduced_from,
        "seats_reduced_reason": election.seats_reduced_reason,
        "elect_deputy": election.elect_deputy,
        "planned_date": election.planned_date.isoformat(),
        "meeting_date": election.meeting_date.isoformat() if election.meeting_date else None,
        "held_on": election.held_on.isoformat() if election.held_on else None,
        "term": election.term_id,
        "new_term": election.new_term_id,
        "candidates": [
            {"username": c.user.username, "name": c.user.name, "recommendations": c.recommendations,
             "approved": c.approved, "struck_reason": c.struck_reason, "final": c.final}
            for c in candidates
        ],
        "scrutineers": [o.user.username for o in election.officials.filter(active=True, role="scrutineer")],
        "counters": [o.user.username for o in election.officials.filter(active=True, role="counter")],
        "rounds": rounds_data(election),
        "secretary": election.secretary.username if election.secretary_id else None,
        "deputy": election.deputy.username if election.deputy_id else None,
        "process_id": process.pk if process else None,
    }


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


def may_see_overview(user) -> bool:
    return bool(role_codes(user) & {Role.ORGANIZATION_STAFF, Role.PARTY_SECRETARY, Role.AUDITOR})


def election_history(election: Election, *, with_ids: bool = False) -> list[dict]:
    """Every change to the election and its reviews, recommendations, tallies, candidates and rounds."""
    from workflows.audit.history import history_entries

    from .models import RoundVote

    return history_entries(
        election, election.reviews.all(), election.recommendations.all(), election.paper_tallies.all(),
        election.candidates.all(), election.officials.all(), election.rounds.all(),
        RoundVote.objects.filter(round__election=election), with_ids=with_ids,
    )
