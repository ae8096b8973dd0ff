"""The stored 合规体检: one record per checked subject, one row per failing check, the refresh cursor.

Derived data, rebuilt by `manage.py refresh_compliance` (see `compliance_refresh`), so no history.
Pages and the API read these tables only: paginated, filtered and counted in the database.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .compliance import STATE_LABELS, Check, ComplianceItem


class ComplianceRecord(models.Model):
    kind = models.CharField(_("类型"), max_length=20)
    kind_label = models.CharField(_("类型名称"), max_length=40, blank=True)
    object_id = models.BigIntegerField(_("编号"))
    title = models.CharField(_("名称"), max_length=300)
    status = models.CharField(_("状态"), max_length=60, blank=True)
    unit = models.CharField(_("所属组织"), max_length=200, blank=True)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    compliant = models.BooleanField(_("符合"))
    failures = models.PositiveSmallIntegerField(_("不符合项数"))
    checks = models.JSONField(_("检查项"), default=list)
    computed_at = models.DateTimeField(_("检查时间"))

    class Meta:
        app_label = "workflows"
        verbose_name = _("合规体检结果")
        verbose_name_plural = _("合规体检结果")
        ordering = ["compliant", "-failures", "kind", "-object_id"]
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="one_compliance_record")]
        indexes = [models.Index(fields=["compliant", "-failures", "kind", "-object_id"], name="compliance_order"),
                   models.Index(fields=["kind", "compliant", "-failures", "-object_id"], name="compliance_kind_order")]

    def __str__(self):
        return f"{self.kind_label} #{self.object_id}"

    @classmethod
    def from_item(cls, item: ComplianceItem, *, at) -> ComplianceRecord:
        return cls(kind=item.kind, kind_label=item.kind_label, object_id=item.object_id, title=item.title[:300],
                   status=item.status[:60], unit=item.unit[:200], url=item.url[:200], compliant=item.compliant,
                   failures=len(item.failures), checks=[c.as_dict() for c in item.checks], computed_at=at)

    def check_list(self) -> list[Check]:
        return [Check(c["code"], c["label"], c["ok"], c.get("detail", "")) for c in self.checks]

    @property
    def verdict(self) -> str:
        return "符合" if self.compliant else f"{self.failures} 项不符合"

    def as_dict(self) -> dict:
        return {"kind": self.kind, "kind_label": self.kind_label, "id": self.object_id, "title": self.title,
                "status": self.status, "unit": self.unit, "url": self.url, "compliant": self.compliant,
                "failures": self.failures, "checks": self.checks,
                "failing_checks": [c["code"] for c in self.checks if c["ok"] is False]}

    def sheet_rows(self):
        """One spreadsheet line per check."""
        for check in self.checks or [{"label": "", "ok": None, "detail": ""}]:
            yield [self.kind_label, self.object_id, self.title, self.unit, self.status, self.verdict,
                   check["label"], STATE_LABELS[check["ok"]], check.get("detail", "")]


class ComplianceFailure(models.Model):
    """A failing check of a record: what the filter by failing item joins on."""

    record = models.ForeignKey(ComplianceRecord, on_delete=models.DO_NOTHING, related_name="failing")  # deleted first
    code = models.CharField(_("检查项"), max_length=40)

    class Meta:
        app_label = "workflows"
        verbose_name = _("不符合项")
        verbose_name_plural = _("不符合项")
        constraints = [models.UniqueConstraint(fields=["code", "record"], name="one_failure_per_check")]

    def __str__(self):
        return self.code


class ComplianceCursor(models.Model):
    """How far the refresh has read the audit ledger, and who is refreshing now (a lease)."""

    name = models.CharField(max_length=20, unique=True, default="default")
    ledger_seq = models.BigIntegerField(_("已读至账本序号"), null=True, blank=True)
    checked_on = models.DateField(_("已按日期检查至"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("更新时间"), null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "workflows"
        verbose_name = _("合规体检进度")
        verbose_name_plural = _("合规体检进度")

    def __str__(self):
        return f"{self.name}: {self.ledger_seq}"
