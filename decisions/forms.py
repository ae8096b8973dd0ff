"""Forms: the proposal form (submit / revise), step payloads and the meeting form.

The same forms validate the HTML pages and the API payloads. A step's choices are radio buttons
with nothing chosen beforehand: the person acting must pick one (the API requires it too).
"""

from django import forms
from django.utils import timezone

from workflows.models import Unit
from workflows.tasks.forms import JSONDictField, StepForm, UsernameListField

from .models import Decision, Opinion, Vote

BOOL_CHOICES = [("true", "是"), ("false", "否")]


class UnitField(forms.Field):
    """A branch given by its code (API) or id (HTML select)."""

    default_error_messages = {"invalid": "请选择责任科室所在的党支部。"}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.Select)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, Unit):
            return value
        qs = Unit.objects.filter(kind=Unit.Kind.BRANCH, active=True)
        unit = qs.filter(code=str(value)).first()
        if unit is None and str(value).isdigit():
            unit = qs.filter(pk=int(value)).first()
        if unit is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return unit


class RequiredBooleanField(forms.TypedChoiceField):
    """true/false that must be given (JSON bool or "true"/"false"); two radio buttons, neither chosen."""

    widget = forms.RadioSelect

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", BOOL_CHOICES)
        kwargs.setdefault("error_messages", {"required": "请选择是或否。", "invalid_choice": "请选择是或否。"})
        super().__init__(*args, coerce=lambda v: v == "true", **kwargs)

    def to_python(self, value):
        if value is True or value is False:
            return "true" if value else "false"
        if isinstance(value, str) and value.lower() in ("1", "0", "true", "false"):
            return "true" if value.lower() in ("1", "true") else "false"
        return super().to_python(value)


