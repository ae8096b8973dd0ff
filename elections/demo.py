"""Demo elections: one at 民主推荐 (with online recommendations), one at the members' meeting."""

from datetime import timedelta

from workflows.demo import register_demo

DEMO_ELECTIONS = (("b06", "nominate"), ("b12", "election_meeting"))


def _complete(election, node, user, data):
    from workflows.tasks import open_tasks, process_for, task_complete

    task_complete(task=open_tasks(process_for(election), node).get(), user=user, data=data)
    election.refresh_from_db()


def _drive(unit, target, today, organizer):
    from . import services
    from .flows import ElectionFlow as F

    secretary = unit.secretary
    members = [m for m in unit.full_members().order_by("username") if m != secretary]
    if secretary is None or len(members) < 7:
        return None
    names = [m.username for m in members]
    election = services.election_request(user=secretary, unit=unit, planned_date=today + timedelta(days=30),
                                         seats=3, elect_deputy=False)
    _complete(election, F.request_approval, organizer, {"approve": True, "seats": 3, "comment": "同意换届"})
    for member, picks in zip(members[3:7], ([0, 1, 2], [0, 1, 3], [1, 2, 3], [0, 2]), strict=False):
        services.recommendation_submit(election=election, user=member, nominees=[names[i] for i in picks])
    if target == "nominate":
        return election
    candidates = names[:4]
    _complete(election, F.nominate, secretary, {"candidates": candidates, "paper_tallies": {names[0]: 2}})
    _complete(election, F.candidate_review, organizer, {"approved": candidates, "struck": {}})
    _complete(election, F.election_plan, secretary, {
        "candidates": candidates, "meeting_date": today + timedelta(days=7), "scrutineers": [names[4]],
        "counters": [names[5]], "method_text": "采用无记名投票、差额选举的办法，得票超过实到会有表决权党员半数的始得当选。"})
    _complete(election, F.plan_approval, organizer, {"approve": True, "comment": "同意"})
    return election


@register_demo(50)
def demo_elections(today):
    from workflows.models import Unit, User
    from workflows.org.roles import Role

    from .models import Election

    organizer = User.objects.filter(role_grants__role=Role.ORGANIZATION_STAFF, is_active=True).first()
    if organizer is None:
        return "换届演示：没有组织部门人员，跳过。"
    made = []
    for code, target in DEMO_ELECTIONS:
        unit = Unit.objects.filter(code=code).first()
        if unit is None or Election.objects.filter(unit=unit).exists():
            continue
        election = _drive(unit, target, today, organizer)
        if election is not None:
            made.append(f"{unit.name}（{election.get_status_display()}）")
    return f"换届演示：新建 {'、'.join(made)}" if made else "换届演示：没有变化。"
