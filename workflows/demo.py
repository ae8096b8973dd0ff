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


@register_demo(order=1000)
def demo_reminders(today) -> str:
    """Run the sweeps once (as cron would), so new-task notices and 换届提醒 are in the demo inboxes."""
    from django.utils import timezone

    from .notifications.reminders import send_reminders
    from .notifications.task_notices import announce_new_tasks

    announced = announce_new_tasks(limit=100_000)
    return f"提醒：已通知 {announced} 项新待办，已发送 {send_reminders(now=timezone.now())} 条换届与待办提醒。"
