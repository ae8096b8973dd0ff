"""事后报告: recorded by the office, confirmed by secretary and president, heard at a meeting without a vote."""

import io
from datetime import timedelta

import pytest
from docx import Document

from decisions.minutes_docx import minutes_content
from decisions.models import AgendaItem, Decision, Vote, VoteResult

from .helpers import (
    START,
    complete,
    do,
    in_session,
    open_tasks,
    submit,
    task_for,
    to_awaiting_meeting,
    vote_all,
)

pytestmark = pytest.mark.django_db

URGENT = {"title": "疫情防控物资紧急采购", "category": "large_fund", "summary": "紧急采购防护物资一批",
          "department_unit": "b01", "amount": "800000", "reason": "疫情突发，须当日采购",
          "decided_on": "2026-03-01"}


def _record(api, org, **overrides):
    response = api(org["dangban"]).post("/api/v1/decisions/urgent/", {**URGENT, **overrides}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _confirm(api, org, pk, answers=None):
    answers = answers or {}
    for name in ("shuji", "yuanzhang"):
        agree = answers.get(name, True)
        do(api, org, pk, "urgent_confirm", name, {"agree": agree, "comment": "" if agree else "程序不当"})


def test_only_office_staff_record_and_bad_input_writes_nothing(org, api, clock):
    for name in ("shuji", "sj_b01", "shenji", "falv"):
        assert api(org[name]).post("/api/v1/decisions/urgent/", URGENT, format="json").status_code == 403, name
    bad = api(org["dangban"]).post("/api/v1/decisions/urgent/", {
        **URGENT, "reason": "", "decided_on": (START.date() + timedelta(days=2)).isoformat(), "amount": "-1"},
        format="json")
    assert bad.status_code == 400
    errors = bad.json()["errors"]
    assert "原因" in errors["reason"][0] and "不能晚于今天" in errors["decided_on"][0] and "负数" in errors["amount"][0]
    assert not Decision.objects.exists()


def test_confirmed_by_both_then_reported_without_votes_and_released_by_the_minutes(org, api, web, clock):
    created = _record(api, org)
    assert created["status"] == "urgent_confirm" and created["urgent"] is True
    assert created["active_steps"] == ["urgent_confirm"] and created["decided_on"] == "2026-03-01"
    pk = created["id"]
    decision = Decision.objects.get(pk=pk)
    tasks = list(open_tasks(decision, "urgent_confirm"))
    assert {t.owner.username for t in tasks} == {"shuji", "yuanzhang"}
    for name in ("weiyuan1", "dangban", "shenji"):
        assert complete(api, org[name], tasks[0], {"agree": True}).status_code == 403
    assert complete(api, org["shuji"], task_for(decision, "urgent_confirm", org["shuji"]), {}).status_code == 400
    do(api, org, pk, "urgent_confirm", "shuji", {"agree": True, "comment": "情况属实"})
    assert Decision.objects.get(pk=pk).status == "urgent_confirm"  # waits for the president too
    do(api, org, pk, "urgent_confirm", "yuanzhang", {"agree": True, "comment": ""})
    assert Decision.objects.get(pk=pk).status == "awaiting_report"

    ordinary = submit(api, org["dangban"])["id"]
    to_awaiting_meeting(api, org, ordinary)
    page = web(org["dangban"]).get("/decisions/meetings/new/").content.decode()
    assert "【事后报告】疫情防控物资紧急采购" in page
    meeting = in_session(api, org, clock, [ordinary, pk])
    decision.refresh_from_db()
    assert decision.status == "minutes" and not open_tasks(decision, "vote").exists()
    assert not open_tasks(decision, "secretary_vote").exists()
    assert AgendaItem.objects.get(meeting=meeting, decision=decision).outcome == "reported"
    assert api(org["dangban"]).get(f"/api/v1/decisions/{pk}/").json()["result"] == {"outcome": "reported"}
    vote_all(api, org, ordinary)
    do(api, org, ordinary, "secretary_vote", "shuji", {"vote": "agree"})
    assert not Vote.objects.filter(decision=decision).exists()

    do(api, org, meeting, "minutes_draft", "dangban", {"text": "会议纪要正文"})
    content = minutes_content(meeting)
    assert content["headings"] == {"items": "一、会议议定事项", "reports": "二、通报事项", "text": "三、纪要正文"}
    assert [r["title"] for r in content["reports"]] == ["疫情防控物资紧急采购"]
    assert [i["title"] for i in content["items"]] == ["门诊楼改造项目"]
    approve_page = web(org["shuji"]).get(f"/workbench/tasks/{task_for(meeting, 'minutes_approve').pk}/")
    assert "二、通报事项" in approve_page.content.decode() and "疫情突发" in approve_page.content.decode()
    do(api, org, meeting, "minutes_approve", "shuji", {"approve": True})
    decision.refresh_from_db()
    assert decision.status == "implementing" and decision.implementation_due is not None
    docx = api(org["dangban"]).get(f"/api/v1/meetings/{meeting.pk}/minutes.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "二、通报事项" in text and "事项1：疫情防控物资紧急采购" in text and "三、纪要正文" in text
    history = api(org["shenji"]).get(f"/api/v1/decisions/{pk}/history/").json()
    reasons = {e["reason"] for e in history}
    assert {"事后报告登记", "事后报告确认：确认", "进入：待会议通报"} <= reasons


def test_a_meeting_of_reports_only_goes_straight_to_the_minutes(org, api, clock):
    pk = _record(api, org)["id"]
    _confirm(api, org, pk)
    meeting = in_session(api, org, clock, [pk])
    assert task_for(meeting, "minutes_draft")
    assert VoteResult.objects.get(decision_id=pk).outcome == "reported"


def test_not_confirmed_closes_the_matter(org, api, clock):
    pk = _record(api, org)["id"]
    decision = Decision.objects.get(pk=pk)
    refused = complete(api, org["yuanzhang"], task_for(decision, "urgent_confirm", org["yuanzhang"]),
                       {"agree": False, "comment": ""})
    assert refused.status_code == 400 and "理由" in refused.json()["errors"]["comment"][0]
    _confirm(api, org, pk, {"yuanzhang": False})
    decision.refresh_from_db()
    assert decision.status == "not_confirmed" and not open_tasks(decision, "urgent_confirm").exists()
    schedule_try = api(org["dangban"]).post("/api/v1/meetings/", {
        "title": "党委会", "scheduled_at": (START + timedelta(days=5)).isoformat(), "place": "会议室",
        "agenda": [pk]}, format="json")
    assert schedule_try.status_code == 400


def test_urgent_report_page_for_office_staff(org, web, clock):
    assert web(org["weiyuan1"]).get("/decisions/urgent/new/").status_code == 403
    office = web(org["dangban"])
    page = office.get("/decisions/urgent/new/").content.decode()
    assert "不能等待党委会的原因" in page and "决定日期" in page and "申请专家论证" not in page
    bad = office.post("/decisions/urgent/new/", {"title": "紧急维修", "category": "major_matter", "summary": "",
                                                 "department_unit": org["sj_b01"].unit_id, "reason": "",
                                                 "decided_on": "2026-03-01"})
    html = bad.content.decode()
    assert bad.status_code == 400 and "请填写事项及决定内容" in html and "请说明不能等待党委会的原因" in html
    assert 'value="紧急维修"' in html and not Decision.objects.exists()
    done = office.post("/decisions/urgent/new/", {"title": "紧急维修", "category": "major_matter",
                                                  "summary": "抢修配电房", "department_unit": org["sj_b01"].unit_id,
                                                  "reason": "停电影响手术", "decided_on": "2026-03-01"})
    decision = Decision.objects.get()
    assert done.status_code == 302 and decision.status == "urgent_confirm" and decision.urgent
