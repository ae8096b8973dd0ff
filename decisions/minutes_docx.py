"""Minutes of a 党委会 as a Word document in the usual official layout (python-docx).

The document is rebuilt from frozen data (approved minutes, attendance, results), so the
same meeting always gives the same content.
"""

from __future__ import annotations

import io

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from workflows.models import HospitalSettings


def _names(users) -> str:
    return "、".join(u.name or u.username for u in users) or "无"


def default_minutes_text(meeting) -> str:
    """A starting draft: one section per agenda item with its decision and tally."""
    lines = []
    for n, item in enumerate(meeting.agenda_items(), 1):
        result = meeting.results.filter(decision=item.decision).first()
        decided = {"passed": "会议同意该议题。", "rejected": "会议未通过该议题。",
                   "deferred": "会议决定暂缓表决。"}.get(result.outcome if result else "", item.note or "未表决。")
        lines.append(f"{n}. {item.decision.title}：{decided}")
    return "\n".join(lines)


def _para(doc, text, *, size=14, bold=False, center=False):
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    run.font.name = "仿宋"
    run._element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def minutes_docx_bytes(meeting) -> bytes:
    minutes = meeting.minutes
    hospital = HospitalSettings.current().hospital
    attendance = list(meeting.attendance.select_related("member").order_by("member__username"))
    present = [a.member for a in attendance if a.present]
    absent = [a for a in attendance if not a.present]

    doc = Document()
    _para(doc, f"中共{hospital}委员会会议纪要", size=22, bold=True, center=True)
    _para(doc, meeting.issue_label, size=16, center=True)
    when = timezone.localtime(meeting.scheduled_at)
    _para(doc, f"时间：{when:%Y年%m月%d日 %H:%M}")
    _para(doc, f"地点：{meeting.place}")
    _para(doc, f"主持人：{meeting.presider.name if meeting.presider_id else '—'}")
    _para(doc, f"出席：{_names(present)}")
    _para(doc, "缺席：" + ("、".join(f"{a.member.name}（{a.reason}）" for a in absent) or "无"))
    _para(doc, f"列席：{meeting.attendees_extra or '无'}")
    _para(doc, f"记录人：{meeting.recorder.name if meeting.recorder_id else '—'}")
    _para(doc, "会议议定事项如下：", bold=True)
    results = {r.decision_id: r for r in meeting.results.all()}
    recusals = {}
    for r in meeting.recusals.select_related("member"):
        recusals.setdefault(r.decision_id, []).append(r.member.name)
    for n, item in enumerate(meeting.agenda_items(), 1):
        result = results.get(item.decision_id)
        _para(doc, f"议题{n}：{item.decision.title}", bold=True)
        decided = item.get_outcome_display()
        _para(doc, f"决定事项：{decided}")
        _para(doc, "表决情况：" + (result.tally_text if result else (item.note or "未表决")))
        if recusals.get(item.decision_id):
            _para(doc, f"回避：{'、'.join(recusals[item.decision_id])}")
    _para(doc, "纪要正文：", bold=True)
    for line in minutes.text.splitlines():
        _para(doc, line)
    for correction in minutes.corrections.select_related("author").order_by("pk"):
        _para(doc, f"更正（{timezone.localtime(correction.created):%Y-%m-%d}，{correction.author.name}）："
                   f"{correction.text}（理由：{correction.reason}）")
    if minutes.approved_by_id:
        _para(doc, f"签发人：{minutes.approved_by.name}　签发时间：{timezone.localtime(minutes.approved_at):%Y年%m月%d日}")
    buffer = io.BytesIO()
    doc.core_properties.created = minutes.approved_at or meeting.scheduled_at
    doc.save(buffer)
    return buffer.getvalue()
