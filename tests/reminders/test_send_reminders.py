"""send_reminders: term reminders at 180/90/30 days and weekly overdue, task reminders, once each."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from workflows.models import Notification, Reminder, Term, Unit

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour=9):
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def b01_term():
    return Unit.objects.get(code="b01").current_term


def b01_reminders():
    return Reminder.objects.filter(target=f"term:{b01_term().pk}")


@pytest.mark.django_db
def test_term_180_once_then_term_90_then_none_once_an_election_runs(org, api, django_capture_on_commit_callbacks):
    term = b01_term()
    assert term.ends.isoformat() == "2027-01-10"
    org["sj_b01"].email = "sj_b01@example.org"
    org["sj_b01"].save()
    with time_machine.travel(at("2026-10-02"), tick=False):  # 100 days before the end
        with django_capture_on_commit_callbacks(execute=True):
            output = run()
        assert output.strip().splitlines()[-1].startswith("sent ")
        reminder = b01_reminders().get()
        assert reminder.kind == "term_180" and set(reminder.recipients) == {"sj_b01", "zuzhi"}
        assert reminder.unit.code == "b01"
        note = Notification.objects.get(user=org["sj_b01"], kind="term_180")
        assert "内科党支部" in note.title and "100 天" in note.title
        assert Notification.objects.filter(user=org["zuzhi"], kind="term_180", title__contains="内科党支部").exists()
        assert not Notification.objects.filter(user=org["shuji"]).exists()
        assert any("内科党支部" in m.subject and m.to == ["sj_b01@example.org"] for m in mail.outbox)
        count = Notification.objects.count()
        assert run().strip().splitlines()[-1] == "sent 0 reminders"
        assert Notification.objects.count() == count and b01_reminders().count() == 1
    with time_machine.travel(at("2026-10-17"), tick=False):  # 85 days before
        run()
        assert set(b01_reminders().values_list("kind", flat=True)) == {"term_180", "term_90"}
        assert run().strip().splitlines()[-1] == "sent 0 reminders"
    with time_machine.travel(at("2026-12-01"), tick=False):  # an election has started: no term_30
        from tests.elections.helpers import request_election

        request_election(api, org["sj_b01"])
        run()
        assert not b01_reminders().filter(kind="term_30").exists()


@pytest.mark.django_db
def test_overdue_weekly_to_the_party_secretary_too_and_postponement_respected(org):
    with time_machine.travel(at("2027-01-20"), tick=False):
        run()
        overdue = b01_reminders().get(kind="term_overdue")
        assert set(overdue.recipients) == {"sj_b01", "zuzhi", "shuji"}
        assert "逾期 10 天" in Notification.objects.get(user=org["shuji"], kind="term_overdue",
                                                         title__contains="内科").title
        run()
        assert b01_reminders().filter(kind="term_overdue").count() == 1
    with time_machine.travel(at("2027-01-22"), tick=False):  # same ISO week
        run()
        assert b01_reminders().filter(kind="term_overdue").count() == 1
    with time_machine.travel(at("2027-01-27"), tick=False):  # next week
        run()
        assert b01_reminders().filter(kind="term_overdue").count() == 2
    term = b01_term()
    term.postponed_until = term.ends.replace(year=2027, month=6, day=1)
    term.postpone_reason = "院党委批准延期"
    term.save()
    with time_machine.travel(at("2027-02-03"), tick=False):  # 118 days before the postponed end
        run()
        assert b01_reminders().filter(kind="term_overdue").count() == 2
        assert b01_reminders().get(kind="term_180").period == "end:2027-06-01"


@pytest.mark.django_db
def test_dry_run_sends_nothing(org):
    with time_machine.travel(at("2026-10-02"), tick=False):
        output = run("--dry-run")
        assert "would send term_180 term:" in output
        assert output.strip().splitlines()[-1] == "sent 0 reminders"
        assert not Reminder.objects.exists() and not Notification.objects.exists()


@pytest.mark.django_db
def test_now_option(org):
    output = run("--now", "2026-10-02T09:00:00+08:00")
    assert b01_reminders().get().kind == "term_180"
    assert output.strip().splitlines()[-1] == f"sent {Reminder.objects.count()} reminders"


@pytest.mark.django_db
def test_task_due_and_overdue_to_claimers_then_owner(org, api):
    from tests.elections.helpers import complete, request_election

    start = at("2026-06-01")
    with time_machine.travel(start, tick=False):
        eid = request_election(api, org["sj_b01"])["id"]
    with time_machine.travel(start + timedelta(days=6, hours=12), tick=False):  # due in 12 hours
        run()
        due = Reminder.objects.get(kind="task_due")
        assert due.recipients == ["zuzhi"] and due.unit.code == "b01"
        assert Notification.objects.filter(user=org["zuzhi"], kind="task_due", title__contains="请示批复").exists()
        run()
        assert Reminder.objects.filter(kind="task_due").count() == 1
    with time_machine.travel(start + timedelta(days=8), tick=False):
        run()
        assert Reminder.objects.get(kind="task_overdue").recipients == ["zuzhi"]
        complete(api(org["zuzhi"]), eid, "request_approval", {"approve": True})
    with time_machine.travel(start + timedelta(days=15, hours=1), tick=False):
        # the nominate task (due day 15) is the secretary's (guardian per-unit permission)
        run()
        nominate = Reminder.objects.filter(kind__in=["task_due", "task_overdue"]).order_by("-pk").first()
        assert nominate.recipients == ["sj_b01"]


@pytest.mark.django_db
def test_assigned_task_reminds_only_the_owner(org, api):
    from tests.elections.helpers import open_task, request_election

    start = at("2026-06-01")
    with time_machine.travel(start, tick=False):
        eid = request_election(api, org["sj_b01"])["id"]
        task_id = open_task(api(org["zuzhi"]), eid, "request_approval")
        assert api(org["zuzhi"]).post(f"/api/v1/tasks/{task_id}/claim/").status_code == 200
    with time_machine.travel(start + timedelta(days=10), tick=False):
        run()
        assert Reminder.objects.get(kind="task_overdue", target=f"task:{task_id}").recipients == ["zuzhi"]


def _is_postgres():
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_send_each_reminder_once(org):
    if not _is_postgres():
        pytest.skip("needs PostgreSQL for real concurrency")
    import threading

    from django.db import connection

    from workflows.notifications.reminders import send_reminders

    now = at("2026-10-02")
    barrier = threading.Barrier(4)
    results, failures = [], []

    def worker():
        try:
            barrier.wait()
            results.append(send_reminders(now=now))
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    expected = Reminder.objects.count()
    assert expected >= 3 and sum(results) == expected
    for reminder in Reminder.objects.all():
        for username in reminder.recipients:
            assert Notification.objects.filter(user__username=username, kind=reminder.kind,
                                               created__isnull=False).count() >= 1
    b01 = Reminder.objects.get(target=f"term:{Term.objects.get(unit__code='b01', status='current').pk}")
    assert Notification.objects.filter(user__username="sj_b01", kind=b01.kind).count() == 1
