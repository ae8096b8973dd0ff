"""What the task actions add to a process timeline: stand-ins, hand-ons, asks, urges, copies (5 queries)."""

from __future__ import annotations

from django.utils import timezone

from .models import CarbonCopy, Consultation, Reassignment, StandIn, Urge


def _at(moment) -> str:
    return f"{timezone.localtime(moment):%m-%d %H:%M}"


def task_notes(task_ids) -> dict[int, list[str]]:
    """{task id: ["由 B 代 A 办理", "转办：A → B（理由）", ...]} in time order."""
    ids = list(task_ids)
    notes: dict[int, list[tuple]] = {}

    def add(task_id, moment, text):
        notes.setdefault(task_id, []).append((moment, text))

    for s in StandIn.objects.filter(task_id__in=ids).select_related("delegate", "principal"):
        add(s.task_id, s.at, f"由 {s.delegate} 代 {s.principal} 办理")
    for r in Reassignment.objects.filter(task_id__in=ids).select_related("from_user", "to_user", "by"):
        who = f"{r.from_user} → {r.to_user}" if r.from_user else f"交 {r.to_user}"
        add(r.task_id, r.at, f"{_at(r.at)} {r.by} 转办：{who}（{r.reason}）")
    for c in Consultation.objects.filter(task_id__in=ids).select_related("person", "asked_by"):
        state = {"open": "待答复", "answered": "已答复", "skipped": f"未等待答复：{c.skip_reason}"}[c.status]
        add(c.task_id, c.created, f"{_at(c.created)} {c.asked_by} 加签：{c.person}（{state}）")
    for u in Urge.objects.filter(task_id__in=ids).select_related("by"):
        add(u.task_id, u.at, f"{_at(u.at)} {u.by} 催办：{u.message}")
    for cc in CarbonCopy.objects.filter(task_id__in=ids).select_related("by", "to"):
        add(cc.task_id, cc.at, f"{_at(cc.at)} {cc.by} 抄送 {cc.to}")
    return {task_id: [text for _m, text in sorted(items, key=lambda i: i[0])] for task_id, items in notes.items()}
