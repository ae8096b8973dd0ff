"""Auditors read the stored 合规体检 and filter it by failing item, phone and desktop."""

import pytest

from tests.decisions.helpers import do, submit
from workflows.audit.compliance_refresh import refresh_compliance
from workflows.audit.compliance_store import ComplianceFailure, ComplianceRecord

from .helpers import Browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_auditor_filters_the_compliance_check(org, api, page, live_server):
    late = submit(api, org["dangban"], title="门诊楼改造项目（东侧入口及候诊区）")["id"]
    do(api, org, late, "branch_review", "sj_b01", {"opinion": "approve", "comment": "同意"})
    submit(api, org["dangban"], title="购置彩色多普勒超声诊断仪")
    refresh_compliance()
    record = ComplianceRecord.objects.get(kind="decision", object_id=late)
    notice = next(c for c in record.checks if c["code"] == "notice")
    notice.update(ok=False, state="fail", detail="仅提前 1 天通知，且未说明紧急理由")
    ComplianceRecord.objects.filter(pk=record.pk).update(checks=record.checks, compliant=False, failures=1)
    ComplianceFailure.objects.create(record=record, code="notice")

    b = Browser(page, live_server, name="compliance")
    b.sign_in("shenji")
    b.goto("/audit/compliance/")
    text = b.text()
    assert "体检结果更新于" in text and "1 项不符合" in text
    assert text.index("门诊楼改造项目") < text.index("购置彩色多普勒超声诊断仪")
    for selector in ("select[name=check]", "form.hp-filters button[type=submit]"):
        assert page.locator(selector).bounding_box()["height"] >= 44
    page.select_option("select[name=check]", "notice")
    page.click("form.hp-filters button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    b.check_page()
    text = b.text()
    assert "仅提前 1 天通知" in text and "购置彩色多普勒超声诊断仪" not in text
