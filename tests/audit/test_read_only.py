"""The auditor (审计) is strictly read-only: every write endpoint, admin and workflow step refuses them.

The URL conf is walked, so a write endpoint added later is covered without editing this file.
"""

import re

import pytest
from django.contrib import admin
from django.urls import URLResolver, get_resolver, reverse
from viewflow.workflow.models import Task

from tests.foundation.sample_flow import SampleFlow
from workflows.models import Unit
from workflows.tasks import OPEN_STATUSES

from .helpers import row_counts

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch", "delete")
# Not domain records: logging in and out, getting one's own API token, marking one's own
# notifications read. The admin is tested separately below.
EXCLUDED = re.compile(r"^(accounts/|api/v1/auth/(token|logout)/|admin/|(api/v1/)?notifications/(\d+/)?read/)")
MISSING_ID = 987654


def url_patterns():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern

    return list(walk(get_resolver().url_patterns))


def open_task_id():
    return Task.objects.filter(flow_task_type="HUMAN", status__in=OPEN_STATUSES).order_by("pk").values_list(
        "pk", flat=True).first()


def concrete_url(route: str, ids: dict) -> tuple[str, bool]:
    """Fill the route's parameters with existing objects where we have one; report if all exist."""
    exists = True

    def fill(match):
        nonlocal exists
        converter = match.group(1) or "str"
        if converter == "int":
            for prefix, value in ids.items():
                if route.startswith(prefix) and value:
                    return str(value)
            exists = False
            return str(MISSING_ID)
        return "b01"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route), exists


def make_subjects(org, api):
    """Real objects to aim the writes at: an open sample task, and (when those apps allow) more."""
    SampleFlow.start.run(subject=Unit.objects.get(code="b01"))
    ids = {"api/v1/tasks/": open_task_id(), "workbench/tasks/": open_task_id()}
    decision = api(org["dangban"]).post("/api/v1/decisions/", {
        "title": "购置CT设备", "category": "major_matter", "summary": "背景与方案",
        "department_unit": "b01", "needs_expert_review": False}, format="json")
    if decision.status_code == 201:
        ids["api/v1/decisions/"] = ids["decisions/"] = decision.json()["id"]
    election = api(org["sj_b01"]).post("/api/v1/elections/", {
        "unit": "b01", "planned_date": "2026-12-20", "seats": 5, "elect_deputy": False}, format="json")
    if election.status_code == 201:
        ids["api/v1/elections/"] = ids["elections/"] = election.json()["id"]
    return ids


def test_every_write_endpoint_writes_nothing_for_the_auditor(org, api, web):
    """Walk the URL conf: every write method on every route, empty payload: refused (403/404/405), nothing written."""
    ids = make_subjects(org, api)
    auditor = org["shenji"]
    api_client = api(auditor)
    web_client = web(auditor)
    before = row_counts()
    problems, refused = [], 0
    for route, _pattern in url_patterns():
        if EXCLUDED.match(route):
            continue
        url, _exists = concrete_url(route, ids)
        client = api_client if route.startswith("api/") else web_client
        for method in WRITE_METHODS:
            kwargs = {"format": "json"} if client is api_client else {}
            status = getattr(client, method)(url, {}, **kwargs).status_code
            # refused outright: the auditor learns nothing from payload validation (no 400)
            if status not in (403, 404, 405):
                problems.append(f"{method.upper()} {url} -> {status}")
            refused += status == 403
    assert not problems, "auditor write not refused:\n" + "\n".join(problems)
    assert row_counts() == before, "an auditor request wrote to the database"
    assert refused >= 2  # at least the task claim/complete endpoints answered 403


