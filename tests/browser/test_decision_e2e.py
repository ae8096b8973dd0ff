"""A 三重一大 item goes the whole way in the browser: proposal, reviews, 党委会, vote, minutes, archive."""

import io
import zipfile
from datetime import timedelta

import docx
import pytest
import time_machine
from django.utils import timezone

from .helpers import Browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "内科门诊楼改造方案"
PRESENT = ["shuji", "yuanzhang", "jiwei", "weiyuan1", "weiyuan2"]  # 5 of 9: just over half
ABSENT = {"weiyuan3": "出差", "weiyuan4": "病假", "weiyuan5": "外出学习", "weiyuan6": "值班"}


def test_major_matter_from_proposal_to_archive(org, page, live_server):
    from viewflow.workflow.models import Task

    from decisions.models import Decision, Meeting, Vote

    b = Browser(page, live_server, name="decision")

    # --- 党办 proposes the item ------------------------------------------------------------
    b.sign_in("dangban")
    b.goto("/decisions/new/")
    assert page.locator("h1", has_text="申报三重一大议题").is_visible()
    page.fill("#id_title", TITLE)
    page.select_option("#id_category", "major_matter")
    page.fill("#id_summary", "门诊楼二层改造为内科诊区，方案见附件。")
    page.select_option("#id_department_unit", label="内科（内科党支部）")
    page.click("form.hp-form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    decision = Decision.objects.get(title=TITLE)
    assert page.url.endswith(f"/decisions/{decision.pk}/")
    assert f"已申报议题：{TITLE}" in b.text()
    assert page.locator("h1 .hp-badge").inner_text() == "党支部前置研究"
    assert "不需要" in page.locator(".hp-dl").inner_text()  # no expert review for this item
    detail_url = f"/decisions/{decision.pk}/"

    # --- the other branch's secretary may not know the item exists -------------------------
    b.sign_in("sj_b02")
    response = b.goto(detail_url)
    assert response.status == 404
    assert TITLE not in page.content()
    assert b.no_task(TITLE)
    review_task = Task.objects.get(process__artifact_object_id=decision.pk, flow_task_type="HUMAN")
    response = b.goto(f"/workbench/tasks/{review_task.pk}/")  # someone else's task
    assert response.status == 403
    assert TITLE not in page.content()

    # --- 支部书记 approves the pre-review from 我的待办 ---------------------------------------
    b.sign_in("sj_b01")
    assert page.locator("td a", has_text=f"党支部前置研究：{TITLE}").is_visible()

    def branch_ok(p):
        assert TITLE in p.locator(".hp-subject").text_content()
        b.choose("opinion", "approve")
        p.fill("#id_comment", "支部委员会研究同意。")

    b.do_task(f"党支部前置研究：{TITLE}", branch_ok)
    assert b.no_task(TITLE)
    b.goto(detail_url)
    assert page.locator("h1 .hp-badge").inner_text() == "风险评估"
    assert "支部委员会研究同意。" in b.text()

    # --- 党办 records the risk assessment ------------------------------------------------------
    b.sign_in("dangban")

    def risk(p):
        b.choose("level", "low")
        p.fill("#id_notes", "经评估，意识形态风险低，施工期间做好患者分流。")

    b.do_task(f"风险评估：{TITLE}", risk)

    # --- 党委书记: consensus with the president, then puts it on the agenda ------------------
    b.sign_in("shuji")

    def communicate(p):
        b.choose("consensus", "true")
        p.fill("#id_notes", "与院长沟通，意见一致。")

    b.do_task(f"书记院长会前沟通：{TITLE}", communicate)

    def agenda(p):
        b.choose("accept", "true")

    b.do_task(f"议题审定：{TITLE}", agenda)
    b.goto(detail_url)
    assert page.locator("h1 .hp-badge").inner_text() == "待上会"
    opinions = b.text()
    for text in ("风险低", "达成一致", "与院长沟通，意见一致。"):
        assert text in opinions

    # --- 党办 calls an urgent 党委会 ---------------------------------------------------------------
    b.sign_in("dangban")
    b.goto("/decisions/meetings/new/")
    starts = (timezone.localtime() + timedelta(minutes=10)).replace(second=0, microsecond=0)
    page.fill("#id_title", "党委会（紧急）")
    page.fill("#id_scheduled_at", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "行政楼第一会议室")
    page.check(f"input[name=agenda][value='{decision.pk}']")
    page.click("form.hp-form button[type=submit]")  # urgent not ticked: the notice period is enforced
    page.wait_for_load_state("domcontentloaded")
    assert "会议通知须至少提前3天发出" in b.text()
    assert Meeting.objects.count() == 0
    page.check(f"input[name=agenda][value='{decision.pk}']")
    page.check("#id_urgent")
    page.fill("#id_urgent_reason", "项目须在月底前启动")
    page.click("form.hp-form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    meeting = Meeting.objects.get()
    assert page.url.endswith(f"/decisions/meetings/{meeting.pk}/")
    assert "已发出会议通知：党委会（紧急）" in b.text()
    assert "紧急：项目须在月底前启动" in b.text()

    def attendance(p):
        for username, reason in ABSENT.items():
            pk = org[username].pk
            p.click(f"#id_att_{pk} .hp-att__opt--absent span")
            p.fill(f"#id_att_{pk}_reason", reason)

    # Before the meeting starts the page says when attendance opens; submitting changes nothing.
    b.open_task("出席登记：党委会（紧急）")
    assert "届时方可登记出席" in b.text()
    page.click("form.hp-form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert "届时方可登记出席" in b.text()
    assert not meeting.attendance.exists()

    # --- the meeting is held ------------------------------------------------------------------
    with time_machine.travel(starts + timedelta(minutes=1), tick=True):
        b.sign_in("dangban")
        b.do_task("出席登记：党委会（紧急）", attendance)
        b.goto(f"/decisions/meetings/{meeting.pk}/")
        text = b.text()
        assert "出差" in text and "病假" in text
        assert "主持人" in text and "王书记" in text
        b.goto(detail_url)
        assert page.locator("h1 .hp-badge").inner_text() == "表决中"

        # Every present member except the presider votes, each in their own session.
        for username in PRESENT[1:]:
            b.sign_in(username)

            def vote(p, username=username):
                b.choose("vote", "agree")
                p.fill("#id_comment", f"{username} 同意")

            b.do_task(f"表决：{TITLE}", vote)
        assert Vote.objects.filter(decision=decision, is_secretary=False).count() == 4

        # An absent member has nothing to vote on.
        b.sign_in("weiyuan3")
        assert b.no_task(TITLE)

        # The secretary votes last.
        b.sign_in("shuji")

        def secretary(p):
            progress = p.locator("[data-vote-progress]")  # the tally so far, above the form
            assert progress.is_visible() and "同意" in progress.inner_text()
            assert "委员1" in p.locator(".hp-subject").text_content()  # earlier votes are in the materials
            b.choose("vote", "agree")

        b.do_task(f"书记末位表态：{TITLE}", secretary)
        b.goto(detail_url)
        assert page.locator("h1 .hp-badge").inner_text() == "待纪要签发"
        text = b.text()
        assert "通过" in text
        assert "应到委员9人，实到5人；同意5票，不同意0票，弃权0票。" in text
        assert "王书记（末位表态）" in text

        # --- minutes: 党办 drafts, 书记 approves -------------------------------------------------
        b.sign_in("dangban")

        def draft(p):
            prefilled = p.input_value("#id_text")
            assert TITLE in prefilled and "会议同意该议题" in prefilled
            p.fill("#id_text", prefilled + "\n会议要求党委办公室督办落实。")

        b.do_task("会议纪要起草：党委会（紧急）", draft)

        b.sign_in("shuji")

        def approve(p):
            assert "会议要求党委办公室督办落实。" in p.locator(".hp-subject").text_content()
            b.choose("approve", "true")

        b.do_task("纪要签发：党委会（紧急）", approve)

        b.goto(f"/decisions/meetings/{meeting.pk}/")
        link = page.locator("a", has_text="下载纪要（Word）")
        assert link.is_visible()
        response = page.request.get(b.url(link.get_attribute("href")))
        assert response.status == 200
        assert "wordprocessingml" in response.headers["content-type"]
        body = response.body()
        assert zipfile.is_zipfile(io.BytesIO(body))

        document = docx.Document(io.BytesIO(body))
        doc_text = "\n".join(p.text for p in document.paragraphs)
        assert "测试医院委员会会议纪要" in doc_text
        assert f"议题1：{TITLE}" in doc_text
        assert "会议要求党委办公室督办落实。" in doc_text
        assert "签发人：王书记" in doc_text

        b.goto(detail_url)
        assert page.locator("h1 .hp-badge").inner_text() == "执行督办"

        # --- the proposer reports the work done; the item is archived ---------------------------
        b.sign_in("dangban")

        def implement(p):
            p.fill("#id_report", "改造已完成并通过验收。")
            p.check("#id_done")

        b.do_task(f"执行与督办：{TITLE}", implement)
        b.goto(detail_url)
        assert page.locator("h1 .hp-badge").inner_text() == "已归档"
        text = b.text()
        assert "改造已完成并通过验收。" in text
        timeline = page.locator(".hp-timeline").inner_text()
        for step in ("党支部前置研究", "风险评估", "书记院长会前沟通", "议题审定", "表决", "书记末位表态",
                     "执行与督办"):
            assert step in timeline
        assert "办理中" not in timeline
        page.screenshot(path="/tmp/shot-decision-closed.png", full_page=True)

        # The audit history names who did what and why (the same session calls the API).
        history = page.request.get(b.url(f"/api/v1/decisions/{decision.pk}/history/")).json()
        entries = history["results"] if isinstance(history, dict) else history
        seen = {(e["user"], e["reason"]) for e in entries}
        for who, reason in (("sj_b01", "党支部前置研究：同意"), ("shuji", "书记末位表态"),
                            ("dangban", "执行完毕，归档")):
            assert (who, reason) in seen, (who, reason, seen)

    decision.refresh_from_db()
    assert decision.status == Decision.Status.CLOSED
