"""The stored 合规体检 on the page, in the API and the export: filtered and paged in the database."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from workflows.audit.compliance_refresh import refresh_compliance
from workflows.audit.compliance_store import ComplianceFailure, ComplianceRecord

pytestmark = pytest.mark.django_db
CODES = ("notice", "quorum", "minutes")


def seed(count, *, start=1):
    """`count` stored decision records: every third compliant, the others failing `notice` and maybe `quorum`."""
    now = timezone.now()
    records = []
    for pk in range(start, start + count):
        failing = [] if pk % 3 == 0 else (["notice", "quorum"] if pk % 3 == 1 else ["notice"])
        checks = [{"code": code, "label": f"检查{code}", "ok": code not in failing, "state": "", "detail": "说明"}
                  for code in CODES]
        records.append(ComplianceRecord(kind="decision", kind_label="三重一大决策", object_id=pk,
                                        title=f"议题{pk}", status="已归档", unit="内科党支部", url=f"/decisions/{pk}/",
                                        compliant=not failing, failures=len(failing), checks=checks, computed_at=now))
    ComplianceRecord.objects.bulk_create(records)
    ComplianceFailure.objects.bulk_create(
        ComplianceFailure(record=r, code=c["code"]) for r in records for c in r.checks if c["ok"] is False)


@pytest.fixture
def stored(org):
    refresh_compliance()  # the org's own subjects (terms), and the cursor
    ComplianceRecord.objects.all().delete()


def test_failing_items_first_and_paginated(org, api, web, stored):
    seed(65)
    body = api(org["shenji"]).get("/api/v1/compliance/?page_size=20").json()
    assert body["count"] == 65
    assert [r["failures"] for r in body["results"][:2]] == [2, 2] and body["results"][0]["id"] == 64
    last = api(org["shenji"]).get("/api/v1/compliance/?page_size=20&page=4").json()["results"]
    assert len(last) == 5 and all(r["compliant"] for r in last)
    html = web(org["shenji"]).get("/audit/compliance/?page=3").content.decode()
    assert "第 3 / 3 页，共 65 条" in html and "共 65 项，44 项存在问题" in html


def test_filter_by_failing_item(org, api, web, stored):
    seed(12)
    client = api(org["shenji"])
    assert client.get("/api/v1/compliance/?check=quorum").json()["count"] == 4
    assert client.get("/api/v1/compliance/?check=notice").json()["count"] == 8
    assert client.get("/api/v1/compliance/?check=minutes").json()["count"] == 0
    assert client.get("/api/v1/compliance/?failing=0").json()["count"] == 4
    assert client.get("/api/v1/compliance/?failing=1&kind=election").json()["count"] == 0
    quorum = client.get("/api/v1/compliance/?check=quorum").json()["results"]
    assert all("quorum" in r["failing_checks"] for r in quorum)
    html = web(org["shenji"]).get("/audit/compliance/?check=quorum").content.decode()
    assert "共 4 项，4 项存在问题" in html and "议题10" in html and "议题11" not in html


@pytest.mark.parametrize("query, field, message", [
    ("kind=bogus", "kind", "没有“bogus”这种类型"),
    ("check=bogus", "check", "没有“bogus”这个检查项"),
    ("failing=maybe", "failing", "只能是 1（是）或 0（否）"),
])
def test_bad_filters_are_refused_in_chinese(org, api, web, stored, query, field, message):
    for url in ("/api/v1/compliance/", "/api/v1/compliance/export/"):
        response = api(org["shenji"]).get(f"{url}?{query}")
        assert response.status_code == 400
        assert message in response.json()["errors"][field][0]
    for url in ("/audit/compliance/", "/audit/compliance/export/"):
        response = web(org["shenji"]).get(f"{url}?{query}")
        assert response.status_code == 400 and message in response.content.decode()


def test_export_streams_every_row(org, api, stored):
    seed(40)
    response = api(org["shenji"]).get("/api/v1/compliance/export/?check=quorum")
    assert response.status_code == 200 and response.streaming
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][0] == "类型" and len(rows) == 1 + 14 * len(CODES)
    assert rows[1][:3] == ("三重一大决策", 40, "议题40") and rows[1][5] == "2 项不符合"


def queries_of(fetch) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = fetch()
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [
    "/audit/compliance/", "/audit/compliance/?check=notice&failing=1", "/audit/compliance/export/",
])
def test_page_and_export_cost_the_same_at_two_sizes(org, web, stored, url):
    client = web(org["shenji"])
    seed(5)
    queries_of(lambda: client.get(url))  # warm: permissions loaded once per user
    small = queries_of(lambda: client.get(url))
    seed(90, start=100)
    assert queries_of(lambda: client.get(url)) == small


@pytest.mark.parametrize("url", [
    "/api/v1/compliance/", "/api/v1/compliance/?kind=decision&check=quorum", "/api/v1/compliance/export/",
])
def test_api_costs_the_same_at_two_sizes(org, api, stored, url):
    client = api(org["shenji"])
    seed(5)
    queries_of(lambda: client.get(url))  # warm: permissions loaded once per user
    small = queries_of(lambda: client.get(url))
    seed(90, start=100)
    assert queries_of(lambda: client.get(url)) == small
