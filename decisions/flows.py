"""The two processes: a 三重一大 decision (one per 议题) and a 党委会 meeting (one per meeting).

Each human step is one `nodes.Step`: the form that validates its payload, the service that
performs it, who acts, the status the item shows while there, and where it goes next.
"""

from datetime import datetime, time

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from workflows.tasks import nodes

from . import forms, route_forms, selectors
from .models import Decision, Meeting
from .services import implementation, meeting, minutes, review, urgent, voting
from .services.proposal import decision_revise

D = Decision.Status


class DecisionFlow(flow.Flow):
    """三重一大决策.

    The proposer submits a 议题. A cadre appointment goes to organization review; anything else
    to the branch of the responsible department. A return sends the item back to the proposer
    to revise and resubmit. Expert review follows when required (one parallel task per expert),
    then the office assesses risks, the legal counsel reviews lawfulness when required, the
    president's office meeting studies the item when the proposer asked for it, the secretary
    and the president communicate, and the secretary puts the item on the agenda. At the meeting every present, non-recused member
    votes, the secretary votes last or defers the item to a later meeting. A passed item waits
    for the approved minutes and is then implemented until the proposer reports it done; a
    rejected item is closed.

    An urgent matter decided outside a meeting (事后报告) is confirmed by the secretary and the
    president, heard at the next meeting as a report item without a vote, and implemented once
    that meeting's minutes are approved; if either does not confirm it, it is closed.
    """

    flow_code = "decision"
    lock_impl = nodes.PROCESS_LOCK
    process_title = _("三重一大决策")

    submit = nodes.Start().Annotation(title=_("议题申报")).Next(this.route_review)

    route_review = (
        flow.Switch()
        .Annotation(title=_("申报分流"))
        .Case(this.ask_confirmations, cond=this.is_urgent)
        .Case(this.organization_review, cond=this.is_cadre_appointment)
        .Default(this.branch_review)
    )

    # 事后报告：党委书记、院长分别确认（会签）
    ask_confirmations = nodes.SplitEach().Annotation(title=_("分送书记院长确认")).Next(this.urgent_confirm, data_source=this.confirmers)
    urgent_confirm = (
        nodes.Step(form=route_forms.UrgentConfirmForm, service=urgent.decision_urgent_confirm)
        .Annotation(title=_("事后报告确认"))
        .Status(D.URGENT_CONFIRM)
        .Assign(this.assigned_user)
        .Next(this.confirmations_in)
    )
    confirmations_in = flow.Join().Annotation(title=_("确认汇齐")).Next(this.route_confirmed)
    route_confirmed = flow.If(this.is_urgent_confirmed).Annotation(title=_("是否均确认")).Then(this.awaiting_report).Else(this.not_confirmed)
    awaiting_report = nodes.Handle().Annotation(title=_("待会议通报")).Status(D.AWAITING_REPORT).Next(this.await_minutes)

    # 组织部门
    organization_review = (
        nodes.Step(form=forms.OrganizationReviewForm, service=review.decision_organization_review)
        .Annotation(title=_("组织考察"))
        .Status(D.ORGANIZATION_REVIEW)
        .Consultable()
        .Permission("workflows.run_elections")
        .Next(this.after_organization_review)
    )
    after_organization_review = flow.If(this.was_returned).Annotation(title=_("是否退回")).Then(this.revise).Else(this.risk_assessment)

    # 支部书记
    branch_review = (
        nodes.Step(form=forms.ReviewForm, service=review.decision_branch_review)
        .Annotation(title=_("党支部前置研究"))
        .Status(D.BRANCH_REVIEW)
        .Consultable()
        .Assign(this.branch_secretary)
        .Next(this.after_branch_review)
    )
    after_branch_review = flow.If(this.was_returned).Annotation(title=_("是否退回")).Then(this.revise).Else(this.route_expert_review)

    # 申报人
    revise = (
        nodes.Step(form=forms.DecisionForm, service=decision_revise)
        .Annotation(title=_("修改重报"))
        .Status(D.REVISE)
        .Assign(this.proposer)
        .Next(this.route_review)
    )

    # 专家委员会（会签）
    route_expert_review = flow.If(this.needs_expert_review).Annotation(title=_("是否需专家论证")).Then(this.ask_experts).Else(this.risk_assessment)
    ask_experts = nodes.SplitEach().Annotation(title=_("分送专家")).Next(this.expert_review, data_source=this.experts_to_ask)
    expert_review = (
        nodes.Step(form=forms.ExpertReviewForm, service=review.decision_expert_opinion)
        .Annotation(title=_("专家委员会论证"))
        .Status(D.EXPERT_REVIEW)
        .Personal()
        .Assign(this.assigned_user)
        .Next(this.experts_answered)
    )
    experts_answered = flow.Join().Annotation(title=_("专家意见汇齐")).Next(this.risk_assessment)

    # 党委办公室
    risk_assessment = (
        nodes.Step(form=forms.RiskAssessmentForm, service=review.decision_risk_assessment)
        .Annotation(title=_("风险评估"))
        .Status(D.RISK_ASSESSMENT)
        .Consultable()
        .Permission("workflows.run_office")
        .Next(this.route_after_risk)
    )

    # One gateway per choice point (each gateway is a task of its own): legal review, office meeting or on.
    route_after_risk = (
        flow.Switch().Annotation(title=_("是否需合法性审查或院长办公会"))
        .Case(this.legal_review, this.needs_legal_review)
        .Case(this.office_meeting, this.needs_office_meeting)
        .Default(this.communicate)
    )

    # 法律顾问
    legal_review = (
        nodes.Step(form=route_forms.LegalReviewForm, service=review.decision_legal_review)
        .Annotation(title=_("合法性审查"))
        .Status(D.LEGAL_REVIEW)
        .Permission("workflows.give_legal_opinion")
        .Consultable()
        .Next(this.after_legal_review)
    )
    after_legal_review = (
        flow.Switch().Annotation(title=_("是否退回或提请院长办公会"))
        .Case(this.revise, this.was_returned)
        .Case(this.office_meeting, this.needs_office_meeting)
        .Default(this.communicate)
    )

    # 院长（院长办公会）
    office_meeting = (
        nodes.Step(form=route_forms.OfficeMeetingForm, service=review.decision_office_meeting)
        .Annotation(title=_("院长办公会研究"))
        .Status(D.OFFICE_MEETING)
        .Permission("workflows.communicate_as_president")
        .Next(this.after_office_meeting)
    )
    after_office_meeting = flow.If(this.was_returned).Annotation(title=_("是否退回")).Then(this.revise).Else(this.communicate)

    # 党委书记
    communicate = (
        nodes.Step(form=forms.CommunicateForm, service=review.decision_communicate)
        .Annotation(title=_("书记院长会前沟通"))
        .Status(D.COMMUNICATE)
        .Permission("workflows.chair_committee")
        .Next(this.after_communicate)
    )
    after_communicate = flow.If(this.was_returned).Annotation(title=_("是否退回")).Then(this.revise).Else(this.agenda_review)

    agenda_review = (
        nodes.Step(form=forms.AgendaReviewForm, service=review.decision_agenda_review)
        .Annotation(title=_("议题审定"))
        .Status(D.AGENDA_REVIEW)
        .Permission("workflows.chair_committee")
        .Next(this.after_agenda_review)
    )
    after_agenda_review = flow.If(this.was_returned).Annotation(title=_("是否退回")).Then(this.revise).Else(this.awaiting_meeting)

    # 党委会（由会议流程的出席登记触发）
    awaiting_meeting = (
        nodes.Handle().Annotation(title=_("待上会")).Status(D.AWAITING_MEETING).Next(this.route_votes)
    )
    route_votes = flow.If(this.has_member_voters).Annotation(title=_("是否有委员表决")).Then(this.ask_members).Else(this.secretary_vote)
    ask_members = nodes.SplitEach().Annotation(title=_("分送表决")).Next(this.vote, data_source=this.voters)
    vote = (
        nodes.Step(form=forms.VoteForm, service=voting.vote_cast)
        .Annotation(title=_("表决"))
        .Status(D.VOTING)
        .Personal()
        .Assign(this.assigned_user)
        .Next(this.votes_in)
    )
    votes_in = flow.Join().Annotation(title=_("表决汇齐")).Next(this.secretary_vote)
    secretary_vote = (
        nodes.Step(form=forms.SecretaryVoteForm, service=voting.vote_cast_last)
        .Annotation(title=_("书记末位表态"))
        .Status(D.VOTING)
        .Personal()
        .Assign(this.presider)
        .Next(this.route_result)
    )
    route_result = (
        flow.Switch()
        .Annotation(title=_("表决结果"))
        .Case(this.awaiting_meeting, cond=this.is_deferred)
        .Case(this.await_minutes, cond=this.is_passed)
        .Default(this.rejected)
    )

    # 纪要签发后执行（由会议流程的纪要签发触发）
    await_minutes = nodes.Handle().Annotation(title=_("待纪要签发")).Status(D.MINUTES).Next(this.implement)

    # 申报人报告，党办督办
    implement = (
        nodes.Step(form=forms.ImplementForm, service=implementation.implementation_report_submit)
        .Annotation(title=_("执行与督办"))
        .Status(D.IMPLEMENTING)
        .Assign(this.proposer)
        .Due(at=this.implementation_due_at)
        .Next(this.after_implement)
    )
    after_implement = flow.If(this.is_implemented).Annotation(title=_("是否执行完毕")).Then(this.closed).Else(this.implement)

    closed = nodes.End().Annotation(title=_("归档")).Status(D.CLOSED)
    rejected = nodes.End().Annotation(title=_("未通过，关闭")).Status(D.REJECTED)
    not_confirmed = nodes.End().Annotation(title=_("未予确认，关闭")).Status(D.NOT_CONFIRMED)

    # --- who and when ----------------------------------------------------------------------

    def branch_secretary(self, activation):
        return activation.process.artifact.department_unit.secretary

    def proposer(self, activation):
        return activation.process.artifact.proposer

    def assigned_user(self, activation):
        return selectors.user_by_pk(activation.task.data["user_id"])

    def presider(self, activation):
        return activation.process.artifact.meeting.presider

    def confirmers(self, activation):
        return [{"user_id": pk} for pk in selectors.urgent_confirmer_ids()]

    def experts_to_ask(self, activation):
        return [{"user_id": pk} for pk in selectors.expert_ids()]

    def voters(self, activation):
        decision = activation.process.artifact
        return [{"user_id": pk} for pk in selectors.member_voter_ids(decision.meeting, decision)]

    def implementation_due_at(self, task):
        """On the decision's implementation date (set when the minutes are approved)."""
        due = task.process.artifact.implementation_due
        return timezone.make_aware(datetime.combine(due, time(18, 0))) if due is not None else None

    # --- named yes/no questions ------------------------------------------------------------

    def is_urgent(self, activation):
        return activation.process.artifact.urgent

    def is_urgent_confirmed(self, activation):
        return activation.process.artifact.is_urgent_confirmed()

    def needs_legal_review(self, activation):
        return activation.process.artifact.legal_required

    def needs_office_meeting(self, activation):
        return activation.process.artifact.wants_office_meeting()

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


