"""One step completion through the service layer against the same steps in bare viewflow.

Product side: a decision's 风险评估 through `task_complete` (lock, who-may-act, form, rules,
opinion record, status, history, seals, next task). Bare side: `bare_flow.complete_bare_review`
(lock, assign, start, record on the process, next task). Runs are interleaved so both see the
same machine; the ratio of medians is what counts.
"""

import statistics
import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

RUNS = 30


def _decisions_at_risk_assessment(n, proposer, secretary):
    from decisions.models import Decision
    from workflows.tasks import task_complete

    from .tasks import open_task

    client = APIClient()
    client.force_authenticate(proposer)
    payload = {"title": "门诊楼改造项目", "category": "major_matter", "summary": "背景与方案",
               "department_unit": proposer.unit.code, "amount": None, "needs_expert_review": False}
    tasks = []
    for _ in range(n):
        response = client.post("/api/v1/decisions/", payload, format="json")
        assert response.status_code == 201, response.content
        decision = Decision.objects.get(pk=response.json()["id"])
        task_complete(task=open_task(decision, "branch_review"), user=secretary,
                      data={"opinion": "approve", "comment": "同意"})
        tasks.append(open_task(decision, "risk_assessment"))
    return tasks


def _bare_tasks(n):
    from viewflow.workflow.models import Task

    from .bare_flow import BareFlow, start_bare_process

    tasks = []
    for _ in range(n):
        process = start_bare_process()
        tasks.append(Task.objects.get(process=process, flow_task=BareFlow.review))
    return tasks


def _timed(func):
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        func()
        elapsed = time.perf_counter() - start
    return elapsed, len(queries.captured_queries)


def measure() -> dict:
    """Medians of both sides (ms), their query counts and the ratio."""
    from workflows.models import User
    from workflows.tasks import task_complete

    from .bare_flow import complete_bare_review

    office = User.objects.get(username="dangban")
    proposer = User.objects.get(username="sj_b01")  # the demo hospital's
    with transaction.atomic():
        product_tasks = _decisions_at_risk_assessment(RUNS + 1, proposer, proposer)
    bare_tasks = _bare_tasks(RUNS + 1)

    def product(task):
        return lambda: task_complete(task=task, user=office, data={"level": "low", "notes": "风险低"})

    def bare(task):
        return lambda: complete_bare_review(task, office, {"level": "low", "notes": "风险低"})

    product(product_tasks.pop())()  # warm caches on both sides
    bare(bare_tasks.pop())()
    product_times, bare_times, product_queries, bare_queries = [], [], 0, 0
    for product_task, bare_task in zip(product_tasks, bare_tasks, strict=True):
        elapsed, product_queries = _timed(product(product_task))
        product_times.append(elapsed)
        elapsed, bare_queries = _timed(bare(bare_task))
        bare_times.append(elapsed)
    product_median, bare_median = statistics.median(product_times), statistics.median(bare_times)
    return {"product_ms": product_median * 1000, "bare_ms": bare_median * 1000, "product_queries": product_queries,
            "bare_queries": bare_queries, "ratio": product_median / bare_median}


def run(print_row):
    found = measure()
    print_row("completion, service layer (median)", f"{found['product_ms']:8.1f} ms / {found['product_queries']} queries")
    print_row("same steps, bare viewflow (median)", f"{found['bare_ms']:8.1f} ms / {found['bare_queries']} queries")
    print_row("ratio service layer / bare viewflow", f"{found['ratio']:8.2f} x  (goal <= 1.5)")
