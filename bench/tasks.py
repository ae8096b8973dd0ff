"""Small lookups the benchmarks share."""

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows.tasks import process_for

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def open_task(subject, step: str) -> Task:
    return Task.objects.filter(process=process_for(subject), flow_task__endswith=f".{step}",
                               status__in=OPEN).order_by("pk").first()
