"""API tokens that expire after an idle period (API_TOKEN_IDLE_HOURS) and can be revoked.

rest_framework.authtoken's Token only knows when it was created; TokenActivity keeps when it was
last used, refreshed at most once every TOKEN_TOUCH_SECONDS so requests stay cheap.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from rest_framework.authtoken.models import Token

TOKEN_TOUCH_SECONDS = 60


class TokenActivity(models.Model):
    """When an API token was last used (bookkeeping of the login, not a domain record: no history)."""

    token = models.OneToOneField(Token, primary_key=True, on_delete=models.CASCADE, related_name="activity")
    last_used = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌使用时间"

    def __str__(self):
        return f"{self.token.user_id} @ {self.last_used:%Y-%m-%d %H:%M}"


def idle_timeout() -> timedelta:
    return timedelta(hours=settings.API_TOKEN_IDLE_HOURS)


def last_used(token: Token):
    try:
        return token.activity.last_used
    except TokenActivity.DoesNotExist:
        return token.created


def is_expired(token: Token, now=None) -> bool:
    return (now or timezone.now()) - last_used(token) > idle_timeout()


def touch(token: Token, now=None) -> None:
    """Record a use of the token, writing only when the last record is older than a minute."""
    now = now or timezone.now()
    if now - last_used(token) >= timedelta(seconds=TOKEN_TOUCH_SECONDS):
        TokenActivity.objects.update_or_create(token=token, defaults={"last_used": now})


def issue_token(user) -> Token:
    """The user's token for a fresh login: an expired one is replaced, a live one is kept and refreshed."""
    token = Token.objects.select_related("activity").filter(user=user).first()
    if token is not None and is_expired(token):
        token.delete()
        token = None
    if token is None:
        token = Token.objects.create(user=user)
    TokenActivity.objects.update_or_create(token=token, defaults={"last_used": timezone.now()})
    return token


def revoke_tokens(user) -> None:
    Token.objects.filter(user=user).delete()
