"""Demo data hooks: domain apps register functions that add their demo records."""

from collections.abc import Callable

_HOOKS: list[tuple[int, Callable]] = []


def register_demo(order: int):
    """Register `func(today)` to run after the demo organisation is imported (by order)."""

    def decorator(func):
        _HOOKS.append((order, func))
        return func

    return decorator


def demo_hooks() -> list[Callable]:
    return [func for _, func in sorted(_HOOKS, key=lambda item: item[0])]
