"""API representations of decisions and meetings (also the subject of a completed task)."""

from django.db.models import Count, prefetch_related_objects
from rest_framework import serializers

from workflows.api_fields import StrictCharField
from workflows.tasks import active_step_names, process_for, process_states

from .batch import decision_list_materials
from .models import Attendance, Minutes, MinutesCorrection, Recusal, Vote, VoteResult
from .selectors import visible_opinions, visible_votes


def decision_data(decision, user=None, *, loaded=None) -> dict:
    """The decision as `user` may see it: votes and expert opinions not visible to them yet are left
    out (see selectors.visible_votes / visible_opinions); `user=None` is the full record.

    `loaded`: what `decisions_data` fetched for a whole page at once (process, steps, result, opinions, votes).
    """
    if loaded is None:
        process = process_for(decision)
        steps = active_step_names(process)
        result = decision.latest_result()
        opinions = visible_opinions(user, decision).select_related("author").order_by("pk")
        votes = visible_votes(user, decision).select_related("member").order_by("meeting_id", "is_secretary", "pk")
    else:
        process, steps, result, opinions, votes = loaded
    return {
        "id": decision.pk,
        "title": decision.title,
        "category": decision.category,
        "summary": decision.summary,
        "department_unit": decision.department_unit.code,
        "amount": None if decision.amount is None else str(decision.amount),
        "status": decision.status,
        "active_steps": steps,
        "needs_expert_review": decision.needs_expert_review,
        "expert_required": decision.expert_required,
        "needs_legal_review": decision.needs_legal_review,
        "legal_required": decision.legal_required,
        "needs_office_meeting": decision.needs_office_meeting,
        "urgent": decision.urgent,
        "urgent_reason": decision.urgent_reason,
        "decided_on": decision.decided_on.isoformat() if decision.decided_on else None,
        "proposer": decision.proposer.username,
        "meeting_id": decision.meeting_id,
        "result": result.as_dict() if result else None,
        "process_id": process.pk if process else None,
        "implementation_due": decision.implementation_due.isoformat() if decision.implementation_due else None,
        "reconsider_of": decision.reconsider_of_id,
        "created": decision.created.isoformat(),
        "opinions": [
            {"step": o.step, "user": o.author.username, "opinion": o.opinion, "comment": o.comment,
             "discipline_opinion": o.discipline_opinion, "level": o.level, "consensus": o.consensus,
             "held_on": o.held_on.isoformat() if o.held_on else None, "at": o.created.isoformat()}
            for o in opinions
        ],
        "votes": [
            {"meeting_id": v.meeting_id, "user": v.member.username, "vote": v.vote, "comment": v.comment,
             "is_secretary": v.is_secretary, "at": v.created.isoformat()}
            for v in votes
        ],
    }


def decisions_data(decisions, user) -> list[dict]:
    """`decision_data` of a page of decisions at a fixed cost: processes, steps, results, opinions and
    votes each in one query for the whole page (the visibility rules as for one decision)."""
    decisions = list(decisions)
    states = process_states(decisions)
    materials = decision_list_materials(decisions, user, {pk: process for pk, (process, _) in states.items()})
    out = []
    for decision in decisions:
        process, steps = states.get(decision.pk, (None, []))
        result, opinions, votes = materials[decision.pk]
        out.append(decision_data(decision, user, loaded=(process, steps, result, opinions, votes)))
    return out