class DecisionForm(StepForm):
    """议题申报 / 修改重报."""

    title = forms.CharField(label="议题名称", max_length=200, error_messages={"required": "请填写议题名称。"})
    category = forms.ChoiceField(label="类别", choices=[("", "请选择"), *Decision.Category.choices],
                                 error_messages={"required": "请选择议题类别。", "invalid_choice": "议题类别不正确。"})
    summary = forms.CharField(label="背景与方案", widget=forms.Textarea(attrs={"rows": 6}),
                              error_messages={"required": "请填写背景与方案。"})
    department_unit = UnitField(label="责任科室（支部）", error_messages={"required": "请选择责任科室。"})
    amount = forms.DecimalField(label="金额（元）", required=False, min_value=0, max_digits=14, decimal_places=2,
                                error_messages={"min_value": "金额不能为负数。", "invalid": "请填写正确的金额。"})
    needs_expert_review = forms.BooleanField(label="申请专家论证", required=False)
    reconsider_of = forms.IntegerField(label="复议原议题编号", required=False,
                                       help_text="对已表决议题复议时填写原议题编号，将作为新议题重新走完整流程。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        branches = Unit.objects.filter(kind=Unit.Kind.BRANCH, active=True).order_by("code")
        self.fields["department_unit"].widget.choices = [("", "请选择")] + [
            (u.pk, f"{u.department or u.name}（{u.name}）") for u in branches
        ]
        if self.task is not None and not self.is_bound:
            decision = self.task.process.artifact
            self.initial.update(title=decision.title, category=decision.category, summary=decision.summary,
                                department_unit=decision.department_unit_id, amount=decision.amount,
                                needs_expert_review=decision.needs_expert_review)

    def clean_reconsider_of(self):
        pk = self.cleaned_data.get("reconsider_of")
        if pk is None:
            return None
        from .selectors import visible_decisions

        original = visible_decisions(self.user).filter(pk=pk).first() if self.user is not None else None
        if original is None:
            raise forms.ValidationError("复议原议题不存在。")
        return original

    def clean(self):
        data = super().clean()
        if data.get("category") in Decision.AMOUNT_REQUIRED and data.get("amount") is None:
            self.add_error("amount", "重大项目和大额度资金使用议题必须填写金额。")
        return data


class ReviewForm(StepForm):
    opinion = forms.ChoiceField(label="意见", choices=[("approve", "同意"), ("return", "退回修改")],
                                widget=forms.RadioSelect,
                                error_messages={"required": "请选择意见。", "invalid_choice": "意见须为同意或退回。"})
    comment = forms.CharField(label="说明/退回理由", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class OrganizationReviewForm(ReviewForm):
    discipline_opinion = forms.CharField(label="纪检部门党风廉政意见", widget=forms.Textarea(attrs={"rows": 3}),
                                         error_messages={"required": "请填写纪检部门党风廉政意见。"})

    field_order = ["opinion", "comment", "discipline_opinion"]


class ExpertReviewForm(StepForm):
    opinion = forms.ChoiceField(label="论证意见",
                                choices=[("agree", "同意"), ("disagree", "不同意"), ("conditional", "有条件同意")],
                                widget=forms.RadioSelect,
                                error_messages={"required": "请选择论证意见。", "invalid_choice": "论证意见不正确。"})
    comment = forms.CharField(label="书面意见", widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": "请填写书面论证意见。"})


class RiskAssessmentForm(StepForm):
    level = forms.ChoiceField(label="风险等级（含意识形态风险）", choices=Opinion.Level.choices, widget=forms.RadioSelect,
                              error_messages={"required": "请选择风险等级。", "invalid_choice": "风险等级须为低、中或高。"})
    notes = forms.CharField(label="评估说明", widget=forms.Textarea(attrs={"rows": 4}),
                            error_messages={"required": "请填写评估说明。"})


class CommunicateForm(StepForm):
    consensus = RequiredBooleanField(label="书记与院长达成一致",
                                     choices=[("true", "达成一致"), ("false", "未达成一致（退回修改）")])
    notes = forms.CharField(label="沟通情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AgendaReviewForm(StepForm):
    accept = RequiredBooleanField(label="列入会议议程", choices=[("true", "列入议程"), ("false", "退回修改")])
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))


def _vote_choices(choices):
    return [(c.value, c.label) for c in choices]


class VoteForm(StepForm):
    """A member's vote: 同意/不同意/弃权, or 同意/不同意/缓议 on a cadre appointment (domain.md D)."""

    vote = forms.ChoiceField(label="表决意见", choices=_vote_choices(Vote.ORDINARY_CHOICES), widget=forms.RadioSelect,
                             error_messages={"required": "请选择表决意见。", "invalid_choice": "表决意见须为同意、不同意或弃权。"})
    comment = forms.CharField(label="意见说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.task is not None and self.task.process.artifact.is_cadre_appointment():
            field = self.fields["vote"]
            field.choices = _vote_choices(Vote.CADRE_CHOICES)
            field.error_messages["invalid_choice"] = "干部任免议题的表决意见须为同意、不同意或缓议。"


class SecretaryVoteForm(StepForm):
    """The presider's 末位表态. On a cadre appointment the choices are 同意/不同意; the presider's 缓议
    is `defer` (暂缓表决), which postpones the item to a later meeting."""

    vote = forms.ChoiceField(label="表决意见", required=False, choices=_vote_choices(Vote.ORDINARY_CHOICES),
                             widget=forms.RadioSelect, error_messages={"invalid_choice": "表决意见须为同意、不同意或弃权。"})
    defer = forms.BooleanField(label="暂缓表决（分歧较大）", required=False)
    comment = forms.CharField(label="意见说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.task is not None and self.task.process.artifact.is_cadre_appointment():
            field = self.fields["vote"]
            field.choices = _vote_choices((Vote.Choice.AGREE, Vote.Choice.DISAGREE))
            field.error_messages["invalid_choice"] = "干部任免议题的表决意见须为同意或不同意；需缓议请选择暂缓表决。"
            self.fields["defer"].label = "缓议（暂缓表决）"


class ImplementForm(StepForm):
    report = forms.CharField(label="执行情况", widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": "请填写执行情况。"})
    done = forms.BooleanField(label="已执行完毕", required=False)


class AttendanceForm(StepForm):
    present = UsernameListField(label="出席委员（用户名，逗号分隔）", required=True,
                                error_messages={"required": "请登记出席委员。"})
    absent = JSONDictField(label="缺席委员及理由（JSON，如 {\"weiyuan1\": \"出差\"}）", required=False)
    recusals = JSONDictField(label="回避（JSON，如 {\"议题编号\": {\"用户名\": \"理由\"}}）", required=False)


class MinutesDraftForm(StepForm):
    text = forms.CharField(label="纪要正文", widget=forms.Textarea(attrs={"rows": 12}),
                           error_messages={"required": "请填写纪要正文。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.task is not None and not self.is_bound:
            from .minutes_docx import default_minutes_text

            self.initial["text"] = default_minutes_text(self.task.process.artifact)


class MinutesApproveForm(StepForm):
    approve = RequiredBooleanField(label="签发", choices=[("true", "签发"), ("false", "退回修改")])
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回理由", max_length=300, error_messages={"required": "请填写撤回理由。"})


class AgendaField(forms.Field):
    default_error_messages = {"invalid": "议程应为议题编号列表。"}

    def to_python(self, value):
        if value in (None, "", []):
            return []
        if isinstance(value, (str, int)):
            value = [v for v in str(value).replace("，", ",").split(",") if v.strip()]
        try:
            return [int(v) for v in value]
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class MeetingForm(forms.Form):
    title = forms.CharField(label="会议名称", max_length=200, error_messages={"required": "请填写会议名称。"})
    scheduled_at = forms.DateTimeField(label="会议时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                       input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
                                                      "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z"],
                                       error_messages={"required": "请填写会议时间。", "invalid": "会议时间格式不正确。"})
    place = forms.CharField(label="地点", max_length=200, error_messages={"required": "请填写会议地点。"})
    agenda = AgendaField(label="议程（议题）", error_messages={"required": "请至少选择一个议题。"},
                         widget=forms.CheckboxSelectMultiple)
    urgent = forms.BooleanField(label="紧急会议", required=False)
    urgent_reason = forms.CharField(label="紧急理由", required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        waiting = Decision.objects.filter(status=Decision.Status.AWAITING_MEETING).order_by("pk")
        self.fields["agenda"].widget.choices = [(d.pk, f"#{d.pk} {d.title}（{d.get_category_display()}）")
                                                for d in waiting]

    def clean_scheduled_at(self):
        value = self.cleaned_data["scheduled_at"]
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value
