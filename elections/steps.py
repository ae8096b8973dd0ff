"""The election's human steps for the shared inbox: payload form, service, page context."""

from workflows.tasks import register_flow, register_step

from . import forms, services
from .flows import ElectionFlow
from .selectors import rounds_data, serialize_election

SUBJECT_TEMPLATE = "elections/_subject.html"


def _election(task):
    return task.process.artifact


def _context(*, task, user):
    election = _election(task)
    return {
        "subject_template": SUBJECT_TEMPLATE,
        "election": election,
        "candidates": election.candidates.filter(active=True).select_related("user"),
        "rounds": rounds_data(election),
        "recommendation_counts": sorted(services.recommendation_counts(election).items(), key=lambda kv: -kv[1]),
        "reviews": election.reviews.select_related("reviewer"),
        "officials": election.officials.filter(active=True).select_related("user"),
    }


def perform_request_approval(*, task, user, data):
    return services.request_review(election=_election(task), user=user, approve=data["approve"],
                                   seats=data.get("seats"), comment=data.get("comment", ""))


def perform_nominate(*, task, user, data):
    return services.nominate_report(election=_election(task), user=user, candidates=data["candidates"],
                                    paper_tallies=data.get("paper_tallies") or {})


def perform_candidate_review(*, task, user, data):
    return services.candidate_review(election=_election(task), user=user, approved=data["approved"],
                                     struck=data.get("struck") or {})


def perform_election_plan(*, task, user, data):
    return services.election_plan_submit(
        election=_election(task), user=user, candidates=data["candidates"], meeting_date=data["meeting_date"],
        scrutineers=data["scrutineers"], counters=data["counters"], method_text=data["method_text"],
    )


def perform_plan_approval(*, task, user, data):
    return services.plan_review(election=_election(task), user=user, approve=data["approve"],
                                comment=data.get("comment", ""))


def perform_election_meeting(*, task, user, data):
    services.round_record(
        election=_election(task), user=user, held_on=data.get("held_on"), eligible=data["eligible"],
        present=data["present"], ballots_issued=data["ballots_issued"], ballots_returned=data["ballots_returned"],
        invalid=data.get("invalid") or 0, votes=data.get("votes") or {},
        reduce_seats_to=data.get("reduce_seats_to"), reduce_reason=data.get("reduce_reason") or "",
        reduce_agree=data.get("reduce_agree"),
    )
    return _election(task)


def perform_officer_election(*, task, user, data):
    return services.officer_elect(election=_election(task), user=user, secretary=data["secretary"],
                                  deputy=data.get("deputy") or None)


def perform_result_approval(*, task, user, data):
    return services.result_review(election=_election(task), user=user, approve=data["approve"],
                                  comment=data.get("comment", ""))


STEPS = {
    "request_approval": (forms.RequestApprovalForm, perform_request_approval),
    "nominate": (forms.NominateForm, perform_nominate),
    "candidate_review": (forms.CandidateReviewForm, perform_candidate_review),
    "election_plan": (forms.ElectionPlanForm, perform_election_plan),
    "plan_approval": (forms.PlanApprovalForm, perform_plan_approval),
    "election_meeting": (forms.ElectionMeetingForm, perform_election_meeting),
    "officer_election": (forms.OfficerElectionForm, perform_officer_election),
    "result_approval": (forms.ResultApprovalForm, perform_result_approval),
}


def register() -> None:
    register_flow(ElectionFlow, serialize_subject=serialize_election)
    for code, (form_class, perform) in STEPS.items():
        register_step("election", code, form_class=form_class, perform=perform, context=_context)
