"""Create or update the organisation from a JSON file (format: spec/api.md)."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from workflows.org.importer import import_org


class Command(BaseCommand):
    help = "Import units, terms, people and roles from FILE.json; idempotent; rejects an invalid file whole."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError) as exc:
            raise CommandError(f"无法读取 {file}：{exc}") from exc
        try:
            result = import_org(data=data, source=file)
        except ValidationError as exc:
            raise CommandError("文件无效，未导入任何内容：\n" + "\n".join(f"- {m}" for m in exc.messages)) from exc
        self.stdout.write(result.summary() if result.changed else "没有变化。")
