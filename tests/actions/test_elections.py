"""The task actions on the election process: 转办 among organization staff, 催办 by the requester, 抄送,
委托 of the branch secretary's step; a recommendation stays the member's own act."""

import pytest
from django.utils import timezone

from tests.elections.helpers import open_task, request_election, to_nominate
from workflows.actions.models import CarbonCopy, Reassignment, StandIn, Urge

from .helpers import grant

pytestmark = pytest.mark.django_db


def test_reassign_urge_and_copy_an_election_step(org, api):
    election = request_election(api, org["sj_b01"])
    task_id = open_task(api(org["zuzhi"]), election["id"], "request_approval")
    grant(org["weiyuan2"], "organization_staff")
    assert api(org["zuzhi"]).post(f"/api/v1/tasks/{task_id}/reassign/", {"to": "sj_b02", "reason": "休假"},
                                  format="json").status_code == 400
    moved = api(org["zuzhi"]).post(f"/api/v1/tasks/{task_id}/reassign/", {"to": "weiyuan2", "reason": "休假"},
                                   format="json")
    assert moved.status_code == 200 and moved.json()["assigned_to"] == "weiyuan2"
    assert Reassignment.objects.get().to_user == org["weiyuan2"]
    urged = api(org["sj_b01"]).post(f"/api/v1/tasks/{task_id}/urge/", {"message": "请尽快批复"}, format="json")
    assert urged.status_code == 200 and urged.json()["recipients"] == ["weiyuan2"]
    assert api(org["sj_b01"]).post(f"/api/v1/tasks/{task_id}/urge/", {"message": "再催"},
                                   format="json").status_code == 429
    assert Urge.objects.count() == 1
    copied = api(org["weiyuan2"]).post(f"/api/v1/tasks/{task_id}/cc/", {"to": ["shuji"], "note": "知悉"}, format="json")
    assert copied.status_code == 200, copied.json()
    assert api(org["weiyuan2"]).post(f"/api/v1/tasks/{task_id}/cc/", {"to": ["b02_m1"]},
                                     format="json").status_code == 400
    assert CarbonCopy.objects.count() == 1
    assert api(org["shuji"]).get("/api/v1/cc/?flow=election").json()["count"] == 1


def test_delegate_does_the_nomination_step_but_cannot_recommend(org, api):
    election_id = to_nominate(api, org)
    today = str(timezone.localdate())
    assert api(org["sj_b01"]).post("/api/v1/delegations/", {"delegate": "zuzhi", "starts": today, "ends": today,
                                                             "reason": "sick_leave"}, format="json").status_code == 201
    rows = api(org["zuzhi"]).get("/api/v1/tasks/?flow=election&step=nominate").json()["results"]
    assert [r["on_behalf_of"] for r in rows if r["subject_id"] == election_id] == ["sj_b01"]
    recommend = api(org["zuzhi"]).post(f"/api/v1/elections/{election_id}/recommendations/",
                                       {"nominees": ["b01_m1"]}, format="json")
    assert recommend.status_code in (403, 404)  # a recommendation is the member's own act
    claimed = api(org["zuzhi"]).post(f"/api/v1/tasks/{rows[0]['id']}/claim/")
    assert claimed.status_code == 200, claimed.json()
    assert claimed.json()["on_behalf_of"] == "sj_b01"
    assert StandIn.objects.get().principal == org["sj_b01"]
