"""Notifications: in-app rows plus e-mail, one template pair per message type.

`notify(recipients=..., kind=..., context=...)` renders
`templates/notifications/<kind>_subject.txt` and `<kind>_body.txt`, stores one
Notification per recipient and e-mails those with an address after the transaction commits.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from ..models import Notification

log = logging.getLogger(__name__)


def render_message(kind: str, context: dict) -> tuple[str, str]:
    subject = render_to_string(f"notifications/{kind}_subject.txt", context).strip().replace("\n", " ")
    body = render_to_string(f"notifications/{kind}_body.txt", context).strip()
    return subject, body


def notify(*, recipients, kind: str, context: dict | None = None, url: str = "") -> list[Notification]:
    """Store a notification for each recipient; e-mail them once the transaction commits."""
    context = {"site_url": settings.SITE_URL, "url": url, **(context or {})}
    subject, body = render_message(kind, context)
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    notifications = Notification.objects.bulk_create(
        [Notification(user=user, kind=kind, title=subject, body=body, url=url) for user in unique.values()]
    )
    emails = [user.email for user in unique.values() if user.email]
    if emails:
        transaction.on_commit(lambda: _send_email(subject, body, url, emails, [n.pk for n in notifications]))
    return notifications


def _send_email(subject, body, url, emails, notification_ids):
    link = f"\n\n{settings.SITE_URL}{url}" if url else ""
    for address in emails:
        try:
            send_mail(subject, body + link, None, [address])
        except Exception:  # a mail outage must not break the step that caused it
            log.exception("notification e-mail to %s failed", address)
    Notification.objects.filter(pk__in=notification_ids).update(emailed=True)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
