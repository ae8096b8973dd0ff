"""Full routes of every category through the API."""

from datetime import timedelta

import pytest

from decisions.models import Decision, Opinion, Vote, VoteResult
from workflows.tasks import task_due

from .helpers import (
    COMMITTEE,
    START,
    attendance,
    do,
    open_tasks,
    schedule,
    submit,
    to_awaiting_meeting,
    vote_all,
)

pytestmark = pytest.mark.django_db


def _meeting_to_end(api, org, clock, ids, *, secretary_vote="agree", member_vote="agree"):
    meeting = schedule(api, org, ids)
    clock.move_to(meeting.scheduled_at + timedelta(minutes=5))
    assert attendance(api, org, meeting).status_code == 200
    for pk in ids:
        vote_all(api, org, pk, member_vote)
        do(api, org, pk, "secretary_vote", "shuji", {"vote": secretary_vote, "defer": False, "comment": "同意"})
    do(api, org, meeting, "minutes_draft", "dangban", {"text": "会议纪要正文"})
    do(api, org, meeting, "minutes_approve", "shuji", {"approve": True, "comment": ""})
    meeting.refresh_from_db()
    return meeting


@pytest.mark.parametrize(
    ("category", "amount", "experts"),
    [("major_matter", None, False), ("major_project", "100000", True), ("large_fund", "800000", True),
     ("large_fund", "1000", False)],
)
def test_full_route_passed_implemented_closed(org, api, clock, category, amount, experts):
    body = submit(api, org["dangban"], category=category, amount=amount)
    assert body["status"] == "branch_review" and body["active_steps"] == ["branch_review"]
    assert body["expert_required"] is experts
    pk = body["id"]
    to_awaiting_meeting(api, org, pk, experts=experts)
    meeting = _meeting_to_end(api, org, clock, [pk])
    decision = Decision.objects.get(pk=pk)
    assert decision.status == "implementing"
    assert decision.implementation_due == (meeting.minutes.approved_at.astimezone(START.tzinfo).date()
                                           + timedelta(days=30))
    result = api(org["weiyuan1"]).get(f"/api/v1/decisions/{pk}/").json()
    assert result["result"] == {"outcome": "passed", "agree": 9, "disagree": 0, "abstain": 0, "members": 9,
                                "present": 9}
    assert result["meeting_id"] == meeting.pk and result["active_steps"] == ["implement"]
    implement_task = open_tasks(decision, "implement").get()
    assert implement_task.owner == org["dangban"]
    assert task_due(implement_task).isoformat().startswith(decision.implementation_due.isoformat())
    do(api, org, pk, "implement", "dangban", {"report": "已完成一半", "done": False})
    assert Decision.objects.get(pk=pk).status == "implementing"
    do(api, org, pk, "implement", "dangban", {"report": "全部完成", "done": True})
    final = api(org["dangban"]).get(f"/api/v1/decisions/{pk}/").json()
    assert final["status"] == "closed" and final["active_steps"] == []
    assert Vote.objects.filter(decision_id=pk).count() == 9
    if experts:
        assert Opinion.objects.filter(decision_id=pk, step="expert_review").count() == 3


def test_cadre_appointment_route(org, api, clock):
    body = submit(api, org["dangban"], category="cadre_appointment", title="任命某某为内科主任",
                  needs_expert_review=True)
    assert body["status"] == "organization_review" and body["expert_required"] is False
    pk = body["id"]
    to_awaiting_meeting(api, org, pk, cadre=True)
    opinion = Opinion.objects.get(decision_id=pk, step="organization_review")
    assert opinion.discipline_opinion == "无廉政问题" and opinion.author == org["zuzhi"]
    assert not Opinion.objects.filter(decision_id=pk, step__in=["branch_review", "expert_review"]).exists()
    _meeting_to_end(api, org, clock, [pk])
    assert Decision.objects.get(pk=pk).status == "implementing"


def test_rejected_item_is_closed_directly(org, api, clock):
    pk = submit(api, org["dangban"])["id"]
    to_awaiting_meeting(api, org, pk)
    meeting = schedule(api, org, [pk])
    clock.move_to(meeting.scheduled_at)
    attendance(api, org, meeting)
    decision = Decision.objects.get(pk=pk)
    # 3 members + the secretary agree: 4 of 9 is not more than half -> rejected
    for n, task in enumerate(open_tasks(decision, "vote")):
        choice = "agree" if n < 3 else "disagree"
        api(task.owner).post(f"/api/v1/tasks/{task.pk}/complete/", {"vote": choice}, format="json")
    do(api, org, pk, "secretary_vote", "shuji", {"vote": "agree", "defer": False, "comment": ""})
    decision.refresh_from_db()
    assert decision.status == "rejected"
    result = VoteResult.objects.get(decision=decision)
    assert (result.outcome, result.agree, result.disagree, result.members) == ("rejected", 4, 5, 9)
    body = api(org["shuji"]).get(f"/api/v1/decisions/{pk}/").json()
    assert body["active_steps"] == [] and body["result"]["outcome"] == "rejected"
    assert len(COMMITTEE) == 9
    # 复议: a new route linked to the decided item; an undecided item cannot be reconsidered
    again = submit(api, org["dangban"], title="门诊楼改造项目（复议）", reconsider_of=pk)
    assert again["reconsider_of"] == pk and again["status"] == "branch_review"
    refused = api(org["dangban"]).post("/api/v1/decisions/", {
        "title": "x", "category": "major_matter", "summary": "x", "department_unit": "b01",
        "reconsider_of": again["id"]}, format="json")
    assert refused.status_code == 400 and "已表决" in refused.json()["errors"]["reconsider_of"][0]
