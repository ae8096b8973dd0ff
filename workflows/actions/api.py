"""REST endpoints of the task actions (spec/api.md "Added in the second round"; 加签 documented in docs)."""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.response import Response
from viewflow.workflow.models import Task

from ..serializers import TaskSerializer
from ..tasks import get_task
from .cc import copies_for, task_cc
from .common import TooSoon, people_by_username, require_writer
from .consult import consultation_answer, consultations_of, task_consult
from .delegation import delegation_cancel, delegation_create, delegations_of
from .models import Consultation, Delegation
from .reassign import task_reassign
from .scopes import started_data, tasks_in_scope
from .serializers import (
    AnswerRequest,
    ConsultationSerializer,
    ConsultRequest,
    CopyRequest,
    CopySerializer,
    DelegationRequest,
    DelegationSerializer,
    ReassignRequest,
    TaskRowSerializer,
    UrgeRequest,
    UrgeSerializer,
)
from .urge import task_urge


def _task(pk) -> Task:
    return get_object_or_404(Task.objects.select_related("process", "owner"), pk=pk, flow_task_type="HUMAN")


def _payload(serializer_class, request) -> dict:
    require_writer(request.user)  # auditors: 403 before any validation
    payload = serializer_class(data=request.data)
    payload.is_valid(raise_exception=True)
    return payload.validated_data


def _person(username, field):
    return people_by_username([username], field=field)[0]


class TaskListView(ListAPIView):
    """My open tasks (default, with those of people who delegated to me), the tasks I did (`scope=done`),
    or the subjects I started (`scope=started`)."""

    serializer_class = TaskRowSerializer

    @extend_schema(operation_id="tasks_list", parameters=[
        OpenApiParameter("scope", OpenApiTypes.STR, enum=["open", "done", "started"]),
        OpenApiParameter("flow", OpenApiTypes.STR), OpenApiParameter("step", OpenApiTypes.STR)])
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(tasks_in_scope(request.user, request.query_params))
        if request.query_params.get("scope") == "started":
            return self.get_paginated_response(started_data(page))
        return self.get_paginated_response([TaskSerializer(task).data for task in page])


class TaskReassignView(GenericAPIView):
    serializer_class = ReassignRequest

    @extend_schema(operation_id="task_reassign", request=ReassignRequest, responses={200: TaskRowSerializer})
    def post(self, request, pk):
        data = _payload(ReassignRequest, request)
        task = task_reassign(task=_task(pk), user=request.user, to=_person(data["to"], "to"), reason=data["reason"])
        return Response(TaskSerializer(get_task(task.pk)).data)


class TaskUrgeView(GenericAPIView):
    serializer_class = UrgeRequest

    @extend_schema(operation_id="task_urge", request=UrgeRequest, responses={200: UrgeSerializer, 429: dict})
    def post(self, request, pk):
        data = _payload(UrgeRequest, request)
        try:
            urge = task_urge(task=_task(pk), user=request.user, message=data["message"])
        except TooSoon as soon:
            return Response({"errors": {"non_field_errors": [soon.message]}, "detail": soon.message},
                            status=status.HTTP_429_TOO_MANY_REQUESTS)
        return Response(UrgeSerializer(urge).data)


class TaskCopyView(GenericAPIView):
    serializer_class = CopyRequest

    @extend_schema(operation_id="task_cc", request=CopyRequest, responses={200: CopySerializer(many=True)})
    def post(self, request, pk):
        data = _payload(CopyRequest, request)
        copies = task_cc(task=_task(pk), user=request.user, to=people_by_username(data["to"], field="to"),
                         note=data.get("note", ""))
        return Response(CopySerializer(copies, many=True).data)


class CopyListView(ListAPIView):
    """What was copied to me (抄送我的), newest first; `?flow=` and `?q=` filter."""

    serializer_class = CopySerializer

    @extend_schema(operation_id="cc_list", parameters=[OpenApiParameter("flow", OpenApiTypes.STR),
                                                       OpenApiParameter("q", OpenApiTypes.STR)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return copies_for(self.request.user, flow=params.get("flow") or None, text=(params.get("q") or "").strip())


class TaskConsultView(GenericAPIView):
    serializer_class = ConsultRequest

    @extend_schema(operation_id="task_consult", request=ConsultRequest,
                   responses={201: ConsultationSerializer(many=True)})
    def post(self, request, pk):
        data = _payload(ConsultRequest, request)
        asks = task_consult(task=_task(pk), user=request.user, people=people_by_username(data["to"], field="to"),
                            question=data["question"])
        return Response(ConsultationSerializer(asks, many=True).data, status=status.HTTP_201_CREATED)


class ConsultationListView(ListAPIView):
    """加签 asked of me (open ones first)."""

    serializer_class = ConsultationSerializer

    def get_queryset(self):
        return consultations_of(self.request.user)


class ConsultationAnswerView(GenericAPIView):
    serializer_class = AnswerRequest

    @extend_schema(operation_id="consultation_answer", request=AnswerRequest,
                   responses={200: ConsultationSerializer})
    def post(self, request, pk):
        data = _payload(AnswerRequest, request)
        consultation = get_object_or_404(Consultation.objects.select_related("task"), pk=pk, person=request.user)
        answered = consultation_answer(consultation=consultation, user=request.user, answer=data["answer"])
        return Response(ConsultationSerializer(answered).data)


class DelegationListView(ListAPIView):
    """委托 I gave or received; POST names a delegate for a period."""

    serializer_class = DelegationSerializer

    def get_queryset(self):
        return delegations_of(self.request.user)

    @extend_schema(operation_id="delegation_create", request=DelegationRequest, responses={201: DelegationSerializer})
    def post(self, request):
        data = _payload(DelegationRequest, request)
        delegation = delegation_create(user=request.user, delegate=_person(data["delegate"], "delegate"),
                                       starts=data["starts"], ends=data["ends"], reason=data["reason"])
        return Response(DelegationSerializer(delegation).data, status=status.HTTP_201_CREATED)


class DelegationDetailView(GenericAPIView):
    serializer_class = DelegationSerializer

    @extend_schema(operation_id="delegation_cancel", request=None, responses={200: DelegationSerializer})
    def delete(self, request, pk):
        delegation = get_object_or_404(Delegation, pk=pk, principal=request.user)
        return Response(DelegationSerializer(delegation_cancel(delegation=delegation, user=request.user)).data)


urlpatterns = [
    path("tasks/<int:pk>/reassign/", TaskReassignView.as_view(), name="api-task-reassign"),
    path("tasks/<int:pk>/urge/", TaskUrgeView.as_view(), name="api-task-urge"),
    path("tasks/<int:pk>/cc/", TaskCopyView.as_view(), name="api-task-cc"),
    path("tasks/<int:pk>/consult/", TaskConsultView.as_view(), name="api-task-consult"),
    path("cc/", CopyListView.as_view(), name="api-cc"),
    path("consultations/", ConsultationListView.as_view(), name="api-consultations"),
    path("consultations/<int:pk>/answer/", ConsultationAnswerView.as_view(), name="api-consultation-answer"),
    path("delegations/", DelegationListView.as_view(), name="api-delegations"),
    path("delegations/<int:pk>/", DelegationDetailView.as_view(), name="api-delegation"),
]
