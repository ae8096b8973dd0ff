"""Pickers over many people (抄送, 征求意见, 委托) search by name instead of listing everyone
(workflows/org/people_search.py): the page costs the people picked, not the people there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.decisions.helpers import do, submit, task_for
from workflows.actions.models import CarbonCopy
from workflows.models import User
from workflows.org.importer import import_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_risk(org, api):
    decision = submit(api, org["sj_b01"])
    do(api, org, decision["id"], "branch_review", "sj_b01", {"opinion": "approve", "comment": "同意"})
    from decisions.models import Decision

    return task_for(Decision.objects.get(pk=decision["id"]), "risk_assessment")


def _more_colleagues(count):
    from ..conftest import SMALL_ORG

    more = [{"username": f"staff{i}", "name": f"职员{i:03d}", "unit": "b02", "membership": "full",
             "roles": ["committee_member" if i % 2 else "branch_committee_member"]} for i in range(count)]
    import_org(data={**SMALL_ORG, "people": [*SMALL_ORG["people"], *more]}, source="tests")


def _task_page(client, task):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/workbench/tasks/{task.pk}/")
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


def test_a_short_list_is_listed_whole(org, web, at_risk):
    html, _ = _task_page(web(org["dangban"]), at_risk)
    assert "赵纪委" in html and "data-search-url" not in html


def test_a_long_list_is_searched_and_the_page_costs_the_same_at_any_size(org, web, at_risk, settings):
    settings.PEOPLE_PICKER_LIST_MAX = 5
    _more_colleagues(10)
    small_html, small = _task_page(web(org["dangban"]), at_risk)
    assert 'data-search-url="/people/search/?source=colleagues"' in small_html
    assert "职员001" not in small_html and "赵纪委" not in small_html  # nobody listed until searched
    _more_colleagues(60)
    large_html, large = _task_page(web(org["dangban"]), at_risk)
    assert small == large
    assert "职员059" not in large_html


def test_search_finds_by_name_or_unit_at_most_twenty(org, web):
    _more_colleagues(30)
    client = web(org["dangban"])
    found = client.get("/people/search/", {"source": "colleagues", "q": "职员"}).json()["results"]
    assert len(found) == 20 and found[0]["label"] == "职员000（外科党支部）"
    assert [p["label"] for p in client.get("/people/search/", {"source": "colleagues", "q": "职员 029"})
            .json()["results"]] == ["职员029（外科党支部）"]
    by_unit = client.get("/people/search/", {"source": "colleagues", "q": "内科党支部 书记"}).json()["results"]
    assert {p["label"] for p in by_unit} == {"内科书记（内科党支部）", "王书记（内科党支部）"}
    assert client.get("/people/search/", {"source": "colleagues", "q": "审计"}).json()["results"] == []  # no auditors
    mine = client.get("/people/search/", {"source": "delegates", "q": "党办"}).json()["results"]
    assert org["dangban"].pk not in [p["id"] for p in mine]  # nobody stands in for themselves
    assert client.get("/people/search/", {"source": "colleagues"}).json()["results"] == []
    assert client.get("/people/search/", {"source": "nobody"}).status_code == 404


def test_search_is_for_signed_in_people(client):
    assert client.get("/people/search/", {"source": "colleagues", "q": "委员"}).status_code == 403


def test_a_searched_pick_submits_and_an_outsider_is_refused_next_to_the_field(org, web, at_risk, settings):
    settings.PEOPLE_PICKER_LIST_MAX = 5
    _more_colleagues(10)
    client = web(org["dangban"])
    staff = User.objects.get(username="staff3")
    response = client.post(f"/workbench/tasks/{at_risk.pk}/cc/", {"to": [staff.pk], "to__ids": "1", "note": "请阅"})
    assert response.status_code == 302
    assert CarbonCopy.objects.filter(task=at_risk, to=staff).exists()
    refused = client.post(f"/workbench/tasks/{at_risk.pk}/cc/",
                          {"to": [org["shenji"].pk], "to__ids": "1", "note": "请阅"})
    assert refused.status_code == 400  # the page again, the error next to the field
    assert "所选人员不在可选名单中，请重新选择。" in refused.content.decode()
    assert not CarbonCopy.objects.filter(to=org["shenji"]).exists()
