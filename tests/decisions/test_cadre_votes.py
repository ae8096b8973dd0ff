"""Cadre appointment votes (domain.md D): 同意/不同意/缓议, more than half of ALL members, 缓议 in minutes."""

import pytest

from decisions.minutes_docx import minutes_content
from decisions.models import Decision

from .helpers import complete, do, in_session, open_tasks, submit, to_awaiting_meeting

pytestmark = pytest.mark.django_db


def test_defer_votes_do_not_count_and_show_in_result_and_minutes(org, api, clock):
    pk = submit(api, org["dangban"], title="任命外科主任", category="cadre_appointment")["id"]
    to_awaiting_meeting(api, org, pk, cadre=True)
    meeting = in_session(api, org, clock, [pk])
    decision = Decision.objects.get(pk=pk)
    choices = iter(["agree"] * 3 + ["defer"] * 5)
    for task in open_tasks(decision, "vote"):
        assert complete(api, task.owner, task, {"vote": next(choices), "comment": ""}).status_code == 200
    data = do(api, org, pk, "secretary_vote", "shuji", {"vote": "agree", "comment": ""})
    # 4 agree of 9 members: not more than half of all, although nobody disagreed
    assert data["subject"]["result"] == {"outcome": "rejected", "agree": 4, "disagree": 0, "abstain": 0,
                                         "defer": 5, "members": 9, "present": 9}
    assert Decision.objects.get(pk=pk).status == "rejected"
    do(api, org, meeting, "minutes_draft", "dangban", {"text": "纪要"})
    (item,) = minutes_content(meeting)["items"]
    assert "缓议5票" in item["tally"] and "同意4票" in item["tally"] and "弃权" not in item["tally"]
