"""The auditor's trail: API, page, Excel export, filters, access; workflow steps in history."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from tests.foundation.sample_flow import SampleFlow
from workflows.audit import audit_context
from workflows.models import Term, Unit

pytestmark = pytest.mark.django_db

READERS = ["shenji", "jiwei", "shuji"]
REFUSED = ["dangban", "zuzhi", "weiyuan1", "sj_b01", "b01_m1", "outsider", "zhuanjia1"]


def rename_unit(user, code="b01", name="内科第一党支部", reason="支部更名"):
    unit = Unit.objects.get(code=code)
    with audit_context(actor=user, reason=reason):
        unit.name = name
        unit.save()
    return unit


@pytest.mark.parametrize("username", READERS)
def test_readers_get_the_trail(org, api, username):
    response = api(org[username]).get("/api/v1/audit/")
    assert response.status_code == 200
    assert response.json()["count"] > 0


@pytest.mark.parametrize("username", REFUSED)
def test_others_are_refused(org, api, web, username):
    response = api(org[username]).get("/api/v1/audit/")
    assert response.status_code == 403
    assert response.json()["errors"]["non_field_errors"] == ["您无权执行此操作。"]
    assert api(org[username]).get("/api/v1/compliance/").status_code == 403
    assert api(org[username]).get("/api/v1/audit/export/").status_code == 403
    client = web(org[username])
    for url in ("/audit/", "/audit/export/", "/audit/compliance/", "/audit/compliance/export/", "/audit/integrity/"):
        assert client.get(url).status_code == 403, url


def test_anonymous_gets_401_and_login_redirect(client, api, org):
    assert api().get("/api/v1/audit/").status_code in (401, 403)
    response = client.get("/audit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_entry_shape_and_field_diff(org, api):
    rename_unit(org["dangban"])
    body = api(org["shenji"]).get("/api/v1/audit/?model=workflows.unit&user=dangban").json()
    assert body["count"] == 1
    entry = body["results"][0]
    assert set(entry) >= {"at", "user", "action", "object", "changes", "reason", "history_id", "model",
                          "object_id", "record_hash"}
    unit = Unit.objects.get(code="b01")
    assert entry["user"] == "dangban" and entry["action"] == "changed"
    assert entry["object"] == f"unit:{unit.pk}" and entry["object_id"] == unit.pk
    assert entry["changes"] == {"name": ["内科党支部", "内科第一党支部"]}
    assert entry["reason"] == "支部更名" and len(entry["record_hash"]) == 64


def test_filters_user_model_unit_and_dates(org, api):
    client = api(org["shenji"])
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        rename_unit(org["dangban"], code="b02", name="外科第一党支部")
        term = Term.objects.get(unit__code="b02", status="current")
        with audit_context(actor=org["zuzhi"], reason="批准延期"):
            term.postponed_until = term.ends + timedelta(days=100)
            term.postpone_reason = "疫情"
            term.save()
    later = (timezone.localdate() + timedelta(days=10)).isoformat()
    by_zuzhi = client.get("/api/v1/audit/?user=zuzhi").json()
    assert by_zuzhi["count"] == 1 and by_zuzhi["results"][0]["model"] == "workflows.term"
    b02 = client.get(f"/api/v1/audit/?unit=b02&since={later}").json()
    assert {e["model"] for e in b02["results"]} == {"workflows.unit", "workflows.term"}
    assert client.get(f"/api/v1/audit/?unit=b01&since={later}").json()["count"] == 0
    assert client.get(f"/api/v1/audit/?until={timezone.localdate().isoformat()}&user=zuzhi").json()["count"] == 0
    everything_b02 = client.get("/api/v1/audit/?unit=b02&model=workflows.user").json()
    assert everything_b02["count"] == 11  # the 11 people of b02, each created once by import_org
    assert all(e["reason"] == "组织导入：tests" for e in everything_b02["results"])


def test_bad_filters_are_400_in_chinese(org, api):
    client = api(org["shenji"])
    response = client.get("/api/v1/audit/?since=2026-13-01&unit=nope&model=x.y&user=ghost")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["since"] == ["日期格式应为 YYYY-MM-DD。"]
    assert errors["unit"] == ["没有这个党组织：nope。"]
    assert errors["user"] == ["没有这个用户：ghost。"]
    assert "没有这种记录类型" in errors["model"][0]
    response = client.get("/api/v1/audit/?since=2026-05-02&until=2026-05-01")
    assert response.json()["errors"]["until"] == ["截止日期不能早于起始日期。"]


def test_trail_is_paginated_newest_first(org, api):
    client = api(org["shenji"])
    body = client.get("/api/v1/audit/?page_size=5").json()
    assert body["count"] > 5 and len(body["results"]) == 5 and body["next"]
    stamps = [e["at"] for e in body["results"]]
    assert stamps == sorted(stamps, reverse=True)
    second = client.get("/api/v1/audit/?page_size=5&page=2").json()
    keys = {(e["model"], e["history_id"]) for e in body["results"]}
    assert len(second["results"]) == 5 and not keys & {(e["model"], e["history_id"]) for e in second["results"]}
    assert second["results"][0]["at"] <= stamps[-1]


def test_workflow_steps_are_in_history(org, api):
    """Started, assigned, completed — by whom — are rows of the Task and Process history."""
    process = SampleFlow.start.run(subject=Unit.objects.get(code="b01"))
    task = process.task_set.get(flow_task_type="HUMAN")
    office = api(org["dangban"])
    assert office.post(f"/api/v1/tasks/{task.pk}/claim/").status_code == 200
    assert office.post(f"/api/v1/tasks/{task.pk}/complete/", {"opinion": "approve"}, format="json").status_code == 200
    rows = list(task.history.order_by("history_id"))
    assert rows[0].history_type == "+" and rows[0].status == "NEW" and rows[0].owner_id is None
    assigned = [r for r in rows if r.status == "ASSIGNED"]
    assert assigned and assigned[0].owner_id == org["dangban"].pk and assigned[0].history_user == org["dangban"]
    done = rows[-1]
    assert done.status == "DONE" and done.history_user == org["dangban"] and done.finished is not None
    assert process.history.filter(status="DONE").exists()
    body = api(org["shenji"]).get(f"/api/v1/audit/?process={process.pk}&model=viewflow.task").json()
    statuses = [e["changes"].get("status") for e in body["results"]]
    assert ["ASSIGNED", "DONE"] in statuses or ["STARTED", "DONE"] in statuses
    assert body["count"] == Task_history(process).count()
    flow_body = api(org["shenji"]).get("/api/v1/audit/?flow=sample&model=viewflow.process").json()
    assert flow_body["count"] >= 1
    from django.core.management import call_command

    out = io.StringIO()
    call_command("verify_history", stdout=out)
    assert "历史记录完整" in out.getvalue()


def Task_history(process):
    from viewflow.workflow.models import Task

    return Task.history.filter(process_id=process.pk)


def test_trail_page_shows_diffs_and_filters(org, web):
    rename_unit(org["dangban"])
    client = web(org["shenji"])
    response = client.get("/audit/?model=workflows.unit&user=dangban")
    assert response.status_code == 200
    html = response.content.decode()
    assert "全局变更记录" in html and "内科党支部" in html and "内科第一党支部" in html and "支部更名" in html
    assert "名称" in html  # verbose field name
    assert client.get("/audit/?since=bad").status_code == 400


def test_excel_export_of_filtered_trail(org, web, api):
    rename_unit(org["dangban"])
    for response in (
        web(org["shenji"]).get("/audit/export/?model=workflows.unit&user=dangban"),
        api(org["jiwei"]).get("/api/v1/audit/export/?model=workflows.unit&user=dangban"),
    ):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:4] == ("时间", "操作人", "操作", "记录类型")
        assert len(rows) == 2
        assert rows[1][1] == "党办陈" and rows[1][2] == "修改" and rows[1][5] == "名称"
        assert rows[1][6:9] == ("内科党支部", "内科第一党支部", "支部更名")


def test_export_never_writes_formulas(org, web):
    rename_unit(org["dangban"], name="=HYPERLINK(\"http://x\")")
    response = web(org["shenji"]).get("/audit/export/?model=workflows.unit&user=dangban")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=8).value.startswith("'=")


def test_integrity_page(org, web):
    from django.core.management import call_command

    from workflows.audit.sealer import seal_history

    client = web(org["shenji"])
    assert "尚未校验" in client.get("/audit/integrity/").content.decode()
    checkpoint = seal_history()
    call_command("verify_history", stdout=io.StringIO())
    rename_unit(org["dangban"])
    html = client.get("/audit/integrity/").content.decode()
    assert "印章、账本与检查点全部有效" in html and f"#{checkpoint.seq}" in html
    assert "<dt>待封存</dt><dd>1 条" in html and f"<dt>已封存</dt><dd>{checkpoint.count} 条" in html


def test_integrity_page_shows_a_failed_verification(org, web):
    """The cron check stores its outcome; a record altered behind the ORM shows up on the page."""
    from django.core.management import CommandError, call_command
    from django.db import connection

    from workflows.audit.sealer import seal_history

    from .helpers import tamper

    seal_history()
    history = Unit.history.model
    target = history.objects.order_by("history_id").first()
    tamper(f"UPDATE {connection.ops.quote_name(history._meta.db_table)} SET name = %s WHERE history_id = %s",
           ["篡改后的名称", target.history_id])
    with pytest.raises(CommandError):
        call_command("verify_history", stdout=io.StringIO())
    html = web(org["shenji"]).get("/audit/integrity/").content.decode()
    assert "完整校验未通过" in html and "被修改" in html and f"history_id={target.history_id}" in html


def test_integrity_page_costs_the_same_at_any_history_size(org, api, web):
    from workflows.audit.sealer import seal_history

    client = web(org["shenji"])
    seal_history()
    rename_unit(org["dangban"])
    client.get("/audit/integrity/")
    small = _trail_queries(client, "/audit/integrity/")
    _decisions_with_history(api, org, 10)
    seal_history()
    rename_unit(org["dangban"], name="内科第二党支部")
    assert _trail_queries(client, "/audit/integrity/") == small


def test_unit_page_has_history_section(org, web):
    rename_unit(org["dangban"])
    response = web(org["shenji"]).get("/organisation/units/b01/")
    html = response.content.decode()
    assert response.status_code == 200 and "变更记录" in html and "支部更名" in html
    # a member of the branch sees the page but not its audit history
    member_html = web(org["b01_m1"]).get("/organisation/units/b01/").content.decode()
    assert "支部更名" not in member_html


def test_unit_filter_reaches_workflow_steps_through_the_subject(org, api):
    process = SampleFlow.start.run(subject=Unit.objects.get(code="b01"))
    client = api(org["shenji"])
    b01 = client.get("/api/v1/audit/?unit=b01&model=viewflow.task").json()
    assert b01["count"] >= 1
    assert {e["object_id"] for e in b01["results"]} <= set(process.task_set.values_list("pk", flat=True))
    assert b01["results"][0]["object_label"] == "流程步骤"
    assert client.get("/api/v1/audit/?unit=b02&model=viewflow.task").json()["count"] == 0


def test_history_tab_entries_are_readable(org):
    from workflows.audit.trail import history_tab_entries

    term = Term.objects.get(unit__code="b01", status="current")
    with audit_context(actor=org["zuzhi"], reason="届满"):
        term.status = Term.Status.ENDED
        term.save()
    newest = history_tab_entries(term)[0]
    assert newest["user_name"] == "组织周" and newest["reason"] == "届满"
    assert newest["changes_display"] == [{"field": "status", "label": "状态", "old": "在任", "new": "已届满换届"}]
    created = history_tab_entries(term)[-1]
    unit_change = next(c for c in created["changes_display"] if c["field"] == "unit_id")
    assert unit_change["label"] == "党组织" and unit_change["new"].startswith("内科党支部")


def _trail_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def _decisions_with_history(api, org, count):
    from tests.decisions.helpers import do, submit

    for _ in range(count):
        pk = submit(api, org["sj_b01"])["id"]
        do(api, org, pk, "branch_review", "sj_b01", {"opinion": "approve", "comment": "同意"})


@pytest.mark.parametrize("url", ["/audit/?page_size=20", "/api/v1/audit/?page_size=20",
                                 "/audit/?model=decisions.decision&page_size=20",
                                 "/api/v1/audit/?model=decisions.decision&page_size=20"])
def test_trail_labels_linked_records_without_a_query_per_row(org, api, web, url):
    """Both sizes fill the page; the larger one has many more records behind it."""
    _decisions_with_history(api, org, 8)
    client = web(org["shenji"]) if url.startswith("/audit/") else api(org["shenji"])
    _trail_queries(client, url)  # warm per-process caches
    small = _trail_queries(client, url)
    _decisions_with_history(api, org, 12)
    assert _trail_queries(client, url) == small
