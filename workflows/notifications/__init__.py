"""Notifications and reminders: in-app rows plus e-mail, and the scheduled reminders.

- `service`: `notify(recipients=..., kind=..., context=..., url=...)` (re-exported here).
- `reminders`: 换届 and task due-date reminders (`manage.py send_reminders`).
- `task_notices`: who may do a task; new tasks announced by `announce_new_tasks` (`manage.py send_outbox`).
- `views`, `api`: the notification pages (the bell), the reminder log and their REST API.
"""

from .service import notify

__all__ = ["notify"]
