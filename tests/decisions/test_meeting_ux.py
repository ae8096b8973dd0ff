"""党委会 pages for the people who run them: attendance toggles, 请假, reschedule, errors, minutes."""

import io
from datetime import timedelta
from urllib.parse import quote

import pytest
from docx import Document
from docx.shared import Mm

from decisions.models import AgendaItem, Attendance, Decision, Meeting, Recusal
from decisions.models.meeting import LeaveRequest
from workflows.models import Notification

from .helpers import (
    COMMITTEE,
    START,
    attendance,
    do,
    open_tasks,
    schedule,
    submit,
    task_for,
    to_awaiting_meeting,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(org, api, clock):
    """One ordinary decision awaiting a meeting."""
    pk = submit(api, org["dangban"])["id"]
    to_awaiting_meeting(api, org, pk)
    return pk


def _html_attendance(org, *, absent=None, recused=None, recusal_reason="涉及本人亲属"):
    """The attendance page's POST: a toggle and a reason per member, a picker per item."""
    absent, data = absent or {}, {}
    for name in COMMITTEE:
        pk = org[name].pk
        data[f"att_{pk}"] = "absent" if name in absent else "present"
        data[f"att_{pk}_reason"] = absent.get(name, "")
    for decision_id, names in (recused or {}).items():
        for name in names:
            data[f"rec_{decision_id}_{org[name].pk}"] = "1"
            data[f"rec_{decision_id}_{org[name].pk}_reason"] = recusal_reason
    return data


# --- attendance -------------------------------------------------------------------------------


def test_attendance_page_shows_toggles_by_name_and_waits_for_the_meeting(org, web, api, ready, clock):
    meeting = schedule(api, org, [ready])
    task = task_for(meeting, "attendance")
    page = web(org["dangban"]).get(f"/workbench/tasks/{task.pk}/").content.decode()
    assert "会议于2026年3月7日 09:00开始，届时方可登记出席。" in page
    assert "王书记" in page and "用户名" not in page and "JSON" not in page
    assert f'id="id_att_{org["weiyuan1"].pk}_absent"' in page and "disabled" in page
    early = web(org["dangban"]).post(f"/workbench/tasks/{task.pk}/", _html_attendance(org))
    assert early.status_code == 400 and "届时方可登记出席" in early.content.decode()
    assert not Attendance.objects.exists()

    clock.move_to(meeting.scheduled_at)
    page = web(org["dangban"]).get(f"/workbench/tasks/{task.pk}/").content.decode()
    assert "届时方可登记出席" not in page
    assert f'name="att_{org["weiyuan1"].pk}" id="id_att_{org["weiyuan1"].pk}_present" value="present" checked' in page
    assert f'name="rec_{ready}_{org["weiyuan2"].pk}"' in page


def test_attendance_through_the_toggles(org, web, api, ready, clock):
    meeting = schedule(api, org, [ready])
    clock.move_to(meeting.scheduled_at)
    task = task_for(meeting, "attendance")
    client = web(org["dangban"])
    data = _html_attendance(org, absent={"weiyuan6": "外出学习"}, recused={ready: ["weiyuan1"]})
    data[f"att_{org['weiyuan5'].pk}"] = "absent"  # no reason given
    data[f"rec_{ready}_{org['weiyuan2'].pk}"] = "1"  # no reason given
    bad = client.post(f"/workbench/tasks/{task.pk}/", data)
    html = bad.content.decode()
    assert bad.status_code == 400 and "请填写缺席理由。" in html and "请填写回避理由：委员2" in html
    # the error is next to that member's toggle, and the input is kept
    block = html[html.index(f'id="id_att_{org["weiyuan5"].pk}"'):]
    assert block.index("请填写缺席理由。") < block.index('class="hp-field')
    assert 'value="外出学习"' in html
    assert not Attendance.objects.exists()

    data = _html_attendance(org, absent={"weiyuan6": "外出学习"}, recused={ready: ["weiyuan1"]})
    response = client.post(f"/workbench/tasks/{task.pk}/", data)
    assert response.status_code == 302
    body = api(org["dangban"]).get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert body["attendance"]["absent"] == {"weiyuan6": "外出学习"}
    assert sorted(body["attendance"]["present"]) == sorted(n for n in COMMITTEE if n != "weiyuan6")
    assert body["attendance"]["recusals"] == {str(ready): {"weiyuan1": "涉及本人亲属"}}
    recusal = Recusal.objects.get()
    assert recusal.history.first().history_user == org["dangban"]
    assert Decision.objects.get(pk=ready).status == "voting"


def test_attendance_api_payload_still_works(org, api, ready, clock):
    meeting = schedule(api, org, [ready])
    clock.move_to(meeting.scheduled_at)
    response = attendance(api, org, meeting, present=COMMITTEE[:-1], absent={"weiyuan6": "病假"},
                          recusals={str(ready): {"weiyuan1": "亲属"}})
    assert response.status_code == 200
    assert Attendance.objects.get(member=org["weiyuan6"]).reason == "病假"
    assert Recusal.objects.get().member == org["weiyuan1"]


def test_all_absent_is_refused_in_chinese(org, web, api, ready, clock):
    meeting = schedule(api, org, [ready])
    clock.move_to(meeting.scheduled_at)
    data = _html_attendance(org, absent=dict.fromkeys(COMMITTEE, "出差"))
    response = web(org["dangban"]).post(f"/workbench/tasks/{task_for(meeting, 'attendance').pk}/", data)
    assert response.status_code == 400 and "请至少登记一名出席委员。" in response.content.decode()
    assert not Attendance.objects.exists()


# --- 请假 ----------------------------------------------------------------------------------------


def test_leave_request_prefills_attendance(org, web, api, ready, clock):
    meeting = schedule(api, org, [ready])
    page = web(org["weiyuan3"]).get(f"/decisions/meetings/{meeting.pk}/").content.decode()
    assert f"/decisions/meetings/{meeting.pk}/leave/" in page
    empty = web(org["weiyuan3"]).post(f"/decisions/meetings/{meeting.pk}/leave/", {"reason": " "})
    assert empty.status_code == 400 and "请填写请假理由。" in empty.content.decode()
    response = web(org["weiyuan3"]).post(f"/decisions/meetings/{meeting.pk}/leave/", {"reason": "赴省卫健委开会"})
    assert response.status_code == 302
    leave = LeaveRequest.objects.get()
    assert (leave.member, leave.reason) == (org["weiyuan3"], "赴省卫健委开会")
    assert leave.history.first().history_user == org["weiyuan3"]
    assert Notification.objects.filter(kind="meeting_leave", user=org["dangban"]).exists()
    assert "已请假：赴省卫健委开会" in web(org["weiyuan3"]).get(f"/decisions/meetings/{meeting.pk}/").content.decode()

    clock.move_to(meeting.scheduled_at)
    task = task_for(meeting, "attendance")
    page = web(org["dangban"]).get(f"/workbench/tasks/{task.pk}/").content.decode()
    pk = org["weiyuan3"].pk
    assert f'id="id_att_{pk}_absent" value="absent" checked' in page and 'value="赴省卫健委开会"' in page
    # too late to ask now
    late = api(org["weiyuan4"]).post(f"/api/v1/meetings/{meeting.pk}/leave/", {"reason": "临时有事"}, format="json")
    assert late.status_code == 409 and LeaveRequest.objects.count() == 1
    # the API payload that leaves a member out uses the leave reason
    attendance(api, org, meeting, present=[n for n in COMMITTEE if n != "weiyuan3"], absent={})
    assert Attendance.objects.get(member=org["weiyuan3"]).reason == "赴省卫健委开会"


def test_leave_refused_for_non_members(org, web, api, ready, clock):
    meeting = schedule(api, org, [ready])
    assert web(org["dangban"]).get(f"/decisions/meetings/{meeting.pk}/leave/").status_code == 403
    assert api(org["dangban"]).post(f"/api/v1/meetings/{meeting.pk}/leave/", {"reason": "x"},
                                    format="json").status_code == 403
    assert api(org["outsider"]).post(f"/api/v1/meetings/{meeting.pk}/leave/", {"reason": "x"},
                                     format="json").status_code == 404
    ok = api(org["weiyuan2"]).post(f"/api/v1/meetings/{meeting.pk}/leave/", {"reason": "出差"}, format="json")
    assert ok.status_code == 201 and LeaveRequest.objects.get().member == org["weiyuan2"]


# --- reschedule and the notice form --------------------------------------------------------------


def _meeting_post(at, agenda, **extra):
    return {"title": "党委会（改期）", "place": "二楼会议室", "scheduled_at": at.strftime("%Y-%m-%dT%H:%M"),
            "agenda": agenda, **extra}


def test_reschedule_renotifies_and_applies_the_notice_days_again(org, web, api, ready, clock):
    other = submit(api, org["dangban"], title="另一个议题")["id"]
    to_awaiting_meeting(api, org, other)
    meeting = schedule(api, org, [ready])
    url = f"/decisions/meetings/{meeting.pk}/reschedule/"
    assert web(org["weiyuan1"]).get(url).status_code == 403
    client = web(org["dangban"])
    page = client.get(url).content.decode()
    assert "会议通知须至少提前3天发出" in page and "另一个议题" in page
    notices = Notification.objects.count()

    clock.move_to(START + timedelta(days=2))
    soon = client.post(url, _meeting_post(START + timedelta(days=4), [ready, other]))
    html = soon.content.decode()
    assert soon.status_code == 400 and "会议通知须至少提前3天发出" in html and "二楼会议室" in html
    meeting.refresh_from_db()
    assert meeting.place == "行政楼会议室" and meeting.items.count() == 1
    assert Notification.objects.count() == notices

    later = START + timedelta(days=6)
    response = client.post(url, _meeting_post(later, [other]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.scheduled_at, meeting.place) == (later, "二楼会议室")
    assert [item.decision_id for item in meeting.agenda_items()] == [other]
    assert not AgendaItem.objects.filter(decision_id=ready).exists()
    renotified = set(Notification.objects.filter(kind="meeting_rescheduled").values_list("user__username", flat=True))
    assert renotified == set(COMMITTEE)
    assert "会议改期/调整议程" in {h.history_change_reason for h in meeting.history.all()}
    # the removed item can go on another meeting; urgent with a reason is allowed
    urgent = client.post(url, _meeting_post(START + timedelta(days=2, hours=3), [other, ready], urgent="on",
                                            urgent_reason="上级督办"))
    assert urgent.status_code == 302 and Meeting.objects.get().urgent
    # once the meeting has begun it can no longer change
    clock.move_to(START + timedelta(days=2, hours=3))
    assert client.get(url).status_code == 302


def test_schedule_reports_every_error_at_once_and_keeps_input(org, web, api, ready, clock):
    early = submit(api, org["dangban"], title="尚在审核的议题")["id"]
    response = web(org["dangban"]).post("/decisions/meetings/new/", _meeting_post(
        START + timedelta(days=1), [ready, early], urgent="on", urgent_reason=""))
    html = response.content.decode()
    assert response.status_code == 400
    assert "紧急会议须说明紧急理由。" in html and "议题“尚在审核的议题”不处于待上会状态" in html
    assert "二楼会议室" in html and "党委会（改期）" in html
    api_response = api(org["dangban"]).post("/api/v1/meetings/", {
        "title": "党委会", "scheduled_at": (START + timedelta(days=1)).isoformat(), "place": "x",
        "agenda": [early]}, format="json")
    errors = api_response.json()["errors"]
    assert api_response.status_code == 400 and "至少提前3天" in errors["scheduled_at"][0] and errors["agenda"]
    assert Meeting.objects.count() == 0


def test_agenda_picker_offers_only_free_items(org, web, api, ready, clock):
    other = submit(api, org["dangban"], title="另一个议题")["id"]
    to_awaiting_meeting(api, org, other)
    schedule(api, org, [ready])
    page = web(org["dangban"]).get("/decisions/meetings/new/").content.decode()
    assert "另一个议题" in page and f'value="{ready}"' not in page
    assert "会议通知须至少提前3天发出" in page


# --- after the votes, and the minutes --------------------------------------------------------------


def _held_meeting(org, api, ready, clock):
    from .helpers import vote_all

    meeting = schedule(api, org, [ready])
    clock.move_to(meeting.scheduled_at)
    attendance(api, org, meeting, present=[n for n in COMMITTEE if n != "weiyuan6"],
               absent={"weiyuan6": "外出学习"}, recusals={str(ready): {"weiyuan5": "涉及本人亲属"}})
    vote_all(api, org, ready, skip=("weiyuan1",))
    do(api, org, ready, "vote", "weiyuan1", {"vote": "disagree", "comment": "预算偏高"})
    do(api, org, ready, "secretary_vote", "shuji", {"vote": "agree"})
    return meeting


def test_after_all_votes_the_meeting_shows_the_minutes_step(org, web, api, ready, clock):
    meeting = _held_meeting(org, api, ready, clock)
    assert Meeting.objects.get(pk=meeting.pk).status == "minutes"
    page = web(org["weiyuan1"]).get(f"/decisions/meetings/{meeting.pk}/").content.decode()
    assert "<dd>纪要起草/签发（当前步骤：会议纪要起草）</dd>" in page


def test_secretary_previews_minutes_and_docx_layout(org, web, api, ready, clock):
    meeting = _held_meeting(org, api, ready, clock)
    do(api, org, meeting, "minutes_draft", "dangban", {"text": "会议要求党委办公室督办落实。"})
    task = task_for(meeting, "minutes_approve")
    page = web(org["shuji"]).get(f"/workbench/tasks/{task.pk}/").content.decode()
    assert "纪要预览" in page and "党委会纪要〔2026〕第1期" in page
    assert "不同意意见：" in page and "委员1：预算偏高" in page and "委员5（涉及本人亲属）" in page
    assert "会议要求党委办公室督办落实。" in page

    do(api, org, meeting, "minutes_approve", "shuji", {"approve": True})
    response = web(org["weiyuan1"]).get(f"/decisions/meetings/{meeting.pk}/minutes.docx")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert f"filename*=UTF-8''{quote('党委会纪要〔2026〕第1期.docx')}" in disposition
    assert 'filename="minutes-2026-1.docx"' in disposition
    document = Document(io.BytesIO(b"".join(response.streaming_content) if response.streaming
                                   else response.content))
    section = document.sections[0]
    assert (round(section.page_width / Mm(1)), round(section.page_height / Mm(1))) == (210, 297)
    assert [round(m / Mm(1)) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                       section.right_margin)] == [37, 35, 28, 26]
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "中共测试医院委员会会议纪要" and paragraphs[1] == "党委会纪要〔2026〕第1期"
    assert document.paragraphs[0].runs[-1].font.color.rgb is not None  # the red masthead
    text = "\n".join(paragraphs)
    for expected in ("时间：2026年03月07日 09:00", "地点：行政楼会议室", "主持人：王书记", "缺席：委员6（外出学习）",
                     "列席：无", "记录人：", "一、会议议定事项", "议题1：门诊楼改造项目", "决定事项：通过",
                     "表决情况：应到委员9人，实到8人；同意6票，不同意1票", "回避：委员5（涉及本人亲属）",
                     "不同意意见：委员1：预算偏高", "二、纪要正文", "会议要求党委办公室督办落实。", "签发人：王书记"):
        assert expected in text, expected
    body = next(p for p in document.paragraphs if p.text == "会议要求党委办公室督办落实。")
    assert body.runs[-1].font.size.pt == 16 and body.paragraph_format.line_spacing.pt == pytest.approx(28.9, abs=0.1)
    assert open_tasks(meeting, "minutes_approve").count() == 0
