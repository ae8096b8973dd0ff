"""合规体检: a registry of compliance checkers computed from the records.

`workflows` never imports a domain app. Each app that has something to check ships a
`<app>/compliance.py` module that registers a checker:

    from workflows.audit.compliance import Check, ComplianceItem, register

    @register("decision", "三重一大决策")
    def check_decisions():
        for decision in ...:
            yield ComplianceItem(kind="decision", object_id=decision.pk, title=..., checks=[
                Check("notice", "会议通知提前送达", ok=True, detail="提前 5 天"), ...])

Those modules are imported on first use (`autodiscover()`, like the admin's), so no
AppConfig has to import them. A check is `ok=True` (met), `ok=False` (violated) or
`ok=None` (not applicable, or the item has not reached that step yet).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules


@dataclass
class Check:
    code: str
    label: str
    ok: bool | None
    detail: str = ""

    @property
    def state(self) -> str:
        return {True: "pass", False: "fail", None: "n/a"}[self.ok]

    @property
    def state_label(self) -> str:
        return {True: "符合", False: "不符合", None: "不适用/未到"}[self.ok]

    def as_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "ok": self.ok, "state": self.state, "detail": self.detail}


@dataclass
class ComplianceItem:
    kind: str
    object_id: int
    title: str
    checks: list[Check] = field(default_factory=list)
    status: str = ""
    unit: str = ""
    url: str = ""
    kind_label: str = ""

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if check.ok is False]

    @property
    def compliant(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "kind_label": self.kind_label,
            "id": self.object_id,
            "title": self.title,
            "status": self.status,
            "unit": self.unit,
            "url": self.url,
            "compliant": self.compliant,
            "failures": len(self.failures),
            "checks": [check.as_dict() for check in self.checks],
        }


@dataclass(frozen=True)
class Checker:
    kind: str
    label: str
    func: Callable[[], Iterable[ComplianceItem]]


_CHECKERS: dict[str, Checker] = {}
_discovered = False


def register(kind: str, label: str):
    """Register `func() -> Iterable[ComplianceItem]` as the checker of `kind` (replaces an earlier one)."""

    def decorator(func):
        _CHECKERS[kind] = Checker(kind, label, func)
        return func

    return decorator


def unregister(kind: str) -> None:
    _CHECKERS.pop(kind, None)


def autodiscover() -> None:
    """Import `<app>.compliance` of every installed app (once)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("compliance")
        _discovered = True


def checkers() -> dict[str, Checker]:
    autodiscover()
    return dict(_CHECKERS)


def compliance_items(*, kind: str | None = None, failing_only: bool = False) -> list[ComplianceItem]:
    """Every item of every (or one) checker, failing items first (most failures first)."""
    items = []
    for checker in checkers().values():
        if kind and checker.kind != kind:
            continue
        for item in checker.func():
            item.kind_label = item.kind_label or checker.label
            items.append(item)
    if failing_only:
        items = [item for item in items if not item.compliant]
    items.sort(key=lambda item: (item.compliant, -len(item.failures), item.kind, -item.object_id))
    return items


COMPLIANCE_HEADER = ["类型", "编号", "名称", "所属组织", "状态", "结论", "检查项", "结果", "说明"]


def compliance_rows(items: Iterable[ComplianceItem]):
    """One spreadsheet line per check."""
    for item in items:
        verdict = "符合" if item.compliant else f"{len(item.failures)} 项不符合"
        for check in item.checks or [Check("", "", None)]:
            yield [item.kind_label, item.object_id, item.title, item.unit, item.status, verdict,
                   check.label, check.state_label, check.detail]
