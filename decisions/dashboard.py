"""统计看板 for the office and the secretary, and the open-task list its numbers link to.

The figures come from `decisions.stats` (decisions) and `workflows.stats` (steps, tasks, 换届);
this module only lays them out with the links to the filtered lists. Bars are plain HTML widths.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from viewflow.workflow.models import Task

from workflows import stats as wstats
from workflows.org.permissions import require_perm
from workflows.tasks import filter_tasks
from workflows.tasks.processes import OPEN_STATUSES, registration_of

from .stats import OUTCOMES, decisions_by_year

STAGE_WINDOW_DAYS = 365
PAGE_SIZE = 20


def _url(name: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def days(value: timedelta) -> str:
    """A duration as people read it: 3.5天, 5小时, 12分钟."""
    hours = value.total_seconds() / 3600
    if hours >= 24:
        return f"{hours / 24:.1f}天"
    if hours >= 1:
        return f"{hours:.1f}小时"
    minutes = value.total_seconds() / 60
    return f"{minutes:.0f}分钟" if minutes >= 1 else "不足1分钟"


def _pct(n: int, top: int) -> int:
    return round(100 * n / top) if top else 0


def decision_section() -> list[dict]:
    years = []
    for year in decisions_by_year():
        top = max((row.total for row in year.rows), default=0)
        rows = []
        for row in year.rows:
            parts = [{"code": code, "label": label, "n": row.outcomes.get(code, 0),
                      "url": _url("decisions:list", year=year.year, category=row.category, outcome=code),
                      "pct": _pct(row.outcomes.get(code, 0), top)}
                     for code, label, _ in OUTCOMES]
            rows.append({"label": row.label, "total": row.total, "parts": [p for p in parts if p["n"]],
                         "url": _url("decisions:list", year=year.year, category=row.category)})
        years.append({"year": year.year, "total": year.total, "rows": rows,
                      "url": _url("decisions:list", year=year.year)})
    return years


def task_section(now) -> dict:
    stages = wstats.stage_times(since=now - timedelta(days=STAGE_WINDOW_DAYS))
    slowest = max((s.p90 for s in stages), default=timedelta(0))
    figures = wstats.open_task_figures(now=now)

    def groups(found, param):
        top = max((g.open for g in found), default=0)
        return [{"label": g.label, "open": g.open, "overdue": g.overdue, "oldest": days(g.oldest),
                 "pct": _pct(g.open, top), "url": _url("decisions:open_tasks", **{param: g.key or "-"}),
                 "overdue_url": _url("decisions:open_tasks", overdue=1, **{param: g.key or "-"})} for g in found]

    return {
        "stages": [{"title": s.title, "done": s.done, "median": days(s.median), "p90": days(s.p90),
                    "median_pct": _pct(s.median.total_seconds(), slowest.total_seconds()),
                    "p90_pct": _pct(s.p90.total_seconds(), slowest.total_seconds()),
                    "url": _url("decisions:open_tasks", step=s.key)} for s in stages],
        "by_step": groups(figures.by_step, "step"),
        "by_person": groups(figures.by_person, "owner"),
        "by_unit": groups(figures.by_unit, "unit"),
        "total": figures.total, "overdue": figures.overdue,
        "total_url": _url("decisions:open_tasks"), "overdue_url": _url("decisions:open_tasks", overdue=1),
    }


def term_section(today, user) -> list[dict]:
    """The 换届 bands; they link to the term overview for those who may read it (not office staff)."""
    rows = wstats.term_figures(today=today)
    top = max((n for *_, n in rows), default=0)
    linked = user.has_perm("elections.overview")
    return [{"code": code, "label": label, "n": n, "pct": _pct(n, top),
             "url": _url("elections:overview", band=code) if linked else ""} for code, label, n in rows]


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "decisions/dashboard.html"

    def get_context_data(self, **kwargs):
        require_perm(self.request.user, "decisions.see_dashboard")
        now = timezone.now()
        return {**super().get_context_data(**kwargs), "years": decision_section(), "tasks": task_section(now),
                "terms": term_section(timezone.localdate(), self.request.user), "stage_window": STAGE_WINDOW_DAYS,
                "outcome_legend": [(code, label) for code, label, _ in OUTCOMES]}


# --- the open tasks the numbers count -------------------------------------------------------


def filter_open_tasks(*, step=None, owner=None, unit=None, overdue=False, now=None):
    """Open steps and waits, optionally of one `<flow>.<step>`, person (`-`: unclaimed), unit, or overdue."""
    qs = Task.objects.filter(flow_task_type__in=wstats.STEP_TYPES, status__in=OPEN_STATUSES)
    if step:
        flow_code, _, name = step.partition(".")
        qs = filter_tasks(qs, flow=flow_code, step=name or "-")
    if owner == "-":
        qs = qs.filter(owner__isnull=True, flow_task_type="HUMAN")
    elif owner:
        qs = qs.filter(owner__username=owner)
    if unit:
        qs = qs.filter(owner__unit__code=unit)
    if overdue:
        qs = qs.filter(schedule__due_at__lt=now or timezone.now())
    return qs.order_by("created", "pk")


class OpenTaskListView(LoginRequiredMixin, TemplateView):
    """待办一览: every open step, filtered as the dashboard's numbers are."""

    template_name = "decisions/open_tasks.html"

    def get_context_data(self, **kwargs):
        require_perm(self.request.user, "decisions.see_dashboard")
        params = self.request.GET
        now = timezone.now()
        qs = filter_open_tasks(step=params.get("step"), owner=params.get("owner"), unit=params.get("unit"),
                               overdue=params.get("overdue") == "1", now=now)
        qs = qs.select_related("owner", "owner__unit", "process", "schedule").prefetch_related("process__artifact")
        page = Paginator(qs, PAGE_SIZE).get_page(params.get("page"))
        rows = []
        for task in page.object_list:
            subject = task.process.artifact
            entry = registration_of(task)
            due = wstats.task_due(task)
            rows.append({"step": wstats.step_label(task.flow_task), "subject": subject,
                         "url": entry.url(subject) if entry and entry.url and subject else "",
                         "owner": task.owner, "waited": days(now - task.created), "due": due,
                         "overdue": due is not None and due < now})
        query = params.copy()
        query.pop("page", None)
        return {**super().get_context_data(**kwargs), "rows": rows, "page_obj": page,
                "is_paginated": page.has_other_pages(), "query": query, "filtered": bool(query),
                "count": page.paginator.count, "paginator": page.paginator}
