"""The 三上三下 branch election as a viewflow process."""

from datetime import UTC, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.flow.views import UpdateProcessView

from workflows.flow_nodes import PROCESS_LOCK


def _unit(process):
    return process.artifact.unit


def _step_view():
    # Human steps are completed through the shared task page / API (workflows.tasks).
    return UpdateProcessView.as_view(fields=[])


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
    lock_impl = PROCESS_LOCK
    process_title = _("支部换届选举")

    # 支部书记 or 组织部门
    request = flow.StartHandle(this.start_election).Annotation(title=_("换届请示")).Next(this.request_approval)

    # 组织部门
    request_approval = (
        flow.View(_step_view())
        .Annotation(title=_("请示批复"))
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
        flow.View(_step_view())
        .Annotation(title=_("民主推荐"))
        .Permission("workflows.lead_unit", obj=_unit)
        .Next(this.candidate_review)
    )

    # 组织部门
    candidate_review = (
        flow.View(_step_view())
        .Annotation(title=_("候选人审查"))
        .Permission("workflows.run_elections")
        .Next(this.election_plan)
    )

    # 支部书记
    election_plan = (
        flow.View(_step_view())
        .Annotation(title=_("选举方案"))
        .Permission("workflows.lead_unit", obj=_unit)
        .Next(this.plan_approval)
    )

    # 组织部门
    plan_approval = (
        flow.View(_step_view())
        .Annotation(title=_("方案批复"))
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
        flow.View(_step_view())
        .Annotation(title=_("党员大会选举"))
        .Permission("workflows.lead_unit", obj=_unit)
        .Next(this.is_another_round_needed)
    )
    is_another_round_needed = (
        flow.If(this.another_round_needed)
        .Annotation(title=_("是否另行选举"))
        .Then(this.election_meeting)
        .Else(this.officer_election)
    )
    officer_election = (
        flow.View(_step_view())
        .Annotation(title=_("选举书记、副书记"))
        .Permission("workflows.lead_unit", obj=_unit)
        .Next(this.result_approval)
    )

    # 组织部门
    result_approval = (
        flow.View(_step_view())
        .Annotation(title=_("选举结果报批"))
        .Permission("workflows.run_elections")
        .Next(this.is_result_approved)
    )
    is_result_approved = (
        flow.If(this.result_was_approved)
        .Annotation(title=_("结果是否批准"))
        .Then(this.end)
        .Else(this.officer_election)
    )

    returned = flow.End().Annotation(title=_("请示退回"))
    end = flow.End().Annotation(title=_("换届完成"))

    def start_election(self, activation, election=None, user=None):
        activation.process.artifact = election
        activation.task.owner = user
        return activation.process

    def request_was_approved(self, activation):
        return activation.process.artifact.is_request_approved()

    def plan_was_approved(self, activation):
        return activation.process.artifact.is_plan_approved()

    def another_round_needed(self, activation):
        return activation.process.artifact.needs_another_round()

    def result_was_approved(self, activation):
        return activation.process.artifact.is_result_approved()

    def task_due(self, task):
        """The meeting step is due two days after the approved meeting date; others by STEP_DUE_DAYS."""
        election = task.process.artifact if task.process_id else None
        if task.flow_task is self.election_meeting and election is not None and election.meeting_date:
            day = max(election.meeting_date, timezone.localdate()) + timedelta(days=2)
            return timezone.make_aware(datetime.combine(day, time(18, 0))).astimezone(UTC)
        return None
