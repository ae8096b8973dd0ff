"""发起换届 where a term is due: the term overview, the overdue unit page, the new-election page, 合规体检."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.audit.compliance_helpers import refreshed

from .helpers import request_election

TZ = ZoneInfo("Asia/Shanghai")
# b01's term ends 2027-01-10 (22 days overdue then), zz1's 2027-01-01 (31), b02's 2027-03-01 (28 days left).
OVERDUE = datetime(2027, 2, 1, 9, 0, tzinfo=TZ)
NOT_DUE = datetime(2025, 6, 1, 9, 0, tzinfo=TZ)
NEW_B01 = 'href="/elections/new/?unit=b01"'


@pytest.fixture
def overdue():
    with time_machine.travel(OVERDUE, tick=False):
        yield


def test_overview_offers_request_for_due_branches_to_organization_staff(org, web, overdue):
    html = web(org["zuzhi"]).get("/elections/overview/").content.decode()
    assert NEW_B01 in html and 'href="/elections/new/?unit=b02"' in html
    assert "发起换届" in html


@pytest.mark.parametrize("username", ["shenji", "shuji"])  # auditor; party secretary (reads, does not request)
def test_overview_has_no_request_button_for_readers(org, web, overdue, username):
    response = web(org[username]).get("/elections/overview/")
    assert response.status_code == 200
    assert "/elections/new/" not in response.content.decode()


def test_overview_no_button_when_not_due_or_running(org, api, web):
    with time_machine.travel(NOT_DUE, tick=False):
        assert "/elections/new/" not in web(org["zuzhi"]).get("/elections/overview/").content.decode()
    with time_machine.travel(OVERDUE, tick=False):
        request_election(api, org["sj_b01"])
        html = web(org["zuzhi"]).get("/elections/overview/").content.decode()
    assert NEW_B01 not in html and 'href="/elections/new/?unit=b02"' in html


def test_new_election_page_preselects_the_unit(org, web):
    client = web(org["zuzhi"])
    html = client.get("/elections/new/?unit=b02").content.decode()
    assert '<option value="b02" selected>' in html
    html = client.get("/elections/new/?unit=nope").content.decode()
    assert "selected>" not in html.split('name="unit"')[1].split("</select>")[0]
    # a secretary cannot preselect another branch (it is not among the choices)
    html = web(org["sj_b01"]).get("/elections/new/?unit=b02").content.decode()
    assert 'value="b02"' not in html


def test_overdue_unit_page_warns_and_offers_request(org, web, overdue):
    html = web(org["zuzhi"]).get("/organisation/units/b01/").content.decode()
    assert "届期已满 22 天，尚未启动换届" in html
    assert NEW_B01 in html
    secretary = web(org["sj_b01"]).get("/organisation/units/b01/").content.decode()
    assert "届期已满 22 天" in secretary and secretary.count(NEW_B01) == 1  # one button, not two
    auditor = web(org["shenji"]).get("/organisation/units/b01/").content.decode()
    assert "届期已满 22 天" in auditor and NEW_B01 not in auditor
    # b02 is due in 28 days, not overdue: no warning
    assert "届期已满" not in web(org["zuzhi"]).get("/organisation/units/b02/").content.decode()


def test_unit_page_warning_stops_once_an_election_started(org, api, web, overdue):
    request_election(api, org["sj_b01"])
    assert "届期已满" not in web(org["zuzhi"]).get("/organisation/units/b01/").content.decode()


def test_compliance_flags_overdue_terms_without_election(org, api, overdue):
    items = {i.unit: i for i in refreshed("term")}
    assert set(items) == {"内科党支部", "第一党总支"}  # b02 is not overdue
    item = items["内科党支部"]
    assert not item.compliant and item.url == "/organisation/units/b01/"
    assert "已逾期 22 天，尚未启动换届" in item.checks[0]["detail"]

    request_election(api, org["sj_b01"])
    assert [i.unit for i in refreshed("term")] == ["第一党总支"]


def test_compliance_term_check_in_the_api(org, api, overdue):
    refreshed()
    body = api(org["shenji"]).get("/api/v1/compliance/?kind=term").json()
    assert body["count"] == 2 and {r["kind_label"] for r in body["results"]} == {"支部届期"}
