"""Helpers of the 合规体检 tests: refresh the stored records, read them like the page does."""

from workflows.audit.compliance_filters import ComplianceFilters, compliance_queryset
from workflows.audit.compliance_refresh import refresh_compliance


def refreshed(kind="", *, failing=None, full=False):
    """Refresh (what changed, or everything), then the stored records in page order."""
    result = refresh_compliance(full=full)
    assert not result.busy
    return list(compliance_queryset(ComplianceFilters(kind=kind, failing=failing)))


def checks_of(record) -> dict:
    return {c["code"]: c["ok"] for c in record.checks}
