"""Login that holds: the lockout answer of django-axes, the idle session timeout, a password rule."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError
from django.shortcuts import render

from .api_edge import api_error, is_api

SESSION_SEEN_KEY = "_last_seen"
SESSION_TOUCH_SECONDS = 60


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else 0
    wait = f"请 {minutes} 分钟后再试，或" if minutes else "请"
    return f"该账号登录失败次数过多，已被暂时锁定。{wait}联系党委办公室解锁。"


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: JSON 429 for the API token login, the login page with the message otherwise."""
    if is_api(request):
        return api_error(lockout_message(), 429)
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})  # unbound
    context = {"form": form, "locked_out_message": lockout_message()}
    return render(request, "registration/login.html", context, status=429)


class SessionIdleMiddleware:
    """Slide the session's expiry (SESSION_COOKIE_AGE) on use, saving it at most once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            if now - session.get(SESSION_SEEN_KEY, 0) >= SESSION_TOUCH_SECONDS:
                session[SESSION_SEEN_KEY] = now  # modified: saved with a fresh expiry
        return self.get_response(request)


def mark_session_seen(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_SEEN_KEY] = int(time.time())


class NotOneCharacterValidator:
    """Refuse passwords made of a single repeated character (e.g. 「aaaaaaaaaa」)."""

    def validate(self, password, user=None):
        if password and len(set(password)) == 1:
            raise ValidationError("密码不能由同一个字符重复组成。", code="password_one_character")

    def get_help_text(self):
        return "密码不能由同一个字符重复组成。"


class ChineseMinimumLengthValidator(MinimumLengthValidator):
    """Django's minimum length, with the message Django's zh-hans catalogue leaves in English."""

    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"
