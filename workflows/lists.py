"""我的已办 and 我发起的: the lists people expect beside the inbox.

Which flows' subjects appear, who started them, where their page is and what the text search looks
in come from each flow's registration (`register_flow(..., url=, started_by=, search=)`).

Both lists cost a fixed number of queries, whatever the page size: one count, one page, and one
query per kind of subject on the page.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.paginator import Paginator
from django.db.models import CharField, F, Q, QuerySet, Value
from django.views.generic import TemplateView
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .tasks import filter_tasks, registered_flows, subject_status, task_title
from .tasks.processes import RegisteredFlow

PAGE_SIZE = 20


def _subjects(entry: RegisteredFlow) -> QuerySet:
    return entry.model._default_manager.select_related(*entry.select_related)


def _search_q(entry: RegisteredFlow, text: str) -> Q:
    query = Q()
    for name in entry.search:
        query |= Q(**{f"{name}__icontains": text})
    return query


def _listed_flows(flow: str | None) -> list[tuple[str, RegisteredFlow]]:
    """(flow code, registration) of every flow whose subjects someone starts (of one flow if given)."""
    return [(code, entry) for code, entry in registered_flows().items()
            if entry.started_by and (not flow or code == flow)]


# --- selectors ---------------------------------------------------------------------------


def done_tasks_for(user, *, flow: str | None = None, text: str | None = None):
    """Human steps the user completed, newest first, each with its subject prefetched."""
    known = [entry for _code, entry in _listed_flows(None)]
    tasks = filter_tasks(
        Task.objects.filter(flow_task_type="HUMAN", status=STATUS.DONE, owner=user), flow=flow
    )
    if text:
        query = Q(pk__in=[])
        for entry in known:
            query |= Q(
                process__artifact_content_type=ContentType.objects.get_for_model(entry.model),
                process__artifact_object_id__in=entry.model._default_manager.filter(_search_q(entry, text))
                .values("pk"),
            )
        tasks = tasks.filter(query)
    return (
        tasks.select_related("process")
        .prefetch_related(GenericPrefetch("process__artifact", [_subjects(entry) for entry in known]))
        .order_by("-finished", "-pk")
    )


def started_keys_for(user, *, flow: str | None = None, text: str | None = None):
    """(flow code, subject id, created) of every subject the user started, newest first (one UNION query)."""
    parts = []
    for code, entry in _listed_flows(flow):
        qs = entry.model._default_manager.filter(**{entry.started_by: user})
        if text:
            qs = qs.filter(_search_q(entry, text))
        parts.append(
            qs.order_by().annotate(flow=Value(code, output_field=CharField()), at=F("created"))
            .values_list("flow", "pk", "at")
        )
    if not parts:
        return []
    return parts[0].union(*parts[1:], all=True).order_by("-at", "-pk")


def started_rows(keys) -> list[dict]:
    """The subjects behind a page of `started_keys_for`: one query per kind of subject."""
    by_flow = dict(_listed_flows(None))
    wanted: dict[str, list[int]] = {}
    for code, pk, _at in keys:
        wanted.setdefault(code, []).append(pk)
    objects = {code: _subjects(by_flow[code]).in_bulk(pks) for code, pks in wanted.items()}
    rows = []
    for code, pk, at in keys:
        entry = by_flow[code]
        obj = objects[code].get(pk)
        if obj is not None:
            rows.append({"object": obj, "flow_title": entry.flow_class.process_title, "status": subject_status(obj),
                         "created": at, "url": entry.url(obj)})
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
            "flows": [(code, entry.flow_class.process_title) for code, entry in _listed_flows(None)],
        }


class DoneListView(_ListPage):
    """我的已办: the steps I completed, newest first."""

    template_name = "workflows/done_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.page_context(done_tasks_for(self.request.user, **self.filters())))
        known = {entry.model: entry for _code, entry in _listed_flows(None)}
        rows = []
        for task in context["page_obj"].object_list:
            subject = task.process.artifact
            entry = known.get(type(subject))
            rows.append({
                "task": task, "title": task_title(task), "flow_title": task.process.flow_class.process_title,
                "subject": subject, "status": subject_status(subject),
                "subject_url": entry.url(subject) if entry and subject is not None else "",
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
