"""The auditor's trail: every history record of every audited model, filtered and exported.

Selectors only (nothing here writes): `trail_queryset(filters)` is one UNION over all
hash-chained history tables, newest first (paginate it like any queryset);
`trail_entries(rows)` turns a page of it into entries with field-level diffs;
`trail_workbook(...)` writes an Excel file; `verify_chains()` recomputes the hash chains.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO

import rules
from django import forms
from django.db import models
from django.db.models import Q, Value
from django.utils import timezone

from .audit import chained_history_models, compute_record_hash
from .history import entries_from_rows, history_entries
from .models import Unit, User
from .permissions import add_rule, has_role
from .roles import Role

EXPORT_LIMIT = 20000


@rules.predicate
def _may_read_trail(user, obj=None) -> bool:
    """Auditors, the discipline secretary (read_audit) and the party secretary."""
    return user.has_perm("workflows.read_audit") or has_role(user, Role.PARTY_SECRETARY)


add_rule("audit.read_trail", _may_read_trail, write=False)


def may_read_trail(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_perm("audit.read_trail"))


# --- hash chains ---------------------------------------------------------------------------


@dataclass
class ChainResult:
    history_model: type
    count: int = 0
    head: str = ""
    broken_id: int | None = None
    broken_object: str = ""
    problem: str = ""

    @property
    def broken(self) -> bool:
        return self.broken_id is not None

    @property
    def label(self) -> str:
        return self.history_model.instance_type._meta.label

    @property
    def verbose_name(self) -> str:
        return str(self.history_model.instance_type._meta.verbose_name)

    def describe(self) -> str:
        if self.broken:
            return (
                f"断裂：{self.label} history_id={self.broken_id} 对象={self.broken_object}："
                f"{self.problem}"
            )
        return f"完好：{self.label}（{self.history_model._meta.db_table}）{self.count} 条，末条哈希 {self.head or '—'}"


def verify_chain(history_model, *, using: str = "default") -> ChainResult:
    """Recompute one table's chain in insertion order; stop at the first broken record."""
    result = ChainResult(history_model)
    pk_name = history_model.instance_type._meta.pk.attname
    previous = ""
    rows = history_model._base_manager.using(using).order_by("history_id").iterator(chunk_size=2000)
    for row in rows:
        result.count += 1
        problem = ""
        if row.previous_hash != previous:
            problem = "previous_hash 与上一条记录不符（有记录被删除、插入或改写）"
        elif row.record_hash != compute_record_hash(row, previous):
            problem = "记录内容与 record_hash 不符（记录被修改）"
        if problem:
            result.broken_id = row.history_id
            result.broken_object = f"{history_model.instance_type._meta.model_name}:{getattr(row, pk_name)}"
            result.problem = problem
            return result
        previous = row.record_hash
    result.head = previous
    return result


def verify_chains(*, using: str = "default") -> list[ChainResult]:
    return [verify_chain(model, using=using) for model in chained_history_models()]


# --- filters -------------------------------------------------------------------------------


def _model_choices():
    return [("", "全部类型")] + [
        (m.instance_type._meta.label_lower, model_label(m.instance_type)) for m in chained_history_models()
    ]


def _flow_choices():
    from .tasks import registered_flows

    return [("", "全部流程")] + [
        (code, str(getattr(entry.flow_class, "process_title", "") or code))
        for code, entry in sorted(registered_flows().items())
    ]


class TrailFilterForm(forms.Form):
    """Filters of the trail page, its export and `GET /api/v1/audit/`."""

    user = forms.CharField(label="操作人（用户名）", required=False, max_length=150)
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
        username = self.cleaned_data["user"].strip()
        if username and not User.objects.filter(username=username).exists():
            raise forms.ValidationError("没有这个用户：%(value)s。", params={"value": username})
        return username

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

    from .tasks import registered_flows

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


