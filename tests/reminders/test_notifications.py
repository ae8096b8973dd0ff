"""In-app notifications (list, mark read) and the reminder log, page and API."""

import pytest

from workflows.models import Notification, Reminder, Unit
from workflows.notifications import notify


def make_notes(user, n):
    for i in range(n):
        notify(recipients=[user], kind="generic", context={"title": f"通知{i}", "body": "内容"}, url="/workbench/")
    return list(Notification.objects.filter(user=user).order_by("pk"))


@pytest.mark.django_db
def test_notifications_api_mine_newest_first_paginated_and_mark_read(org, api):
    notes = make_notes(org["sj_b01"], 3)
    make_notes(org["b01_m1"], 1)
    body = api(org["sj_b01"]).get("/api/v1/notifications/").json()
    assert body["count"] == 3 and [r["id"] for r in body["results"]] == [n.pk for n in reversed(notes)]
    assert body["results"][0]["read"] is False
    assert api(org["sj_b01"]).get("/api/v1/notifications/?page_size=2").json()["next"]
    assert api(org["b01_m1"]).post(f"/api/v1/notifications/{notes[0].pk}/read/").status_code == 404
    read = api(org["sj_b01"]).post(f"/api/v1/notifications/{notes[0].pk}/read/").json()
    assert read["read"] is True
    assert api(org["sj_b01"]).get("/api/v1/notifications/?unread=1").json()["count"] == 2
    assert api(org["sj_b01"]).post("/api/v1/notifications/read/").json() == {"marked": 2}
    assert not Notification.objects.filter(user=org["sj_b01"], read_at__isnull=True).exists()
    assert Notification.objects.filter(user=org["b01_m1"], read_at__isnull=True).count() == 1
    assert api(None).get("/api/v1/notifications/").status_code == 401


@pytest.mark.django_db
def test_notification_page_lists_and_marks_read(org, client):
    notes = make_notes(org["sj_b01"], 25)
    client.force_login(org["sj_b01"])
    page = client.get("/notifications/")
    assert page.status_code == 200 and "第 1 / 2 页" in page.content.decode()
    assert 'class="hp-bell"' in client.get("/workbench/").content.decode()
    response = client.post(f"/notifications/{notes[0].pk}/read/", {"follow": "1"})
    assert response.status_code == 302 and response["Location"] == "/workbench/"
    notes[0].refresh_from_db()
    assert notes[0].read_at is not None
    client.force_login(org["b01_m1"])
    assert client.post(f"/notifications/{notes[1].pk}/read/").status_code == 404
    client.force_login(org["sj_b01"])
    client.post("/notifications/read/")
    assert not Notification.objects.filter(user=org["sj_b01"], read_at__isnull=True).exists()


@pytest.mark.django_db
def test_reminder_log_for_organisation_staff_party_secretary_and_auditors(org, api, client):
    from django.utils import timezone

    b01, b02 = Unit.objects.get(code="b01"), Unit.objects.get(code="b02")
    Reminder.objects.create(kind="term_180", target="term:1", period="end:2027-01-10", unit=b01,
                            recipients=["sj_b01", "zuzhi"], sent_at=timezone.now())
    Reminder.objects.create(kind="term_90", target="term:2", period="end:2027-03-01", unit=b02,
                            recipients=["sj_b02", "zuzhi"], sent_at=timezone.now())
    for name in ("zuzhi", "shuji", "shenji"):
        body = api(org[name]).get("/api/v1/reminders/?unit=b01").json()
        assert body["count"] == 1, name
        row = body["results"][0]
        assert (row["unit"], row["kind"], row["recipients"]) == ("b01", "term_180", ["sj_b01", "zuzhi"])
        assert row["sent_at"]
    assert api(org["zuzhi"]).get("/api/v1/reminders/").json()["count"] == 2
    for name in ("sj_b01", "b01_m1", "dangban", "weiyuan1"):
        assert api(org[name]).get("/api/v1/reminders/").status_code == 403, name
    client.force_login(org["zuzhi"])
    page = client.get("/notifications/reminders/?unit=b02")
    assert page.status_code == 200 and "sj_b02" in page.content.decode() and "sj_b01" not in page.content.decode()
    client.force_login(org["sj_b01"])
    assert client.get("/notifications/reminders/").status_code == 403
