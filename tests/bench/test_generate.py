"""The bench generator's data is what the real flows write: listed in inboxes, completable, with sealed history."""

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from bench.generate import STATES, generate
from decisions.models import Decision
from workflows.audit.sealer import seal_history
from workflows.audit.verify import verify_ledger
from workflows.models import User
from workflows.tasks import task_complete
from workflows.tasks.selectors import open_tasks_for

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def generated(org):
    return generate(12, seed=3)


def _open(step):
    return Task.objects.filter(flow_task_type="HUMAN", status__in=(STATUS.NEW, STATUS.ASSIGNED),
                               flow_task__endswith=f".{step}").order_by("pk")


def test_every_decision_has_one_open_task_at_a_known_step(generated):
    assert generated.decisions == 12 == Decision.objects.count()
    assert generated.open_tasks == 12
    assert sum(generated.by_state.values()) == 12
    assert set(generated.by_state) <= {name for name, _ in STATES}
    for decision in Decision.objects.all():
        assert decision.status in dict(STATES)


def test_inboxes_list_the_generated_tasks(generated, org):
    task = _open("branch_review").first() or pytest.skip("no decision drawn at the branch review")
    secretary = User.objects.get(pk=task.owner_id)
    assert task.pk in set(open_tasks_for(secretary).values_list("pk", flat=True))
    office_tasks = set(_open("risk_assessment").values_list("pk", flat=True))
    assert office_tasks <= set(open_tasks_for(org["dangban"]).values_list("pk", flat=True))


def test_a_generated_task_completes_through_the_service_layer(generated, org):
    task = _open("risk_assessment").first()
    task_complete(task=task, user=org["dangban"], data={"level": "low", "notes": "风险低"})
    task.refresh_from_db()
    assert task.status == STATUS.DONE
    decision = task.process.artifact
    decision.refresh_from_db()
    assert decision.status == Decision.Status.COMMUNICATE
    assert _open("communicate").filter(process=task.process).exists()


def test_the_branch_secretary_completes_the_branch_review(generated):
    task = _open("branch_review").first() or pytest.skip("no decision drawn at the branch review")
    task_complete(task=task, user=task.owner, data={"opinion": "approve", "comment": "同意"})
    assert _open("risk_assessment").filter(process=task.process).exists()


def test_history_is_written_and_sealed_records_verify(generated):
    decision = Decision.objects.order_by("pk").first()
    assert decision.history.count() >= 2
    process_id = Task.objects.filter(process__artifact_object_id=decision.pk).values_list("process_id", flat=True)[0]
    assert Task.history.model.objects.filter(process_id=process_id).count() >= 3
    seal_history()
    result = verify_ledger()
    assert result.ok, getattr(result, "problems", result)
    assert result.records >= generated.history_rows

