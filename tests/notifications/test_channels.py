"""Unit channels: 企业微信/钉钉 group robots set by office staff, messages in each platform's format."""

import base64
import hashlib
import hmac
from urllib.parse import unquote_plus

import pytest

from workflows.models import Delivery, Unit, UnitChannels
from workflows.notifications import notify
from workflows.notifications.channels import dingtalk_signed_url, unit_channels_set, webhook_payload
from workflows.notifications.outbox import deliver_due
from workflows.notifications.task_notices import announce_new_tasks

from ..elections.helpers import to_nominate

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=xyz"
SECRET = "SECabcdef0123456789"


def put(api, user, body, code="b01"):
    return api(user).put(f"/api/v1/units/{code}/channels/", body, format="json")


@pytest.mark.django_db
def test_office_sets_channels_by_api_the_secret_never_comes_back_and_history_keeps_who(org, api):
    response = put(api, org["dangban"], {"wecom_webhook": WECOM, "dingtalk_webhook": DINGTALK,
                                         "dingtalk_secret": SECRET})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body == {"unit": "b01", "wecom_webhook": WECOM, "dingtalk_webhook": DINGTALK,
                    "dingtalk_secret_set": True, "dingtalk_secret_hint": "…6789"}
    assert SECRET not in response.content.decode()
    assert SECRET not in api(org["dangban"]).get("/api/v1/units/b01/channels/").content.decode()
    channels = UnitChannels.objects.get(unit__code="b01")
    assert channels.dingtalk_secret == SECRET
    record = channels.history.get()
    assert record.history_user == org["dangban"] and record.history_change_reason == "设置群机器人通知渠道"
    assert not hasattr(record, "dingtalk_secret") and record.dingtalk_secret_hint == "…6789"
    # without the secret key the secret stays; emptying the DingTalk webhook removes it
    put(api, org["dangban"], {"wecom_webhook": "", "dingtalk_webhook": DINGTALK})
    channels.refresh_from_db()
    assert channels.wecom_webhook == "" and channels.dingtalk_secret == SECRET
    put(api, org["dangban"], {"wecom_webhook": "", "dingtalk_webhook": ""})
    channels.refresh_from_db()
    assert channels.dingtalk_secret == "" and channels.history.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["http://qyapi.weixin.qq.com/x", "ftp://a.example/x", "不是网址", "https://"])