M = Meeting.Status


class MeetingFlow(flow.Flow):
    """党委会.

    Office staff schedule the meeting with its agenda; the notice goes to every committee
    member. From the meeting time on, office staff record attendance and recusals, which opens
    the vote on every item with quorum. Once every item is decided, deferred or sent back, the
    office drafts the minutes and the secretary approves (or returns) them; approval releases
    the passed items to implementation.
    """

    flow_code = "meeting"
    lock_impl = nodes.PROCESS_LOCK
    process_title = _("党委会")

    schedule = nodes.Start().Annotation(title=_("会议通知")).Next(this.attendance)

    # 党委办公室
    attendance = (
        nodes.Step(form=forms.AttendanceForm, service=meeting.meeting_attendance)
        .Annotation(title=_("出席登记"))
        .Status(M.SCHEDULED)
        .Permission("workflows.run_office")
        .Next(this.route_voting)
    )
    route_voting = flow.If(this.all_items_settled).Annotation(title=_("议题是否均已处理")).Then(this.minutes_draft).Else(this.voting)

    # 各议题表决（由决策流程的末位表态触发）
    voting = nodes.Handle().Annotation(title=_("会议表决")).Status(M.IN_SESSION).Next(this.minutes_draft)

    minutes_draft = (
        nodes.Step(form=forms.MinutesDraftForm, service=minutes.minutes_draft)
        .Annotation(title=_("会议纪要起草"))
        .Status(M.MINUTES)
        .Permission("workflows.run_office")
        .Next(this.minutes_approve)
    )

    # 党委书记
    minutes_approve = (
        nodes.Step(form=forms.MinutesApproveForm, service=minutes.minutes_approve)
        .Annotation(title=_("纪要签发"))
        .Permission("workflows.chair_committee")
        .Next(this.route_minutes)
    )
    route_minutes = flow.If(this.minutes_approved).Annotation(title=_("纪要是否签发")).Then(this.end).Else(this.minutes_draft)

    end = nodes.End().Annotation(title=_("会议结束")).Status(M.CLOSED)

    def all_items_settled(self, activation):
        return activation.process.artifact.all_items_settled()

    def minutes_approved(self, activation):
        minutes = getattr(activation.process.artifact, "minutes", None)
        return bool(minutes and minutes.frozen)
