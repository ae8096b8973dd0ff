"""A province-sized data set, fast: `generate(size)` adds `size` decisions, each with its running process.

On top of an organisation already there (the demo hospital's committee, office staff and committee
members), each call adds one branch per `1 / UNITS_PER_DECISION` decisions (under general branches
of ten), each branch with its secretary and a member who proposes, their role grants, the object
permissions `sync_user_permissions` derives from them and a current term. Then the decisions, spread
over the branches and at one of three steps of the real DecisionFlow:

- 党支部前置研究 (assigned to the branch secretary),
- 风险评估 (waiting on `workflows.run_office`, after the branch approved),
- 书记院长会前沟通 (waiting on `workflows.chair_committee`, after the risk assessment),

with the tasks before them done, the opinions recorded and every history record the real flow
writes (sealed on insert like any record; they await the sealer). Rows go in with large
`bulk_create` batches, one transaction per batch. Task rows come from `bench.rows.build_task`.
"""

from __future__ import annotations

import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from guardian.models import UserObjectPermission
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from decisions.flows import DecisionFlow
from decisions.models import Decision, Opinion
from workflows.audit.chain import _seal as seal_records
from workflows.models import RoleGrant, Term, Unit, User, add_years
from workflows.org.roles import UNIT_ROLE_PERMISSIONS, Role

from .rows import add_task_side_rows, build_task, copy_insert, history_row, node_label, task_history

UNITS_PER_DECISION = 0.5  # 100k decisions: 50k branches, as a province's public hospitals hold
BRANCHES_PER_GENERAL_BRANCH = 10
BATCH = 2000  # decisions per transaction
INSERT_BATCH = 5000
PASSWORD = "bench12345"
STEP = timedelta(hours=2)
STATES = (("branch_review", 0.45), ("risk_assessment", 0.35), ("communicate", 0.20))
CATEGORIES = (Decision.Category.MAJOR_MATTER, Decision.Category.MAJOR_PROJECT, Decision.Category.LARGE_FUND)
TOPICS = ("设备购置", "科室改造", "绩效分配", "人才引进", "信息化建设", "后勤外包", "药品采购", "学科建设")


@dataclass
class Branch:
    unit: Unit
    secretary: User
    member: User


@dataclass
class Generated:
    branches: int = 0
    people: int = 0
    decisions: int = 0
    open_tasks: int = 0
    history_rows: int = 0
    seconds: float = 0.0
    by_state: dict = field(default_factory=dict)


def _bulk(model, objs) -> list:
    return model.objects.bulk_create(objs, batch_size=INSERT_BATCH) if objs else []


def _history(rows, result: Generated) -> None:
    by_model: dict[type, list] = {}
    for row in rows:
        by_model.setdefault(type(row), []).append(row)
    for model, batch in by_model.items():
        if connection.vendor == "postgresql":
            seal_records(batch)  # what ChainedHistoryManager.bulk_create does before inserting
            copy_insert(model, batch, connection)
        else:
            model.objects.bulk_create(batch, batch_size=INSERT_BATCH)  # seals each record
        result.history_rows += len(batch)


