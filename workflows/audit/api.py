"""REST API of the auditors: the change trail and the compliance check (read-only).

Included from project/urls.py under /api/v1/.
"""

from django.core.exceptions import ValidationError
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.views import APIView

from ..api_base import Pagination, errors
from ..org.permissions import require_perm
from .compliance_filters import ComplianceFilterForm, ComplianceFilters, compliance_queryset
from .export import trail_workbook
from .serializers import ComplianceItemSerializer, TrailEntrySerializer
from .trail import public_entry, trail_entries
from .trail_filters import TrailFilterForm, TrailFilters, trail_queryset
from .views import XLSX, compliance_export, stamp, xlsx_response

TRAIL_PARAMETERS = [
    OpenApiParameter("user", str, description="操作人用户名"),
    OpenApiParameter("unit", str, description="党组织代码"),
    OpenApiParameter("model", str, description="记录类型，如 decisions.vote"),
    OpenApiParameter("flow", str, description="流程代码 decision|meeting|election"),
    OpenApiParameter("process", int, description="流程实例编号"),
    OpenApiParameter("since", OpenApiTypes.DATE, description="起始日期（含）"),
    OpenApiParameter("until", OpenApiTypes.DATE, description="截止日期（含）"),
]


def _filters(request) -> TrailFilters:
    require_perm(request.user, "audit.read_trail")
    form = TrailFilterForm(request.query_params)
    if not form.is_valid():
        raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
    return TrailFilters.from_form(form)


class AuditTrailView(APIView):
    """Every history record, newest first: the history entry shape plus ids and the record hash."""

    pagination_class = Pagination  # paginated by hand below; named here for the schema

    @extend_schema(parameters=TRAIL_PARAMETERS,
                   responses={200: TrailEntrySerializer(many=True), **errors(400, 401, 403)})
    def get(self, request):
        filters = _filters(request)
        paginator = Pagination()
        page = paginator.paginate_queryset(trail_queryset(filters), request, view=self)
        entries = [public_entry(e) for e in trail_entries(list(page))]
        return paginator.get_paginated_response(entries)


class AuditTrailExportView(APIView):
    """The filtered trail as an Excel workbook (.xlsx)."""

    @extend_schema(parameters=TRAIL_PARAMETERS, responses={(200, XLSX): OpenApiTypes.BINARY, **errors(400, 401, 403)})
    def get(self, request):
        return xlsx_response(trail_workbook(_filters(request)), f"变更记录-{stamp()}.xlsx")


def _compliance_filters(request) -> ComplianceFilters:
    require_perm(request.user, "audit.read_trail")
    form = ComplianceFilterForm(request.query_params)
    if not form.is_valid():
        raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
    return ComplianceFilters.from_form(form)


COMPLIANCE_PARAMETERS = [
    OpenApiParameter("kind", str, description="decision | election | term"),
    OpenApiParameter("check", str, description="只列出该检查项不符合的事项，如 notice、quorum"),
    OpenApiParameter("failing", str, description="1：仅存在问题的；0：仅符合的"),
]


class ComplianceListView(APIView):
    """Every checked item with its stored checklist, failing items first (refreshed by `refresh_compliance`)."""

    pagination_class = Pagination  # paginated by hand below; named here for the schema

    @extend_schema(parameters=COMPLIANCE_PARAMETERS,
                   responses={200: ComplianceItemSerializer(many=True), **errors(400, 401, 403)})
    def get(self, request):
        records = compliance_queryset(_compliance_filters(request))
        paginator = Pagination()
        page = paginator.paginate_queryset(records, request, view=self)
        return paginator.get_paginated_response([record.as_dict() for record in page])


class ComplianceExportView(APIView):
    """The filtered items as an Excel workbook (.xlsx), one line per check, streamed."""

    @extend_schema(parameters=COMPLIANCE_PARAMETERS,
                   responses={(200, XLSX): OpenApiTypes.BINARY, **errors(400, 401, 403)})
    def get(self, request):
        return compliance_export(_compliance_filters(request))


urlpatterns = [
    path("audit/", AuditTrailView.as_view(), name="api-audit"),
    path("audit/export/", AuditTrailExportView.as_view(), name="api-audit-export"),
    path("compliance/", ComplianceListView.as_view(), name="api-compliance"),
    path("compliance/export/", ComplianceExportView.as_view(), name="api-compliance-export"),
]
