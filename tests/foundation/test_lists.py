"""我的已办 and 我发起的: the right rows for the right person, filters, and a fixed query cost."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.decisions.helpers import START, do, schedule, submit, to_awaiting_meeting
from tests.elections.helpers import request_election


def _review(api, org, title):
    decision = submit(api, org["dangban"], title=title)
    do(api, org, decision["id"], "branch_review", "sj_b01", {"opinion": "approve", "comment": "支委会同意"})
    return decision


def test_done_list_shows_the_steps_i_completed(org, api, web):
    _review(api, org, "门诊楼改造项目")
    submit(api, org["dangban"], title="病房楼装修项目")  # not reviewed yet

    html = web(org["sj_b01"]).get("/workbench/done/").content.decode()
    assert "党支部前置研究：门诊楼改造项目" in html
    assert "病房楼装修项目" not in html
    assert "当前：风险评估" in html  # the subject's status now

    assert "门诊楼改造项目" not in web(org["sj_b02"]).get("/workbench/done/").content.decode()
    assert "暂无已办事项" in web(org["dangban"]).get("/workbench/done/").content.decode()


def test_done_list_filters_by_flow_and_subject(org, api, web):
    _review(api, org, "门诊楼改造项目")
    _review(api, org, "病房楼装修项目")
    client = web(org["sj_b01"])

    html = client.get("/workbench/done/?q=门诊").content.decode()
    assert "门诊楼改造项目" in html and "病房楼装修项目" not in html
    assert "没有符合条件" in client.get("/workbench/done/?flow=election").content.decode()
    assert "病房楼装修项目" in client.get("/workbench/done/?flow=decision").content.decode()


def test_started_list_shows_what_i_started_and_not_others(org, api, web):
    submit(api, org["dangban"], title="门诊楼改造项目")
    request_election(api, org["sj_b01"])

    mine = web(org["dangban"]).get("/workbench/started/").content.decode()
    assert "门诊楼改造项目" in mine and "内科党支部换届选举" not in mine
    theirs = web(org["sj_b01"]).get("/workbench/started/").content.decode()
    assert "内科党支部换届选举" in theirs and "门诊楼改造项目" not in theirs
    assert "请示批复" in theirs  # the election's status
    assert "暂无我发起的事项" in web(org["weiyuan1"]).get("/workbench/started/").content.decode()


def test_started_list_has_meetings_i_scheduled_and_filters(org, api, web):
    with time_machine.travel(START, tick=False):
        decision = submit(api, org["dangban"], title="门诊楼改造项目")
        to_awaiting_meeting(api, org, decision["id"])
        schedule(api, org, [decision["id"]], at=START + timedelta(days=5))
        client = web(org["dangban"])
        html = client.get("/workbench/started/").content.decode()
        assert "门诊楼改造项目" in html and "党委会" in html

        meetings = client.get("/workbench/started/?flow=meeting").content.decode()
        assert "门诊楼改造项目" not in meetings and "/decisions/meetings/" in meetings
        found = client.get("/workbench/started/?q=门诊楼").content.decode()
        assert "门诊楼改造项目" in found and "/decisions/meetings/" not in found
        assert "没有符合条件" in client.get("/workbench/started/?q=不存在的议题").content.decode()


def test_lists_need_login(client):
    for url in ("/workbench/done/", "/workbench/started/"):
        assert client.get(url).status_code == 302


def test_lists_in_the_workbench_menu(org, web):
    html = web(org["dangban"]).get("/workbench/").content.decode()
    assert "/workbench/done/" in html and "/workbench/started/" in html


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


@pytest.mark.parametrize("url", ["/workbench/done/", "/workbench/started/"])
def test_query_count_does_not_grow_with_the_page(org, api, web, url):
    """sj_b01 proposes and reviews decisions and requests an election: two kinds of subject."""

    def propose_and_review(i):
        decision = submit(api, org["sj_b01"], title=f"议题{i:02d}")
        do(api, org, decision["id"], "branch_review", "sj_b01", {"opinion": "approve", "comment": "同意"})

    for i in range(2):
        propose_and_review(i)
    with time_machine.travel(timezone.now() + timedelta(days=1)):  # the newest: on page 1 at both sizes
        request_election(api, org["sj_b01"])
    client = web(org["sj_b01"])
    client.get(url)  # warm the content-type cache
    small, html = _queries(client, url)
    assert html.count('class="hp-worklist__item"') == (2 if "done" in url else 3)

    for i in range(2, 23):
        propose_and_review(i)
    large, html = _queries(client, url)
    assert html.count('class="hp-worklist__item"') == 20
    assert "第 1 / 2 页" in html
    assert large == small
    assert "议题22" in html and "议题00" not in html  # newest first
    assert "内科党支部换届选举" in html or "done" in url
    assert "议题00" in client.get(url + "?page=2").content.decode()
