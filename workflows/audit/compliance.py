"""合规体检: a registry of compliance checkers; their results are stored (`compliance_store`).

`workflows` never imports a domain app. Each app that has something to check ships a
`<app>/compliance.py` module that registers a checker of a batch of subjects:

    from workflows.audit.compliance import Check, ComplianceItem, Watch, register

    @register("decision", "三重一大决策", subjects=lambda: Decision.objects.all(),
              watches={"decisions.opinion": Watch("decision_id")}, checks={"notice": "会议通知"})
    def check_decisions(ids):
        for decision in Decision.objects.filter(pk__in=ids):  # a constant number of queries per batch
            yield ComplianceItem(kind="decision", object_id=decision.pk, title=..., checks=[
                Check("notice", "会议通知提前送达", ok=True, detail="提前 5 天"), ...])

- `subjects()`: a queryset of every subject that may have a checklist (the full refresh walks it by pk).
- the checker yields an item for each of `ids` that has a checklist; the others have none (withdrawn...).
- `watches`: audited model (`app_label.model`) -> `Watch(field, resolve)`: which subjects a new
  history row of that model touches (`field` of the row names the subject, or `resolve(values)`
  turns the values into subject ids with one query). `compliance_refresh` reads them.
- `due(since, today)`: subjects whose verdict may change by the date alone on a day in [since, today).
- `checks`: code -> label of every check the checker may fail (the filter's choices).

Those modules are imported on first use (`autodiscover()`, like the admin's), so no
AppConfig has to import them. A check is `ok=True` (met), `ok=False` (violated) or
`ok=None` (not applicable, or the item has not reached that step yet).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

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
        return STATE_LABELS[self.ok]

    def as_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "ok": self.ok, "state": self.state, "detail": self.detail}


STATE_LABELS = {True: "符合", False: "不符合", None: "不适用/未到"}


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


@dataclass(frozen=True)
class Watch:
    """Which subjects a history row touches: its `field`, or `resolve({values}) -> subject ids`."""

    field: str
    resolve: Callable[[set], Iterable[int]] | None = None


@dataclass(frozen=True)
class Checker:
    kind: str
    label: str
    func: Callable[[list[int]], Iterable[ComplianceItem]]
    subjects: Callable[[], object]
    watches: dict[str, Watch] = field(default_factory=dict)
    due: Callable[[date, date], Iterable[int]] | None = None
    checks: dict[str, str] = field(default_factory=dict)

    def items(self, ids: list[int]) -> list[ComplianceItem]:
        items = list(self.func(ids))
        for item in items:
            item.kind_label = item.kind_label or self.label
        return items


_CHECKERS: dict[str, Checker] = {}
_discovered = False


def register(kind: str, label: str, *, subjects, watches=None, due=None, checks=None):
    """Register `func(ids) -> Iterable[ComplianceItem]` as the checker of `kind` (replaces an earlier one)."""

    def decorator(func):
        _CHECKERS[kind] = Checker(kind, label, func, subjects, dict(watches or {}), due, dict(checks or {}))
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


def check_choices() -> list[tuple[str, str]]:
    """(code, label) of every check any checker may fail, for the filter (first label wins)."""
    found: dict[str, str] = {}
    for checker in checkers().values():
        for code, label in checker.checks.items():
            found.setdefault(code, label)
    return list(found.items())
