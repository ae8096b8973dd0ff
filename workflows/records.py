"""The one way both apps write an audited record: validate, save, and say who and why.

    @transaction.atomic
    @audited("风险评估")                  # actor = the `user` argument, reason on every history row
    def decision_risk_assessment(*, decision, user, ...):
        return record_save(Opinion(...))  # full_clean() then save()

A reason that depends on the input uses `audit_context(actor=user, reason=...)` directly.
"""

from __future__ import annotations

import functools

from django.db import IntegrityError, transaction

from .exceptions import Conflict


def audited(reason: str):
    """Run the service with its `user` argument as actor and `reason` on every history record."""
    from .audit import audit_context

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with audit_context(actor=kwargs.get("user"), reason=reason):
                return func(*args, **kwargs)

        return wrapper

    return decorator


def record_save(obj, *, reason: str | None = None):
    """full_clean() then save(); `reason` overrides the change reason of this one history row."""
    obj.full_clean()
    if reason:
        obj._change_reason = reason
    obj.save()
    return obj


def record_create_once(obj, *, duplicate_message: str):
    """Save a record a unique constraint allows once (a vote, a recommendation); 409 for a second one."""
    obj.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise Conflict(duplicate_message) from None
    return obj
