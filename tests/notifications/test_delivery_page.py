"""The office's 发送记录 page: failed and waiting deliveries, with 重试."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from workflows.models import Delivery, Unit
from workflows.notifications import notify


def failed_rows(org, n, start=0):
    for i in range(start, start + n):
        user = org[f"b01_m{i % 8 + 1}"]
        user.email = f"{user.username}@example.org"
        user.save()
        notify(recipients=[user], kind="generic", context={"title": f"通知{i}", "body": "b"})
    Delivery.objects.filter(status="pending").update(
        status="failed", attempts=8, last_error="无法连接服务器：ConnectionRefusedError: [Errno 111]")


@pytest.mark.django_db
def test_office_sees_failed_deliveries_with_error_attempts_and_retry(org, client):
    failed_rows(org, 2)
    notify(recipients=[], kind="generic", context={"title": "群消息", "body": "b"},
           unit=Unit.objects.get(code="b01"))  # no channels set: nothing queued
    client.force_login(org["dangban"])
    html = client.get("/notifications/deliveries/").content.decode()
    assert "发送记录" in html and "通知0" in html and "通知1" in html and "8 次" in html
    assert "无法连接服务器" in html and "重试" in html and "内科党员1" in html
    assert "/notifications/deliveries/" in client.get("/notifications/").content.decode()  # in the menu
    row = Delivery.objects.get(title="通知0")
    response = client.post(f"/notifications/deliveries/{row.pk}/retry/", {"next": "/notifications/deliveries/"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts, row.retried_by) == ("pending", 0, org["dangban"])
    assert row.next_try_at <= timezone.now()
    html = client.get("/notifications/deliveries/?status=pending").content.decode()
    assert "已重新排队" in html and "通知0" in html and "通知1" not in html and "党办陈 于" in html
    row.status = "delivered"
    row.save()
    client.post(f"/notifications/deliveries/{row.pk}/retry/")
    assert "该消息已送达，无需重试" in client.get("/notifications/deliveries/").content.decode()
    row.refresh_from_db()
    assert row.status == "delivered"


@pytest.mark.django_db
def test_no_one_but_office_staff_sees_or_retries(org, client):
    failed_rows(org, 1)
    row = Delivery.objects.get()
    for name in ("sj_b01", "shenji", "zuzhi", "shuji"):
        client.force_login(org[name])
        assert client.get("/notifications/deliveries/").status_code == 403, name
        assert client.post(f"/notifications/deliveries/{row.pk}/retry/").status_code == 403, name
        assert "/notifications/deliveries/" not in client.get("/notifications/").content.decode()
    row.refresh_from_db()
    assert row.status == "failed" and row.retried_by is None


@pytest.mark.django_db
def test_the_page_costs_the_same_at_any_size(org, client):
    client.force_login(org["dangban"])
    failed_rows(org, 3)
    client.get("/notifications/deliveries/")  # warm caches

    def cost():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/notifications/deliveries/").status_code == 200
        return len(queries.captured_queries)

    small = cost()
    failed_rows(org, 60, start=3)
    assert cost() == small
    assert "第 1 / 3 页" in client.get("/notifications/deliveries/").content.decode()
