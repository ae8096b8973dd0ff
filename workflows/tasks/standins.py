"""Hooks through which `workflows.actions` extends every task without workflows.tasks importing it.

- Stand-ins (委托): `register_stand_ins(source)`; `source.principals_of(user)` lists the people whose
  tasks `user` may do today, `source.delegates_of(users)` maps each person away to their delegate,
  `source.record(task=, delegate=, principal=)` notes that the delegate took the task on their behalf
  and `source.principal_of(task)` says for whom the task's holder acts (None when on their own right).
- Completion checks: `register_completion_check(func)`; `func(task=, user=, data=)` may raise a
  ValidationError before a step's service runs (加签 still open without a reason).
"""

from __future__ import annotations

from collections.abc import Callable

_stand_ins = []
_completion_checks: list[Callable] = []


def register_stand_ins(source) -> None:
    if source not in _stand_ins:
        _stand_ins.append(source)


def register_completion_check(func: Callable) -> None:
    if func not in _completion_checks:
        _completion_checks.append(func)


def is_personal(task) -> bool:
    """One person's own act (`.Personal()` on the node): never reassigned or delegated."""
    return bool(getattr(task.flow_task, "personal", False))


def principals_of(user) -> list:
    return [p for source in _stand_ins for p in source.principals_of(user)]


def delegates_of(users) -> dict:
    """{principal pk: delegate} for those of `users` who are away today."""
    found = {}
    for source in _stand_ins:
        found.update(source.delegates_of(users))
    return found


def record_stand_in(*, task, delegate, principal) -> None:
    for source in _stand_ins:
        source.record(task=task, delegate=delegate, principal=principal)


def principal_of(task):
    return next((p for p in (s.principal_of(task) for s in _stand_ins) if p is not None), None)


def run_completion_checks(*, task, user, data) -> None:
    for check in _completion_checks:
        check(task=task, user=user, data=data)
