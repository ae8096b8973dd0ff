"""Decisions and meetings: the list pages and API lists cost the same at 3 and 25 rows."""

import pytest

from tests.decisions.helpers import do, submit

from .helpers import assert_same_cost, costs

DECISION_URLS = ["/decisions/", "/api/v1/decisions/", "/decisions/?status=risk_assessment",
                 "/api/v1/decisions/?q=议题"]
VIEWERS = ["dangban", "sj_b01", "shenji", "weiyuan1"]


def _propose_and_review(api, org, i):
    decision = submit(api, org["sj_b01"], title=f"议题{i:02d}", needs_expert_review=False)
    do(api, org, decision["id"], "branch_review", "sj_b01", {"opinion": "approve", "comment": "同意"})


@pytest.mark.django_db
def test_decision_lists_cost_the_same_at_any_size(org, api, viewers):
    for i in range(3):
        _propose_and_review(api, org, i)
    clients = viewers(*VIEWERS)
    small = costs(clients, DECISION_URLS)
    for i in range(3, 25):
        _propose_and_review(api, org, i)
    large = costs(clients, DECISION_URLS)
    assert_same_cost(small, large)


MEETING_URLS = ["/decisions/meetings/", "/api/v1/meetings/"]


def _meeting(api, org, i):
    from datetime import timedelta

    from django.utils import timezone

    from tests.decisions.helpers import schedule, to_awaiting_meeting

    decision = submit(api, org["dangban"], title=f"会议议题{i:02d}")
    to_awaiting_meeting(api, org, decision["id"])
    schedule(api, org, [decision["id"]], at=timezone.now() + timedelta(days=5 + i))


@pytest.mark.django_db
def test_meeting_lists_cost_the_same_at_any_size(org, api, viewers):
    for i in range(2):
        _meeting(api, org, i)
    clients = viewers("dangban", "shenji", "weiyuan1")  # branch secretaries see no meetings (404)
    small = costs(clients, MEETING_URLS)
    for i in range(2, 7):
        _meeting(api, org, i)
    large = costs(clients, MEETING_URLS)
    assert_same_cost(small, large)
