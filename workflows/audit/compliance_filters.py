"""The filters of the stored 合规体检 (page, API, export): validated, then one queryset."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db.models import Count, Q

from .compliance import check_choices, checkers
from .compliance_store import ComplianceRecord

TRUE, FALSE = {"1", "true", "on", "yes"}, {"0", "false", "off", "no"}


class ComplianceFilterForm(forms.Form):
    kind = forms.ChoiceField(label="类型", required=False,
                             error_messages={"invalid_choice": "没有“%(value)s”这种类型，请从列表中选择。"})
    check = forms.ChoiceField(label="不符合项", required=False,
                              error_messages={"invalid_choice": "没有“%(value)s”这个检查项，请从列表中选择。"})
    failing = forms.CharField(label="仅看存在问题的", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "全部"), *((c.kind, c.label) for c in checkers().values())]
        self.fields["check"].choices = [("", "全部"), *check_choices()]

    def clean_failing(self):
        value = (self.cleaned_data.get("failing") or "").strip().lower()
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        if value:
            raise forms.ValidationError("“仅看存在问题的”只能是 1（是）或 0（否）。")
        return None


@dataclass(frozen=True)
class ComplianceFilters:
    kind: str = ""
    check: str = ""
    failing: bool | None = None  # True: failing only, False: compliant only, None: both

    @classmethod
    def from_form(cls, form: ComplianceFilterForm) -> ComplianceFilters:
        data = form.cleaned_data
        return cls(kind=data.get("kind") or "", check=data.get("check") or "", failing=data.get("failing"))


def _scoped(filters: ComplianceFilters):
    records = ComplianceRecord.objects.all()
    if filters.kind:
        records = records.filter(kind=filters.kind)
    if filters.check:
        records = records.filter(failing__code=filters.check)  # at most one row per code and record
    return records


def compliance_queryset(filters: ComplianceFilters):
    """The records, failing first (most failures first), then by kind and newest subject."""
    records = _scoped(filters)
    if filters.failing is not None:
        records = records.filter(compliant=not filters.failing)
    return records.order_by("compliant", "-failures", "kind", "-object_id")


def compliance_summary(filters: ComplianceFilters) -> dict:
    """{total, failing} of the kind / failing item chosen, one query."""
    return _scoped(filters).aggregate(total=Count("pk"), failing=Count("pk", filter=Q(compliant=False)))


COMPLIANCE_HEADER = ["类型", "编号", "名称", "所属组织", "状态", "结论", "检查项", "结果", "说明"]


def compliance_rows(filters: ComplianceFilters):
    """One spreadsheet line per check of every filtered record, read in chunks (one query)."""
    for record in compliance_queryset(filters).iterator(chunk_size=1000):
        yield from record.sheet_rows()
