"""我的已办 and 我发起的: the lists people expect beside the inbox.

`workflows` never imports a domain app. Each app says which of its subjects a person starts, and
how to search them, in a `<app>/lists.py` module (imported on first use, like `compliance`):

    from workflows.lists import register_subject

    register_subject(Decision, started_by="proposer", search=["title"],
                     url=lambda d: reverse("decisions:detail", args=[d.pk]))

Both lists cost a fixed number of queries, whatever the page size: one count, one page, and one
query per kind of subject on the page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.paginator import Paginator
from django.db.models import CharField, F, Q, QuerySet, Value
from django.utils.module_loading import autodiscover_modules
from django.views.generic import TemplateView
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .tasks import filter_tasks, registered_flows, task_title

PAGE_SIZE = 20


@dataclass(frozen=True)
class Subject:
    model: type
    started_by: str  # the user field naming who started the process
    search: Sequence[str]  # fields the text search looks in (icontains)
    url: Callable  # url(obj) -> the subject's page
    select_related: Sequence[str] = ()

    def queryset(self) -> QuerySet:
        return self.model._default_manager.select_related(*self.select_related)

    def search_q(self, text: str) -> Q:
        query = Q()
        for name in self.search:
            query |= Q(**{f"{name}__icontains": text})
        return query


_SUBJECTS: dict[type, Subject] = {}
_discovered = False


def register_subject(model, *, started_by: str, search: Sequence[str], url: Callable,
                     select_related: Sequence[str] = ()) -> None:
    """Make `model` (the subject of a registered flow) appear in 我发起的 and searchable in both lists."""
    _SUBJECTS[model] = Subject(model, started_by, tuple(search), url, tuple(select_related))


def subjects() -> dict[type, Subject]:
    global _discovered
    if not _discovered:
        autodiscover_modules("lists")
        _discovered = True
    return dict(_SUBJECTS)


def _flows_with_subjects(flow: str | None):
    """(flow code, flow title, Subject) of every registered flow whose subject is registered here."""
    known = subjects()
    return [
        (code, entry.flow_class.process_title, known[entry.model])
        for code, entry in registered_flows().items()
        if entry.model in known and (not flow or code == flow)
    ]


def _status_of(obj) -> str:
    display = getattr(obj, "get_status_display", None)
    return display() if display else ""


# --- selectors ---------------------------------------------------------------------------


def done_tasks_for(user, *, flow: str | None = None, text: str | None = None):
    """Human steps the user completed, newest first, each with its subject prefetched."""
    known = _flows_with_subjects(None)
    tasks = filter_tasks(
        Task.objects.filter(flow_task_type="HUMAN", status=STATUS.DONE, owner=user), flow=flow
    )
    if text:
        query = Q(pk__in=[])
        for _code, _title, subject in known:
            query |= Q(
                process__artifact_content_type=ContentType.objects.get_for_model(subject.model),
                process__artifact_object_id__in=subject.model._default_manager.filter(subject.search_q(text))
                .values("pk"),
            )
        tasks = tasks.filter(query)
    return (
        tasks.select_related("process")
        .prefetch_related(GenericPrefetch("process__artifact", [s.queryset() for _c, _t, s in known]))
        .order_by("-finished", "-pk")
    )


def started_keys_for(user, *, flow: str | None = None, text: str | None = None):
    """(flow code, subject id, created) of every subject the user started, newest first (one UNION query)."""
    parts = []
    for code, _title, subject in _flows_with_subjects(flow):
        qs = subject.model._default_manager.filter(**{subject.started_by: user})
        if text:
            qs = qs.filter(subject.search_q(text))
        parts.append(
            qs.order_by().annotate(flow=Value(code, output_field=CharField()), at=F("created"))
            .values_list("flow", "pk", "at")
        )
    if not parts:
        return []
    return parts[0].union(*parts[1:], all=True).order_by("-at", "-pk")


def started_rows(keys) -> list[dict]:
    """The subjects behind a page of `started_keys_for`: one query per kind of subject."""
    by_flow = {code: (title, subject) for code, title, subject in _flows_with_subjects(None)}
    wanted: dict[str, list[int]] = {}
    for code, pk, _at in keys:
        wanted.setdefault(code, []).append(pk)
    objects = {
        code: subject.queryset().in_bulk(pks) for code, pks in wanted.items() for _title, subject in [by_flow[code]]
    }
    rows = []
    for code, pk, at in keys:
        title, subject = by_flow[code]
        obj = objects[code].get(pk)
        if obj is not None:
            rows.append({"object": obj, "flow_title": title, "status": _status_of(obj), "created": at,
                         "url": subject.url(obj)})
    return rows


# --- pages ---------------------------------------------------------------------------------


class _ListPage(LoginRequiredMixin, TemplateView):
    def filters(self):
        params = self.request.GET
        return {"flow": params.get("flow") or None, "text": (params.get("q") or "").strip() or None}

    def page_context(self, items) -> dict:
        page = Paginator(items, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            "page_obj": page, "paginator": page.paginator, "is_paginated": page.has_other_pages(), "query": query,
            "flows": [(code, title) for code, title, _s in _flows_with_subjects(None)],
        }


class DoneListView(_ListPage):
    """我的已办: the steps I completed, newest first."""

    template_name = "workflows/done_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.page_context(done_tasks_for(self.request.user, **self.filters())))
        known = {s.model: s for _c, _t, s in _flows_with_subjects(None)}
        rows = []
        for task in context["page_obj"].object_list:
            subject = task.process.artifact
            spec = known.get(type(subject))
            rows.append({
                "task": task, "title": task_title(task), "flow_title": task.process.flow_class.process_title,
                "subject": subject, "status": _status_of(subject) if subject is not None else "",
                "subject_url": spec.url(subject) if spec and subject is not None else "",
            })
        context["rows"] = rows
        return context


class StartedListView(_ListPage):
    """我发起的: decisions I proposed, elections I requested, meetings I scheduled."""

    template_name = "workflows/started_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.page_context(started_keys_for(self.request.user, **self.filters())))
        context["rows"] = started_rows(list(context["page_obj"].object_list))
        return context
