"""Login that holds: lockout per account and address, expiring and revocable tokens, passwords, sessions."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from workflows.models import User
from workflows.tokens import TokenActivity

pytestmark = pytest.mark.django_db
PASSWORD = "Hospital-2026-ok"


@pytest.fixture
def people(org):
    for user in org.values():
        user.set_password(PASSWORD)
        user.save()
    return org


def token_login(username, password=PASSWORD, address="10.0.0.1"):
    return APIClient(REMOTE_ADDR=address).post("/api/v1/auth/token/", {"username": username, "password": password},
                                               format="json")


def page_login(username, password=PASSWORD, address="10.0.0.1"):
    return Client(REMOTE_ADDR=address).post("/accounts/login/", {"username": username, "password": password})


def test_html_login_locks_the_account_after_repeated_failures(people, settings):
    limit = settings.AXES_FAILURE_LIMIT
    codes = [page_login("dangban", "wrong").status_code for _ in range(limit - 1)]
    assert codes == [200] * (limit - 1)
    locked = page_login("dangban", "wrong")
    assert locked.status_code == 429 and "已被暂时锁定" in locked.content.decode()
    assert page_login("dangban").status_code == 429  # the right password no longer helps
    assert AccessAttempt.objects.filter(username="dangban", failures_since_start__gte=limit).exists()
    # per account and address: others from the same address, and the account elsewhere, still log in
    assert page_login("zuzhi").status_code == 302
    assert page_login("dangban", address="10.0.0.2").status_code == 302


def test_api_login_locks_with_json_429_and_unlock_by_command(people, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert token_login("zuzhi", "wrong").status_code == 400
    locked = token_login("zuzhi", "wrong")
    assert locked.status_code == 429
    assert "已被暂时锁定" in locked.json()["errors"]["non_field_errors"][0]
    assert token_login("zuzhi").status_code == 429
    call_command("axes_reset_username", "zuzhi")
    assert token_login("zuzhi").status_code == 200


def test_lock_counts_are_shared_through_the_database(people, settings):
    """Failures of the HTML page and the API add up: both go to the one AccessAttempt table."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page_login("sj_b01", "wrong")
    assert token_login("sj_b01", "wrong").status_code == 429


def test_thirty_people_behind_one_address_all_log_in(people):
    users = list(User.objects.order_by("username")[:30])
    assert len(users) == 30
    assert [token_login(u.username, address="192.168.1.1").status_code for u in users] == [200] * 30


def test_token_expires_after_idle_hours_and_slides_with_use(people, settings):
    settings.API_TOKEN_IDLE_HOURS = 12
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        key = token_login("dangban").json()["token"]
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        clock.move_to(start + timedelta(hours=11))
        assert client.get("/api/v1/me/").status_code == 200  # use slides the expiry
        first_use = TokenActivity.objects.get(token_id=key).last_used
        clock.move_to(start + timedelta(hours=11, seconds=30))
        assert client.get("/api/v1/me/").status_code == 200
        assert TokenActivity.objects.get(token_id=key).last_used == first_use  # at most one write a minute
        clock.move_to(start + timedelta(hours=22))
        assert client.get("/api/v1/me/").status_code == 200
        clock.move_to(start + timedelta(hours=34, minutes=1))
        expired = client.get("/api/v1/me/")
        assert expired.status_code == 401 and "过期" in expired.json()["detail"]
        assert not Token.objects.filter(key=key).exists()
        assert token_login("dangban").json()["token"] != key


def test_logout_revokes_the_token(people):
    key = token_login("dangban").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert client.get("/api/v1/me/").status_code == 401
    assert APIClient().post("/api/v1/auth/logout/").status_code == 401


def test_overlong_credentials_get_chinese_messages(people):
    response = token_login("dangban", "x" * 5000)
    assert response.status_code == 400 and response.json()["errors"]["password"] == ["密码不能超过 1024 个字符。"]


@pytest.mark.parametrize(("password", "fragment"), [
    ("Ab1-xyz", "至少"), ("aaaaaaaaaaaa", "同一个字符"), ("1234567890123", "只包含数字"),
    ("dangban2026", "相似"), ("password123", "常见"),
])
def test_password_rules_in_chinese(people, password, fragment):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, people["dangban"])
    assert any(fragment in message for message in refused.value.messages), refused.value.messages
    validate_password("党委工作-Spring-2026", people["dangban"])


def test_session_ends_after_the_idle_timeout(people, settings):
    settings.SESSION_COOKIE_AGE = 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = Client()
        assert client.post("/accounts/login/", {"username": "dangban", "password": PASSWORD}).status_code == 302
        clock.move_to(start + timedelta(minutes=25))
        assert client.get("/workbench/").status_code == 200  # activity keeps the session alive
        clock.move_to(start + timedelta(minutes=50))
        assert client.get("/workbench/").status_code == 200
        clock.move_to(start + timedelta(minutes=81))
        assert client.get("/workbench/").status_code == 302