def test_anything_but_an_https_url_is_refused_in_chinese_and_nothing_saved(org, api, bad):
    response = put(api, org["dangban"], {"wecom_webhook": bad, "dingtalk_webhook": "javascript:alert(1)",
                                         "dingtalk_secret": "has space"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "https://" in errors["wecom_webhook"][0] and "钉钉" in errors["dingtalk_webhook"][0]
    assert "密钥" in errors["dingtalk_secret"][0]
    assert put(api, org["dangban"], {"wecom_webhook": WECOM}).json()["errors"]["dingtalk_webhook"]
    assert not UnitChannels.objects.exists()


@pytest.mark.django_db
def test_only_office_staff_set_channels(org, api):
    body = {"wecom_webhook": WECOM, "dingtalk_webhook": ""}
    for name in ("sj_b01", "shenji", "zuzhi", "b01_m1"):
        assert put(api, org[name], body).status_code in (403, 404), name
    assert put(api, org["sj_b02"], body).status_code == 404  # another branch's secretary may not see b01
    assert put(api, org["dangban"], body, code="nope").status_code == 404
    assert api(None).put("/api/v1/units/b01/channels/", body, format="json").status_code == 401
    assert not UnitChannels.objects.exists()


@pytest.mark.django_db
def test_unit_page_form_for_office_staff_errors_next_to_fields_input_kept(org, client):
    client.force_login(org["dangban"])
    page = client.get("/organisation/units/b01/").content.decode()
    assert "群机器人通知" in page and 'name="dingtalk_secret"' in page
    bad = client.post("/notifications/units/b01/channels/",
                      {"wecom_webhook": "http://example.org/x", "dingtalk_webhook": DINGTALK})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "企业微信群机器人地址须为 https://" in html and 'value="http://example.org/x"' in html
    assert DINGTALK.replace("&", "&amp;") in html and not UnitChannels.objects.exists()
    ok = client.post("/notifications/units/b01/channels/",
                     {"wecom_webhook": WECOM, "dingtalk_webhook": DINGTALK, "dingtalk_secret": SECRET})
    assert ok.status_code == 302
    page = client.get("/organisation/units/b01/").content.decode()
    assert "已保存群机器人通知设置" in page and "…6789" in page and SECRET not in page
    client.post("/notifications/units/b01/channels/",
                {"wecom_webhook": WECOM, "dingtalk_webhook": DINGTALK, "clear_secret": "on"})
    assert UnitChannels.objects.get().dingtalk_secret == ""
    client.force_login(org["sj_b01"])
    assert 'name="dingtalk_secret"' not in client.get("/organisation/units/b01/").content.decode()
    assert client.post("/notifications/units/b01/channels/", {"wecom_webhook": ""}).status_code == 403


def test_messages_follow_each_platforms_markdown_format():
    wecom = webhook_payload("wecom", title="新待办", text="请办理", link="https://x.example/t/1/")
    assert wecom == {"msgtype": "markdown", "markdown": {"content": "### 新待办\n\n请办理\n\n[打开办理](https://x.example/t/1/)"}}
    ding = webhook_payload("dingtalk", title="新待办", text="请办理", link="")
    assert ding == {"msgtype": "markdown", "markdown": {"title": "新待办", "text": "### 新待办\n\n请办理"}}


def test_dingtalk_signature_is_hmac_sha256_of_timestamp_newline_secret_base64_urlencoded():
    url = dingtalk_signed_url(DINGTALK, SECRET, now=1700000000.123)
    assert url.startswith(DINGTALK + "&timestamp=1700000000123&sign=")
    sign = unquote_plus(url.rsplit("sign=", 1)[1])
    expected = hmac.new(SECRET.encode(), f"1700000000123\n{SECRET}".encode(), hashlib.sha256).digest()
    assert base64.b64decode(sign) == expected
    assert "+" not in url.rsplit("sign=", 1)[1] and "/" not in url.rsplit("sign=", 1)[1]
    assert dingtalk_signed_url(DINGTALK, "") == DINGTALK


def configure(unit_code, robot, org, secret=SECRET):
    return unit_channels_set(unit=Unit.objects.get(code=unit_code), user=org["dangban"],
                             wecom_webhook=f"{robot.url}/wecom?key=k1",
                             dingtalk_webhook=f"{robot.url}/dingtalk?access_token=t1", dingtalk_secret=secret)


@pytest.mark.django_db
def test_webhooks_are_delivered_to_the_fake_robot_retried_on_errcode_and_signed(org, robot):
    configure("b01", robot, org)
    notify(recipients=[], kind="generic", context={"title": "换届提醒", "body": "届满前30天"},
           url="/organisation/units/b01/", unit=Unit.objects.get(code="b01"))
    rows = {r.channel: r for r in Delivery.objects.all()}
    assert set(rows) == {"wecom", "dingtalk"}
    robot.replies = [(200, {"errcode": 45009, "errmsg": "api freq out of limit"}),
                     (200, {"errcode": 0, "errmsg": "ok"})]
    counts = deliver_due()
    assert counts == {"delivered": 1, "failed": 1, "lost": 0, "given_up": 0}
    failed = Delivery.objects.get(status="pending")
    assert failed.error_summary == "群机器人接口返回错误码 45009" and failed.attempts == 1
    assert deliver_due(now=failed.next_try_at)["delivered"] == 1
    assert not Delivery.objects.exclude(status="delivered").exists()
    wecom = [r for r in robot.requests if r["path"] == "/wecom"]
    ding = [r for r in robot.requests if r["path"] == "/dingtalk"]
    assert wecom[0]["json"]["msgtype"] == "markdown" and "换届提醒" in wecom[0]["json"]["markdown"]["content"]
    assert wecom[0]["query"] == {"key": ["k1"]}
    assert ding[0]["json"]["markdown"]["title"] == "换届提醒"
    timestamp, sign = ding[0]["query"]["timestamp"][0], ding[0]["query"]["sign"][0]
    expected = hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    assert base64.b64decode(sign) == expected and ding[0]["query"]["access_token"] == ["t1"]


@pytest.mark.django_db
def test_a_robot_that_answers_http_500_or_garbage_is_retried(org, robot):
    configure("b01", robot, org, secret="")
    notify(recipients=[], kind="generic", context={"title": "t", "body": "b"}, unit=Unit.objects.get(code="b01"))
    robot.replies = [(500, {"errcode": -1}), (200, "not json")]
    assert deliver_due()["failed"] == 2
    errors = sorted(Delivery.objects.values_list("last_error", flat=True))
    assert any("HTTP 500" in e for e in errors) and any("错误码" in e for e in errors)


@pytest.mark.django_db
def test_http_webhooks_are_never_called_outside_tests(org, robot, settings):
    configure("b01", robot, org)
    notify(recipients=[], kind="generic", context={"title": "t", "body": "b"}, unit=Unit.objects.get(code="b01"))
    settings.NOTIFY_WEBHOOK_ALLOW_HTTP = False
    assert deliver_due()["failed"] == 2 and robot.requests == []
    assert {r.error_summary for r in Delivery.objects.all()} == {"群机器人地址须为 https 网址"}


@pytest.mark.django_db
def test_task_notices_and_term_reminders_of_a_unit_go_to_its_robots(org, api, robot):
    configure("b01", robot, org)
    eid = to_nominate(api, org)
    announce_new_tasks()
    nominate = Delivery.objects.filter(unit__code="b01", title__startswith="新待办：民主推荐")
    assert set(nominate.values_list("channel", flat=True)) == {"wecom", "dingtalk"}
    assert "/workbench/tasks/" in nominate.get(channel="wecom").payload["markdown"]["content"]
    assert eid
    import io
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine
    from django.core.management import call_command

    with time_machine.travel(datetime(2027, 2, 10, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        configure("b02", robot, org)
        call_command("send_reminders", stdout=io.StringIO())
    reminder = Delivery.objects.filter(unit__code="b02", kind="term_30")
    assert set(reminder.values_list("channel", flat=True)) == {"wecom", "dingtalk"}
    assert set(reminder.values_list("status", flat=True)) == {"delivered"}  # send_reminders delivers too
    assert not Delivery.objects.filter(unit__code="b02", kind__startswith="task").exists()
