"""The HTML pages: a full route through the generic task page, and the decision/meeting pages."""

from datetime import timedelta

import pytest

from decisions.models import Decision, Meeting

from .helpers import COMMITTEE, START, open_tasks, task_for

pytestmark = pytest.mark.django_db


def _post_step(web, user, obj, step, data, status=302):
    task = task_for(obj, step, user)
    response = web(user).post(f"/workbench/tasks/{task.pk}/", data)
    assert response.status_code == status, (step, response.content.decode()[:2000])
    return response


def test_full_route_through_html_pages(org, web, clock):
    client = web(org["sj_b01"])
    assert client.get("/decisions/new/").status_code == 200
    bad = client.post("/decisions/new/", {"title": "", "category": "large_fund", "summary": "x",
                                          "department_unit": org["sj_b01"].unit_id})
    assert bad.status_code == 400 and "请填写议题名称" in bad.content.decode()
    response = client.post("/decisions/new/", {
        "title": "购置CT设备", "category": "large_fund", "summary": "采购方案", "amount": "900000",
        "department_unit": org["sj_b01"].unit_id})
    decision = Decision.objects.get(title="购置CT设备")
    assert response.status_code == 302 and response["Location"] == f"/decisions/{decision.pk}/"
    page = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert "购置CT设备" in page and "撤回议题" in page and "<svg" in page and "变更历史" in page

    task = task_for(decision, "branch_review")
    step_page = web(org["sj_b01"]).get(f"/workbench/tasks/{task.pk}/").content.decode()
    assert "采购方案" in step_page and "背景与方案" in step_page
    invalid = web(org["sj_b01"]).post(f"/workbench/tasks/{task.pk}/", {"opinion": "return"})
    assert invalid.status_code == 400 and "退回时请填写理由" in invalid.content.decode()
    _post_step(web, org["sj_b01"], decision, "branch_review", {"opinion": "approve", "comment": "同意"})
    for name in ("zhuanjia1", "zhuanjia2", "zhuanjia3"):
        _post_step(web, org[name], decision, "expert_review", {"opinion": "agree", "comment": "可行"})
    expert_page = web(org["dangban"]).get(f"/workbench/tasks/{task_for(decision, 'risk_assessment').pk}/")
    assert expert_page.content.decode().count("可行") >= 3
    _post_step(web, org["dangban"], decision, "risk_assessment", {"level": "low", "notes": "低风险"})
    _post_step(web, org["falv"], decision, "legal_review", {"opinion": "lawful", "comment": "程序合法"})
    _post_step(web, org["shuji"], decision, "communicate", {"consensus": "true", "notes": "一致"})
    _post_step(web, org["shuji"], decision, "agenda_review", {"accept": "true", "comment": ""})
    decision.refresh_from_db()
    assert decision.status == "awaiting_meeting"

    office = web(org["dangban"])
    assert office.get("/decisions/meetings/new/").status_code == 200
    at = START + timedelta(days=4)
    too_soon = office.post("/decisions/meetings/new/", {"title": "党委会", "place": "三楼会议室",
                           "scheduled_at": (START + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
                           "agenda": [decision.pk]})
    assert too_soon.status_code == 400 and "至少提前3天" in too_soon.content.decode()
    created = office.post("/decisions/meetings/new/", {"title": "党委会", "place": "三楼会议室",
                          "scheduled_at": at.strftime("%Y-%m-%dT%H:%M"), "agenda": [decision.pk]})
    meeting = Meeting.objects.get()
    assert created.status_code == 302 and meeting.scheduled_at == at
    clock.move_to(at)
    _post_step(web, org["dangban"], meeting, "attendance", {
        "present": ",".join(COMMITTEE[:-1]), "absent": '{"weiyuan6": "病假"}', "recusals": ""})
    for task in open_tasks(decision, "vote"):
        response = web(task.owner).post(f"/workbench/tasks/{task.pk}/", {"vote": "agree", "comment": ""})
        assert response.status_code == 302
    _post_step(web, org["shuji"], decision, "secretary_vote", {"vote": "agree", "comment": "同意"})
    _post_step(web, org["dangban"], meeting, "minutes_draft", {"text": "会议同意购置CT设备。"})
    _post_step(web, org["shuji"], meeting, "minutes_approve", {"approve": "true"})
    _post_step(web, org["sj_b01"], decision, "implement", {"report": "设备已到货验收", "done": "on"})
    decision.refresh_from_db()
    assert decision.status == "closed"
    meeting_page = web(org["weiyuan1"]).get(f"/decisions/meetings/{meeting.pk}/").content.decode()
    assert "购置CT设备" in meeting_page and "同意8票" in meeting_page and "下载纪要" in meeting_page
    docx = web(org["weiyuan1"]).get(f"/decisions/meetings/{meeting.pk}/minutes.docx")
    assert docx.status_code == 200 and docx["Content-Type"].startswith("application/vnd.openxml")


def test_pages_refuse_and_hide(org, web, api):
    from .helpers import submit

    pk = submit(api, org["dangban"], category="cadre_appointment")["id"]
    assert web(org["outsider"]).get("/decisions/new/").status_code == 403
    assert web(org["shenji"]).get("/decisions/new/").status_code == 403
    assert web(org["sj_b01"]).get(f"/decisions/{pk}/").status_code == 404
    assert web(org["sj_b01"]).get("/decisions/meetings/").status_code == 404
    assert web(org["weiyuan1"]).get("/decisions/meetings/new/").status_code == 403
    listing = web(org["shenji"]).get("/decisions/?category=cadre_appointment").content.decode()
    assert f"#{pk}" in listing
    detail = web(org["shenji"]).get(f"/decisions/{pk}/").content.decode()
    assert "撤回议题" not in detail
    withdraw = web(org["dangban"]).post(f"/decisions/{pk}/withdraw/", {"reason": "不再需要"})
    assert withdraw.status_code == 302 and Decision.objects.get(pk=pk).status == "withdrawn"
    assert web(org["outsider"]).get("/decisions/").status_code == 200
