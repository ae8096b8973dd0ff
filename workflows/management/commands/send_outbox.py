"""Announce new tasks, then deliver due e-mails and group-robot messages from the outbox. Run it from cron
every minute.

A completed step only schedules its new tasks' announcements: each run first sends them
(`announce_new_tasks`: in-app notices, and their e-mails and group messages into the outbox),
then delivers. Safe on several hosts at once: schedule rows and outbox rows are claimed
(skip-locked), each announced once and each delivery marked right after its send. `--loop`
keeps running, every `--interval` seconds.
"""

import time

from django.core.management.base import BaseCommand

from workflows.notifications.outbox import deliver_due
from workflows.notifications.task_notices import announce_new_tasks


class Command(BaseCommand):
    help = ("Announce new tasks, then deliver due outbox rows (e-mail, 企业微信/钉钉 webhooks) with retries. "
            "Run it from cron every minute.")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="deliver at most this many rows per run")
        parser.add_argument("--loop", action="store_true", help="keep running instead of exiting")
        parser.add_argument("--interval", type=float, default=10, help="seconds between runs with --loop")

    def handle(self, *args, limit=500, loop=False, interval=10, **options):
        while True:
            announced = announce_new_tasks()
            counts = deliver_due(limit=limit)
            self.stdout.write(f"announced {announced} new tasks")
            self.stdout.write(
                f"delivered {counts['delivered']}, failed {counts['failed']}, given up {counts['given_up']}")
            if not loop:
                return
            time.sleep(interval)
