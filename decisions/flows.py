"""The two processes: a 三重一大 decision (one per 议题) and a 党委会 meeting (one per meeting)."""

from datetime import datetime, time

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.flow.views import UpdateProcessView

from workflows.flow_nodes import PROCESS_LOCK, SplitEach

from . import selectors

# Human steps are done on the generic task page (workflows.tasks); viewflow needs a view anyway.
STEP_VIEW = UpdateProcessView.as_view(fields=[])


class DecisionFlow(flow.Flow):
    """三重一大决策.

    The proposer submits a 议题. A cadre appointment goes to organization review; anything else
    to the branch of the responsible department. A return sends the item back to the proposer
    to revise and resubmit. Expert review follows when required (one parallel task per expert),
    then the office assesses risks, the secretary and the president communicate, and the
    secretary puts the item on the agenda. At the meeting every present, non-recused member
    votes, the secretary votes last or defers the item to a later meeting. A passed item waits
    for the approved minutes and is then implemented until the proposer reports it done; a
    rejected item is closed.
    """

    flow_code = "decision"
    lock_impl = PROCESS_LOCK
    process_title = _("三重一大决策")

    submit = flow.StartHandle(this.start_decision).Annotation(title=_("议题申报")).Next(this.route_review)

    route_review = flow.If(this.is_cadre_appointment).Then(this.organization_review).Else(this.branch_review)

    # 组织部门
    organization_review = (
        flow.View(STEP_VIEW)
        .Annotation(title=_("组织考察"))
        .Permission("workflows.run_elections")
        .onCreate(this.mark_status)
        .Next(this.after_organization_review)
    )
    after_organization_review = flow.If(this.was_returned).Then(this.revise).Else(this.risk_assessment)

    # 支部书记
    branch_review = (
        flow.View(STEP_VIEW)
        .Annotation(title=_("党支部前置研究"))
        .Assign(this.branch_secretary)
        .onCreate(this.mark_status)
        .Next(this.after_branch_review)
    )
    after_branch_review = flow.If(this.was_returned).Then(this.revise).Else(this.route_expert_review)

    # 申报人
    revise = (
        flow.View(STEP_VIEW)
        .Annotation(title=_("修改重报"))
        .Assign(this.proposer)
        .onCreate(this.mark_status)
        .Next(this.route_review)
    )

    # 专家委员会（会签）
    route_expert_review = flow.If(this.needs_expert_review).Then(this.ask_experts).Else(this.risk_assessment)
    ask_experts = SplitEach().Next(this.expert_review, data_source=this.experts_to_ask)
    expert_review = (
        flow.View(STEP_VIEW)
        .Annotation(title=_("专家委员会论证"))
        .Assign(this.assigned_user)
        .onCreate(this.mark_status)
        .Next(this.experts_answered)
    )
    experts_answered = flow.Join().Next(this.risk_assessment)

    # 党委办公室
    risk_assessment = (
        flow.View(STEP_VIEW)
        .Annotation(title=_("风险评估"))
        .Permission("workflows.run_office")
        .onCreate(this.mark_status)
        .Next(this.communicate)
    )

    # 党委书记
    communicate = (
        flow.View(STEP_VIEW)
        .Annotation(title=_("书记院长会前沟通"))
        .Permission("workflows.chair_committee")
        .onCreate(this.mark_status)
        .Next(this.after_communicate)
    )
    after_communicate = flow.If(this.was_returned).Then(this.revise).Else(this.agenda_review)

    agenda_review = (
        flow.View(STEP_VIEW)
        .Annotation(title=_("议题审定"))
        .Permission("workflows.chair_committee")
        .onCreate(this.mark_status)
        .Next(this.after_agenda_review)
    )
    after_agenda_review = flow.If(this.was_returned).Then(this.revise).Else(this.awaiting_meeting)

    # 党委会（由会议流程的出席登记触发）
    awaiting_meeting = flow.Handle(this.open_voting).Annotation(title=_("待上会")).Next(this.route_votes)
    route_votes = flow.If(this.has_member_voters).Then(this.ask_members).Else(this.secretary_vote)
    ask_members = SplitEach().Next(this.vote, data_source=this.voters)
    vote = (
        flow.View(STEP_VIEW)
        .Annotation(title=_("表决"))
        .Assign(this.assigned_user)
        .Next(this.votes_in)
    )
    votes_in = flow.Join().Next(this.secretary_vote)
    secretary_vote = (
        flow.View(STEP_VIEW)
        .Annotation(title=_("书记末位表态"))
        .Assign(this.presider)
        .Next(this.route_result)
    )
    route_result = (
        flow.Switch()
        .Case(this.awaiting_meeting, cond=this.is_deferred)
        .Case(this.await_minutes, cond=this.is_passed)
        .Default(this.rejected)
    )

    # 纪要签发后执行（由会议流程的纪要签发触发）
    await_minutes = flow.Handle().Annotation(title=_("待纪要签发")).Next(this.implement)

    # 申报人报告，党办督办
    implement = (
        flow.View(STEP_VIEW)
        .Annotation(title=_("执行与督办"))
        .Assign(this.proposer)
        .Next(this.after_implement)
    )
    after_implement = flow.If(this.is_implemented).Then(this.closed).Else(this.implement)

    closed = flow.End().Annotation(title=_("归档"))
    rejected = flow.End().Annotation(title=_("未通过，关闭"))

    # --- node callbacks --------------------------------------------------------------------

    def start_decision(self, activation, decision):
        activation.process.artifact = decision
        return decision

    def open_voting(self, activation, meeting=None):
        return activation.process.artifact

    def mark_status(self, activation):
        from .services import decision_enter_step

        decision_enter_step(decision=activation.process.artifact, step=activation.flow_task.name)

    def task_due(self, task):
        """The implement step is due on the decision's implementation date (default 30 days)."""
        if task.flow_task is not None and task.flow_task.name == "implement":
            due = task.process.artifact.implementation_due
            if due is not None:
                return timezone.make_aware(datetime.combine(due, time(18, 0)))
        return None

    # --- who -------------------------------------------------------------------------------

    def branch_secretary(self, activation):
        return activation.process.artifact.department_unit.secretary

    def proposer(self, activation):
        return activation.process.artifact.proposer

    def assigned_user(self, activation):
        return selectors.user_by_pk(activation.task.data["user_id"])

    def presider(self, activation):
        decision = activation.process.artifact
        return decision.meeting.presider

    def experts_to_ask(self, activation):
        return [{"user_id": pk} for pk in selectors.expert_ids()]

    def voters(self, activation):
        decision = activation.process.artifact
        return [{"user_id": pk} for pk in selectors.member_voter_ids(decision.meeting, decision)]

    # --- named yes/no questions ------------------------------------------------------------

    def is_cadre_appointment(self, activation):
        return activation.process.artifact.is_cadre_appointment()

    def was_returned(self, activation):
        return activation.process.artifact.was_returned()

    def needs_expert_review(self, activation):
        return activation.process.artifact.expert_required and bool(selectors.expert_ids())

    def has_member_voters(self, activation):
        return bool(self.voters(activation))

    def is_deferred(self, activation):
        return activation.process.artifact.is_deferred()

    def is_passed(self, activation):
        return activation.process.artifact.is_passed()

    def is_implemented(self, activation):
        return activation.process.artifact.is_implemented()


