"""API authentication: expiring tokens and session auth whose CSRF refusal speaks Chinese."""

from django.utils.translation import gettext as _
from drf_spectacular import authentication as spectacular_auth
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from .api_edge import CSRF_MESSAGE
from .tokens import is_expired, touch


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, refused once the token has been idle for API_TOKEN_IDLE_HOURS."""

    def authenticate_credentials(self, key):
        token = Token.objects.select_related("user", "activity").filter(key=key).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("令牌无效，请重新登录获取。"))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("该账号已停用，请联系党委办公室。"))
        if is_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(_("令牌已过期，请重新登录获取。"))
        touch(token)
        return token.user, token


class SessionAuthentication(authentication.SessionAuthentication):
    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise exceptions.PermissionDenied(CSRF_MESSAGE) from None


class SessionScheme(spectacular_auth.SessionScheme):
    """Tell drf-spectacular that the session auth above is the usual cookie session."""

    target_class = SessionAuthentication
    priority = 1
