"""REST API v1: auth token, me, units, and the task inbox shared by every flow."""

from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import tasks as task_service
from .actions.api import TaskListView  # noqa: F401 (GET /api/v1/tasks/?scope=open|done|started)
from .api_base import errors
from .api_fields import check_types, form_serializer, step_payloads
from .exceptions import Conflict, FormInvalid
from .models import Unit
from .org.forms import TermPostponeForm
from .org.permissions import require_perm
from .serializers import (
    MeSerializer,
    TaskCompleteSerializer,
    TaskSerializer,
    TermSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UnitSerializer,
)
from .tokens import issue_token, revoke_tokens

TermPostponeRequest = form_serializer(TermPostponeForm)


class AuthTokenView(APIView):
    """Exchange username and password for an API token (expires after API_TOKEN_IDLE_HOURS idle).

    Wrong passwords are counted per account and address by django-axes (shared by every worker);
    a locked account gets 429 until it cools off or office staff unlock it.
    """

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer, **errors(400, 429)})
    def post(self, request):
        payload = TokenRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        # The Django request: django-axes marks a lockout on it for its middleware to answer.
        user = authenticate(request._request, **payload.validated_data)
        if user is None or not user.is_active:
            raise serializers.ValidationError({"non_field_errors": ["用户名或密码不正确。"]})
        return Response({"token": issue_token(user).key})


class LogoutView(APIView):
    """Revoke my API token (the next request with it gets 401)."""

    @extend_schema(request=None, responses={204: None, **errors(401)})
    def post(self, request):
        revoke_tokens(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses={200: MeSerializer, **errors(401)})
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class UnitDetailView(APIView):
    @extend_schema(responses={200: UnitSerializer, **errors(401, 404)})
    def get(self, request, code):
        unit = get_object_or_404(Unit.objects.select_related("parent"), code=code)
        require_perm(request.user, "workflows.see_unit", unit, hide=True)
        return Response(UnitSerializer(unit).data)


class UnitTermsView(ListAPIView):
    serializer_class = TermSerializer

    def get_queryset(self):
        unit = get_object_or_404(Unit, code=self.kwargs["code"])
        require_perm(self.request.user, "workflows.see_unit", unit, hide=True)
        return unit.terms.select_related("unit").order_by("-started", "-pk")


def _human_task(pk):
    """A human task by id (404 if none); who may act on it is decided by the task services."""
    from viewflow.workflow.models import Task

    return get_object_or_404(Task.objects.select_related("process", "owner"), pk=pk, flow_task_type="HUMAN")


class TaskClaimView(GenericAPIView):
    serializer_class = TaskSerializer

    @extend_schema(request=None, responses={200: TaskSerializer, **errors(401, 403, 404, 409)})
    def post(self, request, pk):
        task = task_service.task_claim(task=_human_task(pk), user=request.user)
        return Response(TaskSerializer(task_service.get_task(task.pk)).data)


class TaskCompleteView(GenericAPIView):
    serializer_class = TaskSerializer

    @extend_schema(request=step_payloads(),
                   responses={200: TaskCompleteSerializer, **errors(400, 401, 403, 404, 409)})
    def post(self, request, pk):
        task = _human_task(pk)
        form_class = getattr(task.flow_task, "form_class", None)
        if form_class is not None:
            check_types(form_serializer(form_class), request.data)
        task_service.task_complete(task=task, user=request.user, data=request.data)
        flow_code = task_service.flow_code_of(task)
        entry = task_service.registered_flows().get(flow_code)
        serialize = entry.serialize if entry else None
        done = task_service.get_task(task.pk)
        subject = done.process.artifact if done.process.artifact_object_id else None
        body = {
            "task": TaskSerializer(done).data,
            "subject": serialize(subject, request) if serialize and subject is not None else None,
        }
        return Response(body, status=status.HTTP_200_OK)


class TermPostponeView(APIView):
    """POST {"until","reason"}: the committee approved postponing the unit's election (at most a year)."""

    @extend_schema(operation_id="unit_term_postpone", request=TermPostponeRequest,
                   responses={200: TermSerializer, **errors(400, 401, 403, 404, 409)})
    def post(self, request, code):
        from .org.terms import term_postpone

        unit = get_object_or_404(Unit, code=code)
        require_perm(request.user, "workflows.see_unit", unit, hide=True)
        require_perm(request.user, "workflows.postpone_term", unit)
        check_types(TermPostponeRequest, request.data)
        term = unit.current_term
        if term is None:
            raise Conflict("该组织没有在任的一届。")
        form = TermPostponeForm(data=request.data)
        if not form.is_valid():
            raise FormInvalid(form)
        term = term_postpone(term=term, user=request.user, **form.cleaned_data)
        return Response(TermSerializer(term).data)
