"""委托: the delegate sees and does the principal's tasks (never votes), recorded as done on their behalf."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.models import Decision
from tests.decisions.helpers import attendance, complete, schedule, submit, task_for, to_awaiting_meeting
from workflows.actions.models import Delegation, StandIn
from workflows.notifications.reminders import task_recipients

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)  # the frozen clock's day (tests/decisions/helpers.START)


def delegate(api, principal, to, starts=TODAY, ends=TODAY + timedelta(days=6), reason="business_trip"):
    return api(principal).post("/api/v1/delegations/", {"delegate": to, "starts": str(starts), "ends": str(ends),
                                                        "reason": reason}, format="json")


def stand_in_does(api, user, decision, payload):
    task = task_for(Decision.objects.get(pk=decision["id"]), "branch_review")
    response = complete(api, user, task, payload)
    assert response.status_code == 200, response.json()


def inbox(api, user, **params):
    return api(user).get("/api/v1/tasks/", params).json()["results"]


def test_delegate_does_the_branch_review_on_behalf(org, api, clock):
    decision = submit(api, org["sj_b01"])
    response = delegate(api, org["sj_b01"], "wy_b01")
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "生效中"
    rows = inbox(api, org["wy_b01"])
    assert [(r["step"], r["on_behalf_of"]) for r in rows] == [("branch_review", "sj_b01")]
    stand_in_does(api, org["wy_b01"], decision, {"opinion": "approve", "comment": "代为审核同意"})
    stand_in = StandIn.objects.get()
    assert (stand_in.delegate, stand_in.principal) == (org["wy_b01"], org["sj_b01"])
    assert stand_in.task.owner == org["wy_b01"]
    done = inbox(api, org["wy_b01"], scope="done")
    assert [(r["step"], r["on_behalf_of"]) for r in done] == [("branch_review", "sj_b01")]
    reasons = set(stand_in.task.history.values_list("history_change_reason", flat=True))
    assert "党支部前置研究（由 内科委员 代 内科书记 办理）" in reasons
    assert stand_in.history.get().history_change_reason == "由 内科委员 代 内科书记 办理"
    page = api(org["sj_b01"]).get(f"/api/v1/decisions/{decision['id']}/")
    assert page.status_code == 200


def test_timeline_shows_who_stood_in(org, api, web, clock):
    decision = submit(api, org["sj_b01"])
    delegate(api, org["sj_b01"], "wy_b01")
    stand_in_does(api, org["wy_b01"], decision, {"opinion": "approve", "comment": "同意"})
    html = web(org["sj_b01"]).get(f"/decisions/{decision['id']}/").content.decode()
    assert "由 内科委员 代 内科书记 办理" in html


def test_delegate_never_sees_or_does_a_vote(org, api, clock):
    decision = submit(api, org["sj_b01"])
    to_awaiting_meeting(api, org, decision["id"])
    assert delegate(api, org["weiyuan1"], "weiyuan2").status_code == 201
    meeting = schedule(api, org, [decision["id"]])
    clock.move_to(meeting.scheduled_at)
    assert attendance(api, org, meeting).status_code == 200
    vote = task_for(Decision.objects.get(pk=decision["id"]), "vote", org["weiyuan1"])
    assert vote.pk not in [r["id"] for r in inbox(api, org["weiyuan2"])]
    response = api(org["weiyuan2"]).post(f"/api/v1/tasks/{vote.pk}/complete/", {"vote": "agree"}, format="json")
    assert response.status_code == 403
    assert api(org["weiyuan2"]).post(f"/api/v1/tasks/{vote.pk}/claim/").status_code == 403
    assert not StandIn.objects.exists()
    assert org["weiyuan2"] not in task_recipients(vote)  # reminders of a vote stay with the voter


def test_overlap_and_bad_input_are_400(org, api, clock):
    assert delegate(api, org["sj_b01"], "wy_b01").status_code == 201
    overlap = delegate(api, org["sj_b01"], "shuji", starts=TODAY + timedelta(days=3), ends=TODAY + timedelta(days=9))
    assert overlap.status_code == 400
    assert "时间重叠" in overlap.json()["errors"]["non_field_errors"][0]
    assert delegate(api, org["sj_b01"], "sj_b01", starts=TODAY + timedelta(days=20),
                    ends=TODAY + timedelta(days=21)).json()["errors"]["delegate"] == ["不能委托给自己。"]
    backwards = delegate(api, org["sj_b01"], "shuji", starts=TODAY + timedelta(days=20), ends=TODAY + timedelta(days=19))
    assert backwards.json()["errors"]["ends"] == ["结束日期不能早于开始日期。"]
    assert delegate(api, org["sj_b01"], "nobody", starts=TODAY + timedelta(days=20)).status_code == 400
    assert delegate(api, org["sj_b01"], "shuji", reason="holiday").status_code == 400
    assert Delegation.objects.count() == 1
    history = Delegation.objects.get().history.get()
    assert history.history_user == org["sj_b01"] and history.history_change_reason == "委托：出差"


def test_delegation_ends_at_its_end_date_or_when_cancelled(org, api, clock):
    submit(api, org["sj_b01"])
    delegate(api, org["sj_b01"], "wy_b01", ends=TODAY + timedelta(days=2))
    assert len(inbox(api, org["wy_b01"])) == 1
    clock.shift(timedelta(days=3))
    assert inbox(api, org["wy_b01"]) == []
    later = delegate(api, org["sj_b01"], "wy_b01", starts=TODAY + timedelta(days=3), ends=TODAY + timedelta(days=9))
    assert later.status_code == 201 and len(inbox(api, org["wy_b01"])) == 1
    pk = later.json()["id"]
    assert api(org["wy_b01"]).delete(f"/api/v1/delegations/{pk}/").status_code == 404  # not theirs to end
    cancelled = api(org["sj_b01"]).delete(f"/api/v1/delegations/{pk}/")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "已撤销"
    assert inbox(api, org["wy_b01"]) == []
    assert api(org["sj_b01"]).delete(f"/api/v1/delegations/{pk}/").status_code == 409
    listed = api(org["sj_b01"]).get("/api/v1/delegations/").json()
    assert listed["count"] == 2


def test_reminders_go_to_the_delegate_too(org, api, clock):
    decision = submit(api, org["sj_b01"])
    delegate(api, org["sj_b01"], "wy_b01")
    task = task_for(Decision.objects.get(pk=decision["id"]), "branch_review")
    assert {u.username for u in task_recipients(task)} == {"sj_b01", "wy_b01"}


def _inbox_queries(api, user):
    with CaptureQueriesContext(connection) as queries:
        assert api(user).get("/api/v1/tasks/").status_code == 200
    return len(queries)


def test_inbox_costs_the_same_at_two_sizes(org, api, clock):
    delegate(api, org["sj_b01"], "wy_b01")
    submit(api, org["sj_b01"])
    _inbox_queries(api, org["wy_b01"])  # warm caches
    small = _inbox_queries(api, org["wy_b01"])
    for i in range(6):
        submit(api, org["sj_b01"], title=f"议题{i}")
    assert len(inbox(api, org["wy_b01"])) == 7
    assert _inbox_queries(api, org["wy_b01"]) == small


def test_delegation_page(org, web, clock):
    client = web(org["sj_b01"])
    assert "我的委托" in client.get("/workbench/delegations/").content.decode()
    bad = client.post("/workbench/delegations/", {"delegate": "", "delegate__ids": "1", "reason": "sick_leave",
                                                   "starts": str(TODAY), "ends": str(TODAY - timedelta(days=1))})
    assert bad.status_code == 400 and "请选择受托人。" in bad.content.decode()
    ok = client.post("/workbench/delegations/", {"delegate": str(org["shuji"].pk), "delegate__ids": "1",
                                                  "reason": "sick_leave", "starts": str(TODAY),
                                                  "ends": str(TODAY + timedelta(days=1))})
    assert ok.status_code == 302, ok.content.decode()[:2000]
    delegation = Delegation.objects.get()
    assert delegation.delegate == org["shuji"] and delegation.reason == "sick_leave"
    assert client.post(f"/workbench/delegations/{delegation.pk}/cancel/").status_code == 302
    delegation.refresh_from_db()
    assert delegation.cancelled_at is not None
