"""The outbox: a mail server that is down, a sender killed mid-run, retries, backoff, claims."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from workflows.models import Delivery, Notification
from workflows.notifications import notify
from workflows.notifications.delivery import Senders
from workflows.notifications.outbox import backoff, claim_batch, deliver_due, deliver_one

from .fakes import FlakySMTP, smtp_server


def notify_by_mail(user, title="会议通知"):
    user.email = f"{user.username}@example.org"
    user.save()
    notify(recipients=[user], kind="generic", context={"title": title, "body": "请准时参加。"}, url="/workbench/")
    return Delivery.objects.get(recipient=user, title=title)


def later(delivery, seconds=1):
    delivery.refresh_from_db()
    return delivery.next_try_at + timedelta(seconds=seconds)


@pytest.mark.django_db
def test_notify_writes_the_mail_to_the_outbox_in_its_transaction_and_sends_nothing_itself(org):
    row = notify_by_mail(org["dangban"])
    assert mail.outbox == []
    assert (row.channel, row.address, row.status, row.attempts) == ("email", "dangban@example.org", "pending", 0)
    assert row.payload["subject"] == "会议通知" and row.payload["body"].endswith("/workbench/")
    assert row.notification.user == org["dangban"] and not row.notification.emailed
    assert Notification.objects.filter(user=org["dangban"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_step_writes_neither_notice_nor_mail(org):
    from django.db import transaction

    org["dangban"].email = "dangban@example.org"
    org["dangban"].save()
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipients=[org["dangban"]], kind="generic", context={"title": "t", "body": "b"})
        raise RuntimeError("the step failed")
    assert not Delivery.objects.exists() and not Notification.objects.exists()


@pytest.mark.django_db
def test_mail_server_down_then_refusing_then_working_loses_nothing_and_sends_once(org, smtp_settings):
    row = notify_by_mail(org["dangban"])
    # 1. Nothing listens on the port: connection refused.
    assert deliver_due()["failed"] == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.delivered_at) == ("pending", 1, None)
    assert row.error_summary == "无法连接服务器" and "Refused" in row.error_detail
    assert abs((row.next_try_at - timezone.now()) - backoff(1)) < timedelta(seconds=5)
    assert deliver_due()["failed"] == 0  # not due again before its next try
    handler = FlakySMTP(fail=1)
    with smtp_server(smtp_settings.EMAIL_PORT, handler):
        # 2. The server is up but answers 451 once.
        assert deliver_due(now=later(row))["failed"] == 1
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("pending", 2) and "拒绝" in row.error_summary
        assert row.next_try_at - timezone.now() > backoff(1)  # the wait doubled
        # 3. It works now: delivered once, marked, never sent again.
        assert deliver_due(now=later(row))["delivered"] == 1
        assert deliver_due(now=later(row, 3600))["delivered"] == 0
    row.refresh_from_db()
    assert row.status == "delivered" and row.delivered_at and row.last_error == ""
    assert row.notification.emailed
    assert handler.refused == 1 and len(handler.received) == 1
    message = handler.received[0]
    assert message.rcpt_tos == ["dangban@example.org"]
    assert "会议通知".encode() in message.content or b"=?utf-8?" in message.content
    assert f"<outbox-{row.pk}.".encode() in message.content  # a stable Message-ID


@pytest.mark.django_db
def test_a_run_killed_after_claiming_leaves_the_row_to_a_later_run_that_delivers_it_once(org, settings):
    row = notify_by_mail(org["dangban"])
    now = timezone.now()
    claimed = claim_batch(now=now, worker="host-a:dead")  # ... and the process dies here
    assert [r.pk for r in claimed] == [row.pk]
    assert deliver_due(now=now, worker="host-b")["delivered"] == 0  # still leased to the dead runner
    assert mail.outbox == []
    after_lease = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)
    assert deliver_due(now=after_lease, worker="host-b")["delivered"] == 1
    assert deliver_due(now=after_lease + timedelta(hours=1), worker="host-c")["delivered"] == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dangban@example.org"]
    row.refresh_from_db()
    assert row.status == "delivered" and row.attempts == 2  # the dead try counted


@pytest.mark.django_db
def test_a_runner_whose_lease_was_taken_over_does_not_send(org, settings):
    row = notify_by_mail(org["dangban"])
    now = timezone.now()
    slow = claim_batch(now=now, worker="slow")[0]
    after_lease = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)
    assert deliver_due(now=after_lease, worker="fast")["delivered"] == 1
    assert deliver_one(slow, worker="slow", senders=Senders()) == "lost"
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == "delivered"


@pytest.mark.django_db
def test_two_runners_split_the_due_rows_and_each_row_is_sent_once(org):
    for i in range(4):
        notify_by_mail(org[f"weiyuan{i + 1}"], title=f"通知{i}")
    now = timezone.now()
    first = claim_batch(now=now, worker="a", size=2)
    second = claim_batch(now=now, worker="b", size=10)
    assert len(first) == 2 and len(second) == 2
    assert not {r.pk for r in first} & {r.pk for r in second}
    assert claim_batch(now=now, worker="c") == []
    for row in first:
        deliver_one(row, worker="a", senders=Senders())
    for row in second:
        deliver_one(row, worker="b", senders=Senders())
    assert sorted(m.subject for m in mail.outbox) == [f"通知{i}" for i in range(4)]


@pytest.mark.django_db
def test_attempts_are_capped_then_failed_and_the_office_retry_delivers(org, smtp_settings, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    row = notify_by_mail(org["dangban"])
    waits = []
    for _ in range(3):  # nothing listens: refused each time
        deliver_due(now=later(row, 0) if row.attempts else None)
        row.refresh_from_db()
        waits.append(row.next_try_at - timezone.now())
    assert (row.status, row.attempts) == ("failed", 3)
    assert waits[1] > waits[0] * 1.8  # exponential
    assert deliver_due(now=later(row, 10**6))["failed"] == 0  # failed rows are not tried again by themselves
    from workflows.notifications.outbox import delivery_retry

    delivery_retry(delivery=row, user=org["dangban"])
    row.refresh_from_db()
    assert (row.status, row.attempts, row.retried_by) == ("pending", 0, org["dangban"])
    with smtp_server(smtp_settings.EMAIL_PORT, FlakySMTP()) as handler:
        assert deliver_due()["delivered"] == 1
    assert len(handler.received) == 1


@pytest.mark.django_db
def test_rows_whose_every_try_died_mid_send_are_given_up(org, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    row = notify_by_mail(org["dangban"])
    now = timezone.now()
    lease = timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)
    claim_batch(now=now, worker="dies-1")
    claim_batch(now=now + lease, worker="dies-2")
    counts = deliver_due(now=now + lease * 2 + lease)
    row.refresh_from_db()
    assert counts["given_up"] == 1 and row.status == "failed" and "中断" in row.last_error
    assert mail.outbox == []


def run_outbox() -> str:
    out = io.StringIO()
    call_command("send_outbox", stdout=out)
    return out.getvalue()


def _queries(func) -> int:
    with CaptureQueriesContext(connection) as queries:
        func()
    return len(queries.captured_queries)


@pytest.mark.django_db
def test_a_run_with_nothing_due_costs_the_same_at_any_size_and_delivering_k_rows_is_linear(org):
    users = [org[f"weiyuan{i}"] for i in range(1, 7)]
    for user in users:
        notify_by_mail(user)
    run_outbox()  # everything delivered: the table now holds rows, none due
    idle_small = _queries(run_outbox)
    for i in range(30):
        notify_by_mail(users[i % 6], title=f"旧通知{i}")
    deliver_due()
    Delivery.objects.filter(status="delivered").update(status="failed")  # and failed ones are not due either
    assert _queries(run_outbox) == idle_small <= 7  # nothing to announce (1), nothing to deliver

    def deliver(k):
        for i in range(k):
            notify_by_mail(users[i % 6], title=f"新通知{k}-{i}")
        return _queries(deliver_due)

    two, five, eight = deliver(2), deliver(5), deliver(8)
    per_row = (five - two) // 3
    assert eight - five == five - two == 3 * per_row and per_row <= 3  # renew the lease, mark delivered, mark the notice e-mailed
    assert two - 2 * per_row <= idle_small + 5  # plus one claim for the batch
    assert "delivered 0" in run_outbox()


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")


@pytest.mark.postgres_only
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_three_hosts_at_once_send_every_row_exactly_once(org, smtp_settings):
    import threading

    users = [org[f"weiyuan{i}"] for i in range(1, 7)] + [org[f"b01_m{i}"] for i in range(1, 9)]
    for i in range(30):
        notify_by_mail(users[i % len(users)], title=f"并发{i}")
    barrier, errors = threading.Barrier(3), []

    def host(name):
        try:
            barrier.wait(timeout=10)
            deliver_due(worker=name)
        except Exception as error:  # collected and asserted below
            errors.append(repr(error))
        finally:
            connection.close()

    with smtp_server(smtp_settings.EMAIL_PORT, FlakySMTP()) as handler:
        threads = [threading.Thread(target=host, args=(f"host-{i}",)) for i in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    assert len(handler.received) == 30
    assert Delivery.objects.filter(status="delivered").count() == 30
