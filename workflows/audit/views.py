"""Pages of the auditors (审计): the global change trail, its export, the compliance check."""

from urllib.parse import quote

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.generic import TemplateView
from viewflow.urls import Application

from ..models import Unit
from ..org.permissions import require_perm
from .compliance_filters import (
    COMPLIANCE_HEADER,
    ComplianceFilterForm,
    ComplianceFilters,
    compliance_queryset,
    compliance_rows,
    compliance_summary,
)
from .compliance_refresh import last_refreshed
from .export import trail_workbook, workbook_file
from .status import ledger_status
from .trail import may_read_trail, trail_entries
from .trail_filters import TrailFilterForm, TrailFilters, operator_choices, trail_queryset

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TRAIL_PAGE_SIZE = 50


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_file_response(file, filename: str) -> FileResponse:
    """A workbook written to a temporary file, sent in chunks."""
    response = FileResponse(file, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


COMPLIANCE_WIDTHS = (12, 10, 40, 20, 14, 14, 36, 12, 50)
COMPLIANCE_PAGE_SIZE = 30


def compliance_export(filters: ComplianceFilters) -> FileResponse:
    file = workbook_file("合规体检", COMPLIANCE_HEADER, compliance_rows(filters), widths=COMPLIANCE_WIDTHS)
    return xlsx_file_response(file, f"合规体检-{stamp()}.xlsx")


def stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


class AuditAccessMixin(LoginRequiredMixin):
    """Auditors, the discipline secretary and the party secretary; everyone else 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require_perm(request.user, "audit.read_trail")
        return super().dispatch(request, *args, **kwargs)


class TrailView(AuditAccessMixin, TemplateView):
    """全局变更记录: who changed what, when, from what to what, and why."""

    template_name = "workflows/audit_trail.html"

    def get(self, request, *args, **kwargs):
        form = TrailFilterForm(request.GET or None)
        context = self.get_context_data(form=form, units=Unit.objects.order_by("kind", "code"),
                                        operators=operator_choices())
        if request.GET and not form.is_valid():
            return self.render_to_response(context, status=400)
        filters = TrailFilters.from_form(form) if request.GET else TrailFilters()
        paginator = Paginator(trail_queryset(filters), TRAIL_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            entries=trail_entries(list(page.object_list)),
            page_obj=page,
            paginator=paginator,
            is_paginated=page.has_other_pages(),
            query=query,
        )
        return self.render_to_response(context)


class TrailExportView(AuditAccessMixin, TemplateView):
    """The filtered trail as an Excel workbook."""

    template_name = "workflows/audit_trail.html"

    def get(self, request, *args, **kwargs):
        form = TrailFilterForm(request.GET)
        if not form.is_valid():
            context = self.get_context_data(form=form, entries=[], units=Unit.objects.order_by("kind", "code"),
                                            operators=operator_choices())
            return self.render_to_response(context, status=400)
        content = trail_workbook(TrailFilters.from_form(form))
        return xlsx_response(content, f"变更记录-{stamp()}.xlsx")


class IntegrityView(AuditAccessMixin, TemplateView):
    """防篡改校验: the latest checkpoint, what is sealed, what awaits the sealer, the verification."""

    template_name = "workflows/audit_integrity.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "status": ledger_status()}


class ComplianceView(AuditAccessMixin, TemplateView):
    """合规体检: the stored checklist of every decision and election, failing items first, paged in the database."""

    template_name = "workflows/compliance.html"

    def get(self, request, *args, **kwargs):
        form = ComplianceFilterForm(request.GET)
        valid = form.is_valid()
        filters = ComplianceFilters.from_form(form) if valid else ComplianceFilters()
        paginator = Paginator(compliance_queryset(filters), COMPLIANCE_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        summary = compliance_summary(filters)
        context = self.get_context_data(
            form=form, records=page.object_list, page_obj=page, paginator=paginator,
            is_paginated=page.has_other_pages(), query=query, total=summary["total"],
            failing_count=summary["failing"], refreshed_at=last_refreshed(),
        )
        return self.render_to_response(context, status=200 if valid else 400)


class ComplianceExportView(AuditAccessMixin, TemplateView):
    """The filtered 合规体检 as an Excel workbook (one line per check), streamed."""

    template_name = "workflows/compliance.html"

    def get(self, request, *args, **kwargs):
        form = ComplianceFilterForm(request.GET)
        if not form.is_valid():
            return ComplianceView.as_view()(request)
        return compliance_export(ComplianceFilters.from_form(form))


class AuditApp(Application):
    """审计: the change trail, tamper check and compliance check (read-only)."""

    title = "审计监督"
    icon = "policy"
    app_name = "audit"
    menu_template_name = "workflows/app_menu.html"
    # Anonymous users pass here so the views can send them to the login page.
    permission = staticmethod(lambda user: not user.is_authenticated or may_read_trail(user))
    menu_links = [
        ("audit:trail", "变更记录", "history"),
        ("audit:compliance", "合规体检", "fact_check"),
        ("audit:integrity", "防篡改校验", "verified_user"),
    ]

    trail_path = path("", TrailView.as_view(), name="trail")
    trail_export_path = path("export/", TrailExportView.as_view(), name="trail_export")
    integrity_path = path("integrity/", IntegrityView.as_view(), name="integrity")
    compliance_path = path("compliance/", ComplianceView.as_view(), name="compliance")
    compliance_export_path = path("compliance/export/", ComplianceExportView.as_view(), name="compliance_export")
