"""Figures for the office's dashboard that belong to no domain app: time per step, open and
overdue tasks, and branches by 换届 status.

Each function costs a fixed number of queries whatever the database holds; rows read are what
is shown or what is due (the two rank rows per step, the open tasks, the current branch terms).
Times per step are nearest-rank percentiles computed in the database with window functions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, IntegerField, Value
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .models import Term, Unit, User
from .notifications.reminders import terms_with_election
from .tasks.due import task_due
from .tasks.nodes import Handle, Step
from .tasks.processes import OPEN_STATUSES

STEP_TYPES = ("HUMAN", "FUNCTION")  # Step and Handle (a wait for another process) tasks


def step_key(node) -> str:
    """`<flow>.<step>`, the value of the lists' `?step=` filter."""
    return f"{getattr(node.flow_class, 'flow_code', '')}.{node.name}"


def step_label(node) -> str:
    return str(node.task_title or node.name)


@dataclass(frozen=True)
class StageTime:
    key: str
    title: str
    done: int
    median: timedelta
    p90: timedelta


def _rank_rows(qs, percent: int) -> dict:
    """{node: (n, duration)} of the row at the nearest rank `percent` of each node's durations."""
    duration = ExpressionWrapper(F("finished") - F("created"), output_field=DurationField())
    ranked = qs.annotate(
        took=duration,
        rank=Window(RowNumber(), partition_by=[F("flow_task")], order_by=[duration.asc(), F("pk").asc()]),
        n=Window(Count("pk"), partition_by=[F("flow_task")]),
    ).annotate(
        wanted=ExpressionWrapper((F("n") * Value(percent) + Value(99)) / Value(100), output_field=IntegerField()),
    ).filter(rank=F("wanted"))
    return {node: (n, took) for node, n, took in ranked.values_list("flow_task", "n", "took")}


def stage_times(*, since: datetime) -> list[StageTime]:
    """Median and 90th percentile of the time spent at each step finished since `since` (2 queries)."""
    done = Task.objects.filter(flow_task_type__in=STEP_TYPES, status=STATUS.DONE, finished__isnull=False,
                               created__gte=since)
    medians, p90s = _rank_rows(done, 50), _rank_rows(done, 90)
    rows = [StageTime(step_key(node), step_label(node), n, took, p90s.get(node, (n, took))[1])
            for node, (n, took) in medians.items() if isinstance(node, (Step, Handle))]
    return sorted(rows, key=lambda r: -r.median)


@dataclass
class OpenGroup:
    key: str
    label: str
    open: int = 0
    overdue: int = 0
    oldest: timedelta = timedelta(0)


@dataclass
class OpenTasks:
    by_step: list[OpenGroup] = field(default_factory=list)
    by_person: list[OpenGroup] = field(default_factory=list)
    by_unit: list[OpenGroup] = field(default_factory=list)
    total: int = 0
    overdue: int = 0


def is_overdue(task, now: datetime) -> bool:
    due = task_due(task)
    return due is not None and due < now


def open_task_figures(*, now: datetime) -> OpenTasks:
    """Open human steps and waits by step, by person and by the person's unit (2 queries)."""
    tasks = list(Task.objects.filter(flow_task_type__in=STEP_TYPES, status__in=OPEN_STATUSES)
                 .select_related("schedule").only("flow_task", "flow_task_type", "owner_id", "created",
                                                  "schedule__due_at"))
    owners = {u.pk: u for u in User.objects.filter(pk__in={t.owner_id for t in tasks if t.owner_id})
              .select_related("unit")}
    groups: dict[str, dict[str, OpenGroup]] = defaultdict(dict)
    figures = OpenTasks()
    for task in tasks:
        if not isinstance(task.flow_task, (Step, Handle)):
            continue
        late = is_overdue(task, now)
        owner = owners.get(task.owner_id)
        keys = [("step", step_key(task.flow_task), step_label(task.flow_task))]
        if task.flow_task_type == "HUMAN":
            keys.append(("person", owner.username, str(owner)) if owner else ("person", "", "待认领"))
            if owner and owner.unit_id:
                keys.append(("unit", owner.unit.code, owner.unit.name))
        for kind, key, label in keys:
            group = groups[kind].setdefault(key, OpenGroup(key, label))
            group.open += 1
            group.overdue += late
            group.oldest = max(group.oldest, now - task.created)
        figures.total += 1
        figures.overdue += late
    ordered = {kind: sorted(found.values(), key=lambda g: (-g.overdue, -g.open, g.label))
               for kind, found in groups.items()}
    figures.by_step = ordered.get("step", [])
    figures.by_person = ordered.get("person", [])
    figures.by_unit = ordered.get("unit", [])
    return figures


# --- 换届 ----------------------------------------------------------------------------------------

TERM_BANDS = (
    ("overdue", "已届满未换届"),
    ("30", "30天内届满"),
    ("90", "31至90天届满"),
    ("180", "91至180天届满"),
    ("running", "换届进行中"),
    ("later", "180天以后届满"),
)
POSTPONED = ("postponed", "已批准延期")


def term_band(days_left: int | None, *, running: bool) -> str | None:
    """Which band of the 换届 chart a branch's current term falls in (None without a term)."""
    if days_left is None:
        return None
    if running:
        return "running"
    if days_left < 0:
        return "overdue"
    for limit in (30, 90, 180):
        if days_left <= limit:
            return str(limit)
    return "later"


def branch_terms(*, today: date) -> list[tuple[Term, str, bool]]:
    """(term, band, postponed) of every active branch's current term (2 queries)."""
    terms = list(Term.objects.filter(status=Term.Status.CURRENT, unit__kind=Unit.Kind.BRANCH, unit__active=True)
                 .select_related("unit"))
    running = terms_with_election(t.pk for t in terms)
    return [(t, term_band(t.days_left(today), running=t.pk in running), t.postponed_until is not None)
            for t in terms]


def term_figures(*, today: date) -> list[tuple[str, str, int]]:
    """(band, label, branches) for each band, and the postponed ones last."""
    rows = branch_terms(today=today)
    counts = Counter(band for _, band, _ in rows)
    return [(code, label, counts.get(code, 0)) for code, label in TERM_BANDS] + [
        (*POSTPONED, sum(1 for *_, postponed in rows if postponed))]
