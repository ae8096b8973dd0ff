"""Page forms of the task actions: people are picked by name (the API takes usernames)."""

from datetime import timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone

from ..models import User
from ..org.roles import Role
from ..tasks.forms import ChoiceButtons, PeopleField, PersonField
from ..tasks.pool import claimants
from .models import Delegation


def _text(label, *, rows=2, required=True, max_length=500, initial=None):
    message = f"请填写{label}。"
    return forms.CharField(label=label, required=required, max_length=max_length, initial=initial,
                           widget=forms.Textarea(attrs={"rows": rows}),
                           error_messages={"required": message, "max_length": f"不能超过 {max_length} 字。"})


def colleagues():
    """People one copies or asks: everyone holding a role other than 党员 or 审计 (the picker filters by name)."""
    roles = Q(role_grants__role__in=[r for r in Role if r not in (Role.MEMBER, Role.AUDITOR)])
    return User.objects.filter(roles, is_active=True).exclude(role_grants__role=Role.AUDITOR).distinct().order_by(
        "name", "pk")


def delegates_for(user):
    """Whom `user` may ask to stand in (委托): colleagues other than themselves."""
    return colleagues().exclude(pk=user.pk)


def may_take_over(task):
    """People who may do this step on their own right (转办 candidates), the current holder excluded."""
    holders = claimants(task)
    return list(holders.exclude(pk=task.owner_id)) if task.owner_id else list(holders)


class ReassignForm(forms.Form):
    to = PersonField(label="转交给", required=True, error_messages={"required": "请选择转交给谁。"})
    reason = _text("转办理由", max_length=300)

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = may_take_over(task)


class ConsultForm(forms.Form):
    to = PeopleField(label="征求意见对象", search_source="colleagues",
                     error_messages={"required": "请选择征求意见的对象。"})
    question = _text("征求意见的内容", rows=3, max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = colleagues()


class CopyForm(forms.Form):
    to = PeopleField(label="抄送给", search_source="colleagues", error_messages={"required": "请选择抄送对象。"})
    note = _text("附言", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = colleagues()


class UrgeForm(forms.Form):
    message = _text("催办内容", initial="请尽快办理。")


class AnswerForm(forms.Form):
    answer = _text("您的意见", rows=4, max_length=4000)


class DelegationForm(forms.Form):
    delegate = PersonField(label="受托人", required=True, search_source="delegates",
                           error_messages={"required": "请选择受托人。"})
    reason = forms.ChoiceField(label="事由", choices=Delegation.Reason.choices, widget=ChoiceButtons,
                               error_messages={"required": "请选择事由。", "invalid_choice": "请选择事由。"})
    starts = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                             error_messages={"required": "请填写开始日期。", "invalid": "请填写正确的日期。"})
    ends = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           error_messages={"required": "请填写结束日期。", "invalid": "请填写正确的日期。"})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = delegates_for(user)
        today = timezone.localdate()
        self.fields["starts"].initial, self.fields["ends"].initial = today, today + timedelta(days=6)
