"""The edge of every request: input refused before a view sees it, and /api/ errors always in JSON.

- NUL bytes in query strings and form bodies (PostgreSQL refuses them in text) → 400.
- JSON bodies: not an object, nested deeper than MAX_JSON_DEPTH, NUL bytes, larger than
  DATA_UPLOAD_MAX_MEMORY_SIZE → 400 / 413 before `json.loads` can recurse or allocate.
- Any 4xx/5xx under /api/ that Django answered in HTML (unknown route, CSRF, oversized
  multipart body, server error) becomes `{"errors": {"non_field_errors": ["中文"]}, "detail"}`.
"""

import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import JsonResponse
from django.views import csrf
from django.views.defaults import bad_request
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 32
NUL_MESSAGE = "输入内容含有不允许的空字符（\\u0000），请删除后重试。"
TOO_LARGE_MESSAGE = "提交的内容过大。"
STATUS_MESSAGES = {
    400: "请求有误，无法处理。",
    403: "您无权执行此操作。",
    404: "接口不存在，请核对地址。",
    405: "该接口不支持此请求方法。",
    413: TOO_LARGE_MESSAGE,
    429: "请求过于频繁，请稍后再试。",
    500: "服务器内部错误，请稍后再试或联系管理员。",
}
CSRF_MESSAGE = "安全校验（CSRF）未通过，请刷新页面后重试；接口调用请使用 Token 认证。"
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = TOO_LARGE_MESSAGE
    default_code = "too_large"


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def api_error(message: str, status_code: int) -> JsonResponse:
    return JsonResponse({"errors": {"non_field_errors": [message]}, "detail": message}, status=status_code,
                        json_dumps_params={"ensure_ascii": False})


def has_nul(value) -> bool:
    """True when a string anywhere in a parsed JSON value (keys included) holds a NUL character."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def json_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text, counted without parsing it."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub(b"", raw)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class StrictJSONParser(JSONParser):
    """JSON bodies the API accepts: one object, bounded in size and depth, without NUL characters."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if limit is not None and len(raw) > limit:
            raise PayloadTooLarge
        if json_depth(raw) > MAX_JSON_DEPTH:
            raise exceptions.ParseError(f"JSON 嵌套过深（最多 {MAX_JSON_DEPTH} 层）。")
        try:
            data = json.loads(raw.decode(parser_context.get("encoding", "utf-8") if parser_context else "utf-8"),
                              parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            raise exceptions.ParseError("请求内容不是有效的 JSON。") from None
        if not isinstance(data, dict):
            raise exceptions.ParseError("请求内容须为 JSON 对象（{...}）。")
        if has_nul(data):
            raise exceptions.ParseError(NUL_MESSAGE)
        return data


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def _query_has_nul(request) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists())


def _form_has_nul(request) -> bool:
    if request.method not in ("POST", "PUT", "PATCH") or request.content_type not in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        return False
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists())


class EdgeMiddleware:
    """Refuse NUL bytes in query strings and form bodies; give /api/ errors the JSON shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            refused = _query_has_nul(request) or _form_has_nul(request)
        except RequestDataTooBig:
            return api_error(TOO_LARGE_MESSAGE, 413) if is_api(request) else bad_request(request, None)
        except TooManyFieldsSent:
            return api_error(STATUS_MESSAGES[400], 400) if is_api(request) else bad_request(request, None)
        if refused:
            return api_error(NUL_MESSAGE, 400) if is_api(request) else bad_request(request, None)
        response = self.get_response(request)
        if is_api(request) and response.status_code >= 400 and not _is_json(response):
            status_code = 413 if response.status_code == 400 and _too_big(request) else response.status_code
            return api_error(STATUS_MESSAGES.get(status_code, STATUS_MESSAGES[400]), status_code)
        return response


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _too_big(request) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    except ValueError:
        return False


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: JSON under /api/, the site's own Chinese page elsewhere."""
    if is_api(request):
        return api_error(CSRF_MESSAGE, 403)
    return csrf.csrf_failure(request, reason=reason, template_name="403_csrf.html")
