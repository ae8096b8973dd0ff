"""转办, 催办 and 抄送: who may, to whom, 400/403/429 with nothing written, history and notices."""

from datetime import timedelta

import pytest

from tests.decisions.helpers import do, submit, task_for, to_awaiting_meeting
from workflows.actions.models import CarbonCopy, Reassignment, Urge
from workflows.models import Notification

from .helpers import grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_risk(org, api, clock):
    decision = submit(api, org["sj_b01"])
    do(api, org, decision["id"], "branch_review", "sj_b01", {"opinion": "approve", "comment": "同意"})
    from decisions.models import Decision

    decision = Decision.objects.get(pk=decision["id"])
    return decision, task_for(decision, "risk_assessment")


def test_reassign_to_someone_who_may_do_the_step(org, api, at_risk):
    _decision, task = at_risk
    second = grant(org["weiyuan1"], "office_staff")
    response = api(org["dangban"]).post(f"/api/v1/tasks/{task.pk}/reassign/", {"to": "weiyuan1", "reason": "本周出差"},
                                        format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["assigned_to"] == "weiyuan1"
    task.refresh_from_db()
    assert task.owner == second
    record = Reassignment.objects.get(task=task)
    assert (record.by, record.to_user, record.reason) == (org["dangban"], second, "本周出差")
    assert record.history.get().history_user == org["dangban"]
    assert Notification.objects.filter(user=second, kind="task_reassigned").exists()


def test_reassign_refusals_write_nothing(org, api, at_risk):
    _decision, task = at_risk
    url = f"/api/v1/tasks/{task.pk}/reassign/"
    no_right = api(org["dangban"]).post(url, {"to": "sj_b02", "reason": "出差"}, format="json")
    assert no_right.status_code == 400
    assert "无权办理「风险评估」" in no_right.json()["errors"]["to"][0]
    no_reason = api(org["dangban"]).post(url, {"to": "sj_b02", "reason": ""}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["errors"]["reason"] == ["请填写转办理由。"]
    assert api(org["outsider"]).post(url, {"to": "dangban", "reason": "x"}, format="json").status_code == 403
    assert api(org["shenji"]).post(url, {"to": "dangban", "reason": "x"}, format="json").status_code == 403
    assert not Reassignment.objects.exists()
    task.refresh_from_db()
    assert task.owner_id is None


def test_personal_acts_are_never_reassigned(org, api, clock):
    from tests.decisions.helpers import attendance, schedule

    decision = submit(api, org["sj_b01"])
    to_awaiting_meeting(api, org, decision["id"])
    meeting = schedule(api, org, [decision["id"]])
    clock.move_to(meeting.scheduled_at)
    assert attendance(api, org, meeting).status_code == 200
    from decisions.models import Decision

    vote = task_for(Decision.objects.get(pk=decision["id"]), "vote", org["weiyuan1"])
    response = api(org["dangban"]).post(f"/api/v1/tasks/{vote.pk}/reassign/", {"to": "weiyuan2", "reason": "出差"},
                                        format="json")
    assert response.status_code == 403
    assert not Reassignment.objects.exists()


def test_urge_once_a_day(org, api, at_risk, clock):
    decision, task = at_risk
    url = f"/api/v1/tasks/{task.pk}/urge/"
    assert api(org["outsider"]).post(url, {"message": "请尽快"}, format="json").status_code == 403
    assert api(org["sj_b01"]).post(url, {"message": ""}, format="json").status_code == 400
    first = api(org["sj_b01"]).post(url, {"message": "请尽快评估"}, format="json")  # the proposer
    assert first.status_code == 200, first.json()
    assert first.json()["recipients"] == ["dangban"]
    assert Notification.objects.filter(user=org["dangban"], kind="task_urged").count() == 1
    assert api(org["dangban"]).post(url, {"message": "自己催自己"}, format="json").status_code == 403  # its holder
    again = api(org["sj_b01"]).post(url, {"message": "再催"}, format="json")
    assert again.status_code == 429
    assert "24小时内已催办过" in again.json()["errors"]["non_field_errors"][0]
    assert Urge.objects.count() == 1
    clock.shift(timedelta(hours=24, minutes=1))
    assert api(org["sj_b01"]).post(url, {"message": "再催"}, format="json").status_code == 200
    urge = Urge.objects.latest("at")
    assert urge.history.get().history_change_reason == "催办：再催"
    page = api(org["sj_b01"]).get(f"/api/v1/decisions/{decision.pk}/")
    assert page.status_code == 200


def test_urge_page_says_429_in_chinese(org, web, at_risk):
    decision, task = at_risk
    client = web(org["sj_b01"])
    url = f"/workbench/processes/{task.process_id}/urge/"
    assert client.post(url, {"message": "请尽快"}).status_code == 302
    second = client.post(url, {"message": "请尽快"})
    assert second.status_code == 429
    assert "24小时内已催办过" in second.content.decode()
    detail = client.get(f"/decisions/{decision.pk}/")
    assert "催办</a>" in detail.content.decode()


def test_copy_to_people_who_may_see(org, api, at_risk):
    decision, task = at_risk
    url = f"/api/v1/tasks/{task.pk}/cc/"
    blind = api(org["dangban"]).post(url, {"to": ["shuji", "outsider"], "note": "请阅"}, format="json")
    assert blind.status_code == 400 and "群众" in blind.json()["errors"]["to"][0]
    assert not CarbonCopy.objects.exists()
    assert api(org["sj_b02"]).post(url, {"to": ["shuji"]}, format="json").status_code == 403
    ok = api(org["dangban"]).post(url, {"to": ["shuji"], "note": "请阅"}, format="json")
    assert ok.status_code == 200, ok.json()
    assert Notification.objects.filter(user=org["shuji"], kind="task_cc").exists()
    listed = api(org["shuji"]).get("/api/v1/cc/").json()
    assert listed["count"] == 1 and listed["results"][0]["note"] == "请阅"
    assert listed["results"][0]["title"] == decision.title
    assert api(org["dangban"]).post(url, {"to": ["shuji"]}, format="json").status_code == 400  # already copied
    page = api(org["shuji"]).get("/api/v1/cc/?flow=election").json()
    assert page["count"] == 0
    copy = CarbonCopy.objects.get()
    assert copy.history.get().history_user == org["dangban"]


def test_cc_page_lists_and_filters(org, web, api, at_risk):
    decision, task = at_risk
    api(org["dangban"]).post(f"/api/v1/tasks/{task.pk}/cc/", {"to": ["shuji"], "note": "请阅"}, format="json")
    client = web(org["shuji"])
    html = client.get("/workbench/cc/").content.decode()
    assert decision.title in html and "请阅" in html and "抄送我的" in html
    assert decision.title not in client.get("/workbench/cc/?q=不存在的").content.decode()


def test_task_scopes(org, api, at_risk):
    decision, _task = at_risk
    started = api(org["sj_b01"]).get("/api/v1/tasks/?scope=started").json()
    assert [(r["flow"], r["subject_id"], r["status"]) for r in started["results"]] == [
        ("decision", decision.pk, "risk_assessment")]
    done = api(org["sj_b01"]).get("/api/v1/tasks/?scope=done").json()["results"]
    assert [(r["step"], r["status"], r["on_behalf_of"]) for r in done] == [("branch_review", "done", None)]
    assert [r["step"] for r in api(org["dangban"]).get("/api/v1/tasks/").json()["results"]] == ["risk_assessment"]
    bad = api(org["sj_b01"]).get("/api/v1/tasks/?scope=mine")
    assert bad.status_code == 400 and "scope" in bad.json()["errors"]
