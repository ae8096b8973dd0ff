"""Group-robot channels of a unit: 企业微信 and 钉钉 webhooks, their messages and signing.

- `unit_channels_set(unit=..., user=..., ...)`: office staff set a unit's webhooks (form and API).
- `webhook_payload(channel, title, text, link)`: the markdown message in each platform's format:
  WeCom `{"msgtype": "markdown", "markdown": {"content": ...}}`,
  DingTalk `{"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}`.
- `dingtalk_signed_url(url, secret, now)`: DingTalk's 加签: `timestamp` (ms) and
  `sign` = url-encoded base64 of HMAC-SHA256(secret, "timestamp\\nsecret").
- `channel_unit_of(subject)`: the unit whose channels hear about a subject's tasks.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus, urlsplit

import rules
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..audit import audit_context
from ..org.permissions import add_rule
from ..records import record_save
from .models import Channel, UnitChannels

WEBHOOK_FIELDS = {"wecom_webhook": gettext_lazy("企业微信"), "dingtalk_webhook": gettext_lazy("钉钉")}


@rules.predicate
def _runs_office(user, obj=None) -> bool:
    return user.has_perm("workflows.run_office")


# Office staff set channels and see the outbox (auditors are refused: these are writes).
add_rule("workflows.set_unit_channels", _runs_office)
add_rule("workflows.manage_deliveries", _runs_office)


def allowed_schemes() -> list[str]:
    """https only; http too where NOTIFY_WEBHOOK_ALLOW_HTTP is set (tests against a local server)."""
    return ["https", "http"] if getattr(settings, "NOTIFY_WEBHOOK_ALLOW_HTTP", False) else ["https"]


def is_allowed_webhook(url: str) -> bool:
    try:
        URLValidator(schemes=allowed_schemes())(url)
    except ValidationError:
        return False
    return urlsplit(url).scheme in allowed_schemes()


def clean_webhook(field: str, value: str | None) -> str:
    value = (value or "").strip()
    if value and not is_allowed_webhook(value):
        raise ValidationError({field: _("%(name)s群机器人地址须为 https:// 开头的完整网址，或留空。")
                               % {"name": WEBHOOK_FIELDS[field]}})
    return value


def clean_secret(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if value and (len(value) > 200 or any(ch.isspace() for ch in value)):
        raise ValidationError({"dingtalk_secret": _("钉钉加签密钥格式不正确（不含空格，最长 200 个字符）。")})
    return value


def secret_hint(secret: str) -> str:
    return f"…{secret[-4:]}" if secret else ""


def channels_of(unit) -> UnitChannels:
    """The unit's channels (unsaved and empty when never set)."""
    return UnitChannels.objects.filter(unit=unit).first() or UnitChannels(unit=unit)


@transaction.atomic
def unit_channels_set(*, unit, user, wecom_webhook: str, dingtalk_webhook: str,
                      dingtalk_secret: str | None = None) -> UnitChannels:
    """Set the unit's webhooks; `dingtalk_secret` None keeps the secret, "" removes it.

    Emptying the DingTalk webhook removes its secret too. All errors at once, nothing saved.
    """
    errors: dict[str, list] = {}
    cleaned = {}
    for field, value in (("wecom_webhook", wecom_webhook), ("dingtalk_webhook", dingtalk_webhook)):
        try:
            cleaned[field] = clean_webhook(field, value)
        except ValidationError as error:
            errors.update(error.message_dict)
    try:
        secret = clean_secret(dingtalk_secret)
    except ValidationError as error:
        errors.update(error.message_dict)
        secret = None
    if errors:
        raise ValidationError(errors)
    channels = UnitChannels.objects.select_for_update().filter(unit=unit).first() or UnitChannels(unit=unit)
    channels.wecom_webhook = cleaned["wecom_webhook"]
    channels.dingtalk_webhook = cleaned["dingtalk_webhook"]
    if secret is not None:
        channels.dingtalk_secret = secret
    if not channels.dingtalk_webhook:
        channels.dingtalk_secret = ""
    channels.dingtalk_secret_hint = secret_hint(channels.dingtalk_secret)
    with audit_context(actor=user, reason=_("设置群机器人通知渠道")):
        return record_save(channels)


# --- messages ------------------------------------------------------------------------------


def markdown_text(title: str, text: str, link: str) -> str:
    lines = [f"### {title}", "", text.strip()]
    if link:
        lines += ["", f"[{_('打开办理')}]({link})"]
    return "\n".join(lines)


def webhook_payload(channel: str, *, title: str, text: str, link: str) -> dict:
    content = markdown_text(title, text, link)
    if channel == Channel.WECOM:
        return {"msgtype": "markdown", "markdown": {"content": content}}
    if channel == Channel.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": content}}
    raise ValueError(f"not a webhook channel: {channel}")


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, digestmod=hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def dingtalk_signed_url(url: str, secret: str, now: float | None = None) -> str:
    if not secret:
        return url
    timestamp_ms = int((time.time() if now is None else now) * 1000)
    separator = "&" if urlsplit(url).query else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def channel_unit_of(subject):
    """The unit a subject belongs to (`subject.unit`), whose group robots hear of its tasks.

    Subjects without a `unit` (committee decisions, meetings: confidential until decided)
    are never posted to a group.
    """
    from ..models import Unit

    unit = getattr(subject, "unit", None) if subject is not None else None
    return unit if isinstance(unit, Unit) else None
