"""Flow nodes that carry their step, so a human step is one declaration in `flows.py`.

    risk_assessment = (
        nodes.Step(form=RiskAssessmentForm, service=services.decision_risk_assessment)
        .Annotation(title=_("风险评估"))
        .Status(Decision.Status.RISK_ASSESSMENT)
        .Permission("workflows.run_office")
        .Next(this.communicate)
    )

`workflows.tasks.services.task_complete` reads the form and the service from `task.flow_task`;
entering any node with `.Status(...)` sets the process artifact's status (see `enter_status`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.flow.views import UpdateProcessView
from viewflow.workflow.nodes.split import SplitActivation

from ..audit import audit_context


class ProcessRowLock:
    """`SELECT … FOR UPDATE` on the process row (PostgreSQL); waits instead of failing under contention.

    viewflow's SelectForUpdateLock opens a savepoint per attempt to retry a `nowait` lock; a waiting
    lock never retries, so it joins the caller's transaction (or opens one) without a savepoint.
    """

    @contextmanager
    def __call__(self, flow_class, process_pk):
        with transaction.atomic(savepoint=False):
            flow_class.process_class._default_manager.filter(pk=process_pk).select_for_update().exists()
            yield


PROCESS_LOCK = ProcessRowLock()

# Human steps are done on the one task page (workflows.tasks); viewflow needs a view anyway.
_NO_VIEW = UpdateProcessView.as_view(fields=[])


class StatusMixin:
    """`.Status(value)`: entering the node sets `process.artifact.status` to `value`."""

    entered_status: str | None = None

    def Status(self, value):
        self.entered_status = value
        return self


class Start(flow.StartHandle):
    """Starts a process for a domain object: `workflows.tasks.process_start(obj, user=...)`."""

    def __init__(self):
        super().__init__(_start_for)


def _start_for(activation, subject, user=None):
    activation.process.artifact = subject
    if user is not None:
        activation.task.owner = user
    return activation.process


class Step(StatusMixin, flow.View):
    """A human step: its payload form, the service that performs it, and when it is due.

    The service is called as `service(<artifact model name>=artifact, user=user, **cleaned_data)`,
    plus `task=task` when it takes a `task` argument, inside the process lock and before
    viewflow routes on. Who acts is the usual `.Permission(...)` or `.Assign(...)`.
    `.Personal()` marks one person's own act (a vote): never reassigned or delegated.
    `.Consultable()` marks a review step whose holder may ask others for advice (加签).
    """

    personal = False
    consultable = False

    def __init__(self, *, form, service: Callable, **kwargs):
        super().__init__(_NO_VIEW, **kwargs)
        self.form_class = form
        self.service = service
        self._service_takes_task = "task" in inspect.signature(service).parameters
        self._due_days: int | None = None
        self._due_at = None

    def Due(self, *, days: int | None = None, at=None):
        """Due `days` after creation (overridable by settings.STEP_DUE_DAYS), or at `at(task)`."""
        self._due_days = days
        self._due_at = at
        return self

    def Personal(self):
        """One person's own act (表决, 末位表态, 专家意见): never reassigned or delegated."""
        self.personal = True
        return self

    def Consultable(self):
        """A review step: its holder may ask named people for an advisory opinion first (加签)."""
        self.consultable = True
        return self

    def _resolve(self, instance):
        super()._resolve(instance)
        self._due_at = this.resolve(instance, self._due_at)

    def perform(self, *, task, user, data: dict):
        artifact = task.process.artifact
        kwargs = {artifact._meta.model_name: artifact, "user": user, **data}
        if self._service_takes_task:
            kwargs["task"] = task
        return self.service(**kwargs)

    def due_for(self, task) -> datetime:
        due = self._due_at(task) if self._due_at is not None else None
        if due is not None:
            return due
        table = settings.STEP_DUE_DAYS
        flow_code = getattr(self.flow_class, "flow_code", "")
        days = table.get(f"{flow_code}.{self.name}", table.get(self.name, self._due_days or table.get("default", 7)))
        return timezone.now() + timedelta(days=int(days))


class Handle(StatusMixin, flow.Handle):
    """A wait for another process (`workflows.tasks.process_resume(obj)` moves it on)."""


class End(StatusMixin, flow.End):
    """An end event; `.Status(...)` names the terminal outcome."""


class SplitEachActivation(SplitActivation):
    @Activation.status.super()
    def activate(self):
        for node, condition, data_source in self.flow_task._branches:
            if condition and not condition(self):
                continue
            if data_source is None:
                self.next_tasks.append((node, None))
            else:
                self.next_tasks.extend((node, item) for item in data_source(self))
        if not self.next_tasks:
            raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


class SplitEach(flow.Split):
    """Parallel split that creates one task per item of `data_source(activation)`.

    The open-source viewflow 2.4 `Split.Next` has no `data_source`; this adds it. Each
    task gets the item as `task.data` (e.g. `{"user_id": 7}`) and the following Join
    waits for all of them (会签).
    """

    activation_class = SplitEachActivation

    def Next(self, node, case=None, data_source=None):
        self._activate_next.append((node, case, data_source))
        return self


def enter_status(sender, instance, created, **kwargs):
    """post_save receiver on Task: entering a node with `.Status(...)` sets the artifact status."""
    status = getattr(instance.flow_task, "entered_status", None) if created else None
    if status is None:
        return
    artifact = instance.process.artifact
    if artifact is None:
        return
    if artifact.status == status:
        return
    artifact._meta.get_field("status").clean(status, artifact)  # a status the model knows
    artifact.status = status
    with audit_context(reason=f"进入：{instance.flow_task.task_title or instance.flow_task.name}"):
        artifact.save(update_fields=["status"])  # only the status: other fields may be stale here
