"""Make one outbox row's call: an e-mail through Django's mail backend, or a webhook POST.

Each sender returns normally on success and raises `DeliveryError` (with a Chinese message
for the office's page and the technical detail) otherwise; the outbox decides on retries.
WeCom and DingTalk answer HTTP 200 with `{"errcode": 0}` on success: any other errcode
(rate limit, bad key, wrong signature) is a failure too.
"""

from __future__ import annotations

import contextlib
import json
import smtplib
import socket
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.translation import gettext as _

from .channels import dingtalk_signed_url, is_allowed_webhook
from .models import Channel, Delivery

MAX_ERROR = 1000


class DeliveryError(Exception):
    def __init__(self, summary: str, detail: str = ""):
        super().__init__(f"{summary}：{detail}" if detail else summary)
        self.summary = summary
        self.detail = detail


def _explain(error: Exception) -> DeliveryError:
    if isinstance(error, DeliveryError):
        return error
    detail = f"{type(error).__name__}: {error}"[:MAX_ERROR]
    if isinstance(error, TimeoutError | socket.timeout):
        return DeliveryError(_("连接超时"), detail)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return DeliveryError(_("邮件服务器拒收该地址"), detail)
    if isinstance(error, smtplib.SMTPException):
        return DeliveryError(_("邮件服务器拒绝或中断了发送"), detail)
    if isinstance(error, urllib.error.HTTPError):
        return DeliveryError(_("群机器人接口返回 HTTP %(code)s") % {"code": error.code}, detail)
    if isinstance(error, urllib.error.URLError | ConnectionError | OSError):
        return DeliveryError(_("无法连接服务器"), detail)
    return DeliveryError(_("发送出错"), detail)


class Senders:
    """The senders of one `send_outbox` run: one SMTP connection, reopened after an error."""

    def __init__(self):
        self._mail = None

    def send(self, row: Delivery) -> None:
        try:
            if row.channel == Channel.EMAIL:
                self._send_email(row)
            else:
                self._send_webhook(row)
        except Exception as error:
            self.close()  # a broken SMTP session must not fail the next row
            raise _explain(error) from error

    def close(self) -> None:
        if self._mail is not None:
            with contextlib.suppress(Exception):  # closing a broken connection may fail; it is gone anyway
                self._mail.close()
            self._mail = None

    def _send_email(self, row: Delivery) -> None:
        if self._mail is None:
            self._mail = get_connection(fail_silently=False)
        message = EmailMessage(
            subject=row.payload.get("subject", row.title), body=row.payload.get("body", ""), to=[row.address],
            connection=self._mail, headers={"Message-ID": message_id(row)},
        )
        if message.send() != 1:
            raise DeliveryError(_("邮件未被发送"))

    def _send_webhook(self, row: Delivery) -> None:
        if not is_allowed_webhook(row.address):
            raise DeliveryError(_("群机器人地址须为 https 网址"), row.address[:60])
        url = row.address
        if row.channel == Channel.DINGTALK:
            secret = getattr(getattr(row.unit, "channels", None), "dingtalk_secret", "") if row.unit_id else ""
            url = dingtalk_signed_url(url, secret)
        request = urllib.request.Request(  # noqa: S310 (scheme checked above: https, or http in tests)
            url, data=json.dumps(row.payload, ensure_ascii=False).encode(), method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        timeout = getattr(settings, "NOTIFY_WEBHOOK_TIMEOUT", 10)
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(64 * 1024)
        try:
            answer = json.loads(body or b"{}")
        except ValueError:
            raise DeliveryError(_("群机器人接口的应答无法识别"), body[:200].decode(errors="replace")) from None
        if not isinstance(answer, dict) or answer.get("errcode") != 0:
            code = answer.get("errcode") if isinstance(answer, dict) else None
            message = answer.get("errmsg", "") if isinstance(answer, dict) else ""
            raise DeliveryError(_("群机器人接口返回错误码 %(code)s") % {"code": code}, str(message)[:MAX_ERROR])


def message_id(row: Delivery) -> str:
    """A stable Message-ID: a row sent again after a crash is recognisably the same message."""
    domain = getattr(settings, "NOTIFY_MESSAGE_ID_DOMAIN", "") or "dangwei.local"
    return f"<outbox-{row.pk}.{int(row.created.timestamp())}@{domain}>"
