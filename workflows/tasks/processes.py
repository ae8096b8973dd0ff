"""Flows and their processes, looked up by the domain object they are about.

Each app registers its flows in `AppConfig.ready()`:
`register_flow(DecisionFlow, model=Decision, serialize=..., page=...)`. Services then start,
lock and resume processes by their subject alone, so they never import their flows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.utils.translation import gettext as _
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from ..exceptions import Conflict
from .nodes import Handle, Start

OPEN_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


@dataclass(frozen=True)
class RegisteredFlow:
    flow_class: type
    model: type
    # serialize(subject, request) -> dict: the subject in API responses (task completion).
    serialize: Callable | None = None
    # page(task, user) -> dict: the task page's subject template and materials.
    page: Callable | None = None
    # url(subject) -> the subject's page (我的已办, 我发起的).
    url: Callable | None = None
    # The subject's user field naming who started it (its subjects appear in 我发起的).
    started_by: str | None = None
    # Subject fields the lists' text search looks in (icontains), and relations those lists show.
    search: tuple[str, ...] = ()
    select_related: tuple[str, ...] = ()
    # The permission to see a subject (`user.has_perm(view_perm, subject)`): who may be copied (抄送), asked (加签).
    view_perm: str | None = None
    # The subject's collection in URLs (/api/v1/<kind>/<id>/...) and visible(user, pk) -> the subject,
    # raising Http404 for one the user may not see (attachments and comments follow the subject's rules).
    kind: str | None = None
    visible: Callable | None = None


_FLOWS: dict[str, RegisteredFlow] = {}


def register_flow(flow_class, *, model, serialize: Callable | None = None, page: Callable | None = None,
                  url: Callable | None = None, started_by: str | None = None, search: Sequence[str] = (),
                  select_related: Sequence[str] = (), view_perm: str | None = None, kind: str | None = None,
                  visible: Callable | None = None) -> None:
    """Make a flow's tasks listable by `?flow=<flow_code>` and its processes findable by `model`."""
    _FLOWS[flow_class.flow_code] = RegisteredFlow(
        flow_class, model, serialize, page, url, started_by, tuple(search), tuple(select_related), view_perm, kind, visible)


def registered_flows() -> dict[str, RegisteredFlow]:
    return dict(_FLOWS)


def registration_for_kind(kind: str) -> RegisteredFlow | None:
    """The flow whose subjects are addressed as `kind` ("decisions", ...), or None."""
    return next((entry for entry in _FLOWS.values() if entry.kind == kind), None)


def registration_for_subject(subject) -> RegisteredFlow | None:
    return next((entry for entry in _FLOWS.values() if isinstance(subject, entry.model)), None)


def subject_kinds() -> list[str]:
    return sorted(entry.kind for entry in _FLOWS.values() if entry.kind)


def visible_subject(user, *, pk, kind: str | None = None, model=None):
    """The subject (by its kind or model, and pk) if `user` may see it; Http404 otherwise."""
    entry = registration_for_kind(kind) if kind else next((e for e in _FLOWS.values() if e.model is model), None)
    if entry is None or entry.visible is None:
        raise Http404
    return entry.visible(user, pk)


def subject_url(subject) -> str:
    entry = registration_for_subject(subject)
    return entry.url(subject) if entry is not None and entry.url is not None else "/"


def flow_code_of(task) -> str:
    return getattr(task.flow_task.flow_class, "flow_code", task.flow_task.flow_class.__name__.lower())


def registration_of(task) -> RegisteredFlow | None:
    return _FLOWS.get(flow_code_of(task))


def subject_status(subject) -> str:
    """The subject's status as people read it ("" for a subject without one)."""
    display = getattr(subject, "get_status_display", None)
    return str(display()) if callable(display) else ""


def _flow_for(subject) -> type:
    for entry in _FLOWS.values():
        if isinstance(subject, entry.model):
            return entry.flow_class
    raise LookupError(f"No flow registered for {type(subject).__name__}")


