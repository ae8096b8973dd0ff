"""The step bar: where a process is, in one line ("第5步/共9步 · 待上会 · 等待：王建国 · 期限 12-02").

Step numbers come from the flow graph: the start, human steps and waits (`Start`, `Step`, `Handle`) are
numbered by the longest path from the start once loops are cut, so alternative branches share a number
and an optional step leaves a gap. A rework step that only loops back (修改重报) takes the number of the
step it returns to and is not counted in the total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from django.utils import timezone

from .due import task_due
from .nodes import Handle, Start, Step
from .processes import open_tasks, subject_status

_VISIBLE = (Start, Step, Handle)
_MAX_NAMES = 3


@dataclass(frozen=True)
class StepOrder:
    numbers: dict = field(default_factory=dict)  # node -> step number
    total: int = 0


@dataclass(frozen=True)
class StepBar:
    number: int | None
    total: int
    status: str
    steps: list[str]
    waiting: list[str]
    waiting_count: int
    due: datetime | None
    overdue: bool
    finished: bool

    @property
    def position(self) -> str:
        if self.finished:
            return f"共{self.total}步 · 已结束"
        return f"第{self.number}步/共{self.total}步" if self.number else ""

    @property
    def waiting_text(self) -> str:
        if not self.waiting:
            return ""
        names = "、".join(self.waiting)
        return f"{names} 等{self.waiting_count}人" if self.waiting_count > len(self.waiting) else names

    @property
    def parts(self) -> list[str]:
        parts = [self.position, self.status, *self.steps]
        if self.waiting:
            parts.append(f"等待：{self.waiting_text}")
        if self.due:
            parts.append(f"期限 {timezone.localtime(self.due):%m-%d}" + ("（已逾期）" if self.overdue else ""))
        return [p for p in parts if p]

    @property
    def text(self) -> str:
        return " · ".join(self.parts)

    def __str__(self):
        return self.text


@cache
def step_order(flow_class) -> StepOrder:
    """Number the start, human steps and waits of a flow along its longest loop-free path."""
    nodes = list(flow_class.instance.nodes())
    start = next(n for n in nodes if isinstance(n, Start))
    succ = {n: [e.dst for e in n._outgoing()] for n in nodes}

    # Depth-first from the start: an edge to a node on the stack closes a loop (back edge).
    forward: dict = {n: [] for n in nodes}
    back_targets: dict = {n: [] for n in nodes}
    order: list = []  # post-order
    state: dict = {}
    stack = [(start, iter(succ[start]))]
    state[start] = "open"
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            state[node] = "done"
            order.append(node)
        elif state.get(child) == "open":
            back_targets[node].append(child)
        else:
            forward[node].append(child)
            if child not in state:
                state[child] = "open"
                stack.append((child, iter(succ[child])))

    topo = list(reversed(order))
    reaches_end = {n: not succ[n] for n in nodes}
    for node in order:  # children first
        reaches_end[node] = reaches_end[node] or any(reaches_end[c] for c in forward[node])

    level: dict = {}
    for node in topo:
        preds = [p for p in topo if node in forward[p]]
        base = max((level[p] for p in preds), default=0)
        level[node] = base + (1 if isinstance(node, _VISIBLE) else 0)

    numbers = {}
    for node in topo:
        if not isinstance(node, _VISIBLE):
            continue
        if reaches_end[node]:
            numbers[node] = level[node]
            continue
        # Rework: the number of where it loops back to (the step before the target).
        targets = _loop_targets(node, forward, back_targets)
        numbers[node] = min((_level_before(t, level) for t in targets), default=level[node])
    main = [numbers[n] for n in numbers if reaches_end[n]]
    return StepOrder(numbers=numbers, total=max(main, default=0))


def _loop_targets(node, forward, back_targets):
    seen, todo, targets = set(), [node], []
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        targets.extend(back_targets[n])
        todo.extend(c for c in forward[n] if not isinstance(c, _VISIBLE))
    return targets


def _level_before(node, level):
    return level[node] - 1 if isinstance(node, _VISIBLE) else level[node]


def _who_may_act(task) -> str:
    """The person or, failing that, the role a task waits for."""
    if task.owner_id:
        return str(task.owner)
    perm = (task.owner_permission or "").rsplit(".", 1)[-1]
    obj = task.owner_permission_obj if task.owner_permission_obj_pk else None
    secretary = getattr(obj, "secretary", None) if obj is not None else None
    if perm == "lead_unit" and secretary is not None:
        return str(secretary)
    return _role_label(perm)


def _role_label(codename: str) -> str:
    from workflows.org.roles import GLOBAL_ROLE_PERMISSIONS, UNIT_ROLE_PERMISSIONS, Role

    for role in (Role.PARTY_SECRETARY, Role.OFFICE_STAFF, Role.ORGANIZATION_STAFF, Role.EXPERT, Role.LEGAL_COUNSEL,
                 Role.COMMITTEE_MEMBER, Role.PRESIDENT):
        if codename in GLOBAL_ROLE_PERMISSIONS.get(role, ()):
            return str(role.label)
    for role, perms in UNIT_ROLE_PERMISSIONS.items():
        if codename in perms:
            return str(role.label)
    return ""


def step_bar(process) -> StepBar | None:
    """Where `process` is: step number, status, open step titles, who is waited for, the earliest due date."""
    if process is None:
        return None
    order = step_order(process.flow_class)
    tasks = [
        t for t in open_tasks(process).select_related("owner", "schedule").order_by("pk")
        if t.flow_task is not None and t.flow_task in order.numbers
    ]
    status = subject_status(process.artifact)
    steps, waiting = [], []
    for task in tasks:
        title = str(task.flow_task.task_title or "")
        if title and title not in steps and title not in status and status not in title:
            steps.append(title)
        if task.flow_task_type == "HUMAN":
            who = _who_may_act(task)
            if who and who not in waiting:
                waiting.append(who)
    dues = [d for d in (task_due(t) for t in tasks if t.flow_task_type == "HUMAN") if d is not None]
    due = min(dues, default=None)
    return StepBar(
        number=min((order.numbers[t.flow_task] for t in tasks), default=None),
        total=order.total,
        status=status,
        steps=steps,
        waiting=waiting[:_MAX_NAMES],
        waiting_count=len(waiting),
        due=due,
        overdue=due is not None and due < timezone.now(),
        finished=not tasks,
    )
