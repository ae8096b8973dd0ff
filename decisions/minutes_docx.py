"""Minutes of a 党委会 as a Word document in the usual official layout (GB/T 9704, python-docx).

`minutes_content(meeting)` gathers what the minutes say (the secretary previews it as HTML
before signing); `minutes_docx_bytes(meeting)` lays the same content out on A4. The document
is rebuilt from frozen data (approved minutes, attendance, votes, results), so the same meeting
always gives the same content.
"""

from __future__ import annotations

import io
from urllib.parse import quote

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from workflows.models import HospitalSettings

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
ITEM_FONT = "楷体_GB2312"
RED = RGBColor(0xD0, 0x10, 0x10)


def _name(user) -> str:
    return (user.name or user.username) if user is not None else "—"


def _names(users) -> str:
    return "、".join(_name(u) for u in users) or "无"


def default_minutes_text(meeting) -> str:
    """A starting draft: one section per agenda item with its decision and tally."""
    lines = []
    for n, item in enumerate(meeting.agenda_items(), 1):
        result = meeting.results.filter(decision=item.decision).first()
        decided = {"passed": "会议同意该议题。", "rejected": "会议未通过该议题。",
                   "deferred": "会议决定暂缓表决。", "reported": "会议听取了该紧急事项的事后报告。"}.get(result.outcome if result else "", item.note or "未表决。")
        lines.append(f"{n}. {item.decision.title}：{decided}")
    return "\n".join(lines)


def minutes_filename(meeting) -> str:
    return f"党委会纪要{meeting.issue_label}.docx"


def minutes_content_disposition(meeting) -> str:
    """An ASCII fallback name plus the Chinese one (RFC 5987 `filename*`)."""
    fallback = f"minutes-{meeting.scheduled_at.year}-{meeting.number}.docx"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(minutes_filename(meeting))}"


def minutes_content(meeting) -> dict:
    """Everything the minutes say, in order: the header lines, each item, the text, corrections, 签发."""
    from .models import Vote

    minutes = getattr(meeting, "minutes", None)
    hospital = HospitalSettings.current().hospital
    attendance = list(meeting.attendance.select_related("member").order_by("member__username"))
    absent = [a for a in attendance if not a.present]
    when = timezone.localtime(meeting.scheduled_at)
    header = [
        ("时间", f"{when:%Y年%m月%d日 %H:%M}"),
        ("地点", meeting.place),
        ("主持人", _name(meeting.presider) if meeting.presider_id else "—"),
        ("出席", _names(a.member for a in attendance if a.present)),
        ("缺席", "、".join(f"{_name(a.member)}（{a.reason}）" for a in absent) or "无"),
        ("列席", meeting.attendees_extra or "无"),
        ("记录人", _name(meeting.recorder) if meeting.recorder_id else "—"),
    ]
    results = {r.decision_id: r for r in meeting.results.all()}
    recusals: dict[int, list[str]] = {}
    for r in meeting.recusals.select_related("member").order_by("pk"):
        recusals.setdefault(r.decision_id, []).append(f"{_name(r.member)}（{r.reason}）")
    dissent: dict[int, list[str]] = {}
    for v in (Vote.objects.filter(meeting=meeting, vote=Vote.Choice.DISAGREE).select_related("member")
              .order_by("is_secretary", "pk")):
        dissent.setdefault(v.decision_id, []).append(f"{_name(v.member)}：{v.comment.strip() or '未说明理由'}")
    items, reports = [], []
    for item in meeting.agenda_items():
        decision = item.decision
        if decision.urgent:
            reports.append({
                "n": len(reports) + 1, "title": decision.title, "summary": decision.summary,
                "reason": decision.urgent_reason,
                "decided_on": f"{decision.decided_on:%Y年%m月%d日}" if decision.decided_on else "—",
                "heard": item.get_outcome_display(),
            })
            continue
        result = results.get(item.decision_id)
        items.append({
            "n": len(items) + 1, "title": item.decision.title, "decided": item.get_outcome_display(),
            "tally": result.tally_text if result else (item.note or "未表决"),
            "secretary_comment": result.comment.strip() if result else "",
            "recusals": "、".join(recusals.get(item.decision_id, [])),
            "dissent": dissent.get(item.decision_id, []),
        })
    signed = None
    if minutes is not None and minutes.approved_by_id:
        signed = f"签发人：{_name(minutes.approved_by)}　签发时间：{timezone.localtime(minutes.approved_at):%Y年%m月%d日}"
    parts = [*(["items"] if items or not reports else []), *(["reports"] if reports else []), "text"]
    return {
        "headings": _headings(parts, corrections=bool(minutes and minutes.corrections.exists())),
        "reports": reports,
        "masthead": f"中共{hospital}委员会会议纪要",
        "issue": f"党委会纪要{meeting.issue_label}",
        "title": meeting.title,
        "header": header,
        "items": items,
        "text_lines": [line for line in (minutes.text if minutes else "").splitlines() if line.strip()],
        "corrections": [
            f"更正（{timezone.localtime(c.created):%Y-%m-%d}，{_name(c.author)}）：{c.text}（理由：{c.reason}）"
            for c in (minutes.corrections.select_related("author").order_by("pk") if minutes else [])
        ],
        "signed": signed,
    }


