"""Due dates of human tasks, kept in `task.data["due"]` so the inbox can sort by it."""

from __future__ import annotations

from datetime import datetime

from django.utils.dateparse import parse_datetime


def set_task_due(sender, instance, **kwargs):
    """pre_save receiver on Task: give every new human task the due date its node declares."""
    if not instance._state.adding or instance.flow_task is None or instance.flow_task_type != "HUMAN":
        return
    if instance.data is None:
        instance.data = {}
    if "due" in instance.data or not hasattr(instance.flow_task, "due_for"):
        return
    instance.data["due"] = instance.flow_task.due_for(instance).isoformat()


def task_due(task) -> datetime | None:
    value = (task.data or {}).get("due")
    return parse_datetime(value) if value else None
