"""Payload forms of the election steps: the same forms validate the API and the HTML pages."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from workflows.models import Unit, User
from workflows.tasks.forms import (
    ApiOnlyInput,
    ChoiceButtons,
    JSONDictField,
    PeopleField,
    PersonField,
    PersonNumbersField,
    StepForm,
    UsernameListField,
    person_label,
)

from .models import Election, min_candidates


class DecisionField(forms.Field):
    """A yes/no decision given as JSON true/false or as the radio values "true"/"false"."""

    widget = forms.RadioSelect(choices=[("true", "同意"), ("false", "退回")])
    api_type = "bool"
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


def _with_count(counts):
    def label(user):
        return f"{person_label(user)} · 推荐 {counts.get(user.username, 0)} 票"
    return label


class _PageRowsMixin:
    """A step form whose page shows one box per person instead of the API's JSON key(s).

    `api_only` keys render nothing on the page; their errors (from the service) go on top of the
    form when the page was used, so none is lost in a hidden field.
    """

    api_only: tuple[str, ...] = ()
    row_prefix = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.api_only:
            self.fields[name].widget = ApiOnlyInput()

    @property
    def from_page(self) -> bool:
        return self.is_bound and any(str(key).startswith(self.row_prefix) for key in self.data)

    def add_error(self, field, error):
        if field in self.api_only and self.from_page:
            field = None
        super().add_error(field, error)


class ElectionRequestForm(forms.Form):
    """一上 换届请示 (`POST /api/v1/elections/` and the new-election page)."""

    unit = forms.SlugField(label="党组织", error_messages={"required": "请选择党组织。"})
    planned_date = forms.DateField(label="计划选举日期", error_messages={"required": "请填写计划选举日期。",
                                                                    "invalid": "请填写正确的日期。"})
    seats = forms.IntegerField(label="委员职数", min_value=1, error_messages={
        "required": "请填写委员职数。", "invalid": "请填写整数。", "min_value": "委员职数至少为 1 名。"})
    elect_deputy = forms.BooleanField(label="选举副书记", required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].widget = forms.Select(choices=[(u.code, u.name) for u in units])
        self.fields["planned_date"].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def clean_unit(self):
        code = self.cleaned_data["unit"]
        unit = Unit.objects.filter(code=code, active=True).first()
        if unit is None:
            raise forms.ValidationError("党组织不存在。")
        return unit

    def clean_planned_date(self):
        from .services.request import validate_planned_date

        value = self.cleaned_data["planned_date"]
        try:
            validate_planned_date(value)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        return value

    def clean(self):
        """The seats rule too, so a wrong date and wrong seats are shown together."""
        from .services.common import validate_seats

        data = super().clean()
        if data.get("unit") is not None and data.get("seats") is not None:
            try:
                validate_seats(unit=data["unit"], seats=data["seats"], elect_deputy=data.get("elect_deputy", False))
            except forms.ValidationError as error:
                self.add_error(None, error)
        return data


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


class NominateForm(_PageRowsMixin, StepForm):
    """二上: tick the 初步人选; one number box per full member for the paper tallies."""

    candidates = PeopleField(label="初步人选", help_text="勾选上报的初步人选（应多于应选名额20%以上）",
                             error_messages={"required": "请选择初步人选。"})
    paper_tallies = JSONDictField(label="纸质推荐票汇总", required=False)
    api_only = ("paper_tallies",)
    row_prefix = "tally_"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        election = _election(self)
        if election is None:
            return
        from .selectors import recommendation_counts

        members = list(election.unit.full_members().select_related("unit").order_by("username"))
        self.fields["candidates"].queryset = members
        self.fields["candidates"].label_from_user = _with_count(recommendation_counts(election))
        self.fields["tallies"] = PersonNumbersField(
            label="纸质推荐票", people=members, max_value=len(members), prefix=self.row_prefix,
            help_text="每人得到的纸质推荐票数；没有可不填")

    def clean(self):
        data = super().clean()
        tallies = dict(data.get("paper_tallies") or {})
        for username, count in (data.pop("tallies", None) or {}).items():
            tallies.setdefault(username, count)
        data["paper_tallies"] = {name: int(count) if isinstance(count, str) and count.strip().isdigit() else count
                                 for name, count in tallies.items()}
        return data


PASS, STRIKE = "pass", "strike"


class CandidateReviewForm(_PageRowsMixin, StepForm):
    """二下: per 初步人选, 通过 or 不予通过 with a reason (the API sends `approved` and `struck`)."""

    approved = UsernameListField(label="审查通过", required=False)
    struck = JSONDictField(label="不予通过（附理由）", required=False)
    api_only = ("approved", "struck")
    row_prefix = "review_"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        election = _election(self)
        if election is None:
            return
        self.needed = min_candidates(election.seats)
        for candidate in election.active_candidates():
            person = candidate.user
            review, reason = f"review_{person.pk}", f"reason_{person.pk}"
            self.fields[review] = forms.ChoiceField(
                label=f"{person.name or person.username}（推荐 {candidate.recommendations} 票）",
                choices=[(PASS, "通过"), (STRIKE, "不予通过")], initial=PASS, required=False,
                widget=ChoiceButtons())
            self.fields[reason] = forms.CharField(label="不予通过的理由", required=False, max_length=300,
                                                  help_text="选择“不予通过”时必填")
            self.rows.append((person, review, reason))

    def clean(self):
        data = super().clean()
        if not self.from_page:
            for _, review, reason in self.rows:
                data.pop(review, None)
                data.pop(reason, None)
            return data
        approved, struck = [], {}
        for person, review, reason in self.rows:
            decision, why = data.pop(review, None), (data.pop(reason, None) or "").strip()
            if decision == PASS:
                approved.append(person.username)
            elif decision == STRIKE:
                struck[person.username] = why
                if not why:
                    self.add_error(reason, "不予通过须说明理由。")
            elif review not in self.errors:
                self.add_error(review, "请选择审查结论。")
        if len(approved) < self.needed:
            self.add_error(None, f"审查通过的人选不足，差额选举至少需要 {self.needed} 名候选人。")
        data["approved"], data["struck"] = approved, struck
        return data


class ElectionPlanForm(StepForm):
    """三上: tick the 正式候选人, pick 监票人 and 计票人 by name."""

    candidates = PeopleField(label="正式候选人", help_text="审查通过的人选；差额选举，应比应选名额多20%以上",
                             error_messages={"required": "请选择正式候选人。"})
    meeting_date = forms.DateField(label="党员大会日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                   error_messages={"required": "请填写党员大会日期。", "invalid": "请填写正确的日期。"})
    # checked by the service (not required here) so that they are reported with its other errors
    scrutineers = PeopleField(label="监票人", help_text="本支部党员，不能由候选人担任", required=False)
    counters = PeopleField(label="计票人", help_text="本支部党员，不能由候选人担任", required=False)
    method_text = forms.CharField(label="选举办法", widget=forms.Textarea(attrs={"rows": 6}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        election = _election(self)
        if election is None:
            return
        approved = [c.user for c in election.active_candidates().filter(approved=True)]
        self.fields["candidates"].queryset = approved
        self.fields["candidates"].initial = [u.username for u in approved]
        members = election.unit.people.filter(is_active=True).exclude(membership=User.Membership.NONE)
        for name in ("scrutineers", "counters"):
            self.fields[name].queryset = members.order_by("username")
        if election.meeting_date:
            self.fields["meeting_date"].initial = election.meeting_date
        self.fields["method_text"].initial = election.method_text or None
        for official in election.officials.filter(active=True).select_related("user"):  # a returned plan
            field = self.fields["scrutineers" if official.role == official.Role.SCRUTINEER else "counters"]
            field.initial = [*(field.initial or []), official.user.username]


class PlanApprovalForm(ReviewForm):
    pass


class ElectionMeetingForm(_PageRowsMixin, StepForm):
    """党员大会: the counts of the round and one number box per candidate on the ballot."""

    held_on = forms.DateField(label="选举日期", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                              help_text="不填为今天")
    eligible = forms.IntegerField(label="应到会（有表决权的正式党员）", min_value=0)
    present = forms.IntegerField(label="实到会", min_value=0)
    ballots_issued = forms.IntegerField(label="发出选票", min_value=0)
    ballots_returned = forms.IntegerField(label="收回选票", min_value=0)
    invalid = forms.IntegerField(label="无效票", min_value=0, required=False)
    votes = JSONDictField(label="得票", required=False)
    reduce_seats_to = forms.IntegerField(label="减少职数至（经大会同意）", required=False, min_value=1,
                                         help_text="仅当选人数略少于应选名额、党员大会表决同意不再另行选举时填写")
    reduce_reason = forms.CharField(label="减少职数理由", required=False)
    reduce_agree = forms.IntegerField(label="同意减少职数的票数", required=False, min_value=0)
    api_only = ("votes",)
    row_prefix = "votes_"

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
                label=f"{names.get(username, username)} 得票", min_value=0, required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
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
        if self.from_page:
            self._check_votes_against_ballots(data)
        return data

    def _check_votes_against_ballots(self, data):
        """Next to each box: no candidate gets more votes than there are valid ballots."""
        counts = [data.get(k) for k in ("present", "ballots_issued", "ballots_returned")]
        if None in counts or not counts[2] <= counts[1] <= counts[0]:
            return  # the service reports the counts, or records a void round
        valid = counts[2] - data["invalid"]
        for username in self.ballot:
            if (data["votes"].get(username) or 0) > valid:
                self.add_error(f"votes_{username}", f"得票数多于有效选票数（{valid} 张）。")


class OfficerElectionForm(StepForm):
    """The new committee elects its secretary (and deputy) from among the elected members."""

    secretary = PersonField(label="书记", error_messages={"required": "请选择书记。"})
    deputy = PersonField(label="副书记", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        election = _election(self)
        if election is None:
            return
        elected = election.elected_users().order_by("username")
        self.fields["secretary"].queryset = elected
        self.fields["deputy"].queryset = elected
        if election.elect_deputy:
            self.fields["deputy"].required = True
            self.fields["deputy"].error_messages["required"] = "本次换届需选举副书记，请选择副书记。"
        else:
            self.fields["deputy"].widget = ApiOnlyInput()

    def clean(self):
        data = super().clean()
        if data.get("secretary") and data.get("secretary") == data.get("deputy"):
            self.add_error("deputy", "副书记与书记不能为同一人。")
        return data


class ResultApprovalForm(ReviewForm):
    pass


class RecommendationForm(forms.Form):
    """民主推荐 (the page and `POST /api/v1/elections/{id}/recommendations/`)."""

    nominees = PeopleField(label="推荐人选", error_messages={"required": "请至少推荐一名人选。"})

    def __init__(self, *args, election=None, **kwargs):
        super().__init__(*args, **kwargs)
        if election is not None:
            self.fields["nominees"].queryset = election.unit.full_members().order_by("username")
            self.fields["nominees"].help_text = f"最多推荐 {election.seats} 名本支部正式党员"
