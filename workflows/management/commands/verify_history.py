"""Verify the audit history: record seals, the ledger and its signed checkpoints.

Exit code 0 when intact, 1 otherwise (names the first broken record). Run by cron (daily); each run is
stored as a VerificationRun, which the auditors' integrity page shows.
`--against FILE` also checks the checkpoints kept outside the database (export_checkpoints).
"""

from django.core.management.base import BaseCommand, CommandError

from workflows.audit.status import record_verification
from workflows.audit.verify import load_exported, verify_ledger


class Command(BaseCommand):
    help = "Verify the sealed audit history (tamper evidence); non-zero exit when broken."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        parser.add_argument("--against", help="a file written by export_checkpoints, kept outside the database")
        parser.add_argument("--no-record", action="store_true",
                            help="do not store the outcome for the auditors' integrity page")

    def handle(self, *args, database="default", against=None, no_record=False, **options):
        result = verify_ledger(using=database, against=load_exported(against) if against else None)
        if not no_record:
            record_verification(result, against_export=bool(against), using=database)
        for problem in result.problems:
            self.stdout.write(f"断裂：{problem}")
        if not result.ok:
            raise CommandError(f"历史记录校验失败：{result.problems[0]}")
        latest = f"最新检查点 #{result.latest.seq}" if result.latest else "尚无检查点"
        self.stdout.write(self.style.SUCCESS(
            f"历史记录完整：{result.records} 条记录，已封存 {result.sealed} 条，待封存 {result.awaiting} 条，{latest}。"))
