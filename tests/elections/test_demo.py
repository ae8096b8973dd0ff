"""The demo hook drives elections through the real services and is idempotent."""

import pytest

from elections.demo import demo_elections
from elections.models import Election, Recommendation
from workflows.models import RoleGrant, Unit, User
from workflows.org.permissions import sync_user_permissions


@pytest.mark.django_db
def test_demo_elections_idempotent(org):
    zz1 = Unit.objects.get(code="zz1")
    from datetime import date

    from workflows.models import Term

    for code in ("b06", "b12"):
        unit = Unit.objects.create(code=code, name=f"{code}党支部", kind="branch", parent=zz1)
        Term.objects.create(unit=unit, started=date(2023, 1, 1), ends=date(2026, 1, 1))
        people = [User.objects.create(username=f"{code}_m{i:02d}", name=f"{code}党员{i}", unit=unit,
                                      membership="full") for i in range(1, 10)]
        sec = User.objects.create(username=f"sj_{code}", name=f"{code}书记", unit=unit, membership="full")
        RoleGrant.objects.create(user=sec, role="branch_secretary", unit=unit)
        for person in [*people, sec]:
            RoleGrant.objects.create(user=person, role="member", unit=unit)
            sync_user_permissions(person)
    from django.utils import timezone

    message = demo_elections(timezone.localdate())
    assert "新建" in message
    assert Election.objects.get(unit__code="b06").status == "nominate"
    assert Recommendation.objects.filter(election__unit__code="b06", active=True).count() == 4
    assert Election.objects.get(unit__code="b12").status == "election_meeting"
    assert demo_elections(timezone.localdate()) == "换届演示：没有变化。"
    assert Election.objects.count() == 2
