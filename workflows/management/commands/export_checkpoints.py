"""Write the signed audit checkpoints as JSON lines, to be kept outside the database.

E.g. `manage.py export_checkpoints >> /secure/elsewhere/checkpoints.jsonl` from cron, or
`--mail` to the addresses of AUDIT_CHECKPOINT_EMAIL (the 纪委 mailbox). `verify_history
--against FILE` then detects checkpoints deleted or changed in the database.
"""

import json

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.management.base import BaseCommand

from workflows.audit.ledger import Checkpoint


class Command(BaseCommand):
    help = "Export signed audit checkpoints (JSON lines) to keep outside the database."

    def add_arguments(self, parser):
        parser.add_argument("--since", type=int, default=0, help="only checkpoints after this sequence number")
        parser.add_argument("--mail", action="store_true", help="e-mail them to AUDIT_CHECKPOINT_EMAIL")

    def handle(self, *args, since=0, mail=False, **options):
        lines = [json.dumps(c.as_export(), ensure_ascii=False)
                 for c in Checkpoint.objects.filter(seq__gt=since).order_by("seq")]
        if mail and settings.AUDIT_CHECKPOINT_EMAIL and lines:
            EmailMessage("审计检查点", "附件为审计账本的签名检查点，请妥善保存。", to=settings.AUDIT_CHECKPOINT_EMAIL,
                         attachments=[("checkpoints.jsonl", "\n".join(lines) + "\n", "application/json")]).send()
        for line in lines:
            self.stdout.write(line)
