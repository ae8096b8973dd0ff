"""Deliver due e-mails and group-robot messages from the outbox. Can be run as a cron job (every minute).

Safe on several hosts at once: rows are claimed (skip-locked, with a lease), each marked
delivered right after its send. `--loop` keeps running, delivering every `--interval` seconds.
"""

import time

from django.core.management.base import BaseCommand

from workflows.notifications.outbox import deliver_due


class Command(BaseCommand):
    help = "Deliver due outbox rows (e-mail, 企业微信/钉钉 webhooks) with retries. Can be run as a cron job."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="deliver at most this many rows per run")
        parser.add_argument("--loop", action="store_true", help="keep running instead of exiting")
        parser.add_argument("--interval", type=float, default=10, help="seconds between runs with --loop")

    def handle(self, *args, limit=500, loop=False, interval=10, **options):
        while True:
            counts = deliver_due(limit=limit)
            self.stdout.write(
                f"delivered {counts['delivered']}, failed {counts['failed']}, given up {counts['given_up']}")
            if not loop:
                return
            time.sleep(interval)
