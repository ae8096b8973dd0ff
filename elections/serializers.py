"""API representation of an election (also the subject of a completed task)."""

from workflows.tasks import active_step_names, process_for

from .models import Election
from .selectors import rounds_data


def election_data(election: Election) -> dict:
    candidates = election.candidates.filter(active=True).select_related("user").order_by("-recommendations", "pk")
    process = process_for(election)
    return {
        "id": election.pk,
        "unit": election.unit.code,
        "status": election.status,
        "active_steps": active_step_names(process),
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
