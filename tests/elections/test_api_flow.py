"""A whole election through the API, including 另行选举, and the per-step rules."""

import pytest

from elections.models import Election, Recommendation
from workflows.models import RoleGrant, Term, Unit

from .helpers import (
    B01_CANDIDATES,
    complete,
    future,
    request_election,
    to_election_meeting,
    today,
)


@pytest.mark.django_db
def test_full_election_through_the_api_with_a_second_round(org, api):
    sec, zuzhi = api(org["sj_b01"]), api(org["zuzhi"])
    body = request_election(api, org["sj_b01"], seats=3, elect_deputy=True)
    eid = body["id"]
    assert body["status"] == "request_approval" and body["active_steps"] == ["request_approval"]

    complete(zuzhi, eid, "request_approval", {"approve": True, "seats": 4, "comment": "同意，设4名委员"})
    assert Election.objects.get(pk=eid).seats == 4

    # members recommend online while the secretary collects paper tallies
    r = api(org["b01_m1"]).post(f"/api/v1/elections/{eid}/recommendations/",
                                {"nominees": ["b01_m2", "b01_m3"]}, format="json")
    assert r.status_code == 201, r.content
    r2 = api(org["b01_m1"]).post(f"/api/v1/elections/{eid}/recommendations/",
                                 {"nominees": ["b01_m2", "b01_m4"]}, format="json")
    assert r2.status_code == 201 and r2.json()["replaces"] == r.json()["id"]
    assert Recommendation.objects.filter(election_id=eid, member=org["b01_m1"]).count() == 2
    assert Recommendation.objects.filter(election_id=eid, member=org["b01_m1"], active=True).count() == 1
    api(org["b01_m5"]).post(f"/api/v1/elections/{eid}/recommendations/", {"nominees": ["b01_m2"]}, format="json")

    candidates = B01_CANDIDATES[:5]  # 5 >= ceil(4 * 1.2)
    out = complete(sec, eid, "nominate", {"candidates": [*candidates, "b01_m6"],
                                          "paper_tallies": {"b01_m2": 4, "b01_m3": 2}}).json()
    counts = {c["username"]: c["recommendations"] for c in out["subject"]["candidates"]}
    assert counts["b01_m2"] == 6 and counts["b01_m3"] == 2 and counts["b01_m4"] == 1

    complete(zuzhi, eid, "candidate_review", {"approved": candidates, "struck": {"b01_m6": "考察未通过"}})
    detail = api(org["sj_b01"]).get(f"/api/v1/elections/{eid}/").json()
    struck = next(c for c in detail["candidates"] if c["username"] == "b01_m6")
    assert struck["approved"] is False

    complete(sec, eid, "election_plan", {"candidates": candidates, "meeting_date": future(3),
                                         "scrutineers": ["b01_m7"], "counters": ["b01_m8"],
                                         "method_text": "无记名投票"})
    complete(zuzhi, eid, "plan_approval", {"approve": True, "comment": "同意"})

    # round 1: 15 full members eligible, 13 present; m1, m2, m3 pass (> 6.5), m4 fails -> 1 seat left
    complete(sec, eid, "election_meeting", {
        "held_on": today().isoformat(), "eligible": 15, "present": 13, "ballots_issued": 13,
        "ballots_returned": 13, "invalid": 0,
        "votes": {"b01_m1": 12, "b01_m2": 11, "b01_m3": 9, "b01_m4": 5, "b01_m5": 4}})
    election = Election.objects.get(pk=eid)
    assert election.status == "election_meeting"
    detail = api(org["sj_b01"]).get(f"/api/v1/elections/{eid}/").json()
    assert detail["active_steps"] == ["election_meeting"]
    assert detail["rounds"][0]["elected"] == ["b01_m1", "b01_m2", "b01_m3"]

    # round 2 (另行选举) among the remaining candidates for the remaining seat
    bad = complete(sec, eid, "election_meeting", {
        "eligible": 15, "present": 13, "ballots_issued": 13, "ballots_returned": 13,
        "votes": {"b01_m1": 9}}, expect=400)
    assert "不是本轮候选人" in str(bad.json()["errors"])
    complete(sec, eid, "election_meeting", {
        "eligible": 15, "present": 13, "ballots_issued": 13, "ballots_returned": 13, "invalid": 1,
        "votes": {"b01_m4": 8, "b01_m5": 4}})
    detail = api(org["sj_b01"]).get(f"/api/v1/elections/{eid}/").json()
    assert detail["status"] == "officer_election"
    assert [r["number"] for r in detail["rounds"]] == [1, 2] and detail["rounds"][1]["elected"] == ["b01_m4"]

    bad = complete(sec, eid, "officer_election", {"secretary": "b01_m5", "deputy": "b01_m2"}, expect=400)
    assert "当选" in str(bad.json()["errors"])
    complete(sec, eid, "officer_election", {"secretary": "b01_m1", "deputy": "b01_m2"})
    old_term = Unit.objects.get(code="b01").current_term
    out = complete(zuzhi, eid, "result_approval", {"approve": True, "comment": "同意"}).json()
    assert out["subject"]["status"] == "finished" and out["subject"]["secretary"] == "b01_m1"

    old_term.refresh_from_db()
    assert old_term.status == Term.Status.ENDED
    ended = old_term.history.first()
    assert ended.history_user.username == "zuzhi" and ended.history_change_reason == "换届选举结果获批，任期届满"
    removed = RoleGrant.history.filter(user_id=org["sj_b01"].pk, role="branch_secretary", history_type="-").get()
    assert removed.history_user.username == "zuzhi"
    new_term = Unit.objects.get(code="b01").current_term
    assert new_term.started == today() and new_term.ends == today().replace(year=today().year + 3)
    b01 = Unit.objects.get(code="b01")
    assert set(b01.holders_of("branch_secretary").values_list("username", flat=True)) == {"b01_m1"}
    assert set(b01.holders_of("branch_committee_member").values_list("username", flat=True)) == {
        "b01_m2", "b01_m3", "b01_m4"}
    assert not RoleGrant.objects.filter(user=org["wy_b01"], role="branch_committee_member").exists()
    history = api(org["shenji"]).get(f"/api/v1/elections/{eid}/history/").json()
    assert any(e["object"].startswith("electionround") and e["user"] == "sj_b01" for e in history)
    assert any(e["reason"] == "候选人审查" and e["user"] == "zuzhi" for e in history)