def valid_writes(ids, org):
    """Write requests that would succeed for the right person: the auditor must get 403."""
    decision = ids.get("decisions/")
    task = ids["api/v1/tasks/"]
    writes = [
        ("api", f"/api/v1/tasks/{task}/claim/", {}),
        ("api", f"/api/v1/tasks/{task}/complete/", {"opinion": "approve"}),
        ("web", f"/workbench/tasks/{task}/claim/", {}),
        ("web", f"/workbench/tasks/{task}/", {"opinion": "approve"}),
        ("api", "/api/v1/decisions/", {"title": "购置设备", "category": "major_matter", "summary": "方案",
                                       "department_unit": "b02", "needs_expert_review": False}),
        ("api", "/api/v1/meetings/", {"title": "党委会", "scheduled_at": "2030-01-10T09:00:00+08:00",
                                      "place": "会议室", "agenda": [decision] if decision else [],
                                      "urgent": True, "urgent_reason": "紧急"}),
        ("api", "/api/v1/elections/", {"unit": "b02", "planned_date": "2030-01-10", "seats": 3,
                                       "elect_deputy": False}),
    ]
    if decision:
        writes += [
            ("api", f"/api/v1/decisions/{decision}/withdraw/", {"reason": "撤回"}),
            ("web", f"/decisions/{decision}/withdraw/", {"reason": "撤回"}),
        ]
    return writes


def test_write_endpoints_answer_403_to_the_auditor(org, api, web):
    ids = make_subjects(org, api)
    auditor = org["shenji"]
    clients = {"api": api(auditor), "web": web(auditor)}
    before = row_counts()
    problems = []
    for kind, url, payload in valid_writes(ids, org):
        kwargs = {"format": "json"} if kind == "api" else {}
        response = clients[kind].post(url, payload, **kwargs)
        if response.status_code != 403:
            problems.append(f"POST {url} -> {response.status_code} {response.content[:200]!r}")
    assert not problems, "\n".join(problems)
    assert row_counts() == before


def test_every_open_workflow_step_refuses_the_auditor(org, api, web):
    make_subjects(org, api)
    tasks = list(Task.objects.filter(flow_task_type="HUMAN", status__in=OPEN_STATUSES))
    assert tasks
    auditor = org["shenji"]
    api_client, web_client = api(auditor), web(auditor)
    before = row_counts()
    for task in tasks:
        for url in (f"/api/v1/tasks/{task.pk}/claim/", f"/api/v1/tasks/{task.pk}/complete/"):
            response = api_client.post(url, {"opinion": "approve"}, format="json")
            assert response.status_code == 403, (url, response.content)
            assert response.json()["errors"]["non_field_errors"] == ["您无权执行此操作。"]
        assert web_client.post(f"/workbench/tasks/{task.pk}/", {"opinion": "approve"}).status_code == 403
        assert web_client.post(f"/workbench/tasks/{task.pk}/claim/").status_code == 403
    assert row_counts() == before
    assert api_client.get("/api/v1/tasks/").json()["count"] == 0


def test_auditor_cannot_use_the_admin(org, client):
    auditor = org["shenji"]
    assert not auditor.is_staff and not auditor.is_superuser
    client.force_login(auditor)
    before = row_counts()
    unit = Unit.objects.get(code="b01")
    response = client.post(reverse("admin:workflows_unit_change", args=[unit.pk]), {"name": "x"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert row_counts() == before


def test_auditor_made_staff_by_mistake_still_changes_nothing_in_admin(org, client):
    auditor = org["shenji"]
    auditor.is_staff = True
    auditor.save()
    client.force_login(auditor)
    before = row_counts()
    problems = []
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        obj = model._default_manager.order_by("pk").first()
        urls = [reverse(f"{prefix}_add"), reverse(f"{prefix}_changelist")]
        if obj is not None:
            urls += [reverse(f"{prefix}_change", args=[obj.pk]), reverse(f"{prefix}_delete", args=[obj.pk])]
        for url in urls:
            data = {"post": "yes", "action": "delete_selected", "_selected_action": [obj.pk] if obj else []}
            status = client.post(url, data).status_code
            if status != 403:
                problems.append(f"POST {url} -> {status}")
    assert not problems, "\n".join(problems)
    assert row_counts() == before
