"""Helpers to drive an election through the API."""

from datetime import date, timedelta

from django.utils import timezone

from workflows.models import Unit

B01_CANDIDATES = ["b01_m1", "b01_m2", "b01_m3", "b01_m4", "b01_m5", "b01_m6"]


def today() -> date:
    return timezone.localdate()


def future(days=14) -> str:
    return (today() + timedelta(days=days)).isoformat()


def open_task(client, election_id, step):
    """The id of the open task of `step` of this election visible to the client's user."""
    rows = client.get(f"/api/v1/tasks/?flow=election&step={step}&page_size=200").json()["results"]
    ids = [r["id"] for r in rows if r["subject_id"] == election_id]
    assert ids, f"no open {step} task for election {election_id}"
    return ids[0]


def complete(client, election_id, step, payload, expect=200):
    task_id = open_task(client, election_id, step)
    response = client.post(f"/api/v1/tasks/{task_id}/complete/", payload, format="json")
    assert response.status_code == expect, response.content.decode()
    return response


def request_election(api, user, unit="b01", seats=3, elect_deputy=False, expect=201):
    response = api(user).post("/api/v1/elections/", {"unit": unit, "planned_date": future(), "seats": seats,
                                                     "elect_deputy": elect_deputy}, format="json")
    assert response.status_code == expect, response.content.decode()
    return response.json()


def full_members(code="b01"):
    return list(Unit.objects.get(code=code).full_members().order_by("username"))


def to_nominate(api, org, seats=3, elect_deputy=False):
    body = request_election(api, org["sj_b01"], seats=seats, elect_deputy=elect_deputy)
    complete(api(org["zuzhi"]), body["id"], "request_approval", {"approve": True, "comment": "同意"})
    return body["id"]


def to_election_meeting(api, org, seats=3, candidates=B01_CANDIDATES[:4], elect_deputy=False):
    eid = to_nominate(api, org, seats=seats, elect_deputy=elect_deputy)
    sec, zuzhi = api(org["sj_b01"]), api(org["zuzhi"])
    complete(sec, eid, "nominate", {"candidates": list(candidates), "paper_tallies": {"b01_m1": 3}})
    complete(zuzhi, eid, "candidate_review", {"approved": list(candidates), "struck": {}})
    complete(sec, eid, "election_plan", {
        "candidates": list(candidates), "meeting_date": future(3), "scrutineers": ["b01_m7"],
        "counters": ["b01_m8"], "method_text": "无记名投票，差额选举。"})
    complete(zuzhi, eid, "plan_approval", {"approve": True, "comment": ""})
    return eid
