"""合法性审查 and 院长办公会研究 (domain.md D): when they apply, who does them, and returns to revise."""

import re
from datetime import timedelta

import pytest

from decisions.models import Decision, Opinion

from .helpers import START, complete, do, open_tasks, submit, task_for

pytestmark = pytest.mark.django_db


def _to_risk_done(api, org, pk):
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "approve", "comment": "支委会同意"})
    decision = Decision.objects.get(pk=pk)
    for task in open_tasks(decision, "expert_review"):
        assert complete(api, task.owner, task, {"opinion": "agree", "comment": "可行"}).status_code == 200
    do(api, org, pk, "risk_assessment", "dangban", {"level": "low", "notes": "风险低"})
    return Decision.objects.get(pk=pk)


@pytest.mark.parametrize(("fields", "required"), [
    ({"category": "large_fund", "amount": 600000}, True),
    ({"category": "major_project", "amount": 1000}, True),
    ({"category": "major_matter", "needs_legal_review": True}, True),
    ({"category": "major_matter"}, False),
])
def test_legal_review_applies_by_category_or_request(org, api, clock, fields, required):
    created = submit(api, org["dangban"], **fields)
    assert created["legal_required"] is required
    assert created["needs_legal_review"] is bool(fields.get("needs_legal_review"))
    decision = _to_risk_done(api, org, created["id"])
    assert decision.status == ("legal_review" if required else "communicate")


def test_cadre_items_never_get_legal_review_or_office_meeting(org, api, clock):
    for flag in ("needs_legal_review", "needs_office_meeting"):
        response = api(org["dangban"]).post("/api/v1/decisions/", {
            "title": "任命", "category": "cadre_appointment", "summary": "拟任命", "department_unit": "b01",
            flag: True}, format="json")
        assert response.status_code == 400 and "干部任免议题不经" in response.json()["errors"][flag][0]
    assert not Decision.objects.exists()
    created = submit(api, org["dangban"], title="任命", category="cadre_appointment")
    assert created["legal_required"] is False
    do(api, org, created["id"], "organization_review", "zuzhi",
       {"opinion": "approve", "comment": "合格", "discipline_opinion": "无问题"})
    do(api, org, created["id"], "risk_assessment", "dangban", {"level": "low", "notes": "低"})
    assert Decision.objects.get(pk=created["id"]).status == "communicate"


def test_legal_review_by_legal_counsel_only_and_bad_input_writes_nothing(org, api, web, clock):
    pk = submit(api, org["dangban"], category="large_fund", amount=900000)["id"]
    decision = _to_risk_done(api, org, pk)
    task = task_for(decision, "legal_review")
    for name in ("dangban", "shuji", "zhuanjia1", "shenji", "sj_b01"):
        assert complete(api, org[name], task, {"opinion": "lawful", "comment": "x"}).status_code == 403, name
    before = Opinion.objects.count()
    bad = complete(api, org["falv"], task, {"opinion": "legal", "comment": ""})
    assert bad.status_code == 400
    errors = bad.json()["errors"]
    assert "审查结论" in errors["opinion"][0] and "书面审查意见" in errors["comment"][0]
    assert Opinion.objects.count() == before and Decision.objects.get(pk=pk).status == "legal_review"
    page = web(org["falv"]).get(f"/workbench/tasks/{task.pk}/").content.decode()
    assert "附条件合法" in page and "书面审查意见" in page
    assert api(org["falv"]).get(f"/api/v1/decisions/{pk}/").status_code == 200
    other = submit(api, org["dangban"], title="无需审查的事项")["id"]
    assert api(org["falv"]).get(f"/api/v1/decisions/{other}/").status_code == 404
    do(api, org, pk, "legal_review", "falv", {"opinion": "conditional", "comment": "须补充招标程序"})
    decision.refresh_from_db()
    assert decision.status == "communicate"
    opinion = decision.opinions.get(step="legal_review")
    assert (opinion.author, opinion.opinion_label) == (org["falv"], "附条件合法")
    history = api(org["shenji"]).get(f"/api/v1/decisions/{pk}/history/").json()
    assert any(e["reason"] == "合法性审查：附条件合法" and e["user"] == "falv" for e in history)
    assert any(e["changes"].get("step") == ["legal_review", None] for e in history)


def test_unlawful_returns_to_revise_and_the_route_starts_over(org, api, clock):
    pk = submit(api, org["dangban"], category="major_project", amount=100000)["id"]
    _to_risk_done(api, org, pk)
    do(api, org, pk, "legal_review", "falv", {"opinion": "unlawful", "comment": "违反政府采购规定"})
    decision = Decision.objects.get(pk=pk)
    assert decision.status == "revise" and decision.was_returned()
    revised = {"title": "门诊楼改造项目（修改）", "category": "major_project", "summary": "改为公开招标",
               "department_unit": "b01", "amount": "100000"}
    do(api, org, pk, "revise", "dangban", revised)
    assert Decision.objects.get(pk=pk).status == "branch_review"
    _to_risk_done(api, org, pk)
    assert Decision.objects.get(pk=pk).status == "legal_review"


