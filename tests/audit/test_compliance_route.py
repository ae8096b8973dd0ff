"""合规体检 of the second-round steps: 合法性审查, 院长办公会, 事后报告."""

import pytest

from decisions.models import Decision, Opinion
from tests.decisions.helpers import START, do, in_session, submit
from workflows.audit import audit_context

from .compliance_helpers import refreshed
from .test_compliance_checkers import clock, states  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def checks_of(decision):
    return states(next(r.check_list() for r in refreshed("decision") if r.object_id == decision.pk))


def test_legal_and_office_meeting_checks(org, api, clock):  # noqa: F811
    pk = submit(api, org["dangban"], category="large_fund", amount=900000, needs_office_meeting=True)["id"]
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "approve", "comment": ""})
    for name in ("zhuanjia1", "zhuanjia2", "zhuanjia3"):
        do(api, org, pk, "expert_review", name, {"opinion": "agree", "comment": "可行"})
    do(api, org, pk, "risk_assessment", "dangban", {"level": "low", "notes": "低"})
    assert checks_of(Decision.objects.get(pk=pk))["legal_review"] is None  # not reached yet
    do(api, org, pk, "legal_review", "falv", {"opinion": "lawful", "comment": "合法"})
    do(api, org, pk, "office_meeting", "yuanzhang",
       {"held_on": START.date().isoformat(), "conclusion": "support", "comment": "同意"})
    decision = Decision.objects.get(pk=pk)
    result = checks_of(decision)
    assert result["legal_review"] is True and result["office_meeting"] is True
    with audit_context(actor=org["dangban"], reason="测试：删除审查记录"):
        Opinion.objects.filter(decision=decision, step="legal_review").delete()
    assert checks_of(decision)["legal_review"] is False


def test_urgent_report_checks(org, api, clock):  # noqa: F811
    response = api(org["dangban"]).post("/api/v1/decisions/urgent/", {
        "title": "紧急抢修", "category": "major_matter", "summary": "抢修", "department_unit": "b01",
        "reason": "停电", "decided_on": "2026-03-01"}, format="json")
    pk = response.json()["id"]
    for name in ("shuji", "yuanzhang"):
        do(api, org, pk, "urgent_confirm", name, {"agree": True, "comment": ""})
    decision = Decision.objects.get(pk=pk)
    assert checks_of(decision) == {"urgent_confirm": True, "reported": None, "minutes": None, "execution": None}
    meeting = in_session(api, org, clock, [pk])
    do(api, org, meeting, "minutes_draft", "dangban", {"text": "纪要"})
    do(api, org, meeting, "minutes_approve", "shuji", {"approve": True})
    result = checks_of(Decision.objects.get(pk=pk))
    assert result["reported"] is True and result["minutes"] is True and result["execution"] is None
