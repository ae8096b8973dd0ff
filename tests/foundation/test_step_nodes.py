"""The flow node is the step: its form, service and status are declared once and hold together."""

import ast
import inspect
from pathlib import Path

import pytest

from decisions.models import Decision
from workflows.tasks import nodes, process_for, registered_flows

from ..decisions.helpers import do, submit

ROOT = Path(__file__).resolve().parents[2]


def _steps():
    for code, entry in sorted(registered_flows().items()):
        for node in entry.flow_class.instance.nodes():
            if isinstance(node, nodes.Step):
                yield code, entry, node


def test_every_step_form_fits_its_service():
    """A payload field the service does not take, or a service argument nobody gives, fails here, not at run time."""
    problems = []
    steps = list(_steps())
    assert {code for code, _, _ in steps} >= {"decision", "meeting", "election"}
    for code, entry, node in steps:
        params = inspect.signature(node.service).parameters
        given = {entry.model._meta.model_name, "user", "task", *node.form_class.base_fields}
        unknown = [name for name in node.form_class.base_fields if name not in params]
        missing = [name for name, p in params.items()
                   if p.default is inspect.Parameter.empty and p.kind == p.KEYWORD_ONLY and name not in given]
        if unknown or missing:
            problems.append(f"{code}.{node.name}: unknown {unknown}, missing {missing}")
    assert not problems, "\n".join(problems)


def test_statuses_come_from_the_nodes():
    """Each status a flow sets is one of its subject's statuses, and every human step of an item sets one."""
    for code, entry, node in _steps():
        if node.entered_status is not None:
            assert node.entered_status in entry.model.Status.values, f"{code}.{node.name}"
    decision_steps = [node for code, _, node in _steps() if code in ("decision", "election")]
    assert all(node.entered_status for node in decision_steps)


@pytest.mark.django_db
def test_entering_a_step_sets_the_status_with_history(org, api):
    decision = Decision.objects.get(pk=submit(api, org["sj_b01"])["id"])
    assert decision.status == Decision.Status.BRANCH_REVIEW
    entered = decision.history.filter(status=Decision.Status.BRANCH_REVIEW).earliest("history_date")
    assert entered.history_change_reason == "进入：党支部前置研究"
    do(api, org, decision, "branch_review", "sj_b01", {"opinion": "return", "comment": "请补充预算"})
    decision.refresh_from_db()
    assert decision.status == Decision.Status.REVISE
    revise = decision.history.filter(status=Decision.Status.REVISE).latest("history_date")
    assert revise.history_user == org["sj_b01"]  # the person whose step moved the item on
    assert process_for(decision).flow_class is registered_flows()["decision"].flow_class


def _module_imports(path: Path, modules) -> set[str]:
    """Project modules imported at module level (what runs when the module is imported).

    `from package import submodule` imports the submodule; the package itself is a parent,
    already imported before any of its submodules, so it is no edge of its own.
    """
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    if path.name == "__init__.py":
        package = package.rsplit(".", 1)[0] + ".__init__"
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: -node.level]
                base = ".".join([*parts, base]) if base else ".".join(parts)
            submodules = {f"{base}.{alias.name}" for alias in node.names} & set(modules)
            found.update(submodules or {base})
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_import_circles():
    modules = {}
    for app in ("workflows", "decisions", "elections"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
                modules[name.removesuffix(".__init__")] = path
    graph = {}
    for name, path in modules.items():
        graph[name] = {m for m in _module_imports(path, modules) if m in modules and m != name}
    # A package imports what its __init__ imports; a submodule's package is imported first.
    cycles = []
    state = {}

    def visit(name, stack):
        state[name] = "open"
        for nxt in graph[name]:
            if state.get(nxt) == "open":
                cycles.append(" -> ".join([*stack[stack.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles, "\n".join(cycles)


def test_services_set_no_status_but_terminal_outcomes():
    """Statuses are entered by the flow; a service may only set a terminal outcome no node leads to."""
    allowed = {"decision.status = Decision.Status.WITHDRAWN"}
    found = []
    for path in [*(ROOT / "decisions" / "services").glob("*.py"), *(ROOT / "elections" / "services").glob("*.py")]:
        for line in path.read_text().splitlines():
            text = line.strip()
            sets_status = any(text.startswith(f"{subject}.status =") for subject in ("decision", "election", "meeting"))
            if sets_status and text not in allowed:
                found.append(f"{path.name}: {text}")
    assert not found, found


def _risk_assessment_queries(org, api) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workflows.tasks import task_complete

    from ..decisions.helpers import task_for

    pk = submit(api, org["sj_b01"])["id"]
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "approve", "comment": "同意"})
    task = task_for(Decision.objects.get(pk=pk), "risk_assessment")
    with CaptureQueriesContext(connection) as queries:
        task_complete(task=task, user=org["dangban"], data={"level": "low", "notes": "风险低"})
    return len(queries.captured_queries)


@pytest.mark.django_db
def test_a_completion_costs_a_bounded_number_of_queries_at_any_size(org, api):
    _risk_assessment_queries(org, api)  # warm the per-process caches (content types)
    small = _risk_assessment_queries(org, api)
    for _ in range(8):  # more items and history around it
        submit(api, org["sj_b01"])
    large = _risk_assessment_queries(org, api)
    assert large == small <= 30  # risk_assessment routes on through one gateway (legal review, office meeting or on)
