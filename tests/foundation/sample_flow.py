"""A minimal flow used to exercise the generic inbox (not part of the product)."""

from django import forms
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.flow.views import UpdateProcessView

from workflows.flow_nodes import PROCESS_LOCK
from workflows.forms import StepForm
from workflows.tasks import register_flow, register_step


class SampleFlow(flow.Flow):
    """示例流程"""

    flow_code = "sample"
    lock_impl = PROCESS_LOCK

    start = flow.StartHandle(this.start_process).Next(this.review)
    review = (
        flow.View(UpdateProcessView.as_view(fields=[]))
        .Annotation(title="示例审核")
        .Permission("workflows.run_office")
        .Next(this.end)
    )
    end = flow.End()

    def start_process(self, activation, unit=None):
        activation.process.artifact = unit
        return activation.process


class ReviewForm(StepForm):
    opinion = forms.ChoiceField(label="意见", choices=[("approve", "同意"), ("return", "退回")])


performed = []


def perform_review(*, task, user, data):
    performed.append((task.pk, user.username, data["opinion"]))


register_flow(SampleFlow, serialize_subject=lambda obj, request: {"code": obj.code})
register_step("sample", "review", form_class=ReviewForm, perform=perform_review)
