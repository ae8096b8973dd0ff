"""党委会 meetings: agenda, attendance, recusals, votes and results, minutes and their corrections."""


from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.audit import audited_history

from .decision import Decision


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
        REPORTED = "reported", _("已通报")

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


class LeaveRequest(models.Model):
    """A member's 请假 in answer to a meeting notice; pre-fills the attendance form as absent."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE,
                                related_name="leave_requests")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("委员"), on_delete=models.PROTECT,
                               related_name="+")
    reason = models.CharField(_("请假理由"), max_length=300)
    created = models.DateTimeField(_("时间"), auto_now_add=True)
    history = audited_history()

    class Meta:
        verbose_name = _("请假")
        verbose_name_plural = _("请假")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="leave_request_once")]

    def __str__(self):
        return f"{self.member} 请假"


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
        DEFER = "defer", _("缓议")  # cadre appointments only, instead of abstain

    CADRE_CHOICES = (Choice.AGREE, Choice.DISAGREE, Choice.DEFER)
    ORDINARY_CHOICES = (Choice.AGREE, Choice.DISAGREE, Choice.ABSTAIN)

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
        REPORTED = "reported", _("已通报（事后报告）")

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
        if self.outcome == self.Outcome.REPORTED:
            return {"outcome": self.outcome}  # heard as a report: no vote
        data = {"outcome": self.outcome, "agree": self.agree, "disagree": self.disagree, "abstain": self.abstain,
                "members": self.members, "present": self.present}
        if self.decision.is_cadre_appointment():
            data["defer"] = self.defer_votes
        return data

    @property
    def defer_votes(self) -> int:
        """缓议 votes on a cadre appointment (counted from the votes, which are never edited)."""
        if hasattr(self, "counted_defer_votes"):  # counted with a page of votes (decisions.batch)
            return self.counted_defer_votes
        return Vote.objects.filter(decision_id=self.decision_id, meeting_id=self.meeting_id,
                                   vote=Vote.Choice.DEFER).count()

    @property
    def tally_text(self) -> str:
        if self.outcome == self.Outcome.REPORTED:
            return f"应到委员{self.members}人，实到{self.present}人；事后报告，会议听取通报，不表决。"
        last = (f"缓议{self.defer_votes}票" if self.decision.is_cadre_appointment() else f"弃权{self.abstain}票")
        return f"应到委员{self.members}人，实到{self.present}人；同意{self.agree}票，不同意{self.disagree}票，{last}。"


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
