"""Seal new history records into the audit ledger and sign a checkpoint.

Can be run as a cron job every minute, on several hosts at once (one sealer runs at a time;
the others return). `--loop` keeps running, sealing every `--every` seconds.
"""

import time

from django.core.management.base import BaseCommand

from workflows.audit.sealer import seal_history


class Command(BaseCommand):
    help = "Seal new history records into the audit ledger and write a signed checkpoint."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--every", type=int, default=30)

    def handle(self, *args, database="default", loop=False, every=30, **options):
        while True:
            checkpoint = seal_history(using=database)
            if checkpoint is not None:
                self.stdout.write(f"已封存至第 {checkpoint.seq} 条，检查点签名 {checkpoint.signature[:16]}…")
            if not loop:
                return
            time.sleep(every)
