"""Notifications: in-app rows plus outbox deliveries, one template pair per message type.

`notify(recipients=..., kind=..., context=..., url=..., unit=None)` renders
`templates/notifications/<kind>_subject.txt` and `<kind>_body.txt`, stores one
Notification per recipient and, in the same transaction, one outbox row per e-mail to send
(and, with `unit`, one per group robot of that unit). `manage.py send_outbox` delivers them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from ..models import Notification
from .models import Delivery
from .outbox import email_rows, webhook_rows


def render_message(kind: str, context: dict) -> tuple[str, str]:
    subject = render_to_string(f"notifications/{kind}_subject.txt", context).strip().replace("\n", " ")
    body = render_to_string(f"notifications/{kind}_body.txt", context).strip()
    return subject, body


@transaction.atomic(savepoint=False)  # inside a step it joins the step's transaction
def notify(*, recipients, kind: str, context: dict | None = None, url: str = "", unit=None) -> list[Notification]:
    """Store a notification for each recipient and queue its e-mail (and the unit's group robots)."""
    context = {"site_url": settings.SITE_URL, "url": url, **(context or {})}
    subject, body = render_message(kind, context)
    link = f"{settings.SITE_URL}{url}" if url else ""
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    notifications = Notification.objects.bulk_create(
        [Notification(user=user, kind=kind, title=subject[:200], body=body, url=url) for user in unique.values()]
    )
    rows = email_rows(kind=kind, subject=subject, body=body, link=link, notifications=notifications)
    if unit is not None:
        rows += webhook_rows(kind=kind, unit=unit, subject=subject, body=body, link=link)
    if rows:
        Delivery.objects.bulk_create(rows)
    return notifications


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
