"""API representation of an election (also the subject of a completed task)."""

from rest_framework import serializers

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


# --- the schema of the shapes above (api.md "Elections") -------------------------------------


class CandidateSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    recommendations = serializers.IntegerField()
    approved = serializers.BooleanField(allow_null=True)
    struck_reason = serializers.CharField(allow_blank=True)
    final = serializers.BooleanField()


class RoundSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    held_on = serializers.DateField()
    valid = serializers.BooleanField()
    void_reason = serializers.CharField(allow_blank=True)
    seats_to_fill = serializers.IntegerField()
    eligible = serializers.IntegerField()
    present = serializers.IntegerField()
    ballots_issued = serializers.IntegerField()
    ballots_returned = serializers.IntegerField()
    invalid = serializers.IntegerField()
    votes = serializers.DictField(child=serializers.IntegerField(), help_text="username → votes")
    elected = serializers.ListField(child=serializers.CharField())
    outcome = serializers.CharField(allow_blank=True)


class ElectionSerializer(serializers.Serializer):
    """An election (election_data)."""

    id = serializers.IntegerField()
    unit = serializers.CharField()
    status = serializers.CharField()
    active_steps = serializers.ListField(child=serializers.CharField())
    seats = serializers.IntegerField()
    requested_seats = serializers.IntegerField(allow_null=True)
    seats_reduced_from = serializers.IntegerField(allow_null=True)
    seats_reduced_reason = serializers.CharField(allow_blank=True)
    elect_deputy = serializers.BooleanField()
    planned_date = serializers.DateField()
    meeting_date = serializers.DateField(allow_null=True)
    held_on = serializers.DateField(allow_null=True)
    term = serializers.IntegerField(allow_null=True)
    new_term = serializers.IntegerField(allow_null=True)
    candidates = CandidateSerializer(many=True)
    scrutineers = serializers.ListField(child=serializers.CharField())
    counters = serializers.ListField(child=serializers.CharField())
    rounds = RoundSerializer(many=True)
    secretary = serializers.CharField(allow_null=True)
    deputy = serializers.CharField(allow_null=True)
    process_id = serializers.IntegerField(allow_null=True)

    def to_representation(self, election):
        return election_data(election)


class RecommendationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    election = serializers.IntegerField()
    member = serializers.CharField()
    nominees = serializers.ListField(child=serializers.CharField())
    replaces = serializers.IntegerField(allow_null=True)
    created = serializers.DateTimeField()