class MeetingFlow(flow.Flow):
    """党委会.

    Office staff schedule the meeting with its agenda; the notice goes to every committee
    member. From the meeting time on, office staff record attendance and recusals, which opens
    the vote on every item with quorum. Once every item is decided, deferred or sent back, the
    office drafts the minutes and the secretary approves (or returns) them; approval releases
    the passed items to implementation.
    """

    flow_code = "meeting"
    lock_impl = PROCESS_LOCK
    process_title = _("党委会")

    schedule = flow.StartHandle(this.start_meeting).Annotation(title=_("会议通知")).Next(this.attendance)

    # 党委办公室
    attendance = (
        flow.View(STEP_VIEW)
        .Annotation(title=_("出席登记"))
        .Permission("workflows.run_office")
        .Next(this.route_voting)
    )
    route_voting = flow.If(this.all_items_settled).Then(this.minutes_draft).Else(this.voting)

    # 各议题表决（由决策流程触发）
    voting = flow.Handle().Annotation(title=_("会议表决")).Next(this.minutes_draft)

    minutes_draft = (
        flow.View(STEP_VIEW)
        .Annotation(title=_("会议纪要起草"))
        .Permission("workflows.run_office")
        .Next(this.minutes_approve)
    )

    # 党委书记
    minutes_approve = (
        flow.View(STEP_VIEW)
        .Annotation(title=_("纪要签发"))
        .Permission("workflows.chair_committee")
        .Next(this.route_minutes)
    )
    route_minutes = flow.If(this.minutes_approved).Then(this.end).Else(this.minutes_draft)

    end = flow.End().Annotation(title=_("会议结束"))

    def start_meeting(self, activation, meeting):
        activation.process.artifact = meeting
        return meeting

    def all_items_settled(self, activation):
        return activation.process.artifact.all_items_settled()

    def minutes_approved(self, activation):
        minutes = getattr(activation.process.artifact, "minutes", None)
        return bool(minutes and minutes.frozen)