def process_for(subject):
    """The (latest) process about `subject`, or None."""
    return (
        Process.objects.filter(
            flow_class=_flow_for(subject),
            artifact_content_type=ContentType.objects.get_for_model(type(subject)),
            artifact_object_id=subject.pk,
        )
        .order_by("-pk")
        .first()
    )


def processes_for(subjects) -> dict:
    """{subject pk: its (latest) process} for subjects of one model, in one query (lists use it)."""
    subjects = list(subjects)
    if not subjects:
        return {}
    model = type(subjects[0])
    found = {}
    for process in Process.objects.filter(
        flow_class=_flow_for(subjects[0]), artifact_content_type=ContentType.objects.get_for_model(model),
        artifact_object_id__in=[s.pk for s in subjects],
    ).order_by("pk"):
        found[process.artifact_object_id] = process  # the latest wins
    return found


def active_steps_by_process(processes) -> dict[int, list[str]]:
    """{process pk: names of its active steps, as `active_step_names`} for many processes in one query."""
    steps: dict[int, list[str]] = {p.pk: [] for p in processes if p is not None}
    tasks = Task.objects.filter(process_id__in=list(steps), status__in=OPEN_STATUSES).order_by("pk")
    for task in tasks.only("pk", "process_id", "flow_task"):
        node = task.flow_task
        if node is not None and node.name not in steps[task.process_id]:
            steps[task.process_id].append(node.name)
    return steps


def process_states(subjects) -> dict:
    """{subject pk: (its process or None, names of the process's active steps)} in two queries (list pages)."""
    processes = processes_for(subjects)
    steps = active_steps_by_process(processes.values())
    return {pk: (process, steps.get(process.pk, [])) for pk, process in processes.items()}


def process_start(subject, *, user=None):
    """Start the process of `subject` at its flow's `Start` node (the task is the user's)."""
    flow_class = _flow_for(subject)
    start = next(node for node in flow_class.instance.nodes() if isinstance(node, Start))
    return start.run(subject=subject, user=user)


@contextmanager
def process_lock(subject_or_process):
    """Hold the process row lock (PostgreSQL: SELECT FOR UPDATE) of a subject or process."""
    process = subject_or_process if isinstance(subject_or_process, Process) else process_for(subject_or_process)
    if process is None:
        raise Conflict(_("流程不存在。"))
    with process.flow_class.lock(process.pk):
        yield process


def open_tasks(process, node=None):
    """Open tasks of a process, optionally at one node (a node object, e.g. `task.flow_task`)."""
    if process is None:
        return Task.objects.none()
    tasks = Task.objects.filter(process=process, status__in=OPEN_STATUSES)
    if node is not None:
        tasks = tasks.filter(flow_task=node)
    return tasks


def active_nodes(process) -> list:
    """Nodes of the open tasks (human steps and waits), oldest first, without repeats."""
    nodes = []
    for task in open_tasks(process).order_by("pk"):
        if task.flow_task is not None and task.flow_task not in nodes:
            nodes.append(task.flow_task)
    return nodes


def active_step_names(process) -> list[str]:
    return [node.name for node in active_nodes(process)]


def waiting_task(process):
    """The open task of a `Handle` node the process waits at, or None."""
    return next((t for t in open_tasks(process).order_by("pk") if isinstance(t.flow_task, Handle)), None)


def process_resume(subject, **kwargs):
    """Move on the process of `subject` waiting at a `Handle` node (it must be waiting)."""
    task = waiting_task(subject if isinstance(subject, Process) else process_for(subject))
    if task is None:
        raise Conflict(_("流程当前不在等待该步骤，无法继续。"))
    return task.flow_task.run(task, **kwargs)


def process_cancel(subject) -> None:
    """Cancel the running process of `subject` (its open tasks end as canceled)."""
    process = process_for(subject)
    process.flow_class.instance.cancel(process)
