"""Read the change history of audited records as the API shape of spec/api.md.

`history_entries(records)` -> [{"at","user","action","object","changes":{field:[old,new]},"reason"}]
for every historical row of the given model instances (or querysets), oldest first.
"""

from __future__ import annotations

from collections.abc import Iterable

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
SKIP_FIELDS = {"record_hash", "previous_hash"}


def _plain(value):
    if hasattr(value, "flow_class") and hasattr(value, "task_title"):  # a viewflow node: its Chinese title
        return str(value.task_title or value.name)
    if isinstance(value, type) and hasattr(value, "process_title"):  # a viewflow flow class
        return str(value.process_title)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, dict)):
        return value
    return str(value)


def history_rows(history_model, **filters):
    """Historical rows of one model, oldest first, with their user."""
    return history_model.objects.filter(**filters).select_related("history_user").order_by("history_date", "history_id")


def entries_from_rows(rows: Iterable, *, with_ids: bool = False) -> list[dict]:
    """Turn historical rows (any mix of models) into entries with field-level diffs.

    `with_ids` adds "history_id", "model" (app_label.model), "object_id", "user_name" and
    "record_hash" (the audit trail's shape).
    """
    entries = []
    previous_by_object: dict[tuple, object] = {}
    for row in rows:
        key = (type(row), row.instance_type._meta.pk.attname, getattr(row, row.instance_type._meta.pk.attname))
        previous = previous_by_object.get(key)
        changes = {}
        if previous is not None:
            delta = row.diff_against(previous)
            for change in delta.changes:
                if change.field in SKIP_FIELDS:
                    continue
                changes[change.field] = [_plain(change.old), _plain(change.new)]
        elif row.history_type == "+":
            for field in row.instance_type._meta.concrete_fields:
                if field.attname in SKIP_FIELDS:
                    continue
                value = getattr(row, field.attname, None)
                if value not in (None, "", [], {}):
                    changes[field.attname] = [None, _plain(value)]
        previous_by_object[key] = row
        user = row.history_user
        entry = {
            "at": row.history_date.isoformat(),
            "user": user.username if user else None,
            "action": ACTIONS.get(row.history_type, row.history_type),
            "object": f"{row.instance_type._meta.model_name}:{key[2]}",
            "object_label": str(row.instance_type._meta.verbose_name),
            "changes": changes,
            "reason": row.history_change_reason or "",
        }
        if with_ids:
            entry.update(
                history_id=row.history_id,
                model=row.instance_type._meta.label_lower,
                object_id=key[2],
                user_name=(user.get_full_name() if user else None),
                record_hash=getattr(row, "record_hash", ""),
            )
        entries.append(entry)
    return entries


def history_entries(*sources, with_ids: bool = False) -> list[dict]:
    """Entries for the given model instances and/or querysets of one audited model, oldest first.

    Each source is an instance (its own history) or a queryset (history of all its rows).
    `with_ids` adds the audit trail's ids (see `entries_from_rows`).
    """
    rows = []
    for source in sources:
        if source is None:
            continue
        if hasattr(source, "history") and hasattr(source, "pk") and not hasattr(source, "model"):
            rows.extend(source.history.all().select_related("history_user"))
        else:  # a queryset of an audited model
            model = source.model
            history_model = model.history.model
            pk_name = model._meta.pk.attname
            ids = list(source.values_list("pk", flat=True))
            rows.extend(history_rows(history_model, **{f"{pk_name}__in": ids}))
    rows.sort(key=lambda r: (r.history_date, r.history_id))
    return entries_from_rows(rows, with_ids=with_ids)
