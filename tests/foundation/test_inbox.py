"""The one inbox: listing, filters, claim and complete, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflows.models import Unit

from .sample_flow import SampleFlow, performed


@pytest.fixture(autouse=True)
def _fresh_performed_log():
    performed.clear()
    yield
    performed.clear()


def start_samples(n):
    unit = Unit.objects.get(code="b01")
    return [SampleFlow.start.run(subject=unit) for _ in range(n)]


@pytest.mark.django_db
def test_office_staff_sees_claimable_task_others_do_not(org, api):
    start_samples(1)
    body = api(org["dangban"]).get("/api/v1/tasks/").json()
    assert body["count"] == 1
    task = body["results"][0]
    assert task["flow"] == "sample" and task["step"] == "review" and task["status"] == "new"
    assert task["title"].startswith("示例审核") and task["due"]
    assert task["subject_id"] == Unit.objects.get(code="b01").pk
    assert api(org["sj_b01"]).get("/api/v1/tasks/").json()["count"] == 0
    assert api(org["shenji"]).get("/api/v1/tasks/").json()["count"] == 0


@pytest.mark.django_db
def test_filters_by_flow_and_step(org, api):
    start_samples(2)
    client = api(org["dangban"])
    assert client.get("/api/v1/tasks/?flow=sample").json()["count"] == 2
    assert client.get("/api/v1/tasks/?flow=decision").json()["count"] == 0
    assert client.get("/api/v1/tasks/?step=review").json()["count"] == 2
    assert client.get("/api/v1/tasks/?step=vote").json()["count"] == 0


@pytest.mark.django_db
def test_claim_then_other_office_staff_gets_409(org, api):
    start_samples(1)
    from workflows.models import RoleGrant
    from workflows.org.permissions import sync_user_permissions

    second = org["zuzhi"]
    RoleGrant.objects.create(user=second, role="office_staff")
    sync_user_permissions(second)
    task_id = api(org["dangban"]).get("/api/v1/tasks/").json()["results"][0]["id"]
    claimed = api(org["dangban"]).post(f"/api/v1/tasks/{task_id}/claim/")
    assert claimed.status_code == 200 and claimed.json()["assigned_to"] == "dangban"
    again = api(second).post(f"/api/v1/tasks/{task_id}/claim/")
    assert again.status_code == 409
    assert "认领" in again.json()["errors"]["non_field_errors"][0]


@pytest.mark.django_db
def test_complete_validates_payload_then_finishes(org, api):
    start_samples(1)
    client = api(org["dangban"])
    task_id = client.get("/api/v1/tasks/").json()["results"][0]["id"]
    bad = client.post(f"/api/v1/tasks/{task_id}/complete/", {"opinion": "maybe"}, format="json")
    assert bad.status_code == 400 and "opinion" in bad.json()["errors"]
    assert performed == []
    ok = client.post(f"/api/v1/tasks/{task_id}/complete/", {"opinion": "approve"}, format="json")
    assert ok.status_code == 200
    assert ok.json()["task"]["status"] == "done"
    assert ok.json()["subject"] == {"code": "b01"}
    assert (task_id, "dangban", "approve") in performed
    again = client.post(f"/api/v1/tasks/{task_id}/complete/", {"opinion": "approve"}, format="json")
    assert again.status_code == 409


@pytest.mark.django_db
def test_wrong_person_gets_403_and_unknown_task_404(org, api):
    start_samples(1)
    task_id = api(org["dangban"]).get("/api/v1/tasks/").json()["results"][0]["id"]
    assert api(org["sj_b01"]).post(f"/api/v1/tasks/{task_id}/complete/", {"opinion": "approve"}, format="json").status_code == 403
    assert api(org["shenji"]).post(f"/api/v1/tasks/{task_id}/claim/").status_code == 403
    assert api(org["dangban"]).post("/api/v1/tasks/999999/complete/", {}, format="json").status_code == 404


@pytest.mark.django_db
def test_inbox_query_count_is_constant(org, api, web):
    from workflows.models import User

    def fresh_client():  # a new user object each time: no permission caches carried over
        return api(User.objects.get(username="dangban"))

    start_samples(5)
    client = fresh_client()
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/tasks/?page_size=200").json()["count"] == 5
    start_samples(495)
    client = fresh_client()
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/tasks/?page_size=200").json()["count"] == 500
    assert len(few) == len(many)

    page = web(org["dangban"])
    with CaptureQueriesContext(connection) as page_queries_many:
        response = page.get("/workbench/")
    assert response.status_code == 200 and "示例审核" in response.content.decode()
    assert "第 1 / 25 页" in response.content.decode()
    Unit.objects.get(code="b02")
    # a page of 20 rows costs the same as a page of 5 rows would
    assert len(page_queries_many) < 30


@pytest.mark.django_db
def test_html_task_page_shows_form_and_completes(org, web):
    start_samples(1)
    page = web(org["dangban"])
    from viewflow.workflow.models import Task

    task = Task.objects.get(flow_task_type="HUMAN")
    response = page.get(f"/workbench/tasks/{task.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "意见" in text and "<svg" in text
    bad = page.post(f"/workbench/tasks/{task.pk}/", {"opinion": "x"})
    assert bad.status_code == 400 and "有效的选项" in bad.content.decode()
    done = page.post(f"/workbench/tasks/{task.pk}/", {"opinion": "approve"})
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == "DONE" and task.owner == org["dangban"]


@pytest.mark.django_db
def test_html_task_page_refuses_wrong_person(org, web):
    start_samples(1)
    from viewflow.workflow.models import Task

    task = Task.objects.get(flow_task_type="HUMAN")
    assert web(org["sj_b02"]).get(f"/workbench/tasks/{task.pk}/").status_code == 403
