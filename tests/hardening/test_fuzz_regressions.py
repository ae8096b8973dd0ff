"""The server errors a fuzzer found (issue 11), one request each: now 400 in Chinese, nothing written.

NUL bytes only failed on PostgreSQL: run this file on it too (DATABASE_URL=postgres://...).
"""

import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from decisions.models import Decision, MinutesCorrection
from elections.models import Recommendation
from tests.audit.helpers import row_counts
from tests.decisions.helpers import attendance, complete, do, schedule, task_for, vote_all
from tests.elections.helpers import to_nominate

pytestmark = pytest.mark.django_db
CHINESE = re.compile(r"[\u4e00-\u9fff]")
NON_OBJECTS = ["[1,2]", '"x"', "42", "null", "true"]


def assert_refused(response, status=400):
    assert response.status_code == status, response.content.decode()[:300]
    body = response.json()
    messages = json.dumps(body["errors"], ensure_ascii=False)
    assert CHINESE.search(messages), body
    return body


def post_raw(client, url, raw: str):
    return client.post(url, raw, content_type="application/json")


@pytest.fixture
def approved_minutes(org, api, ready, clock):
    meeting = schedule(api, org, [ready])
    clock.move_to(meeting.scheduled_at)
    attendance(api, org, meeting)
    vote_all(api, org, ready)
    do(api, org, ready, "secretary_vote", "shuji", {"vote": "agree"})
    do(api, org, meeting, "minutes_draft", "dangban", {"text": "初稿"})
    do(api, org, meeting, "minutes_approve", "shuji", {"approve": True})
    return meeting


# --- NUL bytes -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/api/v1/decisions/?q=%00", "/api/v1/decisions/?status=%00", "/api/v1/decisions/?category=%00",
    "/api/v1/tasks/?step=%00", "/api/v1/elections/?unit=%00", "/api/v1/elections/?status=%00",
    "/api/v1/reminders/?kind=%00", "/api/v1/audit/?user=%00", "/api/v1/decisions/?%00=1",
])
def test_nul_in_api_query_is_400(org, api, url):
    assert_refused(api(org["zuzhi"]).get(url))


@pytest.mark.parametrize("url", ["/workbench/done/?q=%00", "/workbench/started/?q=%00", "/decisions/?status=%00"])
def test_nul_in_page_query_is_the_400_page(org, web, url):
    response = web(org["zuzhi"]).get(url)
    assert response.status_code == 400 and "请求有误" in response.content.decode()


def test_nul_in_body_fields_is_400_and_writes_nothing(org, api, ready, approved_minutes):
    before = row_counts()
    office = api(org["dangban"])
    assert_refused(office.post("/api/v1/decisions/", {
        "title": "议题", "category": "major_matter", "summary": "方案", "department_unit": "b01\x00"}, format="json"))
    url = f"/api/v1/meetings/{approved_minutes.pk}/minutes/corrections/"
    assert_refused(office.post(url, {"text": "更正\x00", "reason": "笔误"}, format="json"))
    assert_refused(office.post(url, "text=%E6%9B%B4%00&reason=x", content_type="application/x-www-form-urlencoded"))
    assert row_counts() == before


def test_nul_in_nominees_is_400(org, api):
    election = to_nominate(api, org)
    before = Recommendation.objects.count()
    assert_refused(api(org["b01_m1"]).post(f"/api/v1/elections/{election}/recommendations/",
                                           {"nominees": ["b01_m2\x00"]}, format="json"))
    assert Recommendation.objects.count() == before


# --- bodies that are not one JSON object -----------------------------------------------------


@pytest.mark.parametrize("raw", NON_OBJECTS)
def test_non_object_bodies_are_400_everywhere(org, api, ready, approved_minutes, raw):
    election = to_nominate(api, org)
    decision = Decision.objects.get(pk=ready)
    task = task_for(decision, "implement")
    before = row_counts()
    targets = [
        (org["dangban"], "/api/v1/decisions/"),
        (org["dangban"], f"/api/v1/decisions/{decision.pk}/withdraw/"),
        (org["dangban"], f"/api/v1/meetings/{approved_minutes.pk}/minutes/corrections/"),
        (org["b01_m1"], f"/api/v1/elections/{election}/recommendations/"),
        (org["zuzhi"], "/api/v1/units/b01/terms/postpone/"),
        (org["dangban"], f"/api/v1/tasks/{task.pk}/complete/"),
    ]
    for user, url in targets:
        assert_refused(post_raw(api(user), url, raw))
    assert row_counts() == before


def test_deeply_nested_json_is_400_even_anonymous(org, api):
    deep = "[" * 50000 + "]" * 50000
    assert_refused(post_raw(api(), "/api/v1/auth/token/", deep))
    assert_refused(post_raw(api(org["dangban"]), "/api/v1/decisions/", '{"title": ' + deep + "}"))
    assert_refused(post_raw(api(), "/api/v1/auth/token/", "{not json"))


