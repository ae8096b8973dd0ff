"""The election step forms on the page (people picked by name, boxes per person) and through the API alike."""

import re

import pytest
from viewflow.workflow.models import Task

from elections.models import Candidate, Election, ElectionOfficial, PaperTally, Recommendation
from workflows.models import User

from .helpers import B01_CANDIDATES, complete, future, to_nominate, today


def ids(*usernames) -> list[str]:
    return [str(User.objects.get(username=n).pk) for n in usernames]


def task_url(election_id, step):
    task = Task.objects.get(process__artifact_object_id=election_id, flow_task__endswith=f".{step}",
                            status__in=["NEW", "ASSIGNED", "STARTED"])
    return f"/workbench/tasks/{task.pk}/"


def field_errors(html: str, field_id: str) -> str:
    """The text of the form field block holding `field_id` (its errors are shown inside it)."""
    block = re.search(rf'<div class="hp-field[^"]*">(?:(?!<div class="hp-field).)*?id="{field_id}.*?(?=<div class="hp-field|</form>)',
                      html, re.S)
    assert block, field_id
    return block.group(0)


@pytest.mark.django_db
def test_request_page_shows_every_error_at_once_and_keeps_input(org, web):
    client = web(org["sj_b01"])
    response = client.post("/elections/new/", {"unit": "b01", "planned_date": "2020-01-01", "seats": "9"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "计划选举日期不能早于今天" in field_errors(html, "id_planned_date")
    assert "3至7名" in field_errors(html, "id_seats")
    assert 'value="2020-01-01"' in html and 'value="9"' in html
    assert not Election.objects.exists()


@pytest.mark.django_db
def test_request_api_reports_date_and_seats_together(org, api):
    response = api(org["sj_b01"]).post("/api/v1/elections/", {"unit": "b01", "planned_date": "2020-01-01",
                                                              "seats": 9}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "不能早于今天" in errors["planned_date"][0] and "3至7名" in errors["seats"][0]


@pytest.mark.django_db
def test_recommend_page_picks_by_name_and_submits_ids(org, web, api):
    eid = to_nominate(api, org)
    client = web(org["b01_m1"])
    page = client.get(f"/elections/{eid}/recommend/").content.decode()
    assert "内科党员2（内科党支部）" in page and 'name="nominees__ids"' in page
    assert "b01_m2" not in page  # no usernames on screen
    response = client.post(f"/elections/{eid}/recommend/", {"nominees": ids("b01_m2", "b01_m3"), "nominees__ids": "1"})
    assert response.status_code == 302
    assert Recommendation.objects.get(active=True).nominees == ["b01_m2", "b01_m3"]
    page = client.get(f"/elections/{eid}/recommend/").content.decode()
    assert "您当前的推荐：内科党员2、内科党员3" in page
    # an id of someone not offered (another branch) is refused with a Chinese message, nothing written
    bad = client.post(f"/elections/{eid}/recommend/", {"nominees": ids("b02_m1"), "nominees__ids": "1"})
    assert bad.status_code == 400 and "所选人员不在可选名单中" in bad.content.decode()
    too_many = client.post(f"/elections/{eid}/recommend/", {"nominees": ids("b01_m2", "b01_m3", "b01_m4", "b01_m5"),
                                                           "nominees__ids": "1"})
    assert too_many.status_code == 400 and "不能超过应选名额" in too_many.content.decode()
    assert 'checked' in too_many.content.decode()  # the ticks are kept
    assert Recommendation.objects.filter(member=org["b01_m1"]).count() == 1


@pytest.mark.django_db
def test_nominate_page_ticks_candidates_and_takes_a_number_per_member(org, web, api):
    eid = to_nominate(api, org)
    client = web(org["sj_b01"])
    url = task_url(eid, "nominate")
    page = client.get(url).content.decode()
    assert "JSON" not in page and 'name="paper_tallies"' not in page
    assert f'name="tally_{org["b01_m2"].pk}"' in page
    bad = client.post(url, {"candidates": ids("b01_m1", "b01_m2"), "candidates__ids": "1",
                            f"tally_{org['b01_m2'].pk}": "99", f"tally_{org['b01_m3'].pk}": "-1"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "内科党员2：不能超过" in html and "内科党员3：请填写不小于 0 的整数" in html
    assert 'value="99"' in html
    assert not PaperTally.objects.exists()
    bad = client.post(url, {"candidates": ids("b01_m1", "b01_m2"), "candidates__ids": "1"})
    assert bad.status_code == 400 and "至少 4 名" in bad.content.decode()
    good = client.post(url, {"candidates": ids(*B01_CANDIDATES[:4]), "candidates__ids": "1",
                             f"tally_{org['b01_m2'].pk}": "5", f"tally_{org['b01_m3'].pk}": ""})
    assert good.status_code == 302, good.content.decode()[:2000]
    assert {(t.nominee.username, t.count) for t in PaperTally.objects.all()} == {("b01_m2", 5)}
    assert sorted(Candidate.objects.values_list("user__username", flat=True)) == B01_CANDIDATES[:4]


@pytest.mark.django_db
def test_nominate_api_reports_every_problem_at_once(org, api):
    eid = to_nominate(api, org)
    bad = complete(api(org["sj_b01"]), eid, "nominate", {
        "candidates": ["b01_m1", "b01_y1"], "paper_tallies": {"b01_m2": 99}}, expect=400).json()["errors"]
    assert "超过本支部正式党员人数" in bad["paper_tallies"][0]
    joined = " ".join(bad["candidates"])
    assert "至少 4 名" in joined and "预备党员没有被选举权" in joined
    assert not PaperTally.objects.exists() and not Candidate.objects.exists()


def _to_candidate_review(api, org, candidates):
    eid = to_nominate(api, org)
    complete(api(org["sj_b01"]), eid, "nominate", {"candidates": candidates})
    return eid


@pytest.mark.django_db
def test_candidate_review_page_pass_or_strike_with_a_reason(org, web, api):
    names = [f"b01_m{i}" for i in range(1, 6)]
    eid = _to_candidate_review(api, org, names)
    client = web(org["zuzhi"])
    url = task_url(eid, "candidate_review")
    page = client.get(url).content.decode()
    assert "JSON" not in page and "不予通过" in page and "内科党员1（推荐 0 票）" in page
    m5 = org["b01_m5"].pk
    data = {f"review_{org[n].pk}": "pass" for n in names}
    bad = client.post(url, {**data, f"review_{m5}": "strike", f"reason_{m5}": " "})
    assert bad.status_code == 400
    assert "不予通过须说明理由" in field_errors(bad.content.decode(), f"id_reason_{m5}")
    assert not Candidate.objects.filter(approved__isnull=False).exists()
    response = client.post(url, {**data, f"review_{m5}": "strike", f"reason_{m5}": "群众意见较大"})
    assert response.status_code == 302
    struck = Candidate.objects.get(user=org["b01_m5"])
    assert struck.approved is False and struck.struck_reason == "群众意见较大"
    assert Candidate.objects.filter(approved=True).count() == 4


@pytest.mark.django_db
def test_candidate_review_page_too_few_passed_is_one_clear_error(org, web, api):
    names = B01_CANDIDATES[:4]
    eid = _to_candidate_review(api, org, names)
    client = web(org["zuzhi"])
    m4 = org["b01_m4"].pk
    data = {f"review_{org[n].pk}": "pass" for n in names}
    bad = client.post(task_url(eid, "candidate_review"), {**data, f"review_{m4}": "strike", f"reason_{m4}": ""})
    html = bad.content.decode()
    assert bad.status_code == 400 and "至少需要 4 名候选人" in html and "不予通过须说明理由" in html


@pytest.mark.django_db
def test_plan_page_pickers_and_all_errors_at_once(org, web, api):
    names = B01_CANDIDATES[:4]
    eid = _to_candidate_review(api, org, names)
    complete(api(org["zuzhi"]), eid, "candidate_review", {"approved": names})
    client = web(org["sj_b01"])
    url = task_url(eid, "election_plan")
    page = client.get(url).content.decode()
    assert "用户名" not in page and "内科党员7（内科党支部）" in page
    base = {"candidates": ids(*names), "candidates__ids": "1", "scrutineers__ids": "1", "counters__ids": "1",
            "method_text": "差额选举"}
    bad = client.post(url, {**base, "meeting_date": "2020-01-01", "scrutineers": ids("b01_m1"),
                            "counters": ids("b01_m8")})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "不能早于今天" in field_errors(html, "id_meeting_date")
    assert "监票人不能由候选人担任：内科党员1" in field_errors(html, "id_scrutineers")
    assert not ElectionOfficial.objects.exists()
    good = client.post(url, {**base, "meeting_date": future(2), "scrutineers": ids("b01_m7"),
                             "counters": ids("b01_m8", "wy_b01")})
    assert good.status_code == 302, good.content.decode()[:2000]
    assert sorted(ElectionOfficial.objects.filter(role="counter").values_list("user__username", flat=True)) == [
        "b01_m8", "wy_b01"]


@pytest.mark.django_db
def test_plan_api_reports_every_problem_at_once(org, api):
    names = B01_CANDIDATES[:4]
    eid = _to_candidate_review(api, org, names)
    complete(api(org["zuzhi"]), eid, "candidate_review", {"approved": names})
    errors = complete(api(org["sj_b01"]), eid, "election_plan", {
        "candidates": names[:3], "meeting_date": "2020-01-01", "scrutineers": ["b01_m1"], "counters": [],
        "method_text": "x"}, expect=400).json()["errors"]
    assert set(errors) == {"candidates", "meeting_date", "scrutineers", "counters"}


@pytest.mark.django_db
def test_meeting_and_officer_pages(org, web, api):
    from .helpers import to_election_meeting

    eid = to_election_meeting(api, org, elect_deputy=True)
    client = web(org["sj_b01"])
    url = task_url(eid, "election_meeting")
    page = client.get(url).content.decode()
    assert 'name="votes"' not in page and "JSON" not in page
    base = {"held_on": today().isoformat(), "eligible": "15", "present": "13", "ballots_issued": "13",
            "ballots_returned": "13", "invalid": "1"}
    bad = client.post(url, {**base, "votes_b01_m1": "13", "votes_b01_m2": "11", "votes_b01_m3": "10",
                            "votes_b01_m4": "3"})
    assert bad.status_code == 400
    assert "得票数多于有效选票数（12 张）" in field_errors(bad.content.decode(), "id_votes_b01_m1")
    ok = client.post(url, {**base, "votes_b01_m1": "12", "votes_b01_m2": "11", "votes_b01_m3": "10",
                           "votes_b01_m4": "3"})
    assert ok.status_code == 302

    url = task_url(eid, "officer_election")
    page = client.get(url).content.decode()
    assert "内科党员1（内科党支部）" in page and "内科党员4（内科党支部）" not in page
    bad = client.post(url, {"secretary": ids("b01_m1"), "secretary__ids": "1", "deputy__ids": "1"})
    assert bad.status_code == 400 and "请选择副书记" in bad.content.decode()
    bad = client.post(url, {"secretary": ids("b01_m1"), "secretary__ids": "1", "deputy": ids("b01_m1"),
                            "deputy__ids": "1"})
    assert bad.status_code == 400 and "不能为同一人" in bad.content.decode()
    ok = client.post(url, {"secretary": ids("b01_m2"), "secretary__ids": "1", "deputy": ids("b01_m1"),
                           "deputy__ids": "1"})
    assert ok.status_code == 302
    election = Election.objects.get(pk=eid)
    assert (election.secretary.username, election.deputy.username) == ("b01_m2", "b01_m1")
    history = election.history.filter(secretary=org["b01_m2"]).earliest("history_date")
    assert history.history_user == org["sj_b01"] and history.history_change_reason == "选举书记、副书记"
