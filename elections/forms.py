"""Payload forms of the election steps: the same forms validate the API and the HTML pages."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from workflows.models import Unit
from workflows.tasks.forms import JSONDictField, StepForm, UsernameListField

from .models import Election


class DecisionField(forms.Field):
    """A yes/no decision given as JSON true/false or as the radio values "true"/"false"."""

    widget = forms.RadioSelect(choices=[("true", "同意"), ("false", "退回")])
    default_error_messages = {"required": "请选择同意或退回。", "invalid": "请选择同意或退回。"}

    def to_python(self, value):
        if isinstance(value, bool):
            return value
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in ("true", "1", "yes", "on"):
            return True
        if text in ("false", "0", "no"):
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def validate(self, value):
        if value is None:
            raise forms.ValidationError(self.error_messages["required"], code="required")


def _election(form) -> Election | None:
    task = getattr(form, "task", None)
    return task.process.artifact if task is not None else None


def _members_widget(election: Election | None):
    if election is None:
        return forms.TextInput(attrs={"placeholder": "用户名，用逗号分隔"})
    choices = [(u.username, f"{u.name or u.username}（{u.username}）") for u in election.unit.full_members()]
    return forms.CheckboxSelectMultiple(choices=choices)


class ElectionRequestForm(forms.Form):
    """一上 换届请示 (`POST /api/v1/elections/` and the new-election page)."""

    unit = forms.SlugField(label="党组织（代码）", error_messages={"required": "请选择党组织。"})
    planned_date = forms.DateField(label="计划选举日期", error_messages={"required": "请填写计划选举日期。",
                                                                    "invalid": "日期格式应为 YYYY-MM-DD。"})
    seats = forms.IntegerField(label="委员职数", min_value=1, error_messages={"required": "请填写委员职数。"})
    elect_deputy = forms.BooleanField(label="选举副书记", required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].widget = forms.Select(choices=[(u.code, u.name) for u in units])
        self.fields["planned_date"].widget = forms.DateInput(attrs={"type": "date"})

    def clean_unit(self):
        code = self.cleaned_data["unit"]
        unit = Unit.objects.filter(code=code, active=True).first()
        if unit is None:
            raise forms.ValidationError("党组织不存在。")
        return unit


class ReviewForm(StepForm):
    approve = DecisionField(label="审批意见")
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RequestApprovalForm(ReviewForm):
    seats = forms.IntegerField(label="批准的委员职数", required=False, min_value=1,
                               help_text="不填则按请示的职数批准")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        election = _election(self)
        if election is not None:
            self.fields["seats"].initial = election.seats


class NominateForm(StepForm):
    candidates = UsernameListField(label="初步人选")
    paper_tallies = JSONDictField(label="纸质推荐票汇总", required=False,
                                  help_text='JSON 格式：{"用户名": 票数}；没有纸质推荐票可不填')

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].widget = _members_widget(_election(self))

    def clean_paper_tallies(self):
        tallies = self.cleaned_data.get("paper_tallies") or {}
        return {name: int(count) if isinstance(count, str) and count.strip().isdigit() else count
                for name, count in tallies.items()}


class CandidateReviewForm(StepForm):
    approved = UsernameListField(label="审查通过")
    struck = JSONDictField(label="不予通过（附理由）", required=False, help_text='JSON 格式：{"用户名": "理由"}')

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        election = _election(self)
        if election is not None:
            choices = [(c.user.username, f"{c.user.name}（{c.recommendations} 票）")
                       for c in election.active_candidates()]
            self.fields["approved"].widget = forms.CheckboxSelectMultiple(choices=choices)
            self.fields["approved"].initial = [c for c, _ in choices]


class ElectionPlanForm(StepForm):
    candidates = UsernameListField(label="正式候选人")
    meeting_date = forms.DateField(label="党员大会日期", widget=forms.DateInput(attrs={"type": "date"}),
                                   error_messages={"required": "请填写党员大会日期。"})
    scrutineers = UsernameListField(label="监票人", help_text="用户名，用逗号分隔；不能由候选人担任")
    counters = UsernameListField(label="计票人", help_text="用户名，用逗号分隔；不能由候选人担任")
    method_text = forms.CharField(label="选举办法", widget=forms.Textarea(attrs={"rows": 6}),
                                  error_messages={"required": "请填写选举办法。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        election = _election(self)
        if election is not None:
            choices = [(c.user.username, c.user.name) for c in election.active_candidates().filter(approved=True)]
            self.fields["candidates"].widget = forms.CheckboxSelectMultiple(choices=choices)
            self.fields["candidates"].initial = [c for c, _ in choices]
            if election.meeting_date:
                self.fields["meeting_date"].initial = election.meeting_date


class PlanApprovalForm(ReviewForm):
    pass


class ElectionMeetingForm(StepForm):
    held_on = forms.DateField(label="选举日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                              help_text="不填为今天")
    eligible = forms.IntegerField(label="应到会（有表决权的正式党员）", min_value=0)
    present = forms.IntegerField(label="实到会", min_value=0)
    ballots_issued = forms.IntegerField(label="发出选票", min_value=0)
    ballots_returned = forms.IntegerField(label="收回选票", min_value=0)
    invalid = forms.IntegerField(label="无效票", min_value=0, required=False)
    votes = JSONDictField(label="得票", required=False, help_text='JSON 格式：{"用户名": 票数}')
    reduce_seats_to = forms.IntegerField(label="减少职数至（经大会同意）", required=False, min_value=1,
                                         help_text="仅当选人数略少于应选名额、党员大会表决同意不再另行选举时填写")
    reduce_reason = forms.CharField(label="减少职数理由", required=False)
    reduce_agree = forms.IntegerField(label="同意减少职数的票数", required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ballot = []
        election = _election(self)
        if election is None:
            return
        from .selectors import current_ballot

        self.ballot, self.round_seats = current_ballot(election)
        self.fields["eligible"].initial = election.unit.full_members().count()
        self.fields["held_on"].initial = timezone.localdate()
        names = dict(election.unit.full_members().filter(username__in=self.ballot).values_list("username", "name"))
        for username in self.ballot:
            self.fields[f"votes_{username}"] = forms.IntegerField(
                label=f"{names.get(username, username)} 得票", min_value=0, required=False)
        if self.ballot:
            self.fields["votes"].widget = forms.HiddenInput()
        for name in ("reduce_seats_to", "reduce_reason", "reduce_agree"):  # after the vote fields
            self.fields[name] = self.fields.pop(name)

    def clean(self):
        data = super().clean()
        votes = dict(data.get("votes") or {})
        for username in self.ballot:
            value = data.pop(f"votes_{username}", None)
            if value is not None and username not in votes:
                votes[username] = value
        for name, count in list(votes.items()):
            if isinstance(count, str) and count.strip().isdigit():
                votes[name] = int(count)
        data["votes"] = votes
        if data.get("invalid") is None:
            data["invalid"] = 0
        return data


class OfficerElectionForm(StepForm):
    secretary = forms.CharField(label="书记", error_messages={"required": "请选择书记。"})
    deputy = forms.CharField(label="副书记", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        election = _election(self)
        if election is not None:
            choices = [("", "—")] + [(u.username, u.name or u.username) for u in election.elected_users()]
            self.fields["secretary"].widget = forms.Select(choices=choices)
            self.fields["deputy"].widget = forms.Select(choices=choices)


class ResultApprovalForm(ReviewForm):
    pass


class RecommendationForm(forms.Form):
    nominees = UsernameListField(label="推荐人选", error_messages={"required": "请至少推荐一名人选。"})

    def __init__(self, *args, election=None, **kwargs):
        super().__init__(*args, **kwargs)
        if election is not None:
            self.fields["nominees"].widget = _members_widget(election)
            self.fields["nominees"].help_text = f"最多推荐 {election.seats} 名正式党员"
