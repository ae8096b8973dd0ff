"""A minimal flow used to exercise the generic inbox (not part of the product)."""

from django import forms
from viewflow import this
from viewflow.workflow import flow

from workflows.models import Unit
from workflows.tasks import nodes, register_flow
from workflows.tasks.forms import StepForm


class ReviewForm(StepForm):
    opinion = forms.ChoiceField(label="意见", choices=[("approve", "同意"), ("return", "退回")])


performed = []


def sample_review(*, unit, user, opinion, task):
    performed.append((task.pk, user.username, opinion))


class SampleFlow(flow.Flow):
    """示例流程"""

    flow_code = "sample"
    lock_impl = nodes.PROCESS_LOCK

    start = nodes.Start().Next(this.review)
    review = (
        nodes.Step(form=ReviewForm, service=sample_review)
        .Annotation(title="示例审核")
        .Permission("workflows.run_office")
        .Next(this.end)
    )
    end = flow.End()


register_flow(SampleFlow, model=Unit, serialize=lambda obj, request: {"code": obj.code})
