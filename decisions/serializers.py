"""API representations of decisions and meetings (also the subject of a completed task)."""

from workflows.tasks import active_step_names, process_for

from .selectors import visible_opinions, visible_votes


def decision_data(decision, user=None) -> dict:
    """The decision as `user` may see it: votes and expert opinions not visible to them yet are left
    out (see selectors.visible_votes / visible_opinions); `user=None` is the full record."""
    process = process_for(decision)
    result = decision.latest_result()
    return {
        "id": decision.pk,
        "title": decision.title,
        "category": decision.category,
        "summary": decision.summary,
        "department_unit": decision.department_unit.code,
        "amount": None if decision.amount is None else str(decision.amount),
        "status": decision.status,
        "active_steps": active_step_names(process),
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
            for o in visible_opinions(user, decision).select_related("author").order_by("pk")
        ],
        "votes": [
            {"meeting_id": v.meeting_id, "user": v.member.username, "vote": v.vote, "comment": v.comment,
             "is_secretary": v.is_secretary, "at": v.created.isoformat()}
            for v in visible_votes(user, decision).select_related("member").order_by("meeting_id", "is_secretary",
                                                                                   "pk")
        ],
    }


def meeting_data(meeting) -> dict:
    process = process_for(meeting)
    minutes = getattr(meeting, "minutes", None)
    results = {r.decision_id: r.as_dict() for r in meeting.results.all()}
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "number": meeting.issue_label,
        "scheduled_at": meeting.scheduled_at.isoformat(),
        "place": meeting.place,
        "urgent": meeting.urgent,
        "urgent_reason": meeting.urgent_reason,
        "status": meeting.status,
        "active_steps": active_step_names(process),
        "process_id": process.pk if process else None,
        "presider": meeting.presider.username if meeting.presider_id else None,
        "agenda": [
            {"decision_id": item.decision_id, "title": item.decision.title, "order": item.order,
             "outcome": item.outcome, "note": item.note, "result": results.get(item.decision_id)}
            for item in meeting.agenda_items()
        ],
        "attendance": {
            "present": sorted(a.member.username for a in meeting.attendance.select_related("member") if a.present),
            "absent": {a.member.username: a.reason for a in meeting.attendance.select_related("member")
                       if not a.present},
            "recusals": _recusals(meeting),
        },
        "minutes": None if minutes is None else {
            "status": minutes.status, "text": minutes.text, "frozen": minutes.frozen,
            "approved_by": minutes.approved_by.username if minutes.approved_by_id else None,
            "approved_at": minutes.approved_at.isoformat() if minutes.approved_at else None,
            "corrections": [{"text": c.text, "reason": c.reason, "user": c.author.username,
                             "at": c.created.isoformat()} for c in minutes.corrections.select_related("author")],
        },
    }


def _recusals(meeting):
    out: dict[str, dict] = {}
    for r in meeting.recusals.select_related("member"):
        out.setdefault(str(r.decision_id), {})[r.member.username] = r.reason
    return out
