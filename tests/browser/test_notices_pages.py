"""Office staff set a branch's group robots and look after deliveries that did not arrive, phone and desktop."""

import pytest

from workflows.models import Delivery, UnitChannels
from workflows.notifications import notify

from .helpers import Browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_sets_robots_and_retries_a_failed_delivery(org, page, live_server):
    user = org["b01_m1"]
    user.email = "b01_m1@example.org"
    user.save()
    notify(recipients=[user], kind="generic", context={"title": "党委会会议通知（第 12 次）", "body": "请准时参加。"})
    Delivery.objects.update(status="failed", attempts=8, last_error=(
        "无法连接服务器：ConnectionRefusedError: [Errno 111] Connection refused while talking to mail.example.org"))
    b = Browser(page, live_server, name="notices")
    b.sign_in("dangban")
    b.goto("/organisation/units/b01/")
    page.fill("input[name=wecom_webhook]", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1")
    page.click("#channels button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    b.check_page()
    assert "须为 https://" in page.inner_text("#channels")
    page.fill("input[name=wecom_webhook]", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1")
    page.fill("input[name=dingtalk_webhook]", "https://oapi.dingtalk.com/robot/send?access_token=abc")
    page.fill("input[name=dingtalk_secret]", "SEC0123456789abcdef")
    page.click("#channels button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    b.check_page()
    assert "已保存群机器人通知设置" in b.text()
    assert UnitChannels.objects.get(unit__code="b01").dingtalk_secret == "SEC0123456789abcdef"
    b.goto("/notifications/deliveries/")
    assert "发送失败" in b.text() and "无法连接服务器" in b.text()
    box = page.locator("td button", has_text="重试").bounding_box()
    assert box["height"] >= 44 or box["width"] >= 44
    page.click("td button:has-text('重试')")
    page.wait_for_load_state("domcontentloaded")
    b.check_page()
    assert "已重新排队" in b.text()
    assert Delivery.objects.get().status == "pending"