# viewflow's own models are not translated: their names in the auditor's pages.
VIEWFLOW_MODEL_LABELS = {"viewflow.process": "流程实例", "viewflow.task": "流程步骤"}
VIEWFLOW_FIELD_LABELS = {
    "flow_class": "流程", "flow_task": "步骤", "flow_task_type": "步骤类型", "status": "状态",
    "created": "创建时间", "assigned": "认领时间", "started": "开始办理", "finished": "完成时间",
    "owner": "办理人", "process": "流程实例", "token": "令牌", "data": "数据", "comments": "备注",
    "owner_permission": "办理权限", "artifact_object_id": "业务对象编号", "artifact_content_type": "业务对象类型",
    "parent_task": "上级步骤", "external_task_id": "外部编号", "scheduled": "计划时间",
    "seed_object_id": "来源对象编号", "seed_content_type": "来源对象类型",
    "owner_permission_content_type": "办理权限对象类型", "owner_permission_obj_pk": "办理权限对象编号",
}
VIEWFLOW_STATUS_LABELS = {
    "NEW": "待办", "ASSIGNED": "已认领", "STARTED": "办理中", "DONE": "已完成", "CANCELED": "已取消",
    "ERROR": "出错", "SCHEDULED": "已计划", "REVIVED": "已恢复",
}


def model_label(instance_model) -> str:
    return VIEWFLOW_MODEL_LABELS.get(instance_model._meta.label_lower, str(instance_model._meta.verbose_name))


def _field(instance_model, attname: str):
    for field in instance_model._meta.concrete_fields:
        if field.attname == attname or field.name == attname:
            return field
    return None


def _field_label(instance_model, attname: str) -> str:
    field = _field(instance_model, attname)
    if field is None:
        return attname
    if instance_model._meta.app_label == "viewflow":
        return VIEWFLOW_FIELD_LABELS.get(field.name, str(field.verbose_name))
    return str(field.verbose_name)


class _Labels:
    """Readable values for the diff: choice labels, related objects' names, local times (cached per page)."""

    def __init__(self):
        self._related: dict[tuple, str] = {}

    def __call__(self, instance_model, attname: str, value):
        if value is None or value == "":
            return value
        field = _field(instance_model, attname)
        if field is None:
            return value
        if isinstance(value, bool):
            return "是" if value else "否"
        if instance_model._meta.app_label == "viewflow" and field.name == "status":
            return VIEWFLOW_STATUS_LABELS.get(value, value)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if field.is_relation and field.related_model is not None:
            return self._related_label(field.related_model, value)
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            try:
                return timezone.localtime(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M:%S")
            except ValueError:
                return value
        return value

    def _related_label(self, model, pk) -> str:
        key = (model, pk)
        if key not in self._related:
            obj = model._base_manager.filter(pk=pk).first()
            self._related[key] = f"{obj}（{pk}）" if obj is not None else f"#{pk}（已删除）"
        return self._related[key]


def _add_display(entry: dict, instance_model, labels: _Labels) -> dict:
    pk_name = instance_model._meta.pk.attname
    entry["object_label"] = model_label(instance_model)
    entry["changes_display"] = [
        {"field": name, "label": _field_label(instance_model, name),
         "old": labels(instance_model, name, old), "new": labels(instance_model, name, new)}
        for name, (old, new) in entry["changes"].items()
        if name != pk_name
    ]
    return entry


def history_tab_entries(*sources) -> list[dict]:
    """`history_entries(*sources)` ready for `audit_history_tab.html`: newest first, readable diffs.

    For detail pages (decision, meeting, election, unit) shown to those who may read the trail.
    """
    from django.apps import apps

    labels = _Labels()
    entries = history_entries(*sources, with_ids=True)
    for entry in entries:
        _add_display(entry, apps.get_model(entry["model"]), labels)
    return entries[::-1]


def readable_entries(entries: list[dict]) -> list[dict]:
    """Add Chinese field labels and readable values to entries made `with_ids`, newest first (for pages)."""
    from django.apps import apps

    labels = _Labels()
    for entry in entries:
        if "model" in entry:
            _add_display(entry, apps.get_model(entry["model"]), labels)
    return entries[::-1]


def trail_entries(page_rows) -> list[dict]:
    """Entries (spec history shape + ids) for a page of `trail_queryset` rows, in page order."""
    history_models = chained_history_models()
    wanted: dict[int, list[int]] = {}
    for history_id, _when, model_index in page_rows:
        wanted.setdefault(model_index, []).append(history_id)
    by_key = {}
    labels = _Labels()
    for model_index, history_ids in wanted.items():
        history_model = history_models[model_index]
        instance_model = history_model.instance_type
        pk_name = instance_model._meta.pk.attname
        object_ids = history_model._base_manager.filter(history_id__in=history_ids).values(pk_name)
        # The objects' whole histories, so each change is diffed against the record before it.
        rows = (
            history_model._base_manager.filter(**{f"{pk_name}__in": object_ids})
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )
        for entry in entries_from_rows(rows, with_ids=True):
            if entry["history_id"] in history_ids:
                _add_display(entry, instance_model, labels)
                by_key[(model_index, entry["history_id"])] = entry
    return [by_key[(index, history_id)] for history_id, _when, index in page_rows if (index, history_id) in by_key]


def public_entry(entry: dict) -> dict:
    """The API shape: workflows.history's entry plus ids (no display helpers)."""
    return {key: value for key, value in entry.items() if key != "changes_display"}


# --- Excel ---------------------------------------------------------------------------------


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, list | dict):
        import json

        value = json.dumps(value, ensure_ascii=False)
    text = str(value) if not isinstance(value, int | float) or isinstance(value, bool) else value
    if isinstance(text, str) and text.startswith("="):
        text = "'" + text  # never a formula
    return text


