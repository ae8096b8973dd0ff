"""The same steps as a decision's risk assessment, in bare viewflow: no forms, rules, statuses or history.

start → review (a human task) → route (a gateway, as after 风险评估) → next (a human task) → end.
Completing `review` locks the process, assigns and starts the task, records the outcome on the process
and lets viewflow route on and create `next`.
"""

from django.db import transaction
from django.http import HttpResponse
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import SelectForUpdateLock
from viewflow.workflow.models import Process


def _never_served(request, **kwargs):  # the bench drives activations directly
    return HttpResponse()


class BareFlow(flow.Flow):
    lock_impl = SelectForUpdateLock(nowait=False, attempts=1)  # the lock the product's flows use

    start = flow.StartHandle(this.start_process).Next(this.review)
    review = flow.View(_never_served).Next(this.route)
    route = flow.Switch().Case(this.next, this.needs_more).Default(this.next)
    next = flow.View(_never_served).Next(this.end)
    end = flow.End()

    def start_process(self, activation, **kwargs):
        return activation.process

    def needs_more(self, activation):
        return bool(activation.process.data.get("more"))

    def __str__(self):
        return "bare"


def start_bare_process() -> Process:
    return BareFlow.start.run()


@transaction.atomic
def complete_bare_review(task, user, outcome: dict):
    with BareFlow.lock(task.process_id):
        task.refresh_from_db()
        activation = task.flow_task.activation_class(task)
        activation.assign(user)
        activation.start(None)
        task.process.data = {**(task.process.data or {}), **outcome}
        task.process.save(update_fields=["data"])
        activation.execute()
