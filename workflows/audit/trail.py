"""The auditor's trail: who may read it, and history entries made readable.

Selectors only (nothing here writes): `trail_entries(rows)` turns a page of
`trail_filters.trail_queryset(...)` into entries with field-level diffs (Chinese field
labels, choice labels, related objects' names, local times); `history_tab_entries(...)` and
`readable_entries(...)` do the same for the history tab of detail pages.
"""

from __future__ import annotations

import rules

from ..org.permissions import add_rule, has_role
from ..org.roles import Role
from .chain import chained_history_models
from .history import entries_from_rows, history_entries
from .labels import HIDDEN_FIELDS, STEP_STATUS_LABELS, Labels, _field, _field_label, model_label


@rules.predicate
def _may_read_trail(user, obj=None) -> bool:
    """Auditors, the discipline secretary (read_audit) and the party secretary."""
    return user.has_perm("workflows.read_audit") or has_role(user, Role.PARTY_SECRETARY)


add_rule("audit.read_trail", _may_read_trail, write=False)


def may_read_trail(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_perm("audit.read_trail"))


def _model_of(entry: dict):
    from django.apps import apps

    return apps.get_model(entry["model"]) if "model" in entry else None


def _add_display(entry: dict, instance_model, labels: Labels) -> dict:
    pk_name = instance_model._meta.pk.attname
    hidden = HIDDEN_FIELDS.get(instance_model._meta.label_lower, set())
    object_id = entry.get("object_id")
    entry["object_label"] = model_label(instance_model)
    entry["object_display"] = labels.object_display(instance_model, object_id)
    entry["changes_display"] = [
        {"field": name, "label": _field_label(instance_model, name),
         "old": labels(instance_model, name, old, object_id), "new": labels(instance_model, name, new, object_id)}
        for name, (old, new) in entry["changes"].items()
        if name != pk_name and name not in hidden and getattr(_field(instance_model, name), "name", name) not in hidden
    ]
    return entry


def _add_step_display(entry: dict, labels: Labels) -> dict:
    """Entries of a process's steps (`step_entries` of the subject pages): title, Chinese status, names."""
    title = entry.get("object_label") or "流程步骤"
    kind, _colon, pk = str(entry.get("object", "")).partition(":")
    if title.isascii() and kind == "task" and pk.isdigit():
        from viewflow.workflow.models import Task

        title = labels.object_name(Task, int(pk))
    entry["object_display"] = f"任务“{title}”"
    if entry.get("user") and not entry.get("user_name"):
        entry["user_name"] = labels.person(entry["user"])
    display = []
    for name, (old, new) in entry.get("changes", {}).items():
        if name == "step":
            display.append({"field": name, "label": "步骤", "old": title if old else old, "new": title if new else new})
        elif name == "status":
            display.append({"field": name, "label": "状态", "old": STEP_STATUS_LABELS.get(old, old),
                            "new": STEP_STATUS_LABELS.get(new, new)})
    entry["changes_display"] = display
    return entry


def history_tab_entries(*sources) -> list[dict]:
    """`history_entries(*sources)` ready for `audit_history_tab.html`: newest first, readable diffs.

    For detail pages (decision, meeting, election, unit) shown to those who may read the trail.
    """
    from django.apps import apps

    labels = Labels()
    entries = history_entries(*sources, with_ids=True)
    labels.prime(entries, _model_of)
    for entry in entries:
        _add_display(entry, apps.get_model(entry["model"]), labels)
    return entries[::-1]


def readable_entries(entries: list[dict]) -> list[dict]:
    """Add Chinese field labels and readable values to entries made `with_ids`, newest first (for pages)."""
    from django.apps import apps

    labels = Labels()
    labels.prime(entries, _model_of)
    for entry in entries:
        if "model" in entry:
            _add_display(entry, apps.get_model(entry["model"]), labels)
        else:
            _add_step_display(entry, labels)
    return entries[::-1]


def trail_entries(page_rows) -> list[dict]:
    """Entries (spec history shape + ids) for a page of `trail_queryset` rows, in page order."""
    history_models = chained_history_models()
    wanted: dict[int, list[int]] = {}
    for history_id, _when, model_index in page_rows:
        wanted.setdefault(model_index, []).append(history_id)
    by_key = {}
    labels = Labels()
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
                by_key[(model_index, entry["history_id"])] = entry
    labels.prime(list(by_key.values()), _model_of)
    for entry in by_key.values():
        _add_display(entry, _model_of(entry), labels)
    return [by_key[(index, history_id)] for history_id, _when, index in page_rows if (index, history_id) in by_key]


def public_entry(entry: dict) -> dict:
    """The API shape: workflows.audit.history's entry plus ids (no display helpers)."""
    return {key: value for key, value in entry.items() if key not in ("changes_display", "object_display")}
