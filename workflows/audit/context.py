"""Who and why: the actor and reason every history record carries.

`audit_context(actor=..., reason=...)` wraps code run by commands, jobs and services;
every django-simple-history record created inside it carries that user and reason,
unless the writer set its own. Changes made in the Django admin say so as their reason.
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


def fill_history_context(sender=None, history_instance=None, **kwargs):
    """Signal receiver (pre_create_historical_record): add actor and reason if missing."""
    actor = _actor.get()
    if actor is not None and getattr(history_instance, "history_user_id", None) is None:
        history_instance.history_user = actor if getattr(actor, "pk", None) else None
    reason = _reason.get()
    if reason and not history_instance.history_change_reason:
        history_instance.history_change_reason = reason
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = _admin_reason()


def _admin_reason() -> str:
    """Changes made in the Django admin say so (the user comes from the request)."""
    from django.urls import NoReverseMatch, reverse
    from simple_history.models import HistoricalRecords

    request = getattr(HistoricalRecords.context, "request", None)
    if request is None:
        return ""
    try:
        admin_root = reverse("admin:index")
    except NoReverseMatch:
        return ""
    if request.path.startswith(admin_root):
        return f"管理后台操作（{request.method} {request.path}）"
    return ""
