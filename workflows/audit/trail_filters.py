"""Filters of the auditor's trail and the one queryset they select.

`TrailFilterForm` validates the filters (page, export and API); `trail_queryset(filters)`
is one UNION over all hash-chained history tables, newest first (paginate it like any
queryset). Selectors only: nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.db import models
from django.db.models import Q, Value
from django.utils import timezone

from ..models import Unit, User
from .chain import chained_history_models
from .labels import model_label


def _model_choices():
    return [("", "全部类型")] + [
        (m.instance_type._meta.label_lower, model_label(m.instance_type)) for m in chained_history_models()
    ]


def _flow_choices():
    from ..tasks import registered_flows

    return [("", "全部流程")] + [
        (code, str(getattr(entry.flow_class, "process_title", "") or code))
        for code, entry in sorted(registered_flows().items())
    ]


class TrailFilterForm(forms.Form):
    """Filters of the trail page, its export and `GET /api/v1/audit/`."""

    # A person's name (or "姓名（党组织）" when names repeat), from the page; a username from the API.
    user = forms.CharField(label="操作人", required=False, max_length=150)
    unit = forms.CharField(label="党组织（代码）", required=False, max_length=40)
    model = forms.ChoiceField(label="记录类型", required=False)
    flow = forms.ChoiceField(label="流程", required=False)
    process = forms.IntegerField(label="流程实例编号", required=False, min_value=1,
                                 error_messages={"invalid": "流程实例编号须为整数。"})
    since = forms.DateField(label="起始日期", required=False, input_formats=["%Y-%m-%d"],
                            error_messages={"invalid": "日期格式应为 YYYY-MM-DD。"},
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="截止日期", required=False, input_formats=["%Y-%m-%d"],
                            error_messages={"invalid": "日期格式应为 YYYY-MM-DD。"},
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = _model_choices()
        self.fields["model"].error_messages["invalid_choice"] = "没有这种记录类型：%(value)s。"
        self.fields["flow"].choices = _flow_choices()
        self.fields["flow"].error_messages["invalid_choice"] = "没有这个流程：%(value)s。"

    def clean_user(self):
        """The operator's username, found by username or by name."""
        value = self.cleaned_data["user"].strip()
        if not value or User.objects.filter(username=value).exists():
            return value
        name, _paren, unit_name = value.removesuffix("）").partition("（")
        people = User.objects.filter(name=name.strip())
        if unit_name:
            people = people.filter(unit__name=unit_name.strip())
        found = list(people.values_list("username", flat=True)[:2])
        if not found:
            raise forms.ValidationError("没有这个用户：%(value)s。", params={"value": value})
        if len(found) > 1:
            raise forms.ValidationError("有多位人员名叫 %(value)s，请从列表中选择（姓名后附党组织）。",
                                        params={"value": value})
        return found[0]

    def clean_unit(self):
        code = self.cleaned_data["unit"].strip()
        if not code:
            return None
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError("没有这个党组织：%(value)s。", params={"value": code})
        return unit

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "截止日期不能早于起始日期。")
        return data


def operator_choices() -> list[str]:
    """Names of everyone who appears as an operator in the trail ("姓名（党组织）" when names repeat)."""
    history_models = chained_history_models()
    ids = [m._base_manager.exclude(history_user=None).order_by().values_list("history_user_id") for m in history_models]
    if not ids:
        return []
    user_ids = ids[0].union(*ids[1:]) if len(ids) > 1 else ids[0]
    people = list(User.objects.filter(pk__in=[pk for (pk,) in user_ids]).select_related("unit").order_by("name", "pk"))
    counts: dict[str, int] = {}
    for person in people:
        counts[str(person)] = counts.get(str(person), 0) + 1
    return [
        f"{person}（{person.unit.name if person.unit_id else '无党组织'}）" if counts[str(person)] > 1 else str(person)
        for person in people
    ]


@dataclass
class TrailFilters:
    user: str = ""
    unit: Unit | None = None
    model: str = ""
    flow: str = ""
    process: int | None = None
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_form(cls, form: TrailFilterForm) -> TrailFilters:
        data = form.cleaned_data
        return cls(**{name: data.get(name) or cls.__dataclass_fields__[name].default for name in cls.__dataclass_fields__})


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _unit_lookup(model) -> str | None:
    """Lookup path from `model` to the Unit it belongs to (depth ≤ 2, never through a person)."""
    if model is Unit:
        return "pk"
    declared = getattr(model, "audit_unit_path", None)
    if declared:
        return declared
    user_model = User

    def forward_fks(m):
        fks = [f for f in m._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)]
        return sorted(fks, key=lambda f: (f.name not in ("unit", "department_unit"), f.name))

    for field in forward_fks(model):
        if field.related_model is Unit:
            return field.name
    for field in forward_fks(model):
        target = field.related_model
        if target in (user_model, Unit, model) or target is None:
            continue
        for sub in forward_fks(target):
            if sub.related_model is Unit:
                return f"{field.name}__{sub.name}"
    return None


