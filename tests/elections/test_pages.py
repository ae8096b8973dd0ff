"""An election through the HTML pages (task page + recommendation page), and the overview."""

import pytest
from viewflow.workflow.models import Task

from elections.models import Election, ElectionRound, Recommendation
from workflows.models import Term, Unit

from .helpers import future, today


def task_url(election_id, step):
    task = Task.objects.get(process__artifact_object_id=election_id, flow_task__endswith=f".{step}",
                            status__in=["NEW", "ASSIGNED", "STARTED"])
    return f"/workbench/tasks/{task.pk}/"


def post_step(client, election_id, step, data, expect=302):
    url = task_url(election_id, step)
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, data)
    assert response.status_code == expect, response.content.decode()[:3000]
    return response


@pytest.mark.django_db
def test_full_election_through_the_html_pages_with_a_second_round(org, client):
    client.force_login(org["sj_b01"])
    assert client.get("/elections/new/").status_code == 200
    bad = client.post("/elections/new/", {"unit": "b01", "planned_date": future(), "seats": "9"})
    assert bad.status_code == 400 and "3至7名" in bad.content.decode()
    response = client.post("/elections/new/", {"unit": "b01", "planned_date": future(), "seats": "3"})
    assert response.status_code == 302
    election = Election.objects.get()
    eid = election.pk
    assert client.get(f"/elections/{eid}/").status_code == 200

    client.force_login(org["zuzhi"])
    post_step(client, eid, "request_approval", {"approve": "true", "seats": "3", "comment": "同意"})

    client.force_login(org["b01_m1"])
    page = client.get(f"/elections/{eid}/")
    assert "参加民主推荐" in page.content.decode()
    assert client.post(f"/elections/{eid}/recommend/", {"nominees": ["b01_m2", "b01_m3"]}).status_code == 302
    assert client.post(f"/elections/{eid}/recommend/", {"nominees": ["b01_m2", "b01_y1"]}).status_code == 400
    assert Recommendation.objects.filter(active=True).get().nominees == ["b01_m2", "b01_m3"]
    client.force_login(org["b01_y1"])
    response = client.post(f"/elections/{eid}/recommend/", {"nominees": ["b01_m2"]})
    assert response.status_code == 400 and "预备党员没有推荐权" in response.content.decode()

    client.force_login(org["sj_b01"])
    candidates = ["b01_m1", "b01_m2", "b01_m3", "b01_m4"]
    bad = post_step(client, eid, "nominate", {"candidates": candidates[:3]}, expect=400)
    assert "至少 4 名" in bad.content.decode()
    post_step(client, eid, "nominate", {"candidates": candidates, "paper_tallies": '{"b01_m2": 5}'})
    client.force_login(org["zuzhi"])
    page = client.get(task_url(eid, "candidate_review")).content.decode()
    assert "内科党员2" in page and "6 票" in page
    post_step(client, eid, "candidate_review", {"approved": candidates, "struck": ""})
    client.force_login(org["sj_b01"])
    post_step(client, eid, "election_plan", {"candidates": candidates, "meeting_date": future(2),
                                             "scrutineers": "b01_m7", "counters": "b01_m8",
                                             "method_text": "差额选举，无记名投票"})
    client.force_login(org["zuzhi"])
    post_step(client, eid, "plan_approval", {"approve": "true", "comment": ""})

    client.force_login(org["sj_b01"])
    base = {"held_on": today().isoformat(), "eligible": "15", "present": "14", "ballots_issued": "14",
            "ballots_returned": "14", "invalid": "0"}
    bad = post_step(client, eid, "election_meeting", {**base, "present": "10", "ballots_issued": "10",
                                                      "ballots_returned": "10"}, expect=400)
    assert "五分之四" in bad.content.decode()
    post_step(client, eid, "election_meeting", {**base, "votes_b01_m1": "13", "votes_b01_m2": "12",
                                                "votes_b01_m3": "6", "votes_b01_m4": "5"})
    page = client.get(task_url(eid, "election_meeting")).content.decode()
    assert "votes_b01_m3" in page and "votes_b01_m1" not in page  # round 2 ballot
    post_step(client, eid, "election_meeting", {**base, "votes_b01_m3": "9", "votes_b01_m4": "4"})
    assert ElectionRound.objects.count() == 2
    post_step(client, eid, "officer_election", {"secretary": "b01_m1", "deputy": ""})
    client.force_login(org["zuzhi"])
    post_step(client, eid, "result_approval", {"approve": "true", "comment": "同意"})
    election.refresh_from_db()
    assert election.status == "finished" and election.secretary.username == "b01_m1"
    assert Term.objects.filter(unit__code="b01", status="current").get().started == today()
    page = client.get(f"/elections/{eid}/").content.decode()
    assert "第 2 轮选举" in page and "当选" in page


@pytest.mark.django_db
def test_overview_for_organisation_party_secretary_and_auditors_only(org, client):
    from datetime import timedelta

    b02 = Unit.objects.get(code="b02").current_term
    b02.ends = today() - timedelta(days=3)
    b02.started = b02.ends.replace(year=b02.ends.year - 3)
    b02.save()
    b01 = Unit.objects.get(code="b01").current_term
    b01.ends = today() + timedelta(days=100)
    b01.save()
    for name in ("zuzhi", "shuji", "shenji"):
        client.force_login(org[name])
        page = client.get("/elections/overview/")
        assert page.status_code == 200, name
    html = page.content.decode()
    assert 'class="hp-overdue"' in html and "已逾期 3 天" in html and 'class="hp-soon"' in html
    assert "第一党总支" in client.get("/elections/overview/?parent=zz1").content.decode()
    assert "内科党支部" not in client.get("/elections/overview/?parent=zz9").content.decode()
    for name in ("sj_b01", "b01_m1", "weiyuan1", "dangban"):
        client.force_login(org[name])
        assert client.get("/elections/overview/").status_code == 403, name


@pytest.mark.django_db
def test_other_branch_cannot_open_the_election_page(org, client, api):
    from .helpers import request_election

    eid = request_election(api, org["sj_b01"])["id"]
    client.force_login(org["sj_b02"])
    assert client.get(f"/elections/{eid}/").status_code == 404
    assert client.get(f"/elections/{eid}/recommend/").status_code == 404
    client.force_login(org["b01_m1"])
    assert client.get(f"/elections/{eid}/").status_code == 200
    assert client.get("/elections/").status_code == 200
    assert client.get("/elections/new/").status_code == 403


@pytest.mark.django_db
def test_election_page_shows_its_change_history(org, web, api):
    created = api(org["sj_b01"]).post("/api/v1/elections/", {
        "unit": "b01", "planned_date": "2030-01-10", "seats": 5, "elect_deputy": False}, format="json")
    assert created.status_code == 201
    page = web(org["zuzhi"]).get(f"/elections/{created.json()['id']}/").content.decode()
    history = page.split("变更历史", 1)[1]
    assert "新增" in history and "内科书记" in history
    listing = web(org["zuzhi"]).get("/elections/?unit=b02").content.decode()
    assert f"/elections/{created.json()['id']}/" not in listing
