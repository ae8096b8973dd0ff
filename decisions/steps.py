"""The human steps of both flows, registered with the one task inbox (workflows.tasks)."""

from workflows.tasks import register_flow, register_step

from . import forms, selectors, services
from .models import Decision, Meeting


def _decision(task) -> Decision:
    return Decision.objects.get(pk=task.process.artifact_object_id)


def _meeting(task) -> Meeting:
    return Meeting.objects.get(pk=task.process.artifact_object_id)


def decision_context(*, task, user):
    decision = _decision(task)
    return {"subject_template": "decisions/_decision_subject.html", **decision_materials(decision)}


def meeting_context(*, task, user):
    meeting = _meeting(task)
    return {"subject_template": "decisions/_meeting_subject.html", **meeting_materials(meeting)}


def decision_materials(decision):
    return {
        "decision": decision,
        "opinions": decision.opinions.select_related("author").order_by("pk"),
        "votes": decision.votes.select_related("member", "meeting").order_by("meeting_id", "is_secretary", "pk"),
        "results": decision.results.select_related("meeting").order_by("pk"),
        "reports": decision.reports.select_related("author").order_by("pk"),
        "recusals": decision.recusals.select_related("member", "meeting").order_by("pk"),
    }


def meeting_materials(meeting):
    return {
        "meeting": meeting,
        "items": meeting.agenda_items(),
        "attendance": meeting.attendance.select_related("member").order_by("-present", "member__username"),
        "meeting_recusals": meeting.recusals.select_related("member", "decision"),
        "meeting_results": meeting.results.select_related("decision").order_by("pk"),
        "minutes": getattr(meeting, "minutes", None),
    }


# --- perform: validated data -> service ----------------------------------------------------


def perform_review(*, task, user, data):
    step = task.flow_task.name
    services.decision_review(decision=_decision(task), user=user, step=step, opinion=data["opinion"],
                             comment=data.get("comment", ""), discipline_opinion=data.get("discipline_opinion", ""),
                             task_id=task.pk)


def perform_revise(*, task, user, data):
    services.decision_revise(decision=_decision(task), user=user, **data)


def perform_expert_review(*, task, user, data):
    services.decision_expert_opinion(decision=_decision(task), user=user, opinion=data["opinion"],
                                     comment=data["comment"], task_id=task.pk)


def perform_risk(*, task, user, data):
    services.decision_risk_assessment(decision=_decision(task), user=user, level=data["level"],
                                      notes=data["notes"], task_id=task.pk)


def perform_communicate(*, task, user, data):
    services.decision_communicate(decision=_decision(task), user=user, consensus=data["consensus"],
                                  notes=data.get("notes", ""), task_id=task.pk)


def perform_agenda_review(*, task, user, data):
    services.decision_agenda_review(decision=_decision(task), user=user, accept=data["accept"],
                                    comment=data.get("comment", ""), task_id=task.pk)


def perform_vote(*, task, user, data):
    services.vote_cast(decision=_decision(task), user=user, vote=data["vote"], comment=data.get("comment", ""))


def perform_secretary_vote(*, task, user, data):
    services.secretary_vote(decision=_decision(task), user=user, vote=data.get("vote", ""),
                            defer=data.get("defer", False), comment=data.get("comment", ""))


def perform_implement(*, task, user, data):
    services.implementation_report(decision=_decision(task), user=user, report=data["report"], done=data["done"])


def perform_attendance(*, task, user, data):
    services.meeting_attendance(meeting=_meeting(task), user=user, present=data["present"],
                                absent=data.get("absent") or {}, recusals=data.get("recusals") or {})


def perform_minutes_draft(*, task, user, data):
    services.minutes_draft(meeting=_meeting(task), user=user, text=data["text"])


def perform_minutes_approve(*, task, user, data):
    services.minutes_approve(meeting=_meeting(task), user=user, approve=data["approve"],
                             comment=data.get("comment", ""))


def register():
    from .api import decision_data, meeting_data
    from .flows import DecisionFlow, MeetingFlow

    register_flow(DecisionFlow, serialize_subject=lambda obj, request: decision_data(
        Decision.objects.get(pk=obj.pk)))
    register_flow(MeetingFlow, serialize_subject=lambda obj, request: meeting_data(Meeting.objects.get(pk=obj.pk)))
    d = "decision"
    register_step(d, "branch_review", form_class=forms.ReviewForm, perform=perform_review, context=decision_context)
    register_step(d, "organization_review", form_class=forms.OrganizationReviewForm, perform=perform_review,
                  context=decision_context)
    register_step(d, "revise", form_class=forms.DecisionForm, perform=perform_revise, context=decision_context)
    register_step(d, "expert_review", form_class=forms.ExpertReviewForm, perform=perform_expert_review,
                  context=decision_context)
    register_step(d, "risk_assessment", form_class=forms.RiskAssessmentForm, perform=perform_risk,
                  context=decision_context)
    register_step(d, "communicate", form_class=forms.CommunicateForm, perform=perform_communicate,
                  context=decision_context)
    register_step(d, "agenda_review", form_class=forms.AgendaReviewForm, perform=perform_agenda_review,
                  context=decision_context)
    register_step(d, "vote", form_class=forms.VoteForm, perform=perform_vote, context=decision_context)
    register_step(d, "secretary_vote", form_class=forms.SecretaryVoteForm, perform=perform_secretary_vote,
                  context=decision_context)
    register_step(d, "implement", form_class=forms.ImplementForm, perform=perform_implement,
                  context=decision_context)
    m = "meeting"
    register_step(m, "attendance", form_class=forms.AttendanceForm, perform=perform_attendance,
                  context=meeting_context)
    register_step(m, "minutes_draft", form_class=forms.MinutesDraftForm, perform=perform_minutes_draft,
                  context=meeting_context)
    register_step(m, "minutes_approve", form_class=forms.MinutesApproveForm, perform=perform_minutes_approve,
                  context=meeting_context)


__all__ = ["register", "selectors"]