def workbook_bytes(title: str, header: list[str], rows, *, note: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    if note:
        sheet.append([note])
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJKLM", (20, 14, 8, 16, 22, 18, 30, 30, 30, 18), strict=False):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


TRAIL_HEADER = ["时间", "操作人", "操作", "记录类型", "对象", "字段", "原值", "新值", "原因", "记录哈希"]
ACTION_LABELS = {"created": "新增", "changed": "修改", "deleted": "删除"}


def trail_workbook(filters: TrailFilters) -> bytes:
    """The filtered trail as .xlsx: one line per changed field (or per record without changes)."""
    queryset = trail_queryset(filters)
    rows_meta = list(queryset[: EXPORT_LIMIT + 1])
    truncated = len(rows_meta) > EXPORT_LIMIT
    entries = []
    for start in range(0, min(len(rows_meta), EXPORT_LIMIT), 500):
        entries.extend(trail_entries(rows_meta[start : start + 500]))

    def lines():
        for entry in entries:
            at = timezone.localtime(datetime.fromisoformat(entry["at"])).strftime("%Y-%m-%d %H:%M:%S")
            base = [at, entry.get("user_name") or entry["user"] or "系统", ACTION_LABELS.get(entry["action"], entry["action"]),
                    entry["object_label"], entry["object"]]
            changes = entry["changes_display"] or [{"label": "", "old": "", "new": ""}]
            for change in changes:
                yield [*base, change["label"], change["old"], change["new"], entry["reason"], entry["record_hash"]]

    note = f"仅导出前 {EXPORT_LIMIT} 条记录，请缩小筛选范围。" if truncated else ""
    return workbook_bytes("变更记录", TRAIL_HEADER, lines(), note=note)


def audited_model_labels() -> dict[str, str]:
    return {m.instance_type._meta.label_lower: model_label(m.instance_type) for m in chained_history_models()}


def history_model_for(instance_model):
    """The hash-chained history model of a live model (or None)."""
    manager_name = getattr(instance_model._meta, "simple_history_manager_attribute", None)
    if not manager_name:
        return None
    return getattr(instance_model, manager_name).model

