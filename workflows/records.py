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

from .audit import audit_context
from .exceptions import Conflict


def audited(reason: str):
    """Run the service with its `user` argument as actor and `reason` on every history record."""

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with audit_context(actor=kwargs.get("user"), reason=reason):
                return func(*args, **kwargs)

        return wrapper

    return decorator


def loaded_relations(obj) -> list[str]:
    """Foreign keys whose related object is already loaded: validating them again costs a query each."""
    return [f.name for f in obj._meta.concrete_fields if f.is_relation and f.many_to_one and f.is_cached(obj)]


def record_save(obj, *, reason: str | None = None):
    """full_clean() then save(); `reason` overrides the change reason of this one history row."""
    obj.full_clean(exclude=loaded_relations(obj))
    if reason:
        obj._change_reason = reason
    obj.save()
    return obj


def record_create_once(obj, *, duplicate_message: str):
    """Save a record a unique constraint allows once (a vote, a recommendation); 409 for a second one."""
    obj.full_clean(exclude=loaded_relations(obj), validate_constraints=False)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise Conflict(duplicate_message) from None
    return obj
