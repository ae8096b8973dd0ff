"""Every new human task tells whoever may do it (the owner, or everyone who may claim it), from the sweep that
`send_outbox` runs, never inside the step that created it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.models import Task

from decisions.models import Decision
from elections.models import Election
from workflows.models import Delivery, Notification, User
from workflows.notifications.task_notices import announce_new_tasks, task_recipients
from workflows.org.importer import import_org
from workflows.tasks import open_tasks_for
from workflows.tasks.pool import users_with_perm

from ..decisions.helpers import do, submit, task_for
from ..elections.helpers import complete, open_task, request_election


def notices(kind="task_assigned", **filters):
    return Notification.objects.filter(kind=kind, **filters)


def inbox_claimers(task) -> set[str]:
    return {u.username for u in User.objects.all() if open_tasks_for(u).filter(pk=task.pk).exists()}


@pytest.mark.django_db
def test_an_owned_task_tells_its_owner_once_with_a_link_and_a_mail(org, api):
    org["sj_b01"].email = "sj_b01@example.org"
    org["sj_b01"].save()
    pk = submit(api, org["dangban"])["id"]
    task = task_for(Decision.objects.get(pk=pk), "branch_review")
    told = notices(url=f"/workbench/tasks/{task.pk}/")
    assert not told.exists()  # the step only scheduled it
    announce_new_tasks()
    assert [n.user.username for n in told] == ["sj_b01"]
    assert told[0].title == "新待办：党支部前置研究：门诊楼改造项目"
    assert "请于" in told[0].body  # the due date
    mail = Delivery.objects.get(notification=told[0])
    assert (mail.channel, mail.address, mail.status) == ("email", "sj_b01@example.org", "pending")
    assert mail.payload["body"].endswith(f"/workbench/tasks/{task.pk}/")
    # claiming and starting the task save it again: no second notice
    api(org["sj_b01"]).post(f"/api/v1/tasks/{task.pk}/claim/")
    announce_new_tasks()
    assert told.count() == 1
    assert not notices(user=org["dangban"]).exists()  # the proposer started it: no notice for the start


@pytest.mark.django_db
def test_a_pool_task_tells_exactly_who_the_inbox_lets_claim_it(org, api):
    extra = {"username": "dangban2", "name": "党办刘", "unit": "b02", "membership": "full", "roles": ["office_staff"]}
    from ..conftest import SMALL_ORG

    import_org(data={**SMALL_ORG, "people": [*SMALL_ORG["people"], extra]}, source="tests")
    pk = submit(api, org["sj_b01"])["id"]
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "approve", "comment": "同意"})
    task = task_for(Decision.objects.get(pk=pk), "risk_assessment")
    announce_new_tasks()
    told = {n.user.username for n in notices(url=f"/workbench/tasks/{task.pk}/")}
    assert told == {"dangban", "dangban2"} == inbox_claimers(task)
    assert "shenji" not in told  # auditors never claim


@pytest.mark.django_db
def test_a_unit_pool_task_tells_that_branch_secretary_only_and_not_the_actor(org, api):
    eid = request_election(api, org["sj_b01"])["id"]
    announce_new_tasks()
    first = Task.objects.filter(process__artifact_object_id=eid, flow_task_type="HUMAN").order_by("pk").first()
    assert notices(url=f"/workbench/tasks/{first.pk}/", user=org["zuzhi"]).count() == 1  # request_approval
    complete(api(org["zuzhi"]), eid, "request_approval", {"approve": True, "comment": "同意"})
    task = Task.objects.get(pk=open_task(api(org["sj_b01"]), eid, "nominate"))
    announce_new_tasks()
    assert {u.username for u in task_recipients(task)} == {"sj_b01"} == inbox_claimers(task)
    assert notices(url=f"/workbench/tasks/{task.pk}/", user=org["sj_b01"]).count() == 1
    assert Election.objects.get(pk=eid).unit.code == "b01"
    complete(api(org["sj_b01"]), eid, "nominate", {"candidates": ["b01_m1", "b01_m2", "b01_m3", "b01_m4"],
                                                   "paper_tallies": {}})
    review = Task.objects.get(pk=open_task(api(org["zuzhi"]), eid, "candidate_review"))
    announce_new_tasks()
    assert {n.user.username for n in notices(url=f"/workbench/tasks/{review.pk}/")} == {"zuzhi"}


@pytest.mark.django_db
def test_the_actor_who_creates_a_task_for_themselves_is_not_told(org, api):
    pk = submit(api, org["dangban"])["id"]
    do(api, org, pk, "branch_review", "sj_b01", {"opinion": "return", "comment": "请补充材料"})
    revise = task_for(Decision.objects.get(pk=pk), "revise")
    announce_new_tasks()
    assert [n.user.username for n in notices(url=f"/workbench/tasks/{revise.pk}/")] == ["dangban"]
    from workflows.notifications.task_notices import announce_task

    before = notices().count()
    announce_task(revise, actor_id=org["dangban"].pk)  # had the proposer's own action created it
    assert notices().count() == before


@pytest.mark.django_db
def test_who_may_claim_is_one_query_whatever_the_number_of_people(org):
    from workflows.models import Unit

    def count(perm, obj=None):
        with CaptureQueriesContext(connection) as queries:
            users = list(users_with_perm(perm, obj))
        return len(queries.captured_queries), {u.username for u in users}

    b01 = Unit.objects.get(code="b01")
    small = count("workflows.run_office"), count("workflows.lead_unit", b01)
    assert small[0][1] == {"dangban"} and small[1][1] == {"sj_b01"}
    from ..conftest import SMALL_ORG

    more = [{"username": f"office{i}", "name": f"党办{i}", "unit": "b02", "membership": "full",
             "roles": ["office_staff"]} for i in range(25)]
    more += [{"username": f"b01_sec{i}", "name": f"书记{i}", "unit": "b01", "membership": "full",
              "roles": ["branch_secretary"] if i < 2 else []} for i in range(25)]
    import_org(data={**SMALL_ORG, "people": [*SMALL_ORG["people"], *more]}, source="tests")
    large = count("workflows.run_office"), count("workflows.lead_unit", b01)
    assert small[0][0] == large[0][0] == 1 and small[1][0] == large[1][0] == 1
    assert len(large[0][1]) == 26 and large[1][1] == {"sj_b01", "b01_sec0", "b01_sec1"}