def meeting_data(meeting, *, loaded=None) -> dict:
    """The meeting with its agenda, attendance and minutes; `loaded` as `meetings_data` prefetched it."""
    if loaded is None:
        process = process_for(meeting)
        steps = active_step_names(process)
        items = meeting.agenda_items()
        results = list(meeting.results.all())
        attendance = list(meeting.attendance.select_related("member"))
        recusals = list(meeting.recusals.select_related("member"))
        minutes = getattr(meeting, "minutes", None)
        corrections = list(minutes.corrections.select_related("author")) if minutes is not None else []
    else:
        process, steps = loaded["process"], loaded["steps"]
        items, results, attendance = meeting.items.all(), meeting.results.all(), meeting.attendance.all()
        recusals, minutes = meeting.recusals.all(), getattr(meeting, "minutes", None)
        corrections = minutes.corrections.all() if minutes is not None else []
    by_decision = {r.decision_id: r.as_dict() for r in results}
    recused: dict[str, dict] = {}
    for r in recusals:
        recused.setdefault(str(r.decision_id), {})[r.member.username] = r.reason
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "number": meeting.issue_label,
        "scheduled_at": meeting.scheduled_at.isoformat(),
        "place": meeting.place,
        "urgent": meeting.urgent,
        "urgent_reason": meeting.urgent_reason,
        "status": meeting.status,
        "active_steps": steps,
        "process_id": process.pk if process else None,
        "presider": meeting.presider.username if meeting.presider_id else None,
        "agenda": [
            {"decision_id": item.decision_id, "title": item.decision.title, "order": item.order,
             "outcome": item.outcome, "note": item.note, "result": by_decision.get(item.decision_id)}
            for item in items
        ],
        "attendance": {
            "present": sorted(a.member.username for a in attendance if a.present),
            "absent": {a.member.username: a.reason for a in attendance if not a.present},
            "recusals": recused,
        },
        "minutes": None if minutes is None else {
            "status": minutes.status, "text": minutes.text, "frozen": minutes.frozen,
            "approved_by": minutes.approved_by.username if minutes.approved_by_id else None,
            "approved_at": minutes.approved_at.isoformat() if minutes.approved_at else None,
            "corrections": [{"text": c.text, "reason": c.reason, "user": c.author.username,
                             "at": c.created.isoformat()} for c in corrections],
        },
    }


def meetings_data(meetings) -> list[dict]:
    """`meeting_data` of a page of meetings: each related list in one query for the whole page."""
    from django.db.models import Prefetch

    from .models import AgendaItem

    meetings = list(meetings)
    prefetch_related_objects(
        meetings,
        Prefetch("items", queryset=AgendaItem.objects.select_related("decision").order_by("order", "pk")),
        Prefetch("results", queryset=VoteResult.objects.select_related("decision").order_by("pk")),
        Prefetch("attendance", queryset=Attendance.objects.select_related("member").order_by("pk")),
        Prefetch("recusals", queryset=Recusal.objects.select_related("member").order_by("pk")),
        Prefetch("minutes", queryset=Minutes.objects.select_related("approved_by")),
    )
    minutes = [m.minutes for m in meetings if getattr(m, "minutes", None) is not None]
    prefetch_related_objects(minutes, Prefetch("corrections", queryset=MinutesCorrection.objects
                                                .select_related("author").order_by("pk")))
    defers = {(row["decision_id"], row["meeting_id"]): row["n"] for row in Vote.objects.filter(
        meeting__in=meetings, vote=Vote.Choice.DEFER).values("decision_id", "meeting_id").annotate(n=Count("pk"))}
    for meeting in meetings:
        for result in meeting.results.all():
            result.counted_defer_votes = defers.get((result.decision_id, result.meeting_id), 0)
    states = process_states(meetings)
    out = []
    for meeting in meetings:
        process, steps = states.get(meeting.pk, (None, []))
        out.append(meeting_data(meeting, loaded={"process": process, "steps": steps}))
    return out


# --- the schema of the shapes above (api.md "Decisions", "Meetings") -------------------------


class ResultSerializer(serializers.Serializer):
    outcome = serializers.CharField(help_text="passed | rejected | deferred | reported")
    agree = serializers.IntegerField(required=False)
    disagree = serializers.IntegerField(required=False)
    abstain = serializers.IntegerField(required=False)
    members = serializers.IntegerField(required=False)
    present = serializers.IntegerField(required=False)
    defer = serializers.IntegerField(required=False, help_text="缓议 votes (cadre appointments)")


