"""The reminder sweep asks only for what is due and not yet reminded: constant when nothing is, O(k) for k."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from decisions.models import Decision
from workflows.audit import audit_context
from workflows.models import Reminder, TaskSchedule, Term, Unit
from workflows.notifications.reminders import pending_reminders, send_reminders

from ..decisions.helpers import submit, task_for

NOW = datetime(2026, 10, 2, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


def _queries(now=NOW) -> int:
    with CaptureQueriesContext(connection) as queries:
        send_reminders(now=now)
    return len(queries.captured_queries)


def _more_tasks(task, n) -> list[Task]:
    """n more open tasks like `task` (each gets its schedule row: due in a week, as its node says)."""
    with audit_context(reason="测试"):
        return [Task.objects.create(process=task.process, flow_task=task.flow_task, flow_task_type="HUMAN",
                                    status=STATUS.NEW, owner=task.owner) for _ in range(n)]


def _more_terms(n, start) -> list[Term]:
    """n more branches, each with a current term ending in two years."""
    parent = Unit.objects.get(code="zz1")
    with audit_context(reason="测试"):
        units = [Unit.objects.create(code=f"x{start + i}", name=f"测试支部{start + i}", kind=Unit.Kind.BRANCH,
                                     parent=parent) for i in range(n)]
        return [Term.objects.create(unit=u, started=date(2025, 10, 1), ends=date(2028, 10, 1)) for u in units]


@pytest.mark.django_db
def test_an_empty_sweep_costs_the_same_at_any_size_and_k_reminders_cost_o_k(org, api):
    with time_machine.travel(NOW, tick=False):
        pk = submit(api, org["dangban"])["id"]
        task = task_for(Decision.objects.get(pk=pk), "branch_review")
        tasks, terms = _more_tasks(task, 4), _more_terms(5, 0)
        send_reminders(now=NOW)  # the small org's own terms are due: send those first
        assert Reminder.objects.exists() and pending_reminders(NOW) == []  # sent ones are not asked for again
        idle_small = _queries()
        tasks += _more_tasks(task, 55)
        terms += _more_terms(55, 5)
        assert _queries() == idle_small <= 8  # four term kinds, task rows: clear closed ones, find due ones

        def remind(k, offset):
            chosen_tasks, chosen_terms = tasks[offset:offset + k], terms[offset:offset + k]
            TaskSchedule.objects.filter(task__in=chosen_tasks).update(
                due_at=NOW + timedelta(hours=12), next_reminder_at=NOW - timedelta(hours=1))
            with audit_context(reason="测试"):
                for term in chosen_terms:
                    term.ends = date(2026, 10, 20)
                    term.save()
            before = Reminder.objects.count()
            count = _queries()
            assert Reminder.objects.count() - before == 2 * k
            return count

        two, four, six = remind(2, 0), remind(4, 2), remind(6, 6)
        assert six - four == four - two > 0
        assert _queries() == idle_small  # all sent: nothing due again


@pytest.mark.django_db
def test_an_overdue_task_is_reminded_weekly_and_a_finished_one_never(org, api):
    start = datetime(2026, 6, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday
    with time_machine.travel(start, tick=False):
        pk = submit(api, org["dangban"])["id"]
        task = task_for(Decision.objects.get(pk=pk), "branch_review")
        other = _more_tasks(task, 1)[0]
    due = TaskSchedule.objects.get(task=task).due_at
    later = due + timedelta(days=1)
    send_reminders(now=later)
    target = f"task:{task.pk}"
    assert list(Reminder.objects.filter(target=target).values_list("kind", flat=True)) == ["task_overdue"]
    assert not [r for r in pending_reminders(later + timedelta(hours=1)) if r.target == target]
    send_reminders(now=later + timedelta(days=7))
    assert Reminder.objects.filter(target=target, kind="task_overdue").count() == 2
    reminded = Reminder.objects.filter(target=f"task:{other.pk}").count()
    assert reminded == 2
    other.status = STATUS.DONE  # done meanwhile: never reminded again, its row cleared
    with audit_context(reason="测试"):
        other.save()
    send_reminders(now=later + timedelta(days=14))
    assert Reminder.objects.filter(target=target, kind="task_overdue").count() == 3
    assert Reminder.objects.filter(target=f"task:{other.pk}").count() == reminded
    assert TaskSchedule.objects.get(task=other).next_reminder_at is None
