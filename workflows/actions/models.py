"""Audited records of the task actions: who handed on, stood in, asked, urged or copied, when and why."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task

from ..audit import audited_history

USER = settings.AUTH_USER_MODEL


class Delegation(models.Model):
    """委托: while away (出差, 病假), `principal`'s tasks may be done by `delegate` (not personal acts)."""

    class Reason(models.TextChoices):
        BUSINESS_TRIP = "business_trip", _("出差")
        SICK_LEAVE = "sick_leave", _("病假")
        OTHER_LEAVE = "leave", _("休假")

    principal = models.ForeignKey(USER, verbose_name=_("委托人"), on_delete=models.PROTECT,
                                  related_name="delegations_given")
    delegate = models.ForeignKey(USER, verbose_name=_("受托人"), on_delete=models.PROTECT,
                                 related_name="delegations_received")
    starts = models.DateField(_("开始日期"))
    ends = models.DateField(_("结束日期"))
    reason = models.CharField(_("事由"), max_length=20, choices=Reason.choices)
    created = models.DateTimeField(_("登记时间"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    history = audited_history()

    class Meta:
        verbose_name = _("委托")
        verbose_name_plural = _("委托")
        ordering = ["-starts", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gte=F("starts")), name="delegation_ends_after_start"),
            models.CheckConstraint(condition=~Q(principal=F("delegate")), name="delegation_not_to_self"),
        ]

    def __str__(self):
        return f"{self.principal} 委托 {self.delegate}（{self.starts:%Y-%m-%d} 至 {self.ends:%Y-%m-%d}）"


class StandIn(models.Model):
    """A task a delegate took over on behalf of its principal: "由 B 代 A 办理"."""

    task = models.OneToOneField(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="stand_in")
    delegate = models.ForeignKey(USER, verbose_name=_("办理人"), on_delete=models.PROTECT, related_name="+")
    principal = models.ForeignKey(USER, verbose_name=_("委托人"), on_delete=models.PROTECT, related_name="+")
    delegation = models.ForeignKey(Delegation, verbose_name=_("委托"), on_delete=models.PROTECT,
                                   related_name="stand_ins")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    history = audited_history()

    class Meta:
        verbose_name = _("代办")
        verbose_name_plural = _("代办")

    def __str__(self):
        return f"由 {self.delegate} 代 {self.principal} 办理"


class Reassignment(models.Model):
    """转办: a task handed from one holder to another who may also do the step."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="reassignments")
    from_user = models.ForeignKey(USER, verbose_name=_("原办理人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    to_user = models.ForeignKey(USER, verbose_name=_("转交给"), on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(USER, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("转办理由"), max_length=300)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    history = audited_history()

    class Meta:
        verbose_name = _("转办")
        verbose_name_plural = _("转办")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"转办给 {self.to_user}"


class Consultation(models.Model):
    """加签: the holder of a review step asks one person for an advisory opinion."""

    class Status(models.TextChoices):
        OPEN = "open", _("待答复")
        ANSWERED = "answered", _("已答复")
        SKIPPED = "skipped", _("未等待答复")

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="consultations")
    asked_by = models.ForeignKey(USER, verbose_name=_("加签人"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(USER, verbose_name=_("征求意见对象"), on_delete=models.PROTECT,
                               related_name="consultations")
    question = models.CharField(_("征求意见内容"), max_length=1000)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("意见"), blank=True)
    skip_reason = models.CharField(_("未等待答复的理由"), max_length=500, blank=True)
    created = models.DateTimeField(_("时间"), auto_now_add=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    history = audited_history()

    class Meta:
        verbose_name = _("加签")
        verbose_name_plural = _("加签")
        ordering = ["created", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "person"], condition=Q(status="open"),
                                    name="one_open_consultation_per_person"),
        ]

    def __str__(self):
        return f"加签：{self.person}"


class Urge(models.Model):
    """催办: a reminder from office staff or the starter to whoever holds an open task."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="urges")
    by = models.ForeignKey(USER, verbose_name=_("催办人"), on_delete=models.PROTECT, related_name="+")
    message = models.CharField(_("催办内容"), max_length=500)
    recipients = models.JSONField(_("提醒对象"), default=list, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    history = audited_history()

    class Meta:
        verbose_name = _("催办")
        verbose_name_plural = _("催办")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"催办：{self.message}"


class CarbonCopy(models.Model):
    """抄送: a subject copied to someone who may already see it, with a note (抄送我的)."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="copies")
    by = models.ForeignKey(USER, verbose_name=_("抄送人"), on_delete=models.PROTECT, related_name="+")
    to = models.ForeignKey(USER, verbose_name=_("抄送给"), on_delete=models.PROTECT, related_name="copies_received")
    note = models.CharField(_("附言"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    history = audited_history()

    class Meta:
        verbose_name = _("抄送")
        verbose_name_plural = _("抄送")
        ordering = ["-at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["task", "to"], name="one_copy_per_task_and_person")]
        indexes = [models.Index(fields=["to", "-at"])]

    def __str__(self):
        return f"抄送 {self.to}"
