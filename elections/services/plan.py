"""三上 选举方案 (final candidates, meeting date, 监票人/计票人, 选举办法) and 三下 its approval."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from workflows.models import User
from workflows.org.permissions import require_perm
from workflows.records import audited, record_save

from ..models import Election, ElectionOfficial, min_candidates
from .common import Errors, check_status, display_names, notify_election, record_review, secretaries

S = Election.Status


@transaction.atomic
@audited("上报选举方案")
def election_plan_submit(*, election: Election, user: User, candidates: list[str], meeting_date: date,
                         scrutineers: list[str], counters: list[str], method_text: str) -> Election:
    """三上: final candidates (差额), meeting date, 监票人, 计票人 and the 选举办法."""
    require_perm(user, "elections.lead", election)
    check_status(election, S.ELECTION_PLAN)
    approved = {c.user.username: c for c in election.active_candidates().filter(approved=True)}
    errors = Errors()
    if len(set(candidates)) != len(candidates):
        errors.add("candidates", "候选人名单中有重复的人员。")
    not_approved = [n for n in candidates if n not in approved]
    if not_approved:
        errors.add("candidates", f"以下人员未经审查通过，不能列为候选人：{display_names(not_approved)}。")
    needed = min_candidates(election.seats)
    if len(set(candidates)) < needed:
        errors.add("candidates", f"实行差额选举，候选人应比应选名额多20%以上，至少 {needed} 名。")
    if meeting_date < timezone.localdate():
        errors.add("meeting_date", "党员大会日期不能早于今天。")
    if not method_text.strip():
        errors.add("method_text", "请填写选举办法。")
    officials = {}
    for field, names, label in (("scrutineers", scrutineers, "监票人"), ("counters", counters, "计票人")):
        if not names:
            errors.add(field, f"请指定{label}。")
            continue
        clash = [n for n in names if n in candidates]
        if clash:
            errors.add(field, f"{label}不能由候选人担任：{display_names(clash)}。")
        if len(set(names)) != len(names):
            errors.add(field, f"{label}名单中有重复的人员。")
        found = {u.username: u for u in election.unit.people.filter(username__in=names, is_active=True)
                 .exclude(membership=User.Membership.NONE)}
        missing = [n for n in names if n not in found]
        if missing:
            errors.add(field, f"{label}应为本支部党员：{display_names(missing)}。")
        officials[field] = [found[n] for n in names if n in found]
    errors.raise_any()
    for official in election.officials.filter(active=True):  # a plan returned earlier
        official.active = False
        record_save(official)
    for candidate in election.active_candidates():
        final = candidate.user.username in candidates
        if candidate.final != final:
            candidate.final = final
            record_save(candidate)
    for person in officials["scrutineers"]:
        record_save(ElectionOfficial(election=election, user=person, role=ElectionOfficial.Role.SCRUTINEER))
    for person in officials["counters"]:
        record_save(ElectionOfficial(election=election, user=person, role=ElectionOfficial.Role.COUNTER))
    election.meeting_date = meeting_date
    election.method_text = method_text.strip()
    return record_save(election)


@transaction.atomic
@audited("选举方案批复")
def election_plan_review(*, election: Election, user: User, approve: bool, comment: str) -> Election:
    """三下: organization staff approve the plan, or return it to the secretary."""
    record_review(election=election, user=user, step="plan_approval", status=S.PLAN_APPROVAL,
                  approve=approve, comment=comment)
    notify_election(recipients=secretaries(election.unit), election=election,
                    message="选举方案已批复，请按期召开党员大会。" if approve else f"选举方案被退回：{comment}")
    return election
