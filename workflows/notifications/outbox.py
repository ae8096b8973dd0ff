"""The durable outbox: write deliveries with the notification, deliver them from cron.

- `email_rows(...)`, `webhook_rows(...)`: unsaved rows; `notify` bulk-creates them in its transaction.
- `deliver_due(now=..., limit=...)`: what `manage.py send_outbox` runs. Claims due rows in
  small batches (`select_for_update(skip_locked=True)` on PostgreSQL, and a conditional
  UPDATE that only takes rows nobody holds, so SQLite and a second host are safe too),
  renews the row's lease just before each send and marks it delivered right after, so a
  second runner never sends it again. A failed send is retried with exponential backoff
  (`OUTBOX_RETRY_BASE_SECONDS` doubling up to `OUTBOX_RETRY_MAX_SECONDS`) until
  `OUTBOX_MAX_ATTEMPTS`, then marked failed. A run killed mid-send leaves its rows claimed
  until `OUTBOX_LEASE_SECONDS` pass; the next run then takes them again (at least once:
  the only window for a repeat is between the server accepting and the row being marked).
- `delivery_retry(delivery=..., user=...)`: the office's 重试 button.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..exceptions import Conflict
from .channels import webhook_payload
from .delivery import DeliveryError, Senders
from .models import Channel, Delivery

log = logging.getLogger(__name__)

BATCH_SIZE = 10


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_attempts() -> int:
    return _setting("OUTBOX_MAX_ATTEMPTS", 8)


def lease() -> timedelta:
    return timedelta(seconds=_setting("OUTBOX_LEASE_SECONDS", 600))


def backoff(attempts: int) -> timedelta:
    """Wait after the `attempts`-th failed try: base, 2×base, 4×base, … capped."""
    base, cap = _setting("OUTBOX_RETRY_BASE_SECONDS", 60), _setting("OUTBOX_RETRY_MAX_SECONDS", 6 * 3600)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:100]


# --- writing rows -----------------------------------------------------------------------


def email_rows(*, kind: str, subject: str, body: str, link: str, notifications) -> list[Delivery]:
    """One e-mail row per notification whose person has an address."""
    now = timezone.now()
    text = f"{body}\n\n{link}" if link else body
    return [
        Delivery(channel=Channel.EMAIL, kind=kind, title=subject[:200], recipient=note.user,
                 address=note.user.email, payload={"subject": subject, "body": text}, notification=note,
                 next_try_at=now)
        for note in notifications
        if note.user.email
    ]


def webhook_rows(*, kind: str, unit, subject: str, body: str, link: str) -> list[Delivery]:
    """One webhook row per configured channel of `unit`."""
    from .models import UnitChannels

    channels = UnitChannels.objects.filter(unit=unit).first() if unit is not None else None
    if channels is None:
        return []
    now = timezone.now()
    return [
        Delivery(channel=channel, kind=kind, title=subject[:200], unit=unit, address=url,
                 payload=webhook_payload(channel, title=subject, text=body, link=link), next_try_at=now)
        for channel, url in channels.webhooks()
    ]


# --- delivering -------------------------------------------------------------------------


def _unheld(now: datetime) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def _give_up_on_crashed(now: datetime) -> int:
    """Rows whose every try died mid-send (lease ran out at the last attempt) are failed."""
    return Delivery.objects.filter(
        _unheld(now), status=Delivery.Status.PENDING, attempts__gte=max_attempts(), next_try_at__lte=now,
    ).update(status=Delivery.Status.FAILED, claimed_by="", claimed_until=None,
             last_error=_("发送过程多次中断，已停止重试"))


def claim_batch(*, now: datetime, worker: str, size: int = BATCH_SIZE) -> list[Delivery]:
    """Take up to `size` due rows for `worker`; each try counts as an attempt from here."""
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(_unheld(now), status=Delivery.Status.PENDING, next_try_at__lte=now,
                                    attempts__lt=max_attempts())
            .order_by("next_try_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            return []
        # Conditional: a row another runner took meanwhile (SQLite has no row locks) stays theirs.
        Delivery.objects.filter(_unheld(now), pk__in=ids, status=Delivery.Status.PENDING).update(
            claimed_by=worker, claimed_until=now + lease(), attempts=F("attempts") + 1)
    return list(
        Delivery.objects.filter(pk__in=ids, claimed_by=worker, status=Delivery.Status.PENDING)
        .select_related("unit__channels").order_by("next_try_at", "pk")
    )


def _held_by(row: Delivery, worker: str):
    return Delivery.objects.filter(pk=row.pk, claimed_by=worker, status=Delivery.Status.PENDING)


def deliver_one(row: Delivery, *, worker: str, senders: Senders) -> str:
    """Send one claimed row: "delivered", "failed" (to be retried or given up) or "lost"."""
    if not _held_by(row, worker).update(claimed_until=timezone.now() + lease()):
        return "lost"  # our lease ran out and another runner has it now
    try:
        senders.send(row)
    except DeliveryError as error:
        failed = row.attempts >= max_attempts()
        _held_by(row, worker).update(
            status=Delivery.Status.FAILED if failed else Delivery.Status.PENDING,
            next_try_at=timezone.now() + backoff(row.attempts), last_error=str(error)[:2000],
            claimed_by="", claimed_until=None,
        )
        log.warning("delivery %s (%s) failed, attempt %s: %s", row.pk, row.channel, row.attempts, error)
        return "failed"
    _held_by(row, worker).update(status=Delivery.Status.DELIVERED, delivered_at=timezone.now(),
                                 last_error="", claimed_by="", claimed_until=None)
    if row.notification_id:
        from ..models import Notification

        Notification.objects.filter(pk=row.notification_id).update(emailed=True)
    return "delivered"


def deliver_due(*, now: datetime | None = None, limit: int = 500, worker: str | None = None) -> dict:
    """Deliver due rows (at most `limit`); return counts of delivered and failed tries."""
    worker = worker or worker_name()
    now = now or timezone.now()
    counts = {"delivered": 0, "failed": 0, "lost": 0, "given_up": _give_up_on_crashed(now)}
    senders = Senders()
    try:
        tried = 0
        while tried < limit:
            batch = claim_batch(now=now, worker=worker, size=min(BATCH_SIZE, limit - tried))
            if not batch:
                break
            for row in batch:
                tried += 1
                counts[deliver_one(row, worker=worker, senders=senders)] += 1
    finally:
        senders.close()
    return counts


@transaction.atomic
def delivery_retry(*, delivery: Delivery, user) -> Delivery:
    """Put a failed (or waiting) row back in the queue, due now, with a fresh set of attempts."""
    row = Delivery.objects.select_for_update().get(pk=delivery.pk)
    now = timezone.now()
    if row.status == Delivery.Status.DELIVERED:
        raise Conflict(_("该消息已送达，无需重试。"))
    if row.claimed_until and row.claimed_until > now:
        raise Conflict(_("该消息正在发送中，请稍后再看。"))
    row.status, row.attempts, row.next_try_at = Delivery.Status.PENDING, 0, now
    row.claimed_by, row.claimed_until = "", None
    row.retried_by, row.retried_at = user, now
    row.save(update_fields=["status", "attempts", "next_try_at", "claimed_by", "claimed_until",
                            "retried_by", "retried_at"])
    return row