def test_oversized_json_body_is_413(org, api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = assert_refused(post_raw(api(org["dangban"]), "/api/v1/decisions/", json.dumps({"summary": "x" * 2000})),
                          413)
    assert "过大" in body["detail"]


# --- wrong JSON types ------------------------------------------------------------------------


def test_non_string_dates_are_400(org, api, ready):
    office = api(org["dangban"])
    body = assert_refused(office.post("/api/v1/meetings/", {"title": "党委会", "scheduled_at": 0, "place": "会议室",
                                                            "agenda": [ready]}, format="json"))
    assert "scheduled_at" in body["errors"]
    assert_refused(api(org["zuzhi"]).post("/api/v1/units/b01/terms/postpone/", {"until": 0, "reason": "批准"},
                                          format="json"))
    assert_refused(api(org["sj_b01"]).post("/api/v1/elections/", {"unit": "b01", "planned_date": ["a"], "seats": 3},
                                           format="json"))


@pytest.mark.parametrize("payload", [
    {"title": True}, {"title": 42}, {"needs_expert_review": "yes"}, {"needs_expert_review": 1},
    {"department_unit": ["b01"]}, {"amount": True},
])
def test_decision_fields_have_strict_types(org, api, payload):
    data = {"title": "议题", "category": "major_matter", "summary": "方案", "department_unit": "b01", **payload}
    body = assert_refused(api(org["dangban"]).post("/api/v1/decisions/", data, format="json"))
    assert set(body["errors"]) == set(payload)
    assert not Decision.objects.exists()


@pytest.mark.parametrize("payload", [
    {"text": None, "reason": None}, {"text": {}, "reason": "笔误"}, {"text": [], "reason": "笔误"},
    {"text": True, "reason": "笔误"}, {"text": "更正", "reason": 1},
])
def test_minutes_correction_refuses_non_text(org, api, approved_minutes, payload):
    url = f"/api/v1/meetings/{approved_minutes.pk}/minutes/corrections/"
    assert_refused(api(org["dangban"]).post(url, payload, format="json"))
    assert not MinutesCorrection.objects.exists()


def test_step_payload_types_are_strict(org, api, ready, clock):
    meeting = schedule(api, org, [ready])
    clock.move_to(meeting.scheduled_at)
    task = task_for(meeting, "attendance")
    body = assert_refused(complete(api, org["dangban"], task, {"present": "shuji", "absent": []}))
    assert set(body["errors"]) == {"present", "absent"}


# --- errors in one shape ---------------------------------------------------------------------


def test_unknown_api_route_is_json_404(org, api):
    body = assert_refused(api(org["zuzhi"]).get("/api/v1/no-such-thing/"), 404)
    assert body["detail"] == "接口不存在，请核对地址。"
    assert_refused(api().get("/api/nothing"), 404)


def test_method_not_allowed_and_parse_errors_speak_chinese(org, api):
    body = assert_refused(api(org["zuzhi"]).delete("/api/v1/me/"), 405)
    assert body["detail"] == "该接口不支持此请求方法。"
    body = assert_refused(api(org["dangban"]).post("/api/v1/decisions/", "x", content_type="text/csv"), 415)
    assert CHINESE.search(body["detail"])


def test_csrf_failure_on_api_is_json_in_chinese(org, client):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(org["dangban"])
    body = assert_refused(csrf_client.post("/api/v1/decisions/", {}, content_type="application/json"), 403)
    assert "CSRF" in body["detail"]


def test_stranger_gets_403_whatever_the_task_state(org, api, ready):
    from viewflow.workflow.models import Task

    decision = Decision.objects.get(pk=ready)
    done = Task.objects.filter(process__artifact_object_id=decision.pk, flow_task__endswith=".branch_review").first()
    assert done.status == "DONE"
    stranger = api(org["b02_m1"])
    assert_refused(stranger.post(f"/api/v1/tasks/{done.pk}/complete/", {"opinion": "approve"}, format="json"), 403)
    assert_refused(stranger.post(f"/api/v1/tasks/{done.pk}/claim/"), 403)


def _routes():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return [r for r in walk(get_resolver().url_patterns) if r.startswith("api/")]


def test_options_works_on_every_api_route(org, api):
    client = api(org["dangban"])
    routes = _routes()
    assert len(routes) > 20
    for route in routes:
        url = "/" + re.sub(r"<(?:int:)?pk>|<int:\w+>", "1", re.sub(r"<slug:code>", "b01", route))
        response = client.options(url)
        assert response.status_code in (200, 401, 403, 404, 405), (url, response.status_code)
        assert response.status_code < 400 or response["Content-Type"].startswith("application/json"), url
