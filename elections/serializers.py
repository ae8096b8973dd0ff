"""API representation of an election (also the subject of a completed task)."""

from django.db.models import Prefetch, prefetch_related_objects
from rest_framework import serializers

from workflows.tasks import active_step_names, process_for, process_states

from .models import Candidate, Election, ElectionOfficial, ElectionRound, RoundVote
from .selectors import rounds_data


def election_data(election: Election, *, loaded: dict | None = None) -> dict:
    """The election with its candidates, officials and rounds; `loaded` as `elections_data` prefetched it."""
    if loaded is None:
        candidates = election.candidates.filter(active=True).select_related("user").order_by("-recommendations", "pk")
        officials = list(election.officials.filter(active=True).select_related("user").order_by("pk"))
        process = process_for(election)
        steps = active_step_names(process)
        rounds = rounds_data(election)
    else:
        candidates, officials = election.listed_candidates, election.listed_officials
        process, steps, rounds = loaded["process"], loaded["steps"], rounds_data(election, election.listed_rounds)
    return {
        "id": election.pk,
        "unit": election.unit.code,
        "status": election.status,
        "active_steps": steps,
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
        "scrutineers": [o.user.username for o in officials if o.role == "scrutineer"],
        "counters": [o.user.username for o in officials if o.role == "counter"],
        "rounds": rounds,
        "secretary": election.secretary.username if election.secretary_id else None,
        "deputy": election.deputy.username if election.deputy_id else None,
        "process_id": process.pk if process else None,
    }


def elections_data(elections) -> list[dict]:
    """`election_data` of a page of elections: each related list in one query for the whole page."""
    elections = list(elections)
    prefetch_related_objects(
        elections,
        Prefetch("candidates", to_attr="listed_candidates", queryset=Candidate.objects.filter(active=True)
                 .select_related("user").order_by("-recommendations", "pk")),
        Prefetch("officials", to_attr="listed_officials", queryset=ElectionOfficial.objects.filter(active=True)
                 .select_related("user").order_by("pk")),
        Prefetch("rounds", to_attr="listed_rounds", queryset=ElectionRound.objects.order_by("number")
                 .prefetch_related(Prefetch("votes", queryset=RoundVote.objects.select_related("candidate")))),
    )
    states = process_states(elections)
    out = []
    for election in elections:
        process, steps = states.get(election.pk, (None, []))
        out.append(election_data(election, loaded={"process": process, "steps": steps}))
    return out


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
