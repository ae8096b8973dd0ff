"""Send due 换届 and task reminders, then deliver the outbox. Safe to run as a cron job, e.g. every 10 minutes."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from workflows.notifications.outbox import deliver_due
from workflows.notifications.reminders import send_reminders


class Command(BaseCommand):
    help = "Send due 换届 (term) and task due-date reminders, each once per period. Can be run as a cron job."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="pretend the current time is this ISO datetime")
        parser.add_argument("--dry-run", action="store_true", help="list what would be sent, send nothing")

    def handle(self, *args, now=None, dry_run=False, **options):
        when = timezone.now()
        if now:
            when = parse_datetime(now)
            if when is None:
                raise CommandError(f"--now: not an ISO datetime: {now}")
            if timezone.is_naive(when):
                when = timezone.make_aware(when)
        count = send_reminders(now=when, dry_run=dry_run, report=self.stdout.write)
        if not dry_run:  # the reminders' e-mails and group messages are in the outbox now
            counts = deliver_due()
            self.stdout.write(f"outbox: delivered {counts['delivered']}, failed {counts['failed']}")
        self.stdout.write(f"sent {count} reminders")
