"""Load the demo hospital (organisation, then each app's demo processes). Idempotent."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from workflows.audit import audit_context
from workflows.audit.compliance_refresh import refresh_compliance
from workflows.audit.sealer import seal_history
from workflows.demo import demo_hooks
from workflows.org.demo_hospital import build_demo_org
from workflows.org.importer import import_org


class Command(BaseCommand):
    help = "Import the demo hospital and add demo decisions, meetings and elections."

    def add_arguments(self, parser):
        parser.add_argument("--write", metavar="FILE", help="only write the demo organisation JSON to FILE")
        parser.add_argument("--org-only", action="store_true", help="import the organisation only")
        parser.add_argument("--send-email", action="store_true", help="really e-mail the demo notifications")

    def handle(self, *args, write=None, org_only=False, send_email=False, **options):
        today = timezone.localdate()
        data = build_demo_org(today)
        if write:
            with open(write, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, indent=1)
            self.stdout.write(f"wrote {write}")
            return
        result = import_org(data=data, source="load_demo")
        self.stdout.write(result.summary() if result.changed else "组织：没有变化。")
        if org_only:
            return
        backend = settings.EMAIL_BACKEND
        if not send_email:  # demo addresses are fictitious; keep the notifications in-app only
            settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        try:
            with audit_context(reason="演示数据"):
                for hook in demo_hooks():
                    message = hook(today)
                    if message:
                        self.stdout.write(str(message))
        finally:
            settings.EMAIL_BACKEND = backend
        checkpoint = seal_history()  # as cron would: the integrity page shows a checkpoint at once
        if checkpoint is not None:
            self.stdout.write(f"审计账本：已封存至第 {checkpoint.seq} 条。")
        checked = refresh_compliance(seal=False)  # as cron would: the compliance page has results at once
        self.stdout.write(f"合规体检：已检查 {checked.checked} 项。")