@pytest.mark.django_db
def test_secretary_permission_moves_after_result_approval(org, api):
    eid = to_election_meeting(api, org)
    sec = api(org["sj_b01"])
    complete(sec, eid, "election_meeting", {"eligible": 15, "present": 15, "ballots_issued": 15,
                                            "ballots_returned": 15, "votes": {"b01_m1": 15, "b01_m2": 14,
                                                                              "b01_m3": 10, "b01_m4": 2}})
    complete(sec, eid, "officer_election", {"secretary": "b01_m1"})
    b01 = Unit.objects.get(code="b01")
    assert org["sj_b01"].has_perm("workflows.lead_unit", b01)
    assert not org["b01_m1"].has_perm("workflows.lead_unit", b01)
    complete(api(org["zuzhi"]), eid, "result_approval", {"approve": True})
    from workflows.models import User

    old, new = User.objects.get(username="sj_b01"), User.objects.get(username="b01_m1")
    assert not old.has_perm("workflows.lead_unit", b01) and not old.has_perm("workflows.lead_unit", b01)
    assert new.has_perm("workflows.lead_unit", b01)
    assert new.has_perm("workflows.view_unit_business", b01)
    # the old secretary no longer gets the unit's secretary tasks; the new one does
    request_election(api, new, seats=3)
    request_election(api, old, seats=3, expect=403)


@pytest.mark.django_db
def test_one_running_election_per_unit(org, api):
    request_election(api, org["sj_b01"])
    response = request_election(api, org["zuzhi"], expect=409)
    assert "正在进行" in response["errors"]["non_field_errors"][0]
    assert Election.objects.filter(unit__code="b01").count() == 1
    request_election(api, org["zuzhi"], unit="b02", seats=3)


@pytest.mark.django_db
def test_returned_request_ends_and_a_new_one_may_follow(org, api):
    body = request_election(api, org["sj_b01"])
    bad = complete(api(org["zuzhi"]), body["id"], "request_approval", {"approve": False, "comment": ""}, expect=400)
    assert "退回时请填写意见" in bad.json()["errors"]["comment"][0]
    complete(api(org["zuzhi"]), body["id"], "request_approval", {"approve": False, "comment": "时间不合适"})
    detail = api(org["sj_b01"]).get(f"/api/v1/elections/{body['id']}/").json()
    assert detail["status"] == "cancelled" and detail["active_steps"] == []
    request_election(api, org["sj_b01"])
def test_openapi_schema_lists_election_and_notification_endpoints(org, api):
    r = api(org["zuzhi"]).get("/api/v1/schema/")
    assert r.status_code == 200
    body = r.content.decode()
    for p in ("/api/v1/elections/", "/api/v1/notifications/", "/api/v1/reminders/", "recommendations"):
        assert p in body, p


@pytest.mark.django_db
def test_meeting_task_is_due_after_the_meeting_date(org, api):
    from datetime import timedelta

    eid = to_election_meeting(api, org)
    task = api(org["sj_b01"]).get("/api/v1/tasks/?flow=election&step=election_meeting").json()["results"][0]
    assert task["subject_id"] == eid
    meeting_date = Election.objects.get(pk=eid).meeting_date
    assert task["due"].startswith((meeting_date + timedelta(days=2)).isoformat())
