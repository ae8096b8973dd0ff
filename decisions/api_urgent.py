"""REST API: 事后报告 (`POST /api/v1/decisions/urgent/`), validated by the same form as the page."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.exceptions import FormInvalid
from workflows.org.permissions import require_perm

from .models import Decision
from .route_forms import UrgentReportForm
from .serializers import decision_data
from .services.urgent import decision_urgent_report


class UrgentReportRequestSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=Decision.Category.choices)
    summary = serializers.CharField()
    department_unit = serializers.CharField(help_text="责任科室所在党支部的代码")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    reason = serializers.CharField(help_text="不能等待党委会的原因")
    decided_on = serializers.DateField(help_text="书记、院长作出决定的日期，不晚于今天")


class DecisionResultSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["passed", "rejected", "deferred", "reported"])


class DecisionSummarySerializer(serializers.Serializer):
    """The main fields of a decision (the response has every field of GET /decisions/{id}/)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    category = serializers.CharField()
    status = serializers.ChoiceField(choices=Decision.Status.choices)
    active_steps = serializers.ListField(child=serializers.CharField())
    urgent = serializers.BooleanField()
    urgent_reason = serializers.CharField()
    decided_on = serializers.DateField(allow_null=True)
    legal_required = serializers.BooleanField()
    expert_required = serializers.BooleanField()
    result = DecisionResultSerializer(allow_null=True)
    process_id = serializers.IntegerField(allow_null=True)


class UrgentReportView(APIView):
    """Office staff record an urgent matter decided outside a meeting; 201 at `urgent_confirm`."""

    @extend_schema(operation_id="decisions_urgent_create", request=UrgentReportRequestSerializer,
                   responses={201: DecisionSummarySerializer})
    def post(self, request):
        require_perm(request.user, "workflows.run_office")
        form = UrgentReportForm(data=request.data, user=request.user)
        if not form.is_valid():
            raise FormInvalid(form)
        decision = decision_urgent_report(user=request.user, **form.cleaned_data)
        return Response(decision_data(decision, request.user), status=status.HTTP_201_CREATED)
