"""The auditor's trail: who may read it, and history entries made readable.

Selectors only (nothing here writes): `trail_entries(rows)` turns a page of
`trail_filters.trail_queryset(...)` into entries with field-level diffs (Chinese field
labels, choice labels, related objects' names, local times); `history_tab_entries(...)` and
`readable_entries(...)` do the same for the history tab of detail pages.
"""

from __future__ import annotations

from datetime import datetime

import rules
from django.db import models
from django.utils import timezone

from ..org.permissions import add_rule, has_role
from ..org.roles import Role
from .chain import chained_history_models
from .history import entries_from_rows, history_entries


@rules.predicate
def _may_read_trail(user, obj=None) -> bool:
    """Auditors, the discipline secretary (read_audit) and the party secretary."""
    return user.has_perm("workflows.read_audit") or has_role(user, Role.PARTY_SECRETARY)


add_rule("audit.read_trail", _may_read_trail, write=False)


def may_read_trail(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_perm("audit.read_trail"))


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
    """The API shape: workflows.audit.history's entry plus ids (no display helpers)."""
    return {key: value for key, value in entry.items() if key != "changes_display"}


def audited_model_labels() -> dict[str, str]:
    return {m.instance_type._meta.label_lower: model_label(m.instance_type) for m in chained_history_models()}


def history_model_for(instance_model):
    """The hash-chained history model of a live model (or None)."""
    manager_name = getattr(instance_model._meta, "simple_history_manager_attribute", None)
    if not manager_name:
        return None
    return getattr(instance_model, manager_name).model

