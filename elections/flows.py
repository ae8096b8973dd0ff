"""The 三上三下 branch election as a viewflow process."""

from datetime import UTC, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from workflows.tasks import nodes

from . import forms
from .models import Election
from .services import nomination, plan, result, voting
from .services.request import election_request_review

S = Election.Status


def _unit(process):
    return process.artifact.unit


class ElectionFlow(flow.Flow):
    """支部换届选举

    The branch secretary asks to hold the election (一上) and organization staff approve or
    return it (一下). Full members recommend online while the secretary collects paper tallies
    and reports the preliminary candidates (二上); organization staff review them (二下). The
    secretary reports the election plan with the final, larger-than-seats candidate list
    (三上), organization staff approve it (三下). The members' meeting votes, round after round
    until the seats are filled; the new committee elects its secretary; organization staff
    approve the result and the new term begins.
    """

    flow_code = "election"
    lock_impl = nodes.PROCESS_LOCK
    process_title = _("支部换届选举")

    # 支部书记 or 组织部门
    request = nodes.Start().Annotation(title=_("换届请示")).Next(this.request_approval)

    # 组织部门
    request_approval = (
        nodes.Step(form=forms.RequestApprovalForm, service=election_request_review)
        .Annotation(title=_("请示批复"))
        .Status(S.REQUEST_APPROVAL)
        .Permission("workflows.run_elections")
        .Next(this.is_request_approved)
    )
    is_request_approved = (
        flow.If(this.request_was_approved)
        .Annotation(title=_("是否批准换届"))
        .Then(this.nominate)
        .Else(this.returned)
    )

    # 支部书记 (members recommend online meanwhile)
    nominate = (
        nodes.Step(form=forms.NominateForm, service=nomination.election_nominate)
        .Annotation(title=_("民主推荐"))
        .Status(S.NOMINATE)
        .Permission("workflows.lead_unit", obj=_unit)
        .Next(this.candidate_review)
    )

    # 组织部门
    candidate_review = (
        nodes.Step(form=forms.CandidateReviewForm, service=nomination.election_candidate_review)
        .Annotation(title=_("候选人审查"))
        .Status(S.CANDIDATE_REVIEW)
        .Consultable()
        .Permission("workflows.run_elections")
        .Next(this.election_plan)
    )

    # 支部书记
    election_plan = (
        nodes.Step(form=forms.ElectionPlanForm, service=plan.election_plan_submit)
        .Annotation(title=_("选举方案"))
        .Status(S.ELECTION_PLAN)
        .Permission("workflows.lead_unit", obj=_unit)
        .Next(this.plan_approval)
    )

    # 组织部门
    plan_approval = (
        nodes.Step(form=forms.PlanApprovalForm, service=plan.election_plan_review)
        .Annotation(title=_("方案批复"))
        .Status(S.PLAN_APPROVAL)
        .Consultable()
        .Permission("workflows.run_elections")
        .Next(this.is_plan_approved)
    )
    is_plan_approved = (
        flow.If(this.plan_was_approved)
        .Annotation(title=_("方案是否批准"))
        .Then(this.election_meeting)
        .Else(this.election_plan)
    )

    # 支部书记: one task per round
    election_meeting = (
        nodes.Step(form=forms.ElectionMeetingForm, service=voting.election_round_record)
        .Annotation(title=_("党员大会选举"))
        .Status(S.ELECTION_MEETING)
        .Permission("workflows.lead_unit", obj=_unit)
        .Due(at=this.meeting_step_due)
        .Next(this.is_another_round_needed)
    )
    is_another_round_needed = (
        flow.If(this.another_round_needed)
        .Annotation(title=_("是否另行选举"))
        .Then(this.election_meeting)
        .Else(this.officer_election)
    )
    officer_election = (
        nodes.Step(form=forms.OfficerElectionForm, service=result.election_officer_elect)
        .Annotation(title=_("选举书记、副书记"))
        .Status(S.OFFICER_ELECTION)
        .Permission("workflows.lead_unit", obj=_unit)
        .Next(this.result_approval)
    )

    # 组织部门
    result_approval = (
        nodes.Step(form=forms.ResultApprovalForm, service=result.election_result_review)
        .Annotation(title=_("选举结果报批"))
        .Status(S.RESULT_APPROVAL)
        .Permission("workflows.run_elections")
        .Next(this.is_result_approved)
    )
    is_result_approved = (
        flow.If(this.result_was_approved)
        .Annotation(title=_("结果是否批准"))
        .Then(this.end)
        .Else(this.officer_election)
    )

    returned = nodes.End().Annotation(title=_("请示退回")).Status(S.CANCELLED)
    end = nodes.End().Annotation(title=_("换届完成")).Status(S.FINISHED)

    def request_was_approved(self, activation):
        return activation.process.artifact.is_request_approved()

    def plan_was_approved(self, activation):
        return activation.process.artifact.is_plan_approved()

    def another_round_needed(self, activation):
        return activation.process.artifact.needs_another_round()

    def result_was_approved(self, activation):
        return activation.process.artifact.is_result_approved()

    def meeting_step_due(self, task):
        """Two days after the approved meeting date (the result is recorded by then)."""
        election = task.process.artifact if task.process_id else None
        if election is not None and election.meeting_date:
            day = max(election.meeting_date, timezone.localdate()) + timedelta(days=2)
            return timezone.make_aware(datetime.combine(day, time(18, 0))).astimezone(UTC)
        return None
