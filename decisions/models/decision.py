"""A 三重一大 议题, the opinions recorded on it at each step, and its implementation reports."""


from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.audit import audited_history
from workflows.route import RouteStatusMixin


class Decision(RouteStatusMixin, models.Model):
    """One 议题 of the 三重一大 route; the artifact of one DecisionFlow process."""

    class Category(models.TextChoices):
        MAJOR_MATTER = "major_matter", _("重大事项决策")
        CADRE_APPOINTMENT = "cadre_appointment", _("重要干部任免")
        MAJOR_PROJECT = "major_project", _("重大项目安排")
        LARGE_FUND = "large_fund", _("大额度资金使用")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已申报")
        BRANCH_REVIEW = "branch_review", _("党支部前置研究")
        ORGANIZATION_REVIEW = "organization_review", _("组织考察")
        REVISE = "revise", _("退回修改")
        EXPERT_REVIEW = "expert_review", _("专家论证")
        RISK_ASSESSMENT = "risk_assessment", _("风险评估")
        LEGAL_REVIEW = "legal_review", _("合法性审查")
        OFFICE_MEETING = "office_meeting", _("院长办公会研究")
        COMMUNICATE = "communicate", _("会前沟通")
        AGENDA_REVIEW = "agenda_review", _("议题审定")
        AWAITING_MEETING = "awaiting_meeting", _("待上会")
        VOTING = "voting", _("表决中")
        MINUTES = "minutes", _("待纪要签发")
        IMPLEMENTING = "implementing", _("执行督办")
        CLOSED = "closed", _("已归档")
        REJECTED = "rejected", _("未通过")
        WITHDRAWN = "withdrawn", _("已撤回")
        URGENT_CONFIRM = "urgent_confirm", _("事后报告确认")
        AWAITING_REPORT = "awaiting_report", _("待会议通报")
        NOT_CONFIRMED = "not_confirmed", _("未予确认")

    AMOUNT_REQUIRED = (Category.LARGE_FUND, Category.MAJOR_PROJECT)
    WITHDRAWABLE = (
        Status.SUBMITTED, Status.BRANCH_REVIEW, Status.ORGANIZATION_REVIEW, Status.REVISE, Status.EXPERT_REVIEW,
        Status.RISK_ASSESSMENT, Status.LEGAL_REVIEW, Status.OFFICE_MEETING, Status.COMMUNICATE, Status.AGENDA_REVIEW,
    )
    LEGAL_REQUIRED = (Category.MAJOR_PROJECT, Category.LARGE_FUND)
    # What a meeting's agenda may hold: items to vote on and urgent matters to hear (事后报告).
    AGENDA_READY = (Status.AWAITING_MEETING, Status.AWAITING_REPORT)

    DECIDED = (Status.MINUTES, Status.IMPLEMENTING, Status.CLOSED, Status.REJECTED)
    # The statuses along the route (domain.md parts A and D), as the flow's nodes set them; one stage
    # holds the statuses of alternative nodes (an urgent matter's confirmation and wait for the
    # meeting sit beside the review and the wait of an ordinary item). Compliance asks `has_reached`.
    ROUTE = (
        (Status.SUBMITTED,), (Status.BRANCH_REVIEW, Status.ORGANIZATION_REVIEW, Status.REVISE, Status.URGENT_CONFIRM),
        (Status.EXPERT_REVIEW,), (Status.RISK_ASSESSMENT,), (Status.LEGAL_REVIEW,), (Status.OFFICE_MEETING,),
        (Status.COMMUNICATE,), (Status.AGENDA_REVIEW,), (Status.AWAITING_MEETING, Status.AWAITING_REPORT),
        (Status.VOTING,), (Status.MINUTES, Status.REJECTED), (Status.IMPLEMENTING,), (Status.CLOSED,),
    )

    title = models.CharField(_("议题名称"), max_length=200)
    category = models.CharField(_("类别"), max_length=30, choices=Category.choices)
    summary = models.TextField(_("背景与方案"))
    department_unit = models.ForeignKey(
        "workflows.Unit", verbose_name=_("责任科室（支部）"), on_delete=models.PROTECT, related_name="decisions"
    )
    amount = models.DecimalField(
        _("金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"), message=_("金额不能为负数。"))],
    )
    needs_expert_review = models.BooleanField(_("申请专家论证"), default=False)
    expert_required = models.BooleanField(_("需专家论证"), default=False, editable=False)
    needs_legal_review = models.BooleanField(_("申请合法性审查"), default=False)
    legal_required = models.BooleanField(_("需合法性审查"), default=False, editable=False)
    needs_office_meeting = models.BooleanField(_("提请院长办公会研究"), default=False)
    # 事后报告: an urgent matter decided outside a meeting, reported to the next one.
    urgent = models.BooleanField(_("事后报告"), default=False, editable=False)
    urgent_reason = models.TextField(_("紧急原因"), blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申报人"), on_delete=models.PROTECT, related_name="proposed_decisions"
    )
    status = models.CharField(_("状态"), max_length=30, choices=Status.choices, default=Status.SUBMITTED)
    meeting = models.ForeignKey(
        "decisions.Meeting", verbose_name=_("上会会议"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    implementation_due = models.DateField(_("执行期限"), null=True, blank=True)
    reconsider_of = models.ForeignKey(
        "self", verbose_name=_("复议原议题"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="reconsiderations",
    )
    withdraw_reason = models.CharField(_("撤回理由"), max_length=300, blank=True)
    created = models.DateTimeField(_("申报时间"), auto_now_add=True)
    history = audited_history()

    class Meta:
        verbose_name = _("三重一大议题")
        verbose_name_plural = _("三重一大议题")
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                                   name="decision_amount_not_negative"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.category in self.AMOUNT_REQUIRED and self.amount is None:
            raise ValidationError({"amount": _("重大项目和大额度资金使用议题必须填写金额。")})
        if self.department_unit_id and self.department_unit.kind != "branch":
            raise ValidationError({"department_unit": _("责任科室须为一个党支部所在科室。")})

    # --- named questions the flow asks --------------------------------------------------

    def is_cadre_appointment(self) -> bool:
        return self.category == self.Category.CADRE_APPOINTMENT

    def compute_expert_required(self, threshold: Decimal) -> bool:
        """Expert review: every major project, any amount ≥ the threshold, or on request."""
        if self.is_cadre_appointment():
            return False
        return bool(
            self.category == self.Category.MAJOR_PROJECT
            or (self.amount is not None and self.amount >= threshold)
            or self.needs_expert_review
        )

    def compute_legal_required(self) -> bool:
        """合法性审查: every major project and large fund, a major matter on request, never a cadre item."""
        if self.category in self.LEGAL_REQUIRED:
            return True
        return self.category == self.Category.MAJOR_MATTER and self.needs_legal_review

    def wants_office_meeting(self) -> bool:
        return self.needs_office_meeting and not self.is_cadre_appointment()

    def is_urgent_confirmed(self) -> bool:
        """Both the secretary and the president confirmed the urgent matter."""
        answers = list(self.opinions.filter(step=Opinion.Step.URGENT_CONFIRM).values_list("opinion", flat=True))
        return len(answers) >= 2 and all(answer == "agree" for answer in answers)

    def last_opinion(self, step: str):
        return self.opinions.filter(step=step).order_by("-pk").first()

    def was_returned(self) -> bool:
        """The last review step (branch/organization/communicate/agenda) sent the item back."""
        opinion = self.opinions.filter(step__in=Opinion.GATE_STEPS).order_by("-pk").first()
        return bool(opinion and opinion.sends_back())

    def latest_result(self):
        return self.results.order_by("-pk").first()

    def is_deferred(self) -> bool:
        result = self.latest_result()
        return bool(result and result.outcome == type(result).Outcome.DEFERRED)

    def is_passed(self) -> bool:
        result = self.latest_result()
        return bool(result and result.outcome == type(result).Outcome.PASSED)

    def is_implemented(self) -> bool:
        return self.reports.filter(done=True).exists()


class Opinion(models.Model):
    """What one person recorded at one review step (never edited after the step)."""

    class Step(models.TextChoices):
        BRANCH_REVIEW = "branch_review", _("党支部前置研究")
        ORGANIZATION_REVIEW = "organization_review", _("组织考察")
        EXPERT_REVIEW = "expert_review", _("专家论证")
        RISK_ASSESSMENT = "risk_assessment", _("风险评估")
        LEGAL_REVIEW = "legal_review", _("合法性审查")
        OFFICE_MEETING = "office_meeting", _("院长办公会研究")
        COMMUNICATE = "communicate", _("书记院长会前沟通")
        AGENDA_REVIEW = "agenda_review", _("议题审定")
        REVISE = "revise", _("修改重报")
        URGENT_CONFIRM = "urgent_confirm", _("事后报告确认")

    class Level(models.TextChoices):
        LOW = "low", _("低")
        MEDIUM = "medium", _("中")
        HIGH = "high", _("高")

    GATE_STEPS = ("branch_review", "organization_review", "legal_review", "office_meeting", "communicate",
                  "agenda_review", "revise")

    decision = models.ForeignKey(Decision, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="opinions")
    step = models.CharField(_("步骤"), max_length=30, choices=Step.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填写人"), on_delete=models.PROTECT,
                               related_name="+")
    opinion = models.CharField(_("意见"), max_length=20, blank=True)
    comment = models.TextField(_("说明"), blank=True)
    discipline_opinion = models.TextField(_("党风廉政意见"), blank=True)
    level = models.CharField(_("风险等级"), max_length=10, choices=Level.choices, blank=True)
    consensus = models.BooleanField(_("达成一致"), null=True, blank=True)
    held_on = models.DateField(_("会议日期"), null=True, blank=True)  # 院长办公会
    task_id = models.PositiveIntegerField(_("任务"), null=True, blank=True)
    created = models.DateTimeField(_("时间"), auto_now_add=True)
    history = audited_history()

    class Meta:
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_step_display()} {self.author}"

    def sends_back(self) -> bool:
        if self.step in ("branch_review", "organization_review"):
            return self.opinion == "return"
        if self.step == "communicate":
            return self.consensus is False
        if self.step == "agenda_review":
            return self.opinion == "return"
        if self.step == "legal_review":
            return self.opinion == "unlawful"
        if self.step == "office_meeting":
            return self.opinion == "revise"
        return False

    OPINION_LABELS = {
        "approve": "同意", "return": "退回", "agree": "同意", "disagree": "不同意", "conditional": "有条件同意",
        "accept": "列入议程", "resubmit": "已修改重报",
        "no_answer": "逾期未答复",
    }
    STEP_OPINION_LABELS = {
        "legal_review": {"lawful": "合法", "conditional": "附条件合法", "unlawful": "不合法（退回修改）"},
        "office_meeting": {"support": "同意提请党委会研究", "revise": "退回修改"},
        "urgent_confirm": {"agree": "确认", "disagree": "不予确认"},
    }

    @property
    def opinion_label(self):
        labels = self.STEP_OPINION_LABELS.get(self.step, self.OPINION_LABELS)
        return labels.get(self.opinion, self.OPINION_LABELS.get(self.opinion, self.opinion))


class ImplementationReport(models.Model):
    decision = models.ForeignKey(Decision, verbose_name=_("议题"), on_delete=models.PROTECT, related_name="reports")
    report = models.TextField(_("执行情况"))
    done = models.BooleanField(_("已执行完毕"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报告人"), on_delete=models.PROTECT,
                               related_name="+")
    created = models.DateTimeField(_("时间"), auto_now_add=True)
    history = audited_history()

    class Meta:
        verbose_name = _("执行报告")
        verbose_name_plural = _("执行报告")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.decision} 执行报告"
