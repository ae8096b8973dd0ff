"""Figures of 三重一大 decisions for the office's dashboard: decisions by year, category and outcome.

The outcome of a decision is read from its status (one `Case` in the database); the decision
list filters by the same `OUTCOMES` (`?outcome=`), so every number links to the items it counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, Q, Value, When
from django.db.models.functions import ExtractYear

from .models import Decision

S = Decision.Status
DECIDED_ON = (S.MINUTES, S.IMPLEMENTING, S.CLOSED)
OUTCOMES = (
    ("passed", "通过", Q(status__in=DECIDED_ON, urgent=False)),
    ("reported", "事后报告已通报", Q(status__in=DECIDED_ON, urgent=True)),
    ("rejected", "未通过", Q(status=S.REJECTED)),
    ("not_confirmed", "未予确认", Q(status=S.NOT_CONFIRMED)),
    ("withdrawn", "已撤回", Q(status=S.WITHDRAWN)),
    ("open", "办理中", Q()),  # everything else
)
OUTCOME_LABELS = {code: label for code, label, _ in OUTCOMES}


def outcome_q(code: str) -> Q:
    """The decisions of one outcome (an unknown code matches nothing)."""
    for n, (name, _label, query) in enumerate(OUTCOMES):
        if name == code:
            earlier = Q()
            for _name, _l, before in OUTCOMES[:n]:
                earlier |= before
            return query & ~earlier if n else query
    return Q(pk__in=[])


def _outcome_case() -> Case:
    return Case(*(When(query, then=Value(code)) for code, _label, query in OUTCOMES[:-1]),
                default=Value("open"), output_field=CharField())


@dataclass
class CategoryRow:
    category: str
    label: str
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())


@dataclass
class YearFigures:
    year: int
    rows: list[CategoryRow]

    @property
    def total(self) -> int:
        return sum(r.total for r in self.rows)


def decisions_by_year(queryset=None) -> list[YearFigures]:
    """Decisions per year of submission, category and outcome, newest year first (1 query)."""
    qs = Decision.objects.all() if queryset is None else queryset
    counted = (qs.order_by().annotate(year=ExtractYear("created"), outcome=_outcome_case())
               .values_list("year", "category", "outcome").annotate(n=Count("pk")))
    years: dict[int, dict[str, CategoryRow]] = {}
    for year, category, outcome, n in counted:
        rows = years.setdefault(year, {c: CategoryRow(c, str(label)) for c, label in Decision.Category.choices})
        rows[category].outcomes[outcome] = n
    return [YearFigures(year, list(rows.values())) for year, rows in sorted(years.items(), reverse=True)]
