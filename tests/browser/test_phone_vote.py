"""On a 390 px phone a committee member votes in two taps (同意, 确认), with nothing scrolling sideways."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from tests.decisions.helpers import attendance, schedule, submit, task_for, to_awaiting_meeting

from .helpers import Browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
PRESENT = ["shuji", "yuanzhang", "jiwei", "weiyuan1", "weiyuan2"]


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_member_votes_on_a_phone_in_two_taps(org, api, phone, live_server):
    from decisions.flows import DecisionFlow
    from decisions.models import Decision, Vote

    decision_id = submit(api, org["sj_b01"], title="门诊楼改造")["id"]
    to_awaiting_meeting(api, org, decision_id)
    starts = timezone.now() + timedelta(minutes=10)
    meeting = schedule(api, org, [decision_id], at=starts, urgent=True, urgent_reason="项目须在月底前启动")
    ARTIFACTS.mkdir(exist_ok=True)

    with time_machine.travel(starts + timedelta(minutes=1), tick=True):
        assert attendance(api, org, meeting, present=PRESENT).status_code == 200
        task = task_for(Decision.objects.get(pk=decision_id), "vote", org["weiyuan1"])
        b = Browser(phone, live_server)
        b.sign_in("weiyuan1")
        b.goto(f"/workbench/tasks/{task.pk}/")
        phone.screenshot(path=str(ARTIFACTS / "phone-vote-390.png"))

        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        text = phone.inner_text(".hp-content")
        assert re.search(r"第\d+步/共\d+步", text) and "表决中" in text
        codes = [n.name for n in DecisionFlow.instance.nodes()]
        assert not [c for c in codes if re.search(rf"\b{c}\b", text)], text
        agree = phone.locator(".hp-actionbar button", has_text="同意").first
        box = agree.bounding_box()
        assert box["height"] >= 44 and box["y"] + box["height"] <= 844  # in thumb reach, without scrolling
        assert not Vote.objects.filter(decision_id=decision_id).exists()

        agree.tap()  # tap 1
        dialog = phone.locator("dialog.hp-confirm")
        assert dialog.is_visible() and "确认投票：同意？" in dialog.inner_text()
        phone.screenshot(path=str(ARTIFACTS / "phone-vote-confirm-390.png"))
        assert not Vote.objects.filter(decision_id=decision_id).exists()  # nothing recorded before 确认
        with phone.expect_navigation():
            dialog.locator("button", has_text="确认").tap()  # tap 2
        phone.wait_for_load_state("domcontentloaded")

        assert "已办理：表决：门诊楼改造" in phone.inner_text(".hp-content")
        vote = Vote.objects.get(decision_id=decision_id, member=org["weiyuan1"])
        assert vote.vote == "agree"
        phone.screenshot(path=str(ARTIFACTS / "phone-vote-done-390.png"))
