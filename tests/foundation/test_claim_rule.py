"""Who may claim a pool task is one rule, asked three ways (workflows/tasks/pool.py): the inbox lists a pool
task for exactly the people `may_claim_if_free` lets claim it and `claimants` names, whoever they are."""

import pytest
from django.contrib.auth.models import Group, Permission
from guardian.shortcuts import assign_perm
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from decisions.models import Decision
from workflows.models import Unit, User
from workflows.org.importer import import_org
from workflows.tasks import open_tasks_for
from workflows.tasks.pool import claimants, may_claim_if_free

from ..conftest import SMALL_ORG
from ..decisions.helpers import do, submit
from ..elections.helpers import request_election, to_nominate

ODD_PEOPLE = [
    # an auditor who also holds a writing role by mistake: never claims
    {"username": "shenji_dangban", "name": "审计兼党办", "unit": "b02", "membership": "full",
     "roles": ["auditor", "office_staff"]},
    {"username": "dangban_left", "name": "离职党办", "unit": "b02", "membership": "full", "roles": ["office_staff"]},
    {"username": "direct_perm", "name": "直授权限", "unit": "b02", "membership": "full"},
    {"username": "group_obj_perm", "name": "组授支部权限", "unit": "b02", "membership": "full"},
]


@pytest.fixture
def pool(org, api):
    import_org(data={**SMALL_ORG, "people": [*SMALL_ORG["people"], *ODD_PEOPLE]}, source="tests")
    left = User.objects.get(username="dangban_left")
    left.is_active = False
    left.save()
    User.objects.create_superuser(username="admin", password="x", name="管理员")
    User.objects.get(username="direct_perm").user_permissions.add(
        Permission.objects.get(codename="run_office", content_type__app_label="workflows"))
    group = Group.objects.create(name="b01 helpers")
    assign_perm("workflows.lead_unit", group, Unit.objects.get(code="b01"))
    User.objects.get(username="group_obj_perm").groups.add(group)

    pk = submit(api, org["sj_b01"])["id"]
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "approve", "comment": "同意"})  # 风险评估: run_office
    to_nominate(api, org)  # 推荐候选人: lead_unit on b01
    request_election(api, org["sj_b02"], unit="b02")  # 换届申请审批: run_elections
    tasks = list(Task.objects.filter(owner__isnull=True, status=STATUS.NEW, flow_task_type="HUMAN"))
    assert {t.owner_permission for t in tasks} >= {"workflows.run_office", "workflows.lead_unit",
                                                    "workflows.run_elections"}
    assert Decision.objects.filter(pk=pk).exists()
    return tasks


@pytest.mark.django_db
def test_the_inbox_the_check_and_the_claimants_agree_for_everyone(pool):
    people = list(User.objects.order_by("pk"))
    for task in pool:
        told = {u.username for u in claimants(task)}
        for user in people:
            fresh = User.objects.get(pk=user.pk)
            listed = open_tasks_for(fresh).filter(pk=task.pk).exists()
            may = may_claim_if_free(fresh, task)
            assert listed == may == (user.username in told), (user.username, task.flow_task, listed, may)


@pytest.mark.django_db
def test_the_odd_cases_fall_where_they_should(pool):
    by_perm = {t.owner_permission: t for t in pool}
    office = {u.username for u in claimants(by_perm["workflows.run_office"])}
    assert {"dangban", "direct_perm", "admin"} <= office
    assert not office & {"shenji_dangban", "dangban_left", "shenji", "group_obj_perm"}
    nominate = {u.username for u in claimants(by_perm["workflows.lead_unit"])}
    assert {"sj_b01", "group_obj_perm", "admin"} <= nominate
    assert "sj_b02" not in nominate


@pytest.mark.django_db
def test_the_inbox_count_by_parts_is_the_true_count_for_everyone(pool, api, org):
    from workflows.tasks import filter_tasks

    submit(api, org["sj_b01"])  # 党支部前置研究, assigned to sj_b01
    assert open_tasks_for(User.objects.get(username="sj_b01")).filter(owner__username="sj_b01").exists()
    for user in User.objects.order_by("pk"):
        inbox = open_tasks_for(User.objects.get(pk=user.pk))
        assert inbox.count() == len(list(inbox)), user.username
        narrowed = filter_tasks(inbox, flow="election")
        assert narrowed._count_parts is None
        assert narrowed.count() == len(list(narrowed)), user.username


@pytest.mark.django_db
def test_the_inbox_count_costs_its_arms_not_its_tasks(pool, api, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counted(username):
        inbox = open_tasks_for(User.objects.get(username=username))
        with CaptureQueriesContext(connection) as queries:
            total = inbox.count()
        return total, len(queries.captured_queries)

    before = counted("dangban"), counted("sj_b01")
    for _ in range(3):
        pk = submit(api, org["sj_b01"])["id"]
        do(api, org, pk, "branch_review", "sj_b01", {"opinion": "approve", "comment": "同意"})
    after = counted("dangban"), counted("sj_b01")
    assert after[0][0] == before[0][0] + 3
    assert [queries for _total, queries in before] == [queries for _total, queries in after]


@pytest.mark.django_db
def test_with_a_delegation_the_inbox_is_counted_whole(pool, api, org):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    response = api(org["dangban"]).post("/api/v1/delegations/", {
        "delegate": "zuzhi", "reason": "business_trip", "starts": today.isoformat(),
        "ends": (today + timedelta(days=3)).isoformat()}, format="json")
    assert response.status_code == 201, response.json()
    inbox = open_tasks_for(User.objects.get(username="zuzhi"))
    assert inbox._count_parts is None
    assert inbox.count() == len(list(inbox)) > 0
