"""New tasks are announced by the sweep, after the step's transaction: once each, O(new tasks), safe on several hosts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.models import Task

from decisions.models import Decision
from workflows.models import Notification, TaskSchedule
from workflows.notifications.task_notices import announce_new_tasks
from workflows.tasks import task_complete, task_due

from ..decisions.helpers import do, submit, task_for


def told_about(task) -> list[str]:
    return sorted(Notification.objects.filter(url=f"/workbench/tasks/{task.pk}/").values_list("user__username",
                                                                                                flat=True))


def _writes_to(queries, table: str) -> bool:
    return any(q["sql"].startswith("INSERT") and f'"{table}"' in q["sql"] for q in queries.captured_queries)


@pytest.mark.django_db
def test_a_completion_only_schedules_the_notice_and_the_sweep_sends_it_once(org, api):
    pk = submit(api, org["sj_b01"])["id"]
    announce_new_tasks()
    review = task_for(Decision.objects.get(pk=pk), "branch_review")
    with CaptureQueriesContext(connection) as queries:
        task_complete(task=review, user=org["sj_b01"], data={"opinion": "approve", "comment": "同意"})
    assert not _writes_to(queries, "workflows_notification") and not _writes_to(queries, "workflows_delivery")
    risk = task_for(Decision.objects.get(pk=pk), "risk_assessment")
    schedule = TaskSchedule.objects.get(task=risk)
    assert schedule.announced_at is None and schedule.actor_id == org["sj_b01"].pk
    assert schedule.due_at == task_due(risk) and schedule.next_reminder_at < schedule.due_at
    assert told_about(risk) == []
    assert announce_new_tasks() == 1
    assert told_about(risk) == ["dangban"]
    assert announce_new_tasks() == 0 and told_about(risk) == ["dangban"]
    schedule.refresh_from_db()
    assert schedule.announced_at is not None


@pytest.mark.django_db
def test_a_task_done_before_its_turn_is_marked_without_a_notice(org, api):
    pk = submit(api, org["dangban"])["id"]
    review = task_for(Decision.objects.get(pk=pk), "branch_review")
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "approve", "comment": "同意"})
    risk = task_for(Decision.objects.get(pk=pk), "risk_assessment")
    assert announce_new_tasks() == 2
    assert told_about(review) == [] and told_about(risk) == ["dangban"]
    assert not TaskSchedule.objects.filter(announced_at__isnull=True).exists()


def _announce_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        announce_new_tasks()
    return len(queries.captured_queries)


@pytest.mark.django_db
def test_the_sweep_costs_what_is_new_never_what_the_database_holds(org, api):
    submit(api, org["dangban"])
    announce_new_tasks()
    idle_small = _announce_queries()
    for _ in range(5):
        submit(api, org["dangban"])
    announce_new_tasks()
    assert _announce_queries() == idle_small <= 3  # one look for new rows (in a savepoint here)

    def announce(k):
        for _ in range(k):
            submit(api, org["dangban"])
        return _announce_queries()

    two, four, six = announce(2), announce(4), announce(6)
    assert six - four == four - two > 0  # the same few queries per new task, one claim per batch


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_several_hosts_at_once_announce_every_task_exactly_once(org, api):
    import threading

    for _ in range(12):
        submit(api, org["dangban"])
    new = list(Task.objects.filter(schedule__isnull=False, schedule__announced_at__isnull=True))
    assert len(new) == 12
    barrier = threading.Barrier(3)
    handled, failures = [], []

    def host():
        try:
            barrier.wait()
            handled.append(announce_new_tasks())
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=host) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures and sum(handled) == 12
    assert all(told_about(task) == ["sj_b01"] for task in new)
