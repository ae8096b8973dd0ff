"""合规体检 registry, page, API and export, with a fake checker registered by the test."""

import io

import pytest
from openpyxl import load_workbook

from workflows.audit import compliance
from workflows.audit.compliance import Check, ComplianceItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_checker():
    def check_fake():
        yield ComplianceItem(kind="fake", object_id=1, title="合规的议题",
                             checks=[Check("notice", "会议通知提前送达", True, "提前 5 天")])
        yield ComplianceItem(kind="fake", object_id=2, title="有问题的议题", status="已归档", unit="内科党支部",
                             checks=[Check("notice", "会议通知提前送达", False, "仅提前 1 天且无紧急理由"),
                                     Check("quorum", "到会人数过半", True),
                                     Check("minutes", "纪要已签发", None, "尚未开会")])

    compliance.autodiscover()
    saved = dict(compliance._CHECKERS)
    compliance.register("fake", "测试事项")(check_fake)
    yield
    compliance._CHECKERS.clear()
    compliance._CHECKERS.update(saved)


def test_autodiscover_finds_domain_checkers():
    kinds = set(compliance.checkers())
    assert {"decision", "election"} <= kinds


def test_failing_items_first(fake_checker):
    items = compliance.compliance_items(kind="fake")
    assert [i.object_id for i in items] == [2, 1]
    assert not items[0].compliant and [c.code for c in items[0].failures] == ["notice"]
    assert items[1].compliant
    assert [i.object_id for i in compliance.compliance_items(kind="fake", failing_only=True)] == [2]


def test_api_lists_items_with_checklists(org, api, fake_checker):
    body = api(org["shenji"]).get("/api/v1/compliance/?kind=fake").json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first["id"] == 2 and first["kind"] == "fake" and first["kind_label"] == "测试事项"
    assert first["compliant"] is False and first["failures"] == 1
    assert first["checks"][0] == {"code": "notice", "label": "会议通知提前送达", "ok": False, "state": "fail",
                                  "detail": "仅提前 1 天且无紧急理由"}
    assert first["checks"][2]["ok"] is None
    assert api(org["shenji"]).get("/api/v1/compliance/?kind=fake&failing=1").json()["count"] == 1


def test_page_and_export(org, web, fake_checker):
    client = web(org["jiwei"])
    html = client.get("/audit/compliance/?kind=fake").content.decode()
    assert "合规体检" in html and html.index("有问题的议题") < html.index("合规的议题")
    assert "1 项不符合" in html and "仅提前 1 天且无紧急理由" in html
    response = client.get("/audit/compliance/export/?kind=fake")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "类型" and len(rows) == 1 + 3 + 1
    assert rows[1][:3] == ("测试事项", 2, "有问题的议题") and rows[1][7] == "不符合"


def test_compliance_refused_to_others(org, api, fake_checker):
    assert api(org["dangban"]).get("/api/v1/compliance/").status_code == 403
    assert api(org["sj_b01"]).get("/api/v1/compliance/export/").status_code == 403
