"""Excel exports of the auditor's pages.

`workbook_bytes(...)` writes any table; `workbook_file(...)` writes one of any length to a
temporary file in write-only mode (rows streamed in, constant memory; the compliance export);
`trail_workbook(filters)` writes the filtered trail.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from tempfile import TemporaryFile

from django.utils import timezone

from .trail import trail_entries
from .trail_filters import TrailFilters, trail_queryset

EXPORT_LIMIT = 20000


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, list | dict):
        import json

        value = json.dumps(value, ensure_ascii=False)
    text = str(value) if not isinstance(value, int | float) or isinstance(value, bool) else value
    if isinstance(text, str) and text.startswith("="):
        text = "'" + text  # never a formula
    return text


def workbook_bytes(title: str, header: list[str], rows, *, note: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    if note:
        sheet.append([note])
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJKLM", (20, 14, 8, 16, 22, 18, 30, 30, 30, 18), strict=False):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_file(title: str, header: list[str], rows, *, widths=()):
    """The table as .xlsx in a temporary file (at its start), written row by row."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJKLM", widths, strict=False):
        sheet.column_dimensions[column].width = width
    head = []
    for label in header:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = Font(bold=True)
        head.append(cell)
    sheet.append(head)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    file = TemporaryFile()  # noqa: SIM115 (returned open; FileResponse closes it)
    workbook.save(file)
    file.seek(0)
    return file


TRAIL_HEADER = ["时间", "操作人", "操作", "记录类型", "对象", "字段", "原值", "新值", "原因", "记录哈希"]
ACTION_LABELS = {"created": "新增", "changed": "修改", "deleted": "删除"}


def trail_workbook(filters: TrailFilters) -> bytes:
    """The filtered trail as .xlsx: one line per changed field (or per record without changes)."""
    queryset = trail_queryset(filters)
    rows_meta = list(queryset[: EXPORT_LIMIT + 1])
    truncated = len(rows_meta) > EXPORT_LIMIT
    entries = []
    for start in range(0, min(len(rows_meta), EXPORT_LIMIT), 500):
        entries.extend(trail_entries(rows_meta[start : start + 500]))

    def lines():
        for entry in entries:
            at = timezone.localtime(datetime.fromisoformat(entry["at"])).strftime("%Y-%m-%d %H:%M:%S")
            base = [at, entry.get("user_name") or entry["user"] or "系统", ACTION_LABELS.get(entry["action"], entry["action"]),
                    entry["object_label"], entry.get("object_display") or entry["object"]]
            changes = entry["changes_display"] or [{"label": "", "old": "", "new": ""}]
            for change in changes:
                yield [*base, change["label"], change["old"], change["new"], entry["reason"], entry["record_hash"]]

    note = f"仅导出前 {EXPORT_LIMIT} 条记录，请缩小筛选范围。" if truncated else ""
    return workbook_bytes("变更记录", TRAIL_HEADER, lines(), note=note)

