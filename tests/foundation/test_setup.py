"""Set-up: the demo runs the reminder sweep, SITE_URL follows PORT, `make run` honours PORT, the login page."""

import copy
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from tests.conftest import SMALL_ORG
from workflows.demo import demo_hooks, demo_reminders
from workflows.management.commands import load_demo
from workflows.models import Notification, User

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_load_demo_sends_term_reminders_to_organization_staff(monkeypatch):
    assert demo_reminders in demo_hooks() and demo_hooks()[-1] is demo_reminders  # after every demo process
    # the small hospital instead of the 800-person demo one; only the reminder hook
    monkeypatch.setattr(load_demo, "build_demo_org", lambda today: copy.deepcopy(SMALL_ORG))
    monkeypatch.setattr(load_demo, "demo_hooks", lambda: [demo_reminders])
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        zuzhi = User.objects.get(username="zuzhi")
        titles = list(Notification.objects.filter(user=zuzhi, kind__startswith="term_").values_list("title", flat=True))
        assert any(t.startswith("换届提醒：内科党支部") for t in titles)  # b01: ends 2027-01-10
        assert any("换届逾期提醒" not in t and "外科党支部" in t for t in titles)  # b02: ends 2027-03-01
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        assert Notification.objects.filter(user=zuzhi, kind__startswith="term_").count() == len(titles)  # once


def _site_url(**env):
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    environ = {k: v for k, v in os.environ.items() if k not in ("PORT", "SITE_URL")}
    environ.update(DEBUG="1", DJANGO_SETTINGS_MODULE="project.settings", **env)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True,
                            check=True)
    return result.stdout.strip()


def test_site_url_follows_port():
    assert _site_url() == "http://127.0.0.1:8000"
    assert _site_url(PORT="8123") == "http://127.0.0.1:8123"
    assert _site_url(PORT="8123", SITE_URL="https://dangwei.example.org") == "https://dangwei.example.org"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_honours_port_and_browser_deps_installs_fonts():
    def plan(*args):
        return subprocess.run(["make", "-n", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout

    assert "runserver 127.0.0.1:8000" in plan("run")
    assert "runserver 127.0.0.1:8123" in plan("run", "PORT=8123")
    deps = plan("browser-deps")
    assert "chromium" in deps and "fonts-wqy-microhei" in deps


def test_login_page_shows_the_hospital_and_a_chinese_error(org, client):
    html = client.get("/accounts/login/").content.decode()
    assert "测试医院" in html and "登录" in html
    response = client.post("/accounts/login/", {"username": "zuzhi", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "用户名或密码不正确" in html and 'value="zuzhi"' in html
    html = client.post("/accounts/login/", {"username": "", "password": ""}).content.decode()
    assert "请填写用户名。" in html and "请填写密码。" in html


@pytest.mark.django_db
def test_login_page_without_settings_row_writes_nothing(client):
    from workflows.models import HospitalSettings

    assert "登录" in client.get("/accounts/login/").content.decode()
    assert not HospitalSettings.objects.exists()
