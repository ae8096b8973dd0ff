"""REST API v1: auth token, me, units, and the task inbox shared by every flow."""

from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from . import tasks as task_service
from .actions.api import TaskListView  # noqa: F401 (GET /api/v1/tasks/?scope=open|done|started)
from .exceptions import Conflict, FormInvalid
from .models import Unit
from .org.permissions import require_perm
from .serializers import MeSerializer, TaskSerializer, TermSerializer, UnitSerializer


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(error_messages={"required": "请填写用户名。", "blank": "请填写用户名。"})
    password = serializers.CharField(error_messages={"required": "请填写密码。", "blank": "请填写密码。"})


class AuthTokenView(APIView):
    """Exchange username and password for an API token."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"

    @extend_schema(request=TokenRequestSerializer, responses={200: dict})
    def post(self, request):
        from rest_framework.authtoken.models import Token

        payload = TokenRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = authenticate(request, **payload.validated_data)
        if user is None or not user.is_active:
            raise serializers.ValidationError({"non_field_errors": ["用户名或密码不正确。"]})
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeView(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class UnitDetailView(APIView):
    @extend_schema(responses={200: dict})
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

    @extend_schema(request=None, responses={200: dict})
    def post(self, request, pk):
        task = task_service.task_claim(task=_human_task(pk), user=request.user)
        return Response(TaskSerializer(task_service.get_task(task.pk)).data)


class TaskCompleteView(GenericAPIView):
    serializer_class = TaskSerializer

    @extend_schema(request=dict, responses={200: dict})
    def post(self, request, pk):
        task = _human_task(pk)
        subject = task_service.task_complete(task=task, user=request.user, data=request.data)
        flow_code = task_service.flow_code_of(task)
        entry = task_service.registered_flows().get(flow_code)
        serialize = entry.serialize if entry else None
        body = {
            "task": TaskSerializer(task_service.get_task(task.pk)).data,
            "subject": serialize(subject, request) if serialize and subject is not None else None,
        }
        return Response(body, status=status.HTTP_200_OK)


class TermPostponeView(APIView):
    """POST {"until","reason"}: the committee approved postponing the unit's election (at most a year)."""

    @extend_schema(operation_id="unit_term_postpone", request=dict, responses={200: dict})
    def post(self, request, code):
        from .org.forms import TermPostponeForm
        from .org.terms import term_postpone

        unit = get_object_or_404(Unit, code=code)
        require_perm(request.user, "workflows.see_unit", unit, hide=True)
        require_perm(request.user, "workflows.postpone_term", unit)
        term = unit.current_term
        if term is None:
            raise Conflict("该组织没有在任的一届。")
        form = TermPostponeForm(data=request.data)
        if not form.is_valid():
            raise FormInvalid(form)
        term = term_postpone(term=term, user=request.user, **form.cleaned_data)
        return Response(TermSerializer(term).data)
