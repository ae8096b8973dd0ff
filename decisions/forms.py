"""Forms: the proposal form (submit / revise), step payloads and the meeting form.

The same forms validate the HTML pages and the API payloads. A step's choices are radio buttons
with nothing chosen beforehand: the person acting must pick one (the API requires it too).
"""

from django import forms
from django.utils import timezone

from workflows.models import Unit
from workflows.tasks.forms import JSONDictField, StepForm, UsernameListField

from .attendance_fields import AttendanceChoiceField, RecusalField
from .models import Decision, Opinion, Vote

BOOL_CHOICES = [("true", "是"), ("false", "否")]


class UnitField(forms.Field):
    """A branch given by its code (API) or id (HTML select)."""

    api_type = "text"  # the API edge accepts text only (workflows.api_fields)

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
    api_type = "bool"

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
    needs_legal_review = forms.BooleanField(label="申请合法性审查", required=False,
                                            help_text="重大项目和大额度资金使用议题必经合法性审查，无需勾选。")
    needs_office_meeting = forms.BooleanField(label="提请院长办公会先行研究", required=False)
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
                                needs_expert_review=decision.needs_expert_review,
                                needs_legal_review=decision.needs_legal_review,
                                needs_office_meeting=decision.needs_office_meeting)

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
        if data.get("category") == Decision.Category.CADRE_APPOINTMENT:
            if data.get("needs_legal_review"):
                self.add_error("needs_legal_review", "干部任免议题不经合法性审查。")
            if data.get("needs_office_meeting"):
                self.add_error("needs_office_meeting", "干部任免议题不经院长办公会研究。")
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
    """出席登记. The page shows each committee member with 出席/缺席 toggles and an absence reason,
    and per agenda item a member picker for 回避; the API sends `present`, `absent`, `recusals`.
    Both give the service the same three values.
    """

    API_FIELDS = ("present", "absent", "recusals")

    present = UsernameListField(label="出席委员", required=True, error_messages={"required": "请登记出席委员。"})
    absent = JSONDictField(label="缺席委员及理由", required=False)
    recusals = JSONDictField(label="回避", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.api_payload = self.is_bound and any(name in self.data for name in self.API_FIELDS)
        if self.api_payload:
            return
        from .selectors import committee_members

        for name in self.API_FIELDS:
            del self.fields[name]
        meeting = self.task.process.artifact if self.task is not None else None
        self.meeting = meeting
        self.members = list(committee_members())
        self.opens_at = meeting.scheduled_at if meeting and timezone.now() < meeting.scheduled_at else None
        # Shown above the form (task page), before anyone fills it in.
        opens = timezone.localtime(self.opens_at) if self.opens_at else None
        self.notice = (f"会议于{opens.year}年{opens.month}月{opens.day}日 {opens:%H:%M}开始，届时方可登记出席。"
                       "下面的名单仅供预览。" if opens else "")
        leave = {}
        if meeting is not None:
            from .models.meeting import LeaveRequest

            leave = {lr.member_id: lr.reason for lr in LeaveRequest.objects.filter(meeting=meeting)}
        for member in self.members:
            self.fields[f"att_{member.pk}"] = AttendanceChoiceField(
                label=member.name or member.username, initial=("absent", leave[member.pk]) if member.pk in leave
                else ("present", ""), help_text="已请假，理由已填入" if member.pk in leave else "",
                required=False, disabled=self.opens_at is not None)
        for item in meeting.agenda_items() if meeting is not None else []:
            if item.decision.urgent:
                continue  # heard as a report, nobody votes, nobody recuses
            self.fields[f"rec_{item.decision_id}"] = RecusalField(
                members=self.members, label=f"回避：{item.decision.title}", disabled=self.opens_at is not None,
                help_text="勾选须回避本议题的委员并写明理由；不勾选即无人回避。")

    def clean(self):
        data = super().clean()
        if self.api_payload:
            return data
        if self.opens_at is not None:
            raise forms.ValidationError(
                f"会议于{timezone.localtime(self.opens_at):%Y-%m-%d %H:%M}开始，届时方可登记出席。")
        if self.errors:
            return data
        by_pk = {m.pk: m for m in self.members}
        present, absent, recusals = [], {}, {}
        for member in self.members:
            choice, reason = data[f"att_{member.pk}"]
            if choice == "present":
                present.append(member.username)
            else:
                absent[member.username] = reason
        if not present:
            raise forms.ValidationError("请至少登记一名出席委员。")
        for name, value in data.items():
            if name.startswith("rec_") and value:
                recusals[name[4:]] = {by_pk[pk].username: reason for pk, reason in value.items()}
        return {"present": present, "absent": absent, "recusals": recusals}


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
    api_type = "ids"
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
    """召集党委会, or 改期/调整议程 of a meeting not yet held (`meeting=`)."""

    title = forms.CharField(label="会议名称", max_length=200, error_messages={"required": "请填写会议名称。"})
    scheduled_at = forms.DateTimeField(label="会议时间",
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                  format="%Y-%m-%dT%H:%M"),
                                       input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
                                                      "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z"],
                                       error_messages={"required": "请填写会议时间。", "invalid": "会议时间格式不正确。"})
    place = forms.CharField(label="地点", max_length=200, error_messages={"required": "请填写会议地点。"})
    agenda = AgendaField(label="议程（议题）", error_messages={"required": "请至少选择一个议题。"},
                         widget=forms.CheckboxSelectMultiple)
    urgent = forms.BooleanField(label="紧急会议", required=False)
    urgent_reason = forms.CharField(label="紧急理由", required=False, max_length=300)

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        from workflows.models import HospitalSettings

        from .models import AgendaItem

        self.meeting = meeting
        notice_days = HospitalSettings.current().meeting_notice_days
        self.fields["scheduled_at"].help_text = f"会议通知须至少提前{notice_days}天发出；紧急会议除外，须说明紧急理由。"
        self.fields["urgent_reason"].help_text = "仅紧急会议填写。"
        taken = AgendaItem.objects.filter(outcome__in=AgendaItem.OPEN_OUTCOMES)
        if meeting is not None:
            taken = taken.exclude(meeting=meeting)
        waiting = (Decision.objects.filter(status__in=Decision.AGENDA_READY)
                   .exclude(pk__in=taken.values("decision_id")).select_related("department_unit").order_by("pk"))
        self.fields["agenda"].widget.choices = [
            (d.pk, f"{'【事后报告】' if d.urgent else ''}{d.title}"
                   f"（{d.get_category_display()} · {d.department_unit.department or d.department_unit.name}）")
            for d in waiting
        ]
        if not waiting:
            self.fields["agenda"].help_text = "目前没有待上会的议题。"
        if meeting is not None and not self.is_bound:
            self.initial.update(
                title=meeting.title, scheduled_at=timezone.localtime(meeting.scheduled_at), place=meeting.place,
                agenda=[item.decision_id for item in meeting.agenda_items()], urgent=meeting.urgent,
                urgent_reason=meeting.urgent_reason)

    def clean_scheduled_at(self):
        value = self.cleaned_data["scheduled_at"]
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value

    def clean(self):
        """Report the notice-period and agenda problems with the other errors, all at once."""
        from .services.meeting import meeting_schedule_errors

        data = super().clean()
        if data.get("scheduled_at") is None or "agenda" in self.errors:
            return data
        problems = meeting_schedule_errors(scheduled_at=data["scheduled_at"], urgent=data.get("urgent", False),
                                           urgent_reason=data.get("urgent_reason", ""), agenda=data.get("agenda"),
                                           meeting=self.meeting)
        for field, messages in problems.items():
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, messages)
        return data


# --- attendance widgets and 请假 ----------------------------------------------------------------


class LeaveRequestForm(forms.Form):
    reason = forms.CharField(label="请假理由", max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请填写请假理由。",
                                             "max_length": "请假理由不超过300字。"})
