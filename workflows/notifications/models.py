"""The durable outbox (one row per e-mail or webhook call) and each unit's group-robot channels.

Imported at the end of `workflows.models`, so these are models of the workflows app.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..audit import audited_history


class Channel(models.TextChoices):
    EMAIL = "email", _("邮件")
    WECOM = "wecom", _("企业微信群")
    DINGTALK = "dingtalk", _("钉钉群")


class Delivery(models.Model):
    """One e-mail or webhook call still to make, made, or given up on (the outbox).

    Written in the transaction of the notification it carries; `send_outbox` claims due rows
    (`claimed_by` / `claimed_until` is a lease: a killed sender's rows come back once it
    expires), sends, and marks each row delivered right after its send. Operational state,
    not a record of the domain: attempts and claims change often, so it has no history.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("发送失败")

    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("类型"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "workflows.Unit", verbose_name=_("党组织"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.CharField(_("地址"), max_length=500, help_text="e-mail address or webhook URL")
    payload = models.JSONField(_("内容"), default=dict)
    notification = models.ForeignKey(
        "workflows.Notification", null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    next_try_at = models.DateTimeField(_("下次尝试"))
    last_error = models.TextField(_("最近错误"), blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    claimed_by = models.CharField(_("发送进程"), max_length=100, blank=True)
    claimed_until = models.DateTimeField(_("占用至"), null=True, blank=True)
    retried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("重试人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    retried_at = models.DateTimeField(_("重试时间"), null=True, blank=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["status", "next_try_at"], name="delivery_due_idx")]

    def __str__(self):
        return f"{self.get_channel_display()} {self.title}"

    @property
    def error_summary(self) -> str:
        """The Chinese part of `last_error` ("summary：technical detail")."""
        return self.last_error.partition("：")[0]

    @property
    def error_detail(self) -> str:
        return self.last_error.partition("：")[2]


class UnitChannels(models.Model):
    """A unit's 企业微信 and 钉钉 group-robot webhooks (set by office staff).

    The DingTalk signing secret is kept out of the history; its last characters are, so the
    history shows when it changed.
    """

    unit = models.OneToOneField(
        "workflows.Unit", verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="channels"
    )
    wecom_webhook = models.URLField(_("企业微信群机器人 Webhook"), max_length=500, blank=True)
    dingtalk_webhook = models.URLField(_("钉钉群机器人 Webhook"), max_length=500, blank=True)
    dingtalk_secret = models.CharField(_("钉钉加签密钥"), max_length=200, blank=True)
    dingtalk_secret_hint = models.CharField(_("钉钉加签密钥（末四位）"), max_length=10, blank=True)
    history = audited_history(excluded_fields=["dingtalk_secret"])

    class Meta:
        verbose_name = _("通知渠道")
        verbose_name_plural = _("通知渠道")

    def __str__(self):
        return f"{self.unit} 通知渠道"

    def webhooks(self) -> list[tuple[str, str]]:
        """The configured (channel, url) pairs."""
        pairs = [(Channel.WECOM, self.wecom_webhook), (Channel.DINGTALK, self.dingtalk_webhook)]
        return [(channel, url) for channel, url in pairs if url]
