"""REST API v1: decisions (三重一大) and meetings (党委会). Steps go through /api/v1/tasks/."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.api_base import Pagination, errors
from workflows.api_fields import check_types, form_serializer
from workflows.exceptions import Conflict, FormInvalid
from workflows.org.permissions import require_perm
from workflows.serializers import HistoryEntrySerializer

from . import selectors, services
from .forms import DecisionForm, LeaveRequestForm, MeetingForm, WithdrawForm
from .minutes_docx import minutes_content_disposition, minutes_docx_bytes
from .serializers import (
    DecisionSerializer,
    MeetingSerializer,
    MinutesCorrectionRequest,
    decision_data,
    decisions_data,
    meeting_data,
    meetings_data,
)
from .services.meeting import meeting_leave_request

DecisionRequest = form_serializer(DecisionForm)
WithdrawRequest = form_serializer(WithdrawForm)
MeetingRequest = form_serializer(MeetingForm)
LeaveRequest = form_serializer(LeaveRequestForm)
READ_ERRORS = errors(401, 404)
WRITE_ERRORS = errors(400, 401, 403, 404, 409)
LIST_PARAMETERS = [OpenApiParameter(name, str, description=text) for name, text in (
    ("status", "状态代码"), ("category", "类别代码"), ("q", "标题或摘要中的文字"))]


class DecisionListView(GenericAPIView):
    """The decisions I may see (?status=, ?category=); POST proposes a new one (the submit step)."""

    pagination_class = Pagination
    serializer_class = DecisionRequest  # what OPTIONS describes

    def get_queryset(self):
        params = self.request.query_params
        return selectors.filter_decisions(
            selectors.visible_decisions(self.request.user),
            status=params.get("status"), category=params.get("category"), q=params.get("q"),
            year=params.get("year"), outcome=params.get("outcome"),
        ).order_by("-created", "-pk")

    @extend_schema(operation_id="decisions_list", parameters=LIST_PARAMETERS,
                   responses={200: DecisionSerializer(many=True), **errors(401)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(decisions_data(page, request.user))

    @extend_schema(request=DecisionRequest, responses={201: DecisionSerializer, **WRITE_ERRORS})
    def post(self, request):
        require_perm(request.user, "decisions.propose")  # the role first: refused people learn nothing of the payload
        check_types(DecisionRequest, request.data)
        form = DecisionForm(data=request.data, user=request.user)
        if not form.is_valid():
            raise FormInvalid(form)
        decision = services.decision_submit(user=request.user, **form.cleaned_data)
        return Response(decision_data(decision, request.user), status=status.HTTP_201_CREATED)


class DecisionDetailView(APIView):
    @extend_schema(responses={200: DecisionSerializer, **READ_ERRORS})
    def get(self, request, pk):
        return Response(decision_data(selectors.get_visible_decision(request.user, pk), request.user))


class DecisionWithdrawView(APIView):
    @extend_schema(request=WithdrawRequest, responses={200: DecisionSerializer, **WRITE_ERRORS})
    def post(self, request, pk):
        decision = selectors.get_visible_decision(request.user, pk)
        require_perm(request.user, "decisions.withdraw", decision)
        check_types(WithdrawRequest, request.data)
        form = WithdrawForm(data=request.data)
        if not form.is_valid():
            raise FormInvalid(form)
        decision = services.decision_withdraw(decision=decision, user=request.user, reason=form.cleaned_data["reason"])
        return Response(decision_data(decision, request.user))


class DecisionCloseExpertReviewView(APIView):
    """POST: office staff close an overdue expert review; missing experts are recorded."""

    @extend_schema(request=None, responses={200: DecisionSerializer, **errors(401, 403, 404, 409)})
    def post(self, request, pk):
        decision = selectors.get_visible_decision(request.user, pk)
        services.decision_expert_review_close(decision=decision, user=request.user)
        return Response(decision_data(selectors.get_visible_decision(request.user, pk), request.user))


class DecisionHistoryView(APIView):
    @extend_schema(responses={200: HistoryEntrySerializer(many=True), **READ_ERRORS})
    def get(self, request, pk):
        decision = selectors.get_visible_decision(request.user, pk)
        return Response(selectors.decision_history(decision, request.user))


class MeetingListView(GenericAPIView):
    pagination_class = Pagination
    serializer_class = MeetingRequest  # what OPTIONS describes

    def get_queryset(self):
        return selectors.visible_meetings(self.request.user).order_by("-scheduled_at", "-pk")

    @extend_schema(operation_id="meetings_list", responses={200: MeetingSerializer(many=True), **errors(401)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(meetings_data(page))

    @extend_schema(request=MeetingRequest, responses={201: MeetingSerializer, **WRITE_ERRORS})
    def post(self, request):
        require_perm(request.user, "decisions.schedule_meeting")
        check_types(MeetingRequest, request.data)
        form = MeetingForm(data=request.data)
        if not form.is_valid():
            raise FormInvalid(form)
        meeting = services.meeting_schedule(user=request.user, **form.cleaned_data)
        return Response(meeting_data(meeting), status=status.HTTP_201_CREATED)


class MeetingDetailView(APIView):
    @extend_schema(responses={200: MeetingSerializer, **READ_ERRORS})
    def get(self, request, pk):
        return Response(meeting_data(selectors.get_visible_meeting(request.user, pk)))


class MeetingHistoryView(APIView):
    @extend_schema(responses={200: HistoryEntrySerializer(many=True), **READ_ERRORS})
    def get(self, request, pk):
        return Response(selectors.meeting_history(selectors.get_visible_meeting(request.user, pk), request.user))


class MeetingLeaveView(APIView):
    """POST {"reason"}: a committee member asks for leave (请假) before the meeting."""

    @extend_schema(request=LeaveRequest, responses={201: MeetingSerializer, **WRITE_ERRORS})
    def post(self, request, pk):
        meeting = selectors.get_visible_meeting(request.user, pk)
        check_types(LeaveRequest, request.data)
        form = LeaveRequestForm(data=request.data)
        if not form.is_valid():
            raise FormInvalid(form)
        meeting_leave_request(meeting=meeting, user=request.user, reason=form.cleaned_data["reason"])
        return Response(meeting_data(meeting), status=status.HTTP_201_CREATED)


def minutes_response(meeting) -> HttpResponse:
    minutes = getattr(meeting, "minutes", None)
    if minutes is None or not minutes.frozen:
        raise Conflict("会议纪要尚未签发，不能下载。")
    response = HttpResponse(
        minutes_docx_bytes(meeting),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = minutes_content_disposition(meeting)
    return response


class MeetingMinutesDocxView(APIView):
    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"): OpenApiTypes.BINARY,
                              **errors(401, 404, 409)})
    def get(self, request, pk):
        return minutes_response(selectors.get_visible_meeting(request.user, pk))


class MinutesCorrectionView(APIView):
    """POST {"text","reason"}: a correction (更正) of approved minutes, kept beside the original."""

    @extend_schema(request=MinutesCorrectionRequest, responses={201: MeetingSerializer, **WRITE_ERRORS})
    def post(self, request, pk):
        meeting = selectors.get_visible_meeting(request.user, pk)
        require_perm(request.user, "decisions.correct_minutes")
        payload = MinutesCorrectionRequest(data=request.data)
        payload.is_valid(raise_exception=True)
        minutes = getattr(meeting, "minutes", None)
        if minutes is None:
            raise Conflict("会议纪要尚未签发。")
        services.minutes_correct(minutes=minutes, user=request.user, **payload.validated_data)
        return Response(meeting_data(meeting), status=status.HTTP_201_CREATED)