class OpinionSerializer(serializers.Serializer):
    step = serializers.CharField()
    user = serializers.CharField()
    opinion = serializers.CharField(allow_blank=True, allow_null=True)
    comment = serializers.CharField(allow_blank=True, allow_null=True)
    discipline_opinion = serializers.CharField(allow_blank=True, allow_null=True)
    level = serializers.CharField(allow_blank=True, allow_null=True)
    consensus = serializers.BooleanField(allow_null=True)
    at = serializers.DateTimeField()


class VoteSerializer(serializers.Serializer):
    meeting_id = serializers.IntegerField(allow_null=True)
    user = serializers.CharField()
    vote = serializers.CharField()
    comment = serializers.CharField(allow_blank=True, allow_null=True)
    is_secretary = serializers.BooleanField()
    at = serializers.DateTimeField()


class DecisionSerializer(serializers.Serializer):
    """A decision as the asking user may see it (decision_data)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    category = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    department_unit = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    status = serializers.CharField()
    active_steps = serializers.ListField(child=serializers.CharField())
    needs_expert_review = serializers.BooleanField()
    expert_required = serializers.BooleanField()
    proposer = serializers.CharField()
    meeting_id = serializers.IntegerField(allow_null=True)
    result = ResultSerializer(allow_null=True)
    process_id = serializers.IntegerField(allow_null=True)
    implementation_due = serializers.DateField(allow_null=True)
    reconsider_of = serializers.IntegerField(allow_null=True)
    created = serializers.DateTimeField()
    opinions = OpinionSerializer(many=True)
    votes = VoteSerializer(many=True)

    def to_representation(self, decision):
        return decision_data(decision, self.context.get("user"))


class AgendaEntrySerializer(serializers.Serializer):
    decision_id = serializers.IntegerField()
    title = serializers.CharField()
    order = serializers.IntegerField()
    outcome = serializers.CharField(allow_blank=True, allow_null=True)
    note = serializers.CharField(allow_blank=True)
    result = ResultSerializer(allow_null=True)


class AttendanceSerializer(serializers.Serializer):
    present = serializers.ListField(child=serializers.CharField())
    absent = serializers.DictField(child=serializers.CharField(allow_blank=True), help_text="username → reason")
    recusals = serializers.DictField(child=serializers.DictField(child=serializers.CharField(allow_blank=True)),
                                     help_text="decision id → {username → reason}")


class CorrectionSerializer(serializers.Serializer):
    text = serializers.CharField()
    reason = serializers.CharField()
    user = serializers.CharField()
    at = serializers.DateTimeField()


class MinutesSerializer(serializers.Serializer):
    status = serializers.CharField()
    text = serializers.CharField(allow_blank=True)
    frozen = serializers.BooleanField()
    approved_by = serializers.CharField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    corrections = CorrectionSerializer(many=True)


class MeetingSerializer(serializers.Serializer):
    """A committee meeting (meeting_data)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    number = serializers.CharField(allow_blank=True, allow_null=True)
    scheduled_at = serializers.DateTimeField()
    place = serializers.CharField()
    urgent = serializers.BooleanField()
    urgent_reason = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    active_steps = serializers.ListField(child=serializers.CharField())
    process_id = serializers.IntegerField(allow_null=True)
    presider = serializers.CharField(allow_null=True)
    agenda = AgendaEntrySerializer(many=True)
    attendance = AttendanceSerializer()
    minutes = MinutesSerializer(allow_null=True)

    def to_representation(self, meeting):
        return meeting_data(meeting)


class MinutesCorrectionRequest(serializers.Serializer):
    """POST /meetings/{id}/minutes/corrections/: the corrected text and why."""

    text = StrictCharField(error_messages={"required": "请填写更正内容。", "blank": "请填写更正内容。"})
    reason = StrictCharField(error_messages={"required": "请填写更正理由。", "blank": "请填写更正理由。"})
