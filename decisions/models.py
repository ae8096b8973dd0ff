"""三重一大 decisions, their opinions, 党委会 meetings, votes, results, minutes and reports."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.audit import audited_history


class Decision(models.Model):
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
        COMMUNICATE = "communicate", _("会前沟通")
        AGENDA_REVIEW = "agenda_review", _("议题审定")
        AWAITING_MEETING = "awaiting_meeting", _("待上会")
        VOTING = "voting", _("表决中")
        MINUTES = "minutes", _("待纪要签发")
        IMPLEMENTING = "implementing", _("执行督办")
        CLOSED = "closed", _("已归档")
        REJECTED = "rejected", _("未通过")
        WITHDRAWN = "withdrawn", _("已撤回")

    AMOUNT_REQUIRED = (Category.LARGE_FUND, Category.MAJOR_PROJECT)
    WITHDRAWABLE = (
        Status.SUBMITTED, Status.BRANCH_REVIEW, Status.ORGANIZATION_REVIEW, Status.REVISE, Status.EXPERT_REVIEW,
        Status.RISK_ASSESSMENT, Status.COMMUNICATE, Status.AGENDA_REVIEW,
    )

    DECIDED = (Status.MINUTES, Status.IMPLEMENTING, Status.CLOSED, Status.REJECTED)

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
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申报人"), on_delete=models.PROTECT, related_name="proposed_decisions"
    )
    status = models.CharField(_("状态"), max_length=30, choices=Status.choices, default=Status.SUBMITTED)
    meeting = models.ForeignKey(
        "Meeting", verbose_name=_("上会会议"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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
        return bool(result and result.outcome == VoteResult.Outcome.DEFERRED)

    def is_passed(self) -> bool:
        result = self.latest_result()
        return bool(result and result.outcome == VoteResult.Outcome.PASSED)

    def is_implemented(self) -> bool:
        return self.reports.filter(done=True).exists()

    def quorum_ratio(self):
        """Present share of all members needed: ⅔ for cadre appointments, else more than ½."""
        return (2, 3) if self.is_cadre_appointment() else (1, 2)


class Opinion(models.Model):
    """What one person recorded at one review step (never edited after the step)."""

    class Step(models.TextChoices):
        BRANCH_REVIEW = "branch_review", _("党支部前置研究")
        ORGANIZATION_REVIEW = "organization_review", _("组织考察")
        EXPERT_REVIEW = "expert_review", _("专家论证")
        RISK_ASSESSMENT = "risk_assessment", _("风险评估")
        COMMUNICATE = "communicate", _("书记院长会前沟通")
        AGENDA_REVIEW = "agenda_review", _("议题审定")
        REVISE = "revise", _("修改重报")

    class Level(models.TextChoices):
        LOW = "low", _("低")
        MEDIUM = "medium", _("中")
        HIGH = "high", _("高")

    GATE_STEPS = ("branch_review", "organization_review", "communicate", "agenda_review", "revise")

    decision = models.ForeignKey(Decision, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="opinions")
    step = models.CharField(_("步骤"), max_length=30, choices=Step.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填写人"), on_delete=models.PROTECT,
                               related_name="+")
    opinion = models.CharField(_("意见"), max_length=20, blank=True)
    comment = models.TextField(_("说明"), blank=True)
    discipline_opinion = models.TextField(_("党风廉政意见"), blank=True)
    level = models.CharField(_("风险等级"), max_length=10, choices=Level.choices, blank=True)
    consensus = models.BooleanField(_("达成一致"), null=True, blank=True)
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
        return False

    OPINION_LABELS = {
        "approve": "同意", "return": "退回", "agree": "同意", "disagree": "不同意", "conditional": "有条件同意",
        "accept": "列入议程", "resubmit": "已修改重报",
        "no_answer": "逾期未答复",
    }

    @property
    def opinion_label(self):
        return self.OPINION_LABELS.get(self.opinion, self.opinion)


class Meeting(models.Model):
    """One 党委会; the artifact of one MeetingFlow process."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("已通知")
        IN_SESSION = "in_session", _("会议表决中")
        MINUTES = "minutes", _("纪要起草/签发")
        CLOSED = "closed", _("已结束")

    title = models.CharField(_("会议名称"), max_length=200)
    scheduled_at = models.DateTimeField(_("会议时间"))
    place = models.CharField(_("地点"), max_length=200)
    urgent = models.BooleanField(_("紧急会议"), default=False)
    urgent_reason = models.CharField(_("紧急理由"), max_length=300, blank=True)
    number = models.PositiveIntegerField(_("期号"), default=0)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    presider = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("主持人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    recorder = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    attendees_extra = models.CharField(_("列席"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("召集人"), on_delete=models.PROTECT,
                                   related_name="+")
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    notified_at = models.DateTimeField(_("通知发出时间"), default=timezone.now)
    agenda = models.ManyToManyField(Decision, through="AgendaItem", related_name="meetings", verbose_name=_("议程"))
    history = audited_history()

    class Meta:
        verbose_name = _("党委会")
        verbose_name_plural = _("党委会")
        ordering = ["-scheduled_at", "-pk"]

    def __str__(self):
        return self.title

    def agenda_items(self):
        return self.items.select_related("decision").order_by("order", "pk")

    def all_items_settled(self) -> bool:
        return not self.items.filter(outcome__in=AgendaItem.OPEN_OUTCOMES).exists()

    @property
    def issue_label(self) -> str:
        return f"〔{self.scheduled_at.year}〕第{self.number}期"