def _processes(filters: TrailFilters):
    from viewflow.workflow.models import Process

    from ..tasks import registered_flows

    qs = Process.objects.all()
    if filters.process:
        qs = qs.filter(pk=filters.process)
    if filters.flow:
        entry = registered_flows().get(filters.flow)
        qs = qs.filter(flow_class=entry.flow_class) if entry else qs.none()
    return qs


def _process_q(instance_model, filters: TrailFilters) -> Q | None:
    """Rows of `instance_model` that belong to the selected processes (their steps and subjects)."""
    from django.contrib.contenttypes.models import ContentType
    from viewflow.workflow.models import Process, Task

    processes = _processes(filters)
    if instance_model is Process:
        return Q(pk__in=processes.values("pk"))
    if instance_model is Task:
        return Q(process_id__in=processes.values("pk"))
    content_type = ContentType.objects.get_for_model(instance_model)
    artifacts = processes.filter(artifact_content_type=content_type).values("artifact_object_id")
    if processes.filter(artifact_content_type=content_type).exists():
        return Q(pk__in=artifacts)
    for field in instance_model._meta.concrete_fields:
        if field.is_relation and field.many_to_one and field.related_model not in (None, User, Unit):
            related_ct = ContentType.objects.get_for_model(field.related_model)
            related = processes.filter(artifact_content_type=related_ct)
            if related.exists():
                return Q(**{f"{field.attname}__in": related.values("artifact_object_id")})
    return None


def _unit_q(instance_model, unit: Unit) -> Q | None:
    from django.contrib.contenttypes.models import ContentType
    from viewflow.workflow.models import Process, Task

    if instance_model in (Process, Task):
        subject_q = Q(pk__in=[])
        for ct_id in Process.objects.exclude(artifact_content_type=None).values_list(
            "artifact_content_type", flat=True
        ).distinct():
            artifact_model = ContentType.objects.get_for_id(ct_id).model_class()
            lookup = _unit_lookup(artifact_model) if artifact_model else None
            if lookup:
                value = unit.pk if lookup == "pk" else unit
                ids = artifact_model._base_manager.filter(**{lookup: value}).values("pk")
                subject_q |= Q(artifact_content_type_id=ct_id, artifact_object_id__in=ids)
        processes = Process.objects.filter(subject_q)
        return Q(pk__in=processes.values("pk")) if instance_model is Process else Q(process_id__in=processes.values("pk"))
    lookup = _unit_lookup(instance_model)
    if lookup is None:
        return None
    if lookup == "pk":
        return Q(**{instance_model._meta.pk.attname: unit.pk})
    return Q(**{lookup: unit})


def _filtered_rows(history_model, filters: TrailFilters):
    """The history model's rows matching the filters (None when the model cannot match)."""
    instance_model = history_model.instance_type
    if filters.model and instance_model._meta.label_lower != filters.model:
        return None
    qs = history_model._base_manager.all()
    if filters.user:
        qs = qs.filter(history_user__username=filters.user)
    if filters.since:
        qs = qs.filter(history_date__gte=_day_start(filters.since))
    if filters.until:
        qs = qs.filter(history_date__lt=_day_start(filters.until + timedelta(days=1)))
    if filters.unit is not None:
        q = _unit_q(instance_model, filters.unit)
        if q is None:
            return None
        qs = qs.filter(_on_history(history_model, q))
    if filters.process or filters.flow:
        q = _process_q(instance_model, filters)
        if q is None:
            return None
        qs = qs.filter(_on_history(history_model, q))
    return qs


def _on_history(history_model, q: Q) -> Q:
    """Translate a Q on the live model to its history model (`pk` is the object id there)."""
    pk_attname = history_model.instance_type._meta.pk.attname
    children = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(_on_history(history_model, child))
            continue
        key, value = child
        if key == "pk" or key.startswith("pk__"):
            key = pk_attname + key[2:]
        children.append((key, value))
    translated = Q(*children, _connector=q.connector, _negated=q.negated)
    return translated


def trail_queryset(filters: TrailFilters):
    """One queryset over every history table: rows (history_id, history_date, model index), newest first."""
    history_models = chained_history_models()
    parts = []
    for index, history_model in enumerate(history_models):
        rows = _filtered_rows(history_model, filters)
        if rows is None:
            continue
        parts.append(
            rows.order_by()
            .annotate(model_index=Value(index, output_field=models.IntegerField()))
            .values_list("history_id", "history_date", "model_index")
        )
    if not parts:
        return history_models[0]._base_manager.none().values_list("history_id", "history_date")
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return union.order_by("-history_date", "-history_id")