SECTION_TITLES = {"items": "会议议定事项", "reports": "通报事项", "text": "纪要正文", "corrections": "纪要更正"}
NUMERALS = "一二三四五"


def _headings(parts: list[str], *, corrections: bool) -> dict[str, str]:
    """Numbered section headings: 一、会议议定事项 二、通报事项 (when there are reports) ..."""
    parts = [*parts, *(["corrections"] if corrections else [])]
    return {part: f"{NUMERALS[n]}、{SECTION_TITLES[part]}" for n, part in enumerate(parts)}


# --- layout ---------------------------------------------------------------------------------


def _font(run, name: str, size: float, *, bold=False, color=None):
    run.font.name = name
    run.font.size = Pt(size)
    run.bold = bold
    if color is not None:
        run.font.color.rgb = color
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _para(doc, text="", *, font=BODY_FONT, size=16, bold=False, center=False, indent=True, color=None,
          label=None):
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28.9)
    fmt.space_before = fmt.space_after = Pt(0)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif indent:
        fmt.first_line_indent = Pt(32)  # two characters
    if label:
        _font(paragraph.add_run(f"{label}："), HEADING_FONT, size)
    _font(paragraph.add_run(text), font, size, bold=bold, color=color)
    return paragraph


def _red_rule(paragraph):
    """A red line under the masthead block (the paragraph's bottom border)."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "6"), ("w:color", "D01010")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def minutes_docx_bytes(meeting) -> bytes:
    content = minutes_content(meeting)
    minutes = meeting.minutes
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    _para(doc, content["masthead"], font=TITLE_FONT, size=26, center=True, color=RED)
    _red_rule(_para(doc, content["issue"], center=True))
    _para(doc)
    _para(doc, content["title"], font=TITLE_FONT, size=22, center=True)
    _para(doc)
    for label, value in content["header"]:
        _para(doc, value, label=label)
    headings = content["headings"]
    if "items" in headings:
        _para(doc, headings["items"], font=HEADING_FONT)
    for item in content["items"]:
        _para(doc, f"议题{item['n']}：{item['title']}", font=ITEM_FONT, bold=True)
        _para(doc, item["decided"], label="决定事项")
        _para(doc, item["tally"], label="表决情况")
        if item["secretary_comment"]:
            _para(doc, item["secretary_comment"], label="主持人意见")
        if item["recusals"]:
            _para(doc, item["recusals"], label="回避")
        if item["dissent"]:
            _para(doc, "；".join(item["dissent"]), label="不同意意见")
    if content["reports"]:
        _para(doc, headings["reports"], font=HEADING_FONT)
        for report in content["reports"]:
            _para(doc, f"事项{report['n']}：{report['title']}", font=ITEM_FONT, bold=True)
            _para(doc, report["summary"], label="事项及决定")
            _para(doc, f"{report['decided_on']}；{report['reason']}", label="决定日期及紧急原因")
            _para(doc, report["heard"], label="会议情况")
    _para(doc, headings["text"], font=HEADING_FONT)
    for line in content["text_lines"]:
        _para(doc, line)
    if content["corrections"]:
        _para(doc, headings["corrections"], font=HEADING_FONT)
        for line in content["corrections"]:
            _para(doc, line)
    if content["signed"]:
        _para(doc)
        _para(doc, content["signed"], indent=False)
    doc.core_properties.title = content["masthead"] + content["issue"]
    doc.core_properties.created = minutes.approved_at or meeting.scheduled_at
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
