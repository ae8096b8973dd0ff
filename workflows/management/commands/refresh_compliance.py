"""Bring the stored 合规体检 up to date (see workflows.audit.compliance_refresh).

Cron, on any number of hosts (one run at a time holds the cursor; the others return):

    */5 * * * *  manage.py refresh_compliance
    30 2 * * 0   manage.py refresh_compliance --all
"""

from django.core.management.base import BaseCommand

from workflows.audit.compliance_refresh import refresh_compliance


class Command(BaseCommand):
    help = "Check again the decisions and elections changed since the last run (--all: every one)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", dest="full", help="check every subject again")

    def handle(self, *args, full=False, **options):
        result = refresh_compliance(full=full)
        if result.busy:
            self.stdout.write("另一个合规体检更新正在进行，本次跳过。")
            return
        scope = "全部" if result.full else "有变动的"
        kinds = "，".join(f"{kind} {count}" for kind, count in sorted(result.by_kind.items())) or "无"
        self.stdout.write(f"已更新{scope}合规体检：共检查 {result.checked} 项（{kinds}），读取账本 {result.ledger_entries} 条。")