def test_office_meeting_by_the_president_after_legal_review(org, api, clock):
    pk = submit(api, org["dangban"], category="large_fund", amount=900000, needs_office_meeting=True)["id"]
    assert api(org["dangban"]).get(f"/api/v1/decisions/{pk}/").json()["needs_office_meeting"] is True
    _to_risk_done(api, org, pk)
    do(api, org, pk, "legal_review", "falv", {"opinion": "lawful", "comment": "合法"})
    decision = Decision.objects.get(pk=pk)
    assert decision.status == "office_meeting"
    task = task_for(decision, "office_meeting")
    today = START.date()
    payload = {"held_on": today.isoformat(), "conclusion": "support", "comment": "同意提交党委会"}
    for name in ("shuji", "dangban", "falv", "weiyuan1", "shenji"):
        assert complete(api, org[name], task, payload).status_code == 403, name
    before = Opinion.objects.count()
    future = complete(api, org["yuanzhang"], task, {**payload, "held_on": (today + timedelta(days=1)).isoformat(),
                                                    "conclusion": "maybe", "comment": ""})
    assert future.status_code == 400
    errors = future.json()["errors"]
    assert "不能晚于今天" in errors["held_on"][0] and "研究结论" in errors["conclusion"][0] and errors["comment"]
    assert Opinion.objects.count() == before and Decision.objects.get(pk=pk).status == "office_meeting"
    do(api, org, pk, "office_meeting", "yuanzhang", payload)
    decision.refresh_from_db()
    assert decision.status == "communicate"
    opinion = decision.opinions.get(step="office_meeting")
    assert opinion.held_on == today and opinion.author == org["yuanzhang"]
    data = api(org["dangban"]).get(f"/api/v1/decisions/{pk}/").json()
    assert any(o["step"] == "office_meeting" and o["held_on"] == today.isoformat() for o in data["opinions"])


def test_office_meeting_revise_returns_the_item(org, api, clock):
    pk = submit(api, org["dangban"], needs_office_meeting=True)["id"]
    _to_risk_done(api, org, pk)
    assert Decision.objects.get(pk=pk).status == "office_meeting"  # no legal review for this major matter
    do(api, org, pk, "office_meeting", "yuanzhang",
       {"held_on": START.date().isoformat(), "conclusion": "revise", "comment": "方案需细化"})
    decision = Decision.objects.get(pk=pk)
    assert decision.status == "revise"
    history = api(org["shenji"]).get(f"/api/v1/decisions/{pk}/history/").json()
    assert any(e["reason"] == "院长办公会研究：退回修改" for e in history)


def test_proposal_page_offers_the_new_requests(org, web):
    page = web(org["dangban"]).get("/decisions/new/").content.decode()
    assert "申请合法性审查" in page and "提请院长办公会先行研究" in page


def test_diagram_and_step_bar_show_the_new_steps(org, api, web, clock):
    from workflows.tasks import process_for
    from workflows.tasks.stepbar import step_bar

    pk = submit(api, org["dangban"], category="large_fund", amount=900000, needs_office_meeting=True)["id"]
    decision = _to_risk_done(api, org, pk)
    assert step_bar(process_for(decision)).text.startswith("第5步/共13步 · 合法性审查 · 等待：法律顾问")
    do(api, org, pk, "legal_review", "falv", {"opinion": "lawful", "comment": "合法"})
    assert step_bar(process_for(decision)).text.startswith("第6步/共13步 · 院长办公会研究 · 等待：院长")
    page = web(org["dangban"]).get(f"/decisions/{pk}/").content.decode()
    svg = re.sub(r"<[^>]+>|\s", "", page.split('class="hp-diagram', 1)[1])  # titles wrap over lines
    assert "合法性审查" in svg and "院长办公会研究" in svg and "事后报告确认" in svg


def test_legal_counsel_role_from_the_import_grants_the_legal_opinion_only(org, api):
    falv = org["falv"]
    assert falv.has_perm("workflows.give_legal_opinion") and not falv.has_perm("workflows.run_office")
    assert not org["dangban"].has_perm("workflows.give_legal_opinion")
    assert not org["shenji"].has_perm("workflows.give_legal_opinion")  # auditors never write
    roles = api(falv).get("/api/v1/me/").json()["roles"]
    assert {"role": "legal_counsel", "unit": None} in roles
