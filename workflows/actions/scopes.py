"""`GET /api/v1/tasks/?scope=open|done|started`: my open tasks, the tasks I did, the subjects I started."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from ..lists import done_tasks_for, started_keys_for, started_rows
from ..tasks import filter_tasks, open_tasks_for, registered_flows

SCOPES = ("open", "done", "started")


def scope_of(params) -> str:
    scope = params.get("scope") or "open"
    if scope not in SCOPES:
        raise ValidationError({"scope": "scope 应为 open、done 或 started。"})
    return scope


def tasks_in_scope(user, params):
    """Tasks (open, done) or started-subject keys, filtered by `flow` (and `step` for tasks)."""
    scope = scope_of(params)
    flow, step = params.get("flow") or None, params.get("step") or None
    if scope == "started":
        return started_keys_for(user, flow=flow)
    tasks = open_tasks_for(user) if scope == "open" else done_tasks_for(user, flow=None)
    return filter_tasks(tasks, flow=flow, step=step).select_related("schedule").prefetch_related("stand_in__principal")


def started_data(keys) -> list[dict]:
    return [
        {"id": None, "flow": _flow_code(row), "step": None, "title": str(row["object"]), "process_id": None,
         "subject_id": row["object"].pk, "status": str(getattr(row["object"], "status", "") or ""),
         "assigned_to": None, "created": row["created"].isoformat(), "due": None, "on_behalf_of": None}
        for row in started_rows(keys)
    ]


def _flow_code(row) -> str:
    return next(code for code, e in registered_flows().items() if isinstance(row["object"], e.model))
