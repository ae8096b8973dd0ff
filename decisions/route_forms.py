"""Step payloads added in the second round (domain.md D): 合法性审查, 院长办公会, 事后报告 and its confirmation."""

from django import forms
from django.utils import timezone

from workflows.tasks.forms import StepForm

from .forms import DecisionForm, RequiredBooleanField


class LegalReviewForm(StepForm):
    opinion = forms.ChoiceField(
        label="审查结论", widget=forms.RadioSelect,
        choices=[("lawful", "合法"), ("conditional", "附条件合法"), ("unlawful", "不合法（退回修改）")],
        error_messages={"required": "请选择审查结论。", "invalid_choice": "审查结论须为合法、附条件合法或不合法。"})
    comment = forms.CharField(label="书面审查意见", widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": "请填写书面审查意见。"})


class NotFutureDateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(*args, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value and value > timezone.localdate():
            raise forms.ValidationError("日期不能晚于今天。", code="future")


class OfficeMeetingForm(StepForm):
    held_on = NotFutureDateField(label="院长办公会召开日期",
                                 error_messages={"required": "请填写院长办公会召开日期。", "invalid": "日期格式不正确。"})
    conclusion = forms.ChoiceField(
        label="研究结论", widget=forms.RadioSelect,
        choices=[("support", "同意提请党委会研究"), ("revise", "退回修改")],
        error_messages={"required": "请选择研究结论。", "invalid_choice": "研究结论须为同意或退回修改。"})
    comment = forms.CharField(label="院长办公会意见", widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": "请填写院长办公会意见。"})


class UrgentConfirmForm(StepForm):
    agree = RequiredBooleanField(label="确认该紧急事项", choices=[("true", "确认"), ("false", "不予确认")])
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class UrgentReportForm(DecisionForm):
    """事后报告: an urgent matter the secretary and president decided outside a meeting."""

    reason = forms.CharField(label="不能等待党委会的原因", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请说明不能等待党委会的原因。"})
    decided_on = NotFutureDateField(label="决定日期",
                                    error_messages={"required": "请填写决定日期。", "invalid": "日期格式不正确。"})

    field_order = ["title", "category", "summary", "department_unit", "amount", "reason", "decided_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("needs_expert_review", "needs_legal_review", "needs_office_meeting", "reconsider_of"):
            del self.fields[name]
        self.fields["summary"].label = "事项及决定内容"
        self.fields["summary"].error_messages["required"] = "请填写事项及决定内容。"