@contextmanager
def _keeping_given_times(*models):
    """Let bulk_create keep the `created` times given (auto_now_add would stamp them all `now`)."""
    fields = [f for m in models for f in m._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


# --- organisation ------------------------------------------------------------------------------


def _next_index() -> int:
    return Unit.objects.filter(code__startswith="gen-b").count()


@transaction.atomic
def generate_branches(count: int, result: Generated, rng: random.Random) -> list[Branch]:
    """`count` branches under new general branches of the committee, each with secretary, member and term."""
    committee = Unit.objects.filter(kind=Unit.Kind.COMMITTEE).order_by("pk").first()
    if committee is None:
        raise RuntimeError("先导入组织（党委）再生成测试数据。")
    start, today, now = _next_index(), timezone.localdate(), timezone.now()
    reason = "测试数据生成"
    generals = _bulk(Unit, [
        Unit(code=f"gen-g{start + i:06d}", name=f"第{(start + i) // BRANCHES_PER_GENERAL_BRANCH + 1}党总支",
             kind=Unit.Kind.GENERAL_BRANCH, parent=committee)
        for i in range(0, count, BRANCHES_PER_GENERAL_BRANCH)
    ])
    units = _bulk(Unit, [
        Unit(code=f"gen-b{start + i:06d}", name=f"{TOPICS[i % len(TOPICS)][:2]}第{start + i + 1}党支部",
             kind=Unit.Kind.BRANCH, parent=generals[i // BRANCHES_PER_GENERAL_BRANCH],
             department=f"第{start + i + 1}科室")
        for i in range(count)
    ])
    terms = _bulk(Term, [
        Term(unit=unit, started=(started := today - timedelta(days=rng.randint(0, 300))),
             ends=add_years(started, unit.term_years))
        for unit in [*generals, *units]
    ])
    password = make_password(PASSWORD)
    people = _bulk(User, [
        User(username=f"g{start + i:06d}{kind}", name=f"{'书记' if kind == 's' else '党员'}{start + i + 1}",
             password=password, email="", unit=unit, membership=User.Membership.FULL, date_joined=now)
        for i, unit in enumerate(units) for kind in ("s", "m")
    ])
    branches = [Branch(unit, people[2 * i], people[2 * i + 1]) for i, unit in enumerate(units)]
    grants = _bulk(RoleGrant, [
        RoleGrant(user=person, role=role, unit=b.unit)
        for b in branches for person, roles in ((b.secretary, (Role.BRANCH_SECRETARY, Role.MEMBER)),
                                                (b.member, (Role.MEMBER,))) for role in roles
    ])
    unit_type = ContentType.objects.get_for_model(Unit)
    perm_ids = dict(Permission.objects.filter(content_type=unit_type).values_list("codename", "pk"))
    _bulk(UserObjectPermission, list({
        (g.user_id, perm_ids[codename], str(g.unit_id)): UserObjectPermission(
            user_id=g.user_id, permission_id=perm_ids[codename], content_type=unit_type, object_pk=str(g.unit_id))
        for g in grants for codename in UNIT_ROLE_PERMISSIONS[g.role]
    }.values()))
    _history([history_row(obj, history_type="+", when=now, user_id=None, reason=reason)
              for obj in [*generals, *units, *terms, *people, *grants]], result)
    result.branches += count
    result.people += len(people)
    return branches


# --- decisions ---------------------------------------------------------------------------------


def _decision(branch: Branch, n: int, state: str, created, rng: random.Random) -> Decision:
    category = CATEGORIES[0] if state != "branch_review" else rng.choice(CATEGORIES)
    amount = None if category == CATEGORIES[0] else rng.randint(50, 5000) * 10000
    decision = Decision(
        title=f"关于{branch.unit.department}{TOPICS[n % len(TOPICS)]}的议题（{n}）", category=category,
        summary="背景、方案与测算依据。", department_unit=branch.unit, amount=amount, proposer=branch.member,
        status=getattr(Decision.Status, state.upper()), created=created,
    )
    decision.expert_required = decision.compute_expert_required(threshold=500000)
    decision.legal_required = decision.compute_legal_required()
    return decision


F = DecisionFlow


def _route(state: str):
    """(node, actor) of each task up to and including the open one, and the status each reached."""
    route = [(F.submit, "member"), (F.route_review, "member"), (F.branch_review, "secretary")]
    if state in ("risk_assessment", "communicate"):
        route += [(F.after_branch_review, "secretary"), (F.route_expert_review, "secretary"),
                  (F.risk_assessment, "office")]
    if state == "communicate":
        route += [(F.route_after_risk, "office"), (F.communicate, None)]
    return route


def _tasks_for(process, decision, branch, state, t0, office, due):
    """The tasks of one process, oldest first, each with the user who caused it and its history reason."""
    actors = {"member": branch.member.pk, "secretary": branch.secretary.pk, "office": office.pk}
    out, reason, at = [], "议题申报", t0
    route = _route(state)
    for i, (node, actor) in enumerate(route):
        is_open = i == len(route) - 1
        caused_by = route[i - 1][1] if node.task_type == "HUMAN" and i else actor
        if node.task_type == "HUMAN":
            owner = branch.secretary.pk if node is F.branch_review else (actors.get(actor) if not is_open else None)
            status = (STATUS.ASSIGNED if owner else STATUS.NEW) if is_open else STATUS.DONE
            task = build_task(process, node, created=at, status=status, owner_id=owner,
                              finished=None if is_open else at + STEP, due=due if is_open else None)
            out.append((task, actors[caused_by], reason, node_label(node), actors.get(actor)))
            if not is_open:
                reason, at = node_label(node), at + STEP
        else:
            owner = actors["member"] if node.task_type == "START" else None
            task = build_task(process, node, created=at, status=STATUS.DONE, owner_id=owner, finished=at)
            out.append((task, actors[actor], reason, None, None))
    return out


def _opinions(decision, branch, state, t0, office, tasks) -> list[Opinion]:
    by_node = {t.flow_task: t for t in tasks}
    opinions = []
    if state in ("risk_assessment", "communicate"):
        opinions.append(Opinion(decision=decision, step="branch_review", author=branch.secretary, opinion="approve",
                                comment="支委会研究同意", task_id=by_node[F.branch_review].pk, created=t0 + STEP))
    if state == "communicate":
        opinions.append(Opinion(decision=decision, step="risk_assessment", author=office, level="low",
                                comment="经评估，风险较低", task_id=by_node[F.risk_assessment].pk,
                                created=t0 + 2 * STEP))
    return opinions


STATUS_REASONS = (("branch_review", "进入：党支部前置研究"), ("risk_assessment", "进入：风险评估"),
                  ("communicate", "进入：书记院长会前沟通"))
OPINION_REASONS = {"branch_review": "党支部前置研究：同意", "risk_assessment": "风险评估"}


def _decision_history(decision, branch, state, t0, office) -> list:
    rows = [history_row(decision, history_type="+", when=t0, user_id=branch.member.pk, reason="议题申报",
                        status=Decision.Status.SUBMITTED)]
    actors = (branch.member.pk, branch.secretary.pk, office.pk)
    for i, (status, reason) in enumerate(STATUS_REASONS):
        rows.append(history_row(decision, history_type="~", when=t0 + STEP * i, user_id=actors[i], reason=reason,
                                status=status))
        if status == state:
            break
    return rows


def _pick_states(count: int, rng: random.Random, only: str | None) -> list[str]:
    if only:
        return [only] * count
    names, weights = zip(*STATES, strict=True)
    return rng.choices(names, weights=weights, k=count)


@transaction.atomic
def _decision_batch(branches, states, start_n, result, rng, office, due_in):
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(Decision)
    plan = []
    for i, state in enumerate(states):
        branch = branches[(start_n + i) % len(branches)]
        steps = len([n for n, _ in _route(state) if n.task_type == "HUMAN"])
        if due_in is not None:  # the open task falls due `due_in` from now
            t0 = now + due_in - timedelta(days=7) - STEP * (steps - 1)
        else:
            t0 = now - STEP * steps - timedelta(minutes=rng.randint(0, 5 * 24 * 60))
        plan.append((branch, state, t0, _decision(branch, start_n + i, state, t0, rng)))
    with _keeping_given_times(Decision, Opinion):
        decisions = _bulk(Decision, [p[3] for p in plan])
        processes = _bulk(Process, [
            Process(flow_class=DecisionFlow, status=STATUS.NEW, created=t0, data={},
                    artifact_content_type=content_type, artifact_object_id=d.pk)
            for (_, _, t0, _), d in zip(plan, decisions, strict=True)])
        per_process = [_tasks_for(p, d, b, s, t0, office, now + due_in if due_in is not None else None)
                       for (b, s, t0, _), d, p in zip(plan, decisions, processes, strict=True)]
        tasks = _bulk(Task, [t for chain in per_process for t, *_ in chain])
        add_task_side_rows(tasks)
        links = [Task.previous.through(from_task_id=chain[i][0].pk, to_task_id=chain[i - 1][0].pk)
                 for chain in per_process for i in range(1, len(chain))]
        _bulk(Task.previous.through, links)
        opinions = _bulk(Opinion, [o for (b, s, t0, _), d, chain in zip(plan, decisions, per_process, strict=True)
                                   for o in _opinions(d, b, s, t0, office, [t for t, *_ in chain])])
    history = [history_row(p, history_type="+", when=p.created, user_id=b.member.pk, reason="议题申报")
               for (b, *_), p in zip(plan, processes, strict=True)]
    for (b, s, t0, _), d in zip(plan, decisions, strict=True):
        history += _decision_history(d, b, s, t0, office)
    for chain in per_process:
        for task, user_id, reason, done_reason, done_by in chain:
            history += task_history(task, user_id=user_id, reason=reason, done_reason=done_reason, done_by=done_by)
    history += [history_row(o, history_type="+", when=o.created, user_id=o.author_id,
                            reason=OPINION_REASONS[o.step]) for o in opinions]
    _history(history, result)
    result.decisions += len(decisions)
    result.open_tasks += sum(1 for t in tasks if t.status != STATUS.DONE)
    for state in states:
        result.by_state[state] = result.by_state.get(state, 0) + 1


def generate(size: int, *, seed: int = 1, only_state: str | None = None, due_in: timedelta | None = None,
             new_branches: bool = True, report=None) -> Generated:
    """Add `size` decisions (and, unless `new_branches` is False, their branches and people).

    `only_state` puts every decision at one step; `due_in` makes their open tasks fall due that long from now.
    """
    started, rng, result = time.perf_counter(), random.Random(seed), Generated()
    office = User.objects.filter(role_grants__role=Role.OFFICE_STAFF).order_by("pk").first()
    if office is None:
        raise RuntimeError("组织中没有党委办公室人员，无法生成测试数据。")
    if new_branches:
        branches = generate_branches(max(1, round(size * UNITS_PER_DECISION)), result, rng)
    else:
        branches = existing_branches()
    for start in range(0, size, BATCH):
        count = min(BATCH, size - start)
        _decision_batch(branches, _pick_states(count, rng, only_state), start, result, rng, office, due_in)
        if report:
            report(f"  {start + count}/{size} decisions")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum does after a bulk load: row counts, visibility map
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    result.seconds = time.perf_counter() - started
    return result


def existing_branches(limit: int = 1000) -> list[Branch]:
    units = list(Unit.objects.filter(code__startswith="gen-b").order_by("pk")[:limit])
    people = {u.username: u for u in User.objects.filter(unit__in=units, username__startswith="g")}
    branches = []
    for unit in units:
        index = unit.code.removeprefix("gen-b")
        branches.append(Branch(unit, people[f"g{index}s"], people[f"g{index}m"]))
    if not branches:
        raise RuntimeError("尚无生成的支部：先运行一次 generate(size)。")
    return branches
