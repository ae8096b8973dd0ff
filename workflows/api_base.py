"""API conventions of spec/api.md: error shape, pagination, status codes."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation, ValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .api_edge import STATUS_MESSAGES, PayloadTooLarge
from .exceptions import Conflict, FormInvalid


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "当前状态不允许此操作。"
    default_code = "conflict"


class ErrorSerializer(serializers.Serializer):
    """Every 4xx: {"errors": {"field": ["中文说明"], "non_field_errors": [...]}} (plus "detail" outside 400)."""

    errors = serializers.DictField(child=serializers.JSONField())
    detail = serializers.CharField(required=False)


def errors(*codes) -> dict:
    """The `responses` entries of the error codes an operation may answer with."""
    return dict.fromkeys(codes, ErrorSerializer)


def validation_errors(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in msgs] for field, msgs in error.message_dict.items()}
    return {"non_field_errors": [str(m) for m in error.messages]}


def form_errors(form) -> dict:
    errors = {}
    for field, messages in form.errors.items():
        errors["non_field_errors" if field == "__all__" else field] = [str(m) for m in messages]
    return errors


def exception_handler(exc, context):
    """Translate service exceptions; give every error the {"errors": ...} shape."""
    if isinstance(exc, FormInvalid):
        return Response({"errors": form_errors(exc.form)}, status=400)
    if isinstance(exc, ValidationError):
        return Response({"errors": validation_errors(exc)}, status=400)
    if isinstance(exc, Conflict):
        exc = ConflictError(exc.message)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("未找到该对象，或您无权查看。")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied("您无权执行此操作。")
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(STATUS_MESSAGES[400])
    elif isinstance(exc, exceptions.Throttled):
        exc = exceptions.Throttled(exc.wait, detail=STATUS_MESSAGES[429])
    elif isinstance(exc, exceptions.MethodNotAllowed):
        exc = exceptions.MethodNotAllowed(context["request"].method, detail=STATUS_MESSAGES[405])
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        if isinstance(data, list):
            data = {"non_field_errors": data}
        response.data = {"errors": data}
    else:
        detail = data.get("detail", data) if isinstance(data, dict) else data
        response.data = {"errors": {"non_field_errors": [str(detail)]}, "detail": str(detail)}
    return response
