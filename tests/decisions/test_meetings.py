"""Meeting notice, attendance, quorum, recusal, votes, the secretary's last vote, minutes."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from decisions.models import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Minutes,
    MinutesCorrection,
    Vote,
    VoteResult,
)
from workflows.models import Notification

from .helpers import (
    COMMITTEE,
    START,
    attendance,
    complete,
    do,
    open_tasks,
    schedule,
    submit,
    task_for,
    to_awaiting_meeting,
    vote_all,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(org, api, clock):
    """One ordinary decision awaiting a meeting."""
    pk = submit(api, org["dangban"])["id"]
    to_awaiting_meeting(api, org, pk)
    return pk


def _post_meeting(api, org, agenda, at, **extra):
    return api(org["dangban"]).post("/api/v1/meetings/", {
        "title": "党委会", "scheduled_at": at.isoformat(), "place": "会议室", "agenda": agenda, **extra},
        format="json")


def test_notice_period_and_urgent_reason(org, api, ready):
    short = _post_meeting(api, org, [ready], START + timedelta(days=2))
    assert short.status_code == 400 and "至少提前3天" in short.json()["errors"]["scheduled_at"][0]
    no_reason = _post_meeting(api, org, [ready], START + timedelta(days=1), urgent=True)
    assert no_reason.status_code == 400 and "紧急理由" in no_reason.json()["errors"]["urgent_reason"][0]
    assert api(org["weiyuan1"]).post("/api/v1/meetings/", {}, format="json").status_code == 403
    assert Meeting.objects.count() == 0 and not Notification.objects.filter(kind="meeting_notice").exists()
    urgent = _post_meeting(api, org, [ready], START + timedelta(hours=3), urgent=True, urgent_reason="疫情防控紧急采购")
    assert urgent.status_code == 201
    assert urgent.json()["agenda"][0]["decision_id"] == ready


def test_notice_reaches_every_committee_member(org, api, ready):
    meeting = schedule(api, org, [ready])
    notified = set(Notification.objects.filter(kind="meeting_notice").values_list("user__username", flat=True))
    assert notified == set(COMMITTEE)
    assert meeting.issue_label == "〔2026〕第1期"
    assert "党委会" in Notification.objects.filter(kind="meeting_notice").first().title


def test_agenda_item_must_be_awaiting_meeting(org, api, clock):
    early = submit(api, org["dangban"])["id"]
    response = _post_meeting(api, org, [early], START + timedelta(days=5))
    assert response.status_code == 400 and "待上会" in response.json()["errors"]["agenda"][0]
    assert Meeting.objects.count() == 0


def test_attendance_only_from_meeting_time(org, api, ready, clock):
    meeting = schedule(api, org, [ready])
    early = attendance(api, org, meeting)
    assert early.status_code == 409 and "会议尚未开始" in early.json()["errors"]["non_field_errors"][0]
    assert not Attendance.objects.exists()
    clock.move_to(meeting.scheduled_at)
    task = task_for(meeting, "attendance")
    assert complete(api, org["weiyuan1"], task, {"present": COMMITTEE}).status_code == 403
    bad = complete(api, org["dangban"], task, {"present": ["outsider"]})
    assert bad.status_code == 400 and "不是党委委员" in bad.json()["errors"]["present"][0]
    assert attendance(api, org, meeting).status_code == 200
    assert Decision.objects.get(pk=ready).status == "voting"
    # everyone but the presiding secretary gets a vote task
    owners = sorted(t.owner.username for t in open_tasks(Decision.objects.get(pk=ready), "vote"))
    assert owners == sorted(n for n in COMMITTEE if n != "shuji")


def test_no_quorum_item_goes_back_to_awaiting_meeting(org, api, ready, clock):
    meeting = schedule(api, org, [ready])
    clock.move_to(meeting.scheduled_at)
    # 5 present, one recused -> 4 of 9 is not more than half
    response = attendance(api, org, meeting, present=["shuji", "weiyuan1", "weiyuan2", "weiyuan3", "weiyuan4"],
                          recusals={str(ready): {"weiyuan4": "涉及本人亲属"}})
    assert response.status_code == 200
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.outcome == "no_quorum" and "未达到全体委员9人的半数以上" in item.note
    decision = Decision.objects.get(pk=ready)
    assert decision.status == "awaiting_meeting" and not open_tasks(decision, "vote").exists()
    assert open_tasks(decision, "awaiting_meeting").exists()
    # the meeting goes straight to the minutes; the item can go on a later meeting
    assert open_tasks(meeting, "minutes_draft").exists()
    later = schedule(api, org, [ready], at=meeting.scheduled_at + timedelta(days=7))
    assert later.items.count() == 1


def test_cadre_quorum_two_thirds(org, api, clock):
    pk = submit(api, org["dangban"], category="cadre_appointment")["id"]
    to_awaiting_meeting(api, org, pk, cadre=True)
    meeting = schedule(api, org, [pk])
    clock.move_to(meeting.scheduled_at)
    attendance(api, org, meeting, present=COMMITTEE[:5])  # 5 of 9 < two thirds
    assert AgendaItem.objects.get(meeting=meeting).outcome == "no_quorum"
    second = schedule(api, org, [pk], at=meeting.scheduled_at + timedelta(days=7))
    clock.move_to(second.scheduled_at)
    attendance(api, org, second, present=COMMITTEE[:6])  # 6 of 9 = two thirds
    assert AgendaItem.objects.get(meeting=second).outcome == "voting"


def test_recused_member_gets_no_vote_task_and_cannot_vote(org, api, ready, clock):
    from decisions import services

    meeting = schedule(api, org, [ready])
    clock.move_to(meeting.scheduled_at)
    attendance(api, org, meeting, recusals={str(ready): {"weiyuan1": "本人近亲属"}})
    decision = Decision.objects.get(pk=ready)
    owners = {t.owner.username for t in open_tasks(decision, "vote")}
    assert "weiyuan1" not in owners and len(owners) == 7
    with pytest.raises(Exception) as refused:
        services.vote_cast(decision=decision, user=org["weiyuan1"], vote="agree")
    assert "回避" in str(refused.value)
    assert not Vote.objects.filter(member=org["weiyuan1"]).exists()


def test_each_member_votes_once_and_secretary_last(org, api, ready, clock):
    meeting = schedule(api, org, [ready])
    clock.move_to(meeting.scheduled_at)
    attendance(api, org, meeting)
    decision = Decision.objects.get(pk=ready)
    task = task_for(decision, "vote", org["weiyuan1"])
    assert complete(api, org["weiyuan1"], task, {"vote": "maybe"}).status_code == 400
    assert complete(api, org["weiyuan1"], task, {"vote": "agree"}).status_code == 200
    again = complete(api, org["weiyuan1"], task, {"vote": "disagree"})
    assert again.status_code == 409
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(decision=decision, meeting=meeting, member=org["weiyuan1"], vote="disagree")
    assert Vote.objects.get(member=org["weiyuan1"]).vote == "agree"
    vote_all(api, org, ready, skip=("yuanzhang",))
    assert not open_tasks(decision, "secretary_vote").exists()
    do(api, org, ready, "vote", "yuanzhang", {"vote": "abstain", "comment": "弃权"})
    assert open_tasks(decision, "secretary_vote").count() == 1
    task = task_for(decision, "secretary_vote")
    assert task.owner == org["shuji"]
    assert complete(api, org["weiyuan2"], task, {"vote": "agree"}).status_code == 403
    missing = complete(api, org["shuji"], task, {"defer": False})
    assert missing.status_code == 400 and "请选择表决意见" in missing.json()["errors"]["vote"][0]


def test_passed_needs_more_than_half_of_all_members_not_of_present(org, api, clock):
    ids = [submit(api, org["dangban"], title=f"议题{i}")["id"] for i in range(2)]
    for pk in ids:
        to_awaiting_meeting(api, org, pk)
    meeting = schedule(api, org, ids)
    clock.move_to(meeting.scheduled_at)
    present = ["shuji", "weiyuan1", "weiyuan2", "weiyuan3", "weiyuan4"]
    attendance(api, org, meeting, present=present)
    # item 0: all 5 present agree -> 5 > 4.5 passes
    vote_all(api, org, ids[0], "agree")
    do(api, org, ids[0], "secretary_vote", "shuji", {"vote": "agree"})
    # item 1: 4 agree + 1 abstain: a majority of those present, but 4 of 9 is not more than half
    vote_all(api, org, ids[1], "agree", skip=("weiyuan4",))
    do(api, org, ids[1], "vote", "weiyuan4", {"vote": "abstain"})
    assert not open_tasks(meeting, "minutes_draft").exists()  # item 1 still open
    do(api, org, ids[1], "secretary_vote", "shuji", {"vote": "agree"})
    first, second = (VoteResult.objects.get(decision_id=pk) for pk in ids)
    assert (first.outcome, first.agree, first.members, first.present) == ("passed", 5, 9, 5)
    assert (second.outcome, second.agree, second.abstain) == ("rejected", 4, 1)
    assert Decision.objects.get(pk=ids[1]).status == "rejected"
    assert open_tasks(meeting, "minutes_draft").exists()


def test_defer_returns_item_to_a_later_meeting(org, api, ready, clock):
    meeting = schedule(api, org, [ready])
    clock.move_to(meeting.scheduled_at)
    attendance(api, org, meeting)
    vote_all(api, org, ready, "disagree")
    task = task_for(Decision.objects.get(pk=ready), "secretary_vote")
    no_reason = complete(api, org["shuji"], task, {"defer": True})
    assert no_reason.status_code == 400
    do(api, org, ready, "secretary_vote", "shuji", {"defer": True, "comment": "分歧较大，暂缓表决"})
    decision = Decision.objects.get(pk=ready)
    assert decision.status == "awaiting_meeting" and decision.latest_result().outcome == "deferred"
    assert api(org["shuji"]).get(f"/api/v1/decisions/{ready}/").json()["active_steps"] == ["awaiting_meeting"]
    second = schedule(api, org, [ready], at=meeting.scheduled_at + timedelta(days=7))
    clock.move_to(second.scheduled_at)
    attendance(api, org, second)
    vote_all(api, org, ready, "agree")
    do(api, org, ready, "secretary_vote", "shuji", {"vote": "agree"})
    assert Decision.objects.get(pk=ready).status == "minutes"
    assert Vote.objects.filter(decision_id=ready).count() == 8 + 9  # the deferring secretary did not vote


def test_minutes_return_approve_freeze_correct_and_docx(org, api, ready, clock):
    import io

    from docx import Document

    meeting = schedule(api, org, [ready])
    clock.move_to(meeting.scheduled_at)
    attendance(api, org, meeting, absent={"weiyuan6": "外出学习"},
               present=[n for n in COMMITTEE if n != "weiyuan6"])
    vote_all(api, org, ready)
    do(api, org, ready, "secretary_vote", "shuji", {"vote": "agree"})
    assert api(org["dangban"]).get(f"/api/v1/meetings/{meeting.pk}/minutes.docx").status_code == 409
    do(api, org, meeting, "minutes_draft", "dangban", {"text": "初稿"})
    task = task_for(meeting, "minutes_approve")
    assert complete(api, org["dangban"], task, {"approve": True}).status_code == 403
    assert complete(api, org["shuji"], task, {"approve": False}).status_code == 400
    do(api, org, meeting, "minutes_approve", "shuji", {"approve": False, "comment": "补充表决情况"})
    assert Minutes.objects.get(meeting=meeting).status == "returned"
    assert Decision.objects.get(pk=ready).status == "minutes"
    do(api, org, meeting, "minutes_draft", "dangban", {"text": "修改稿"})
    do(api, org, meeting, "minutes_approve", "shuji", {"approve": True})
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.frozen and minutes.status == "approved" and minutes.approved_by == org["shuji"]
    assert Decision.objects.get(pk=ready).status == "implementing"
    from decisions import services
    from workflows.exceptions import Conflict

    with pytest.raises(Conflict):
        services.minutes_draft(meeting=meeting, user=org["dangban"], text="偷改")
    assert Minutes.objects.get(meeting=meeting).text == "修改稿"
    url = f"/api/v1/meetings/{meeting.pk}/minutes/corrections/"
    assert api(org["dangban"]).post(url, {"text": "更正地点"}, format="json").status_code == 400
    assert api(org["weiyuan1"]).post(url, {"text": "x", "reason": "y"}, format="json").status_code == 403
    assert api(org["dangban"]).post(url, {"text": "地点应为二楼会议室", "reason": "笔误"},
                                    format="json").status_code == 201
    correction = MinutesCorrection.objects.get()
    assert correction.reason == "笔误" and Minutes.objects.get(meeting=meeting).text == "修改稿"
    response = api(org["weiyuan1"]).get(f"/api/v1/meetings/{meeting.pk}/minutes.docx")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "中共测试医院委员会会议纪要" in text and "〔2026〕第1期" in text
    assert "缺席：委员6（外出学习）" in text and "主持人：王书记" in text
    assert "同意9票" not in text and "同意8票" in text and "地点应为二楼会议室" in text
    assert api(org["outsider"]).get(f"/api/v1/meetings/{meeting.pk}/minutes.docx").status_code == 404


def test_absent_secretary_president_presides_and_votes_last(org, api, ready, clock):
    meeting = schedule(api, org, [ready])
    clock.move_to(meeting.scheduled_at)
    attendance(api, org, meeting, present=[n for n in COMMITTEE if n != "shuji"])
    decision = Decision.objects.get(pk=ready)
    owners = {t.owner.username for t in open_tasks(decision, "vote")}
    assert owners == set(COMMITTEE) - {"shuji", "yuanzhang"}
    vote_all(api, org, ready)
    assert task_for(decision, "secretary_vote").owner == org["yuanzhang"]
    do(api, org, ready, "secretary_vote", "yuanzhang", {"vote": "agree"})
    result = VoteResult.objects.get(decision=decision)
    assert (result.outcome, result.agree, result.present) == ("passed", 8, 8)
    assert Vote.objects.get(member=org["yuanzhang"]).is_secretary


def test_recused_presider_settles_the_item_without_voting(org, api, ready, clock):
    meeting = schedule(api, org, [ready])
    clock.move_to(meeting.scheduled_at)
    attendance(api, org, meeting, recusals={str(ready): {"shuji": "涉及本人"}})
    vote_all(api, org, ready)
    task = task_for(Decision.objects.get(pk=ready), "secretary_vote")
    refused = complete(api, org["shuji"], task, {"vote": "agree"})
    assert refused.status_code == 400 and "回避" in refused.json()["errors"]["vote"][0]
    do(api, org, ready, "secretary_vote", "shuji", {"comment": "确认表决结果"})
    result = VoteResult.objects.get(decision_id=ready)
    assert (result.outcome, result.agree) == ("passed", 8)
    assert not Vote.objects.filter(member=org["shuji"]).exists()
