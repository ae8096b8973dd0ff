"""合规体检 registry, page, API and export, with a fake checker registered by the test."""

import io

import pytest
from openpyxl import load_workbook

from workflows.audit import compliance
from workflows.audit.compliance import Check, ComplianceItem, Watch
from workflows.models import Unit

from .compliance_helpers import refreshed

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_checker(org):
    """Two units checked: the first compliant, the second failing once; renaming a unit checks it again."""
    good, bad = Unit.objects.order_by("pk").values_list("pk", flat=True)[:2]

    def check_fake(ids):
        for unit in Unit.objects.filter(pk__in=[pk for pk in ids if pk in (good, bad)]):
            if unit.pk == good:
                yield ComplianceItem(kind="fake", object_id=good, title="合规的议题",
                                     checks=[Check("notice", "会议通知提前送达", True, "提前 5 天")])
            else:
                yield ComplianceItem(kind="fake", object_id=bad, title=f"有问题的议题{unit.name}", status="已归档",
                                     unit="内科党支部",
                                     checks=[Check("notice", "会议通知提前送达", False, "仅提前 1 天且无紧急理由"),
                                             Check("quorum", "到会人数过半", True),
                                             Check("minutes", "纪要已签发", None, "尚未开会")])

    compliance.autodiscover()
    saved = dict(compliance._CHECKERS)
    compliance.register("fake", "测试事项", subjects=lambda: Unit.objects.all(),
                        watches={"workflows.unit": Watch("id")}, checks={"notice": "会议通知提前送达"})(check_fake)
    refreshed()
    yield {"good": good, "bad": bad}
    compliance._CHECKERS.clear()
    compliance._CHECKERS.update(saved)


def test_autodiscover_finds_domain_checkers():
    assert {"decision", "election", "term"} <= set(compliance.checkers())


def test_failing_items_first(fake_checker):
    records = refreshed("fake")
    assert [r.object_id for r in records] == [fake_checker["bad"], fake_checker["good"]]
    assert not records[0].compliant and records[0].failures == 1 and records[1].compliant
    assert [r.object_id for r in refreshed("fake", failing=True)] == [fake_checker["bad"]]
    assert [r.object_id for r in refreshed("fake", failing=False)] == [fake_checker["good"]]


def test_api_lists_items_with_checklists(org, api, fake_checker):
    body = api(org["shenji"]).get("/api/v1/compliance/?kind=fake").json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first["id"] == fake_checker["bad"] and first["kind"] == "fake" and first["kind_label"] == "测试事项"
    assert first["compliant"] is False and first["failures"] == 1 and first["failing_checks"] == ["notice"]
    assert first["checks"][0] == {"code": "notice", "label": "会议通知提前送达", "ok": False, "state": "fail",
                                  "detail": "仅提前 1 天且无紧急理由"}
    assert first["checks"][2]["ok"] is None
    assert api(org["shenji"]).get("/api/v1/compliance/?kind=fake&failing=1").json()["count"] == 1
    assert api(org["shenji"]).get("/api/v1/compliance/?kind=fake&check=notice").json()["count"] == 1


def test_page_and_export(org, web, fake_checker):
    client = web(org["jiwei"])
    html = client.get("/audit/compliance/?kind=fake").content.decode()
    assert "合规体检" in html and html.index("有问题的议题") < html.index("合规的议题")
    assert "1 项不符合" in html and "仅提前 1 天且无紧急理由" in html and "体检结果更新于" in html
    response = client.get("/audit/compliance/export/?kind=fake")
    assert response.status_code == 200 and response.streaming
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][0] == "类型" and len(rows) == 1 + 3 + 1
    assert rows[1][:2] == ("测试事项", fake_checker["bad"]) and rows[1][2].startswith("有问题的议题")
    assert rows[1][7] == "不符合"


def test_a_renamed_subject_is_checked_again(org, fake_checker):
    from workflows.audit import audit_context

    unit = Unit.objects.get(pk=fake_checker["bad"])
    with audit_context(actor=org["zuzhi"], reason="更名"):
        unit.name = "心内科党总支"
        unit.save()
    assert refreshed("fake")[0].title == "有问题的议题心内科党总支"


def test_compliance_refused_to_others(org, api, fake_checker):
    assert api(org["dangban"]).get("/api/v1/compliance/").status_code == 403
    assert api(org["sj_b01"]).get("/api/v1/compliance/export/").status_code == 403
