"""What `make bench` measures at each data size: inboxes, the compliance page, the reminder sweep.

Every measurement goes through a public entry point (HTTP pages and API through Django's test
client, management commands), so it measures whatever those do after other changes.
"""

from __future__ import annotations

import io
import statistics
import time
from datetime import timedelta

from django.core.management import call_command, get_commands
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows.models import User
from workflows.org.roles import Role

INBOX_RUNS = 40
SLOW_PAGE = 5.0  # seconds: a page this slow is timed three times only
DUE_SOON = 1000


def percentile(values, share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _timed(func, runs: int):
    """(p50 s, p95 s, queries of one run, last response) over `runs` calls after one warm-up call."""
    response = func()
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = func()
            times.append(time.perf_counter() - start)
        queries = len(captured.captured_queries)
    return statistics.median(times), percentile(times, 0.95), queries, response


def inbox_users() -> dict[str, User]:
    """Office staff (党办), a generated branch's secretary, and the committee member with the most open votes."""
    office = User.objects.filter(role_grants__role=Role.OFFICE_STAFF).order_by("pk").first()
    branch_task = (Task.objects.filter(flow_task__endswith=".branch_review", status=STATUS.ASSIGNED,
                                       owner__username__startswith="g").order_by("pk").first())
    vote = (Task.objects.filter(flow_task__endswith=".vote", status__in=(STATUS.NEW, STATUS.ASSIGNED),
                                owner__role_grants__role=Role.COMMITTEE_MEMBER).order_by("pk").first())
    member = vote.owner if vote else User.objects.filter(role_grants__role=Role.COMMITTEE_MEMBER).first()
    return {"党办": office, "支部书记": branch_task.owner if branch_task else None, "党委委员": member}


def measure_inboxes(users: dict[str, User], results: dict) -> None:
    for label, user in users.items():
        if user is None:
            continue
        api = APIClient()
        api.force_authenticate(user)
        p50, p95, queries, response = _timed(lambda api=api: api.get("/api/v1/tasks/"), INBOX_RUNS)
        assert response.status_code == 200, response.content[:300]
        results[f"inbox API {label} p50 ms"] = (p50 * 1000, None)
        results[f"inbox API {label} p95 ms"] = (p95 * 1000, 30)
        results[f"inbox API {label} queries"] = (queries, None)
        results[f"inbox API {label} open tasks"] = (response.json()["count"], None)
        page = Client()
        page.force_login(user)
        p50, p95, queries, response = _timed(lambda page=page: page.get("/workbench/"), INBOX_RUNS)
        assert response.status_code == 200, response.status_code
        results[f"workbench page {label} p50 ms"] = (p50 * 1000, None)
        results[f"workbench page {label} p95 ms"] = (p95 * 1000, 30)
        results[f"workbench page {label} queries"] = (queries, None)


def refresh_compliance(results: dict) -> None:
    """Stored checklists (when the product has them) are brought up to date before the page is timed."""
    if "refresh_compliance" not in get_commands():
        results["refresh_compliance s"] = ("(no such command)", None)
        return
    start = time.perf_counter()
    call_command("refresh_compliance", stdout=io.StringIO())
    results["refresh_compliance s"] = (time.perf_counter() - start, None)


def measure_compliance(auditor: User, results: dict) -> None:
    page = Client()
    page.force_login(auditor)
    start = time.perf_counter()
    response = page.get("/audit/compliance/")
    first = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    runs = 3 if first > SLOW_PAGE else 15
    p50, _p95, queries, _ = _timed(lambda: page.get("/audit/compliance/"), runs)
    results["compliance page p50 ms"] = (p50 * 1000, 300)
    results["compliance page queries"] = (queries, None)


def _sweep() -> tuple[float, int, str]:
    out = io.StringIO()
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        call_command("send_reminders", stdout=out)
        elapsed = time.perf_counter() - start
    return elapsed, len(captured.captured_queries), out.getvalue().strip().splitlines()[-1]


def warm_up_sweep() -> str:
    """Send what the demo data has due (its terms), so the timed sweeps start from nothing due."""
    return _sweep()[2]


def _drain_outbox() -> None:
    """Deliver what earlier measures left in the outbox (a run delivers at most 500), so the empty
    sweep measures the sweep, not left-over deliveries."""
    from workflows.notifications.outbox import deliver_due

    for _ in range(20):  # failed rows wait for their retry time, so this ends
        if not deliver_due(limit=5000)["delivered"]:
            break


def measure_sweeps(results: dict, generate) -> None:
    _drain_outbox()
    elapsed, queries, said = _sweep()
    results["reminder sweep, nothing due s"] = (elapsed, 1)
    results["reminder sweep, nothing due queries"] = (queries, None)
    results["  (sweep said)"] = (said, None)
    generate(DUE_SOON, only_state="risk_assessment", due_in=timedelta(hours=6), new_branches=False)
    elapsed, queries, said = _sweep()
    results[f"reminder sweep, {DUE_SOON} due s"] = (elapsed, None)
    results[f"reminder sweep, {DUE_SOON} due queries"] = (queries, None)
    results["  (1k sweep said)"] = (said, None)


def measure_completion(results: dict) -> None:
    from . import completion

    found = completion.measure()
    results["completion service layer ms"] = (found["product_ms"], None)
    results["completion service layer queries"] = (found["product_queries"], 30)
    results["completion bare viewflow ms"] = (found["bare_ms"], None)
    results["completion bare viewflow queries"] = (found["bare_queries"], None)
    results["completion ratio x"] = (found["ratio"], 1.5)
