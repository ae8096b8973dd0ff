"""Who and why for history records written outside a request.

`audit_context(actor=..., reason=...)` wraps code run by commands, jobs and services;
every django-simple-history record created inside it carries that user and reason,
unless the writer set its own.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_actor = ContextVar("audit_actor", default=None)
_reason = ContextVar("audit_reason", default=None)


@contextmanager
def audit_context(*, actor=None, reason=None):
    actor_token = _actor.set(actor if actor is not None else _actor.get())
    reason_token = _reason.set(reason if reason is not None else _reason.get())
    try:
        yield
    finally:
        _actor.reset(actor_token)
        _reason.reset(reason_token)


def current_actor():
    return _actor.get()


def current_reason():
    return _reason.get()


def fill_history_context(sender, history_instance, **kwargs):
    """Signal receiver (pre_create_historical_record): add actor and reason if missing."""
    actor = _actor.get()
    if actor is not None and getattr(history_instance, "history_user_id", None) is None:
        history_instance.history_user = actor if getattr(actor, "pk", None) else None
    reason = _reason.get()
    if reason and not history_instance.history_change_reason:
        history_instance.history_change_reason = reason


# --- history records ---------------------------------------------------------------------

from django.db import models  # noqa: E402
from simple_history.models import HistoricalRecords  # noqa: E402


class ChainedHistory(models.Model):
    """Base of every historical model: a hash chained to the previous record of its table.

    `record_hash` = sha256(previous record's hash + canonical content); filled when the
    record is written, recomputed by `manage.py verify_history`.
    """

    record_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    previous_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        abstract = True


def audited_history(**kwargs) -> HistoricalRecords:
    """The HistoricalRecords every audited model uses (hash-chained, reason as text)."""
    kwargs.setdefault("bases", [ChainedHistory])
    return HistoricalRecords(**kwargs)
