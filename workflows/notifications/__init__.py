"""Notifications and reminders: in-app rows plus e-mail, and the scheduled reminders.

- `service`: `notify(recipients=..., kind=..., context=..., url=...)` (re-exported here).
- `reminders`: 换届 and task due-date reminders (`manage.py send_reminders`).
- `views`, `api`: the notification pages (the bell), the reminder log and their REST API.
"""

from .service import notify

__all__ = ["notify"]
