"""Who sees which decision (404 for everyone else) and the audit history of every step."""

import pytest

from decisions.models import Decision

from .helpers import do, submit, to_awaiting_meeting

pytestmark = pytest.mark.django_db


def test_ordinary_decision_visibility(org, api):
    pk = submit(api, org["dangban"], needs_expert_review=True)["id"]
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "approve"})
    for username in ("shuji", "weiyuan3", "jiwei", "dangban", "sj_b01", "zhuanjia1", "shenji"):
        assert api(org[username]).get(f"/api/v1/decisions/{pk}/").status_code == 200, username
        assert api(org[username]).get("/api/v1/decisions/").json()["count"] == 1, username
    for username in ("sj_b02", "b01_m1", "wy_b01", "outsider", "zuzhi"):
        assert api(org[username]).get(f"/api/v1/decisions/{pk}/").status_code == 404, username
        assert api(org[username]).get(f"/api/v1/decisions/{pk}/history/").status_code == 404, username
        assert api(org[username]).get("/api/v1/decisions/").json()["count"] == 0, username
    assert api(org["shuji"]).get("/api/v1/decisions/999999/").status_code == 404
    assert api().get(f"/api/v1/decisions/{pk}/").status_code == 401


def test_cadre_appointment_visibility(org, api):
    pk = submit(api, org["dangban"], category="cadre_appointment")["id"]
    for username in ("shuji", "weiyuan1", "dangban", "shenji", "zuzhi"):
        assert api(org[username]).get(f"/api/v1/decisions/{pk}/").status_code == 200, username
    for username in ("sj_b01", "zhuanjia1", "b01_m1", "outsider"):
        assert api(org[username]).get(f"/api/v1/decisions/{pk}/").status_code == 404, username


def test_list_filters_and_pagination(org, api):
    submit(api, org["dangban"], title="甲")
    submit(api, org["dangban"], title="乙", category="large_fund", amount="600000")
    client = api(org["shuji"])
    assert client.get("/api/v1/decisions/?category=large_fund").json()["count"] == 1
    assert client.get("/api/v1/decisions/?status=branch_review").json()["count"] == 2
    assert client.get("/api/v1/decisions/?status=closed").json()["count"] == 0
    body = client.get("/api/v1/decisions/?page_size=1").json()
    assert set(body) == {"count", "next", "previous", "results"} and body["next"]
    item = body["results"][0]
    for key in ("id", "title", "category", "amount", "status", "active_steps", "needs_expert_review", "meeting_id",
                "result", "process_id"):
        assert key in item


def test_history_records_each_step_who_when_what(org, api, clock):
    pk = submit(api, org["dangban"])["id"]
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "return", "comment": "请补充预算"})
    do(api, org, pk, "revise", "dangban", {"title": "改后", "category": "major_matter", "summary": "补充",
                                           "department_unit": "b01"})
    to_awaiting_meeting(api, org, pk)
    history = api(org["shenji"]).get(f"/api/v1/decisions/{pk}/history/").json()
    assert all(set(e) >= {"at", "user", "action", "object", "changes", "reason"} for e in history)
    created = next(e for e in history if e["object"] == f"decision:{pk}" and e["action"] == "created")
    assert created["user"] == "dangban" and created["reason"] == "议题申报"
    retitle = [e for e in history if e["object"] == f"decision:{pk}" and "title" in e["changes"]
               and e["action"] == "changed"]
    assert retitle[0]["changes"]["title"] == ["门诊楼改造项目", "改后"] and retitle[0]["user"] == "dangban"
    returned = next(e for e in history if e["object"].startswith("opinion:") and e["user"] == "sj_b01")
    assert returned["changes"]["opinion"] == [None, "return"] and "退回" in returned["reason"]
    completed = [(e["changes"]["step"][0], e["user"]) for e in history if e["action"] == "step_completed"]
    assert ("branch_review", "sj_b01") in completed and ("revise", "dangban") in completed
    assert ("communicate", "shuji") in completed and ("agenda_review", "shuji") in completed
    started = [e["changes"]["step"][1] for e in history if e["action"] == "step_started"]
    assert started.count("branch_review") == 2 and "awaiting_meeting" in started
    statuses = [e["changes"]["status"][1] for e in history
                if e["object"] == f"decision:{pk}" and "status" in e["changes"]]
    assert statuses[-1] == "awaiting_meeting" and "revise" in statuses
    assert Decision.history.filter(id=pk, history_user=org["shuji"]).exists()


def test_meeting_history_and_visibility(org, api, clock):
    from .helpers import attendance, schedule

    pk = submit(api, org["dangban"])["id"]
    to_awaiting_meeting(api, org, pk)
    meeting = schedule(api, org, [pk])
    clock.move_to(meeting.scheduled_at)
    attendance(api, org, meeting)
    assert api(org["sj_b01"]).get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    assert api(org["sj_b01"]).get("/api/v1/meetings/").json()["count"] == 0
    body = api(org["weiyuan1"]).get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert body["attendance"]["present"] and body["active_steps"] == ["voting"]
    history = api(org["shenji"]).get(f"/api/v1/meetings/{meeting.pk}/history/").json()
    rows = [e for e in history if e["object"].startswith("attendance:")]
    assert len(rows) == 9 and all(e["user"] == "dangban" and e["reason"] == "出席登记" for e in rows)
    assert any(e["action"] == "step_completed" and e["changes"]["step"][0] == "attendance" for e in history)
