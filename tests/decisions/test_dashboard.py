"""统计看板: figures, the lists each number links to, who may see them, and a cost fixed in data size."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.models import Decision

from .helpers import START, do, in_session, submit, to_awaiting_meeting

pytestmark = pytest.mark.django_db


def _branch_review_after(api, org, clock, hours):
    pk = submit(api, org["dangban"])["id"]
    clock.move_to(clock_now(clock) + timedelta(hours=hours))
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "approve", "comment": ""})
    return pk


def clock_now(clock):
    from django.utils import timezone

    return timezone.now()


def test_decision_figures_match_the_lists_they_link_to(org, api, web, clock):
    submit(api, org["dangban"])  # open
    withdrawn = submit(api, org["dangban"])["id"]
    api(org["dangban"]).post(f"/api/v1/decisions/{withdrawn}/withdraw/", {"reason": "不再需要"}, format="json")
    urgent = api(org["dangban"]).post("/api/v1/decisions/urgent/", {
        "title": "紧急", "category": "major_matter", "summary": "抢修", "department_unit": "b01", "reason": "停电",
        "decided_on": "2026-03-01"}, format="json").json()["id"]
    for name in ("shuji", "yuanzhang"):
        do(api, org, urgent, "urgent_confirm", name, {"agree": True, "comment": ""})
    in_session(api, org, clock, [urgent])  # heard: reported
    submit(api, org["dangban"], category="large_fund", amount=900000)
    data = api(org["dangban"]).get("/api/v1/stats/decisions/").json()
    (year,) = data["years"]
    assert year["year"] == 2026 and year["total"] == 4
    rows = {c["category"]: c for c in year["categories"]}
    assert rows["major_matter"]["outcomes"] == {"open": 1, "withdrawn": 1, "reported": 1}
    assert rows["large_fund"]["outcomes"] == {"open": 1} and rows["cadre_appointment"]["total"] == 0
    for category, row in rows.items():
        for outcome, n in row["outcomes"].items():
            listed = api(org["dangban"]).get(f"/api/v1/decisions/?year=2026&category={category}&outcome={outcome}")
            assert listed.json()["count"] == n, (category, outcome)
    page = web(org["dangban"]).get("/decisions/dashboard/").content.decode()
    link = re.search(r'href="(/decisions/\?year=2026&amp;category=major_matter&amp;outcome=reported)"', page)
    assert link and "事后报告已通报 1" in page
    listed = web(org["dangban"]).get(link.group(1).replace("&amp;", "&")).content.decode()
    assert "紧急" in listed and "门诊楼改造项目" not in listed


def test_step_times_are_nearest_rank_median_and_p90(org, api, clock):
    for hours in (1, 2, 10):
        _branch_review_after(api, org, clock, hours)
    stages = {s["step"]: s for s in api(org["shuji"]).get("/api/v1/stats/tasks/").json()["stages"]}
    branch = stages["decision.branch_review"]
    assert (branch["done"], branch["median_hours"], branch["p90_hours"]) == (3, 2.0, 10.0)
    assert branch["title"] == "党支部前置研究"


def test_open_and_overdue_tasks_by_step_person_and_unit(org, api, web, clock):
    for _ in range(2):
        submit(api, org["dangban"])
    clock.move_to(START + timedelta(days=8))  # branch reviews are due after 7 days
    data = api(org["dangban"]).get("/api/v1/stats/tasks/").json()
    steps = {g["key"]: g for g in data["by_step"]}
    assert (steps["decision.branch_review"]["open"], steps["decision.branch_review"]["overdue"]) == (2, 2)
    people = {g["key"]: g for g in data["by_person"]}
    assert people["sj_b01"]["overdue"] == 2 and people["sj_b01"]["label"] == "内科书记"
    assert {g["key"]: g["open"] for g in data["by_unit"]}["b01"] == 2
    assert data["overdue"] == 2
    office = web(org["dangban"])
    listed = office.get("/decisions/dashboard/tasks/?step=decision.branch_review&overdue=1").content.decode()
    assert listed.count("已逾期</span>") == 2 and "共2项" in listed
    assert "共2项" in office.get("/decisions/dashboard/tasks/?unit=b01").content.decode()
    assert "共0项" in office.get("/decisions/dashboard/tasks/?unit=b02").content.decode()
    assert "共2项" in office.get("/decisions/dashboard/tasks/?owner=sj_b01").content.decode()


def test_branches_by_term_band_link_to_the_overview(org, api, web):
    import time_machine

    with time_machine.travel("2026-12-20 10:00 +0800", tick=False):
        bands = {b["band"]: b["branches"] for b in api(org["shuji"]).get("/api/v1/stats/terms/").json()["bands"]}
        assert bands["30"] == 1 and bands["90"] == 1 and bands["overdue"] == 0 and bands["postponed"] == 0
        page = web(org["shuji"]).get("/decisions/dashboard/").content.decode()
        assert 'href="/elections/overview/?band=30"' in page
        overview = web(org["shuji"]).get("/elections/overview/?band=30").content.decode()
        assert "内科党支部" in overview and "外科党支部" not in overview


@pytest.mark.parametrize("name", ["weiyuan1", "sj_b01", "falv", "outsider"])
def test_dashboard_refused_to_others(org, api, web, name):
    assert web(org[name]).get("/decisions/dashboard/").status_code == 403
    assert web(org[name]).get("/decisions/dashboard/tasks/").status_code == 403
    for kind in ("decisions", "tasks", "terms"):
        assert api(org[name]).get(f"/api/v1/stats/{kind}/").status_code == 403


def test_auditor_and_secretary_see_the_dashboard(org, api, web):
    for name in ("shenji", "shuji", "dangban"):
        assert web(org[name]).get("/decisions/dashboard/").status_code == 200
        assert api(org[name]).get("/api/v1/stats/tasks/").status_code == 200


def _costs(org, api, web):
    counts = []
    for fetch in (lambda: web(org["dangban"]).get("/decisions/dashboard/"),
                  lambda: web(org["dangban"]).get("/decisions/dashboard/tasks/?overdue=1"),
                  *[lambda kind=kind: api(org["dangban"]).get(f"/api/v1/stats/{kind}/")
                    for kind in ("decisions", "tasks", "terms")]):
        fetch()  # warm caches
        with CaptureQueriesContext(connection) as queries:
            assert fetch().status_code == 200
        counts.append(len(queries))
    return counts


def test_query_count_does_not_grow_with_the_data(org, api, web, clock):
    submit(api, org["dangban"], category="large_fund", amount=900000)
    clock.move_to(START + timedelta(days=9))  # its branch review is overdue
    small = _costs(org, api, web)
    for n in range(6):
        other = submit(api, org["dangban"], title=f"议题{n}")["id"]
        if n % 2:
            to_awaiting_meeting(api, org, other)
    clock.move_to(START + timedelta(days=20))
    assert Decision.objects.count() == 7
    assert _costs(org, api, web) == small