class AgendaItem(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("待审议")
        VOTING = "voting", _("表决中")
        PASSED = "passed", _("通过")
        REJECTED = "rejected", _("未通过")
        DEFERRED = "deferred", _("暂缓表决")
        NO_QUORUM = "no_quorum", _("不足法定人数，未表决")

    OPEN_OUTCOMES = (Outcome.PENDING, Outcome.VOTING)

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="items")
    decision = models.ForeignKey(Decision, verbose_name=_("议题"), on_delete=models.PROTECT, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    outcome = models.CharField(_("结果"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    history = audited_history()

    class Meta:
        verbose_name = _("议程")
        verbose_name_plural = _("议程")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "decision"], name="agenda_item_once")]

    def __str__(self):
        return f"{self.meeting} · {self.decision}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("委员"), on_delete=models.PROTECT,
                               related_name="+")
    present = models.BooleanField(_("出席"))
    reason = models.CharField(_("缺席理由"), max_length=300, blank=True)
    history = audited_history()

    class Meta:
        verbose_name = _("出席情况")
        verbose_name_plural = _("出席情况")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")]

    def __str__(self):
        return f"{self.member} {'出席' if self.present else '缺席'}"


class Recusal(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="recusals")
    decision = models.ForeignKey(Decision, verbose_name=_("议题"), on_delete=models.PROTECT, related_name="recusals")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("委员"), on_delete=models.PROTECT,
                               related_name="+")
    reason = models.CharField(_("回避理由"), max_length=300)
    history = audited_history()

    class Meta:
        verbose_name = _("回避")
        verbose_name_plural = _("回避")
        constraints = [models.UniqueConstraint(fields=["meeting", "decision", "member"], name="recusal_once")]

    def __str__(self):
        return f"{self.member} 回避 {self.decision}"


class Vote(models.Model):
    class Choice(models.TextChoices):
        AGREE = "agree", _("同意")
        DISAGREE = "disagree", _("不同意")
        ABSTAIN = "abstain", _("弃权")

    decision = models.ForeignKey(Decision, verbose_name=_("议题"), on_delete=models.PROTECT, related_name="votes")
    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("委员"), on_delete=models.PROTECT,
                               related_name="+")
    vote = models.CharField(_("表决"), max_length=10, choices=Choice.choices)
    comment = models.TextField(_("意见"), blank=True)
    is_secretary = models.BooleanField(_("书记末位表态"), default=False)
    created = models.DateTimeField(_("时间"), auto_now_add=True)
    history = audited_history()

    class Meta:
        verbose_name = _("表决票")
        verbose_name_plural = _("表决票")
        ordering = ["is_secretary", "pk"]
        constraints = [models.UniqueConstraint(fields=["decision", "meeting", "member"], name="one_vote_per_member")]

    def __str__(self):
        return f"{self.member} {self.get_vote_display()}"


class VoteResult(models.Model):
    class Outcome(models.TextChoices):
        PASSED = "passed", _("通过")
        REJECTED = "rejected", _("未通过")
        DEFERRED = "deferred", _("暂缓表决")

    decision = models.ForeignKey(Decision, verbose_name=_("议题"), on_delete=models.PROTECT, related_name="results")
    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="results")
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    agree = models.PositiveSmallIntegerField(_("同意"))
    disagree = models.PositiveSmallIntegerField(_("不同意"))
    abstain = models.PositiveSmallIntegerField(_("弃权"))
    members = models.PositiveSmallIntegerField(_("应到委员"))
    present = models.PositiveSmallIntegerField(_("实到委员"))
    comment = models.TextField(_("书记意见"), blank=True)
    created = models.DateTimeField(_("时间"), auto_now_add=True)
    history = audited_history()

    class Meta:
        verbose_name = _("表决结果")
        verbose_name_plural = _("表决结果")
        constraints = [models.UniqueConstraint(fields=["decision", "meeting"], name="one_result_per_item")]

    def __str__(self):
        return f"{self.decision} {self.get_outcome_display()}"

    def as_dict(self) -> dict:
        return {"outcome": self.outcome, "agree": self.agree, "disagree": self.disagree, "abstain": self.abstain,
                "members": self.members, "present": self.present}

    @property
    def tally_text(self) -> str:
        return (f"应到委员{self.members}人，实到{self.present}人；同意{self.agree}票，"
                f"不同意{self.disagree}票，弃权{self.abstain}票。")


class Minutes(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        RETURNED = "returned", _("退回修改")
        APPROVED = "approved", _("已签发")

    meeting = models.OneToOneField(Meeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="minutes")
    text = models.TextField(_("纪要正文"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("起草人"), on_delete=models.PROTECT,
                                   related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签发人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    return_comment = models.TextField(_("退回意见"), blank=True)
    frozen = models.BooleanField(_("已冻结"), default=False)
    history = audited_history()

    class Meta:
        verbose_name = _("会议纪要")
        verbose_name_plural = _("会议纪要")

    def __str__(self):
        return f"{self.meeting} 纪要"


class MinutesCorrection(models.Model):
    """A correction (更正) of approved minutes; the original text stays untouched."""

    minutes = models.ForeignKey(Minutes, verbose_name=_("纪要"), on_delete=models.PROTECT, related_name="corrections")
    text = models.TextField(_("更正内容"))
    reason = models.CharField(_("更正理由"), max_length=300)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("更正人"), on_delete=models.PROTECT,
                               related_name="+")
    created = models.DateTimeField(_("时间"), auto_now_add=True)
    history = audited_history()

    class Meta:
        verbose_name = _("纪要更正")
        verbose_name_plural = _("纪要更正")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.minutes} 更正"


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
