"""Audit trail, notifications, reminders log, deliveries, 抄送我的, delegations, dashboards and the inbox:
each page and API list costs the same with 5 and 12 rows behind it."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.decisions.helpers import do, submit, task_for

from .helpers import assert_same_cost, costs

URLS_BY_VIEWER = {
    "shenji": ["/audit/", "/api/v1/audit/", "/audit/?action=changed", "/notifications/reminders/",
               "/api/v1/reminders/", "/decisions/dashboard/", "/api/v1/stats/decisions/", "/api/v1/stats/tasks/",
               "/api/v1/stats/terms/", "/decisions/dashboard/tasks/"],
    "jiwei": ["/audit/", "/api/v1/audit/"],
    "zuzhi": ["/notifications/reminders/", "/api/v1/reminders/"],
    "dangban": ["/notifications/", "/api/v1/notifications/", "/notifications/deliveries/", "/workbench/cc/",
                "/api/v1/cc/", "/decisions/dashboard/", "/decisions/dashboard/tasks/", "/workbench/",
                "/api/v1/tasks/"],
    "sj_b01": ["/workbench/", "/api/v1/tasks/", "/notifications/", "/api/v1/notifications/"],
    "weiyuan1": ["/workbench/delegations/", "/api/v1/delegations/", "/api/v1/consultations/", "/workbench/cc/"],
}


def _activity(api, org, start, stop):
    from workflows.actions.cc import task_cc
    from workflows.actions.delegation import delegation_create
    from workflows.models import Reminder, Unit
    from workflows.notifications.service import notify

    unit = Unit.objects.get(code="b01")
    for i in range(start, stop):
        decision = submit(api, org["sj_b01"], title=f"议题{i:02d}")
        task_cc(task=task_for(_decision(decision), "branch_review"),
                user=org["sj_b01"], to=[org["dangban"], org["weiyuan1"]], note="请阅")
        do(api, org, decision["id"], "branch_review", "sj_b01", {"opinion": "approve", "comment": "同意"})
        notify(recipients=[org["dangban"], org["sj_b01"]], kind="generic",
               context={"title": f"通知{i}", "body": "请阅"}, url="/workbench/", unit=unit)
        Reminder.objects.create(kind=Reminder.Kind.TERM_180, target=f"term:{1000 + i}", period=f"p{i}", unit=unit,
                                recipients=[org["zuzhi"].pk, org["sj_b01"].pk], sent_at=timezone.now())
        first = date.today() + timedelta(days=30 + 10 * i)
        delegation_create(user=org["weiyuan1"], delegate=org["weiyuan2"], starts=first,
                          ends=first + timedelta(days=3), reason="business_trip")


def _decision(data):
    from decisions.models import Decision

    return Decision.objects.get(pk=data["id"])


@pytest.mark.django_db
def test_activity_lists_cost_the_same_at_any_size(org, api, viewers):
    _activity(api, org, 0, 5)
    clients = viewers(*URLS_BY_VIEWER)
    small = {}
    for name, urls in URLS_BY_VIEWER.items():
        small.update(costs({name: clients[name]}, urls))
    _activity(api, org, 5, 12)
    large = {}
    for name, urls in URLS_BY_VIEWER.items():
        large.update(costs({name: clients[name]}, urls))
    assert_same_cost(small, large)
