"""The permission layer: roles × own/other branch, auditors read-only."""

import pytest

from workflows.models import RoleGrant, Unit
from workflows.permissions import can, is_read_only, sync_user_permissions

# (username, own branch) -> expected (view own, view other, lead own, lead other, run office, run elections, audit)
MATRIX = {
    "shuji": (True, True, False, False, False, False, False),
    "weiyuan1": (True, True, False, False, False, False, False),
    "dangban": (True, True, False, False, True, False, False),
    "zuzhi": (True, True, False, False, False, True, False),
    "shenji": (True, True, False, False, False, False, True),
    "jiwei": (True, True, False, False, False, False, True),
    "sj_b01": (True, False, True, False, False, False, False),
    "wy_b01": (True, False, False, False, False, False, False),
    "b01_m1": (True, False, False, False, False, False, False),
    "b01_y1": (True, False, False, False, False, False, False),
    "zhuanjia1": (False, False, False, False, False, False, False),
    "outsider": (False, False, False, False, False, False, False),
}


@pytest.mark.django_db
@pytest.mark.parametrize("username", sorted(MATRIX))
def test_permission_matrix(org, username):
    user = org[username]
    own, other = Unit.objects.get(code="b01"), Unit.objects.get(code="b02")
    if username in {"dangban", "zuzhi", "shenji", "jiwei", "shuji"}:
        own, other = other, Unit.objects.get(code="b01")  # these people live in b02
    actual = (
        can(user, "workflows.view_unit", own),
        can(user, "workflows.view_unit", other),
        can(user, "workflows.lead_unit", own),
        can(user, "workflows.lead_unit", other),
        can(user, "workflows.run_office"),
        can(user, "workflows.run_elections"),
        can(user, "workflows.read_audit"),
    )
    assert actual == MATRIX[username]


@pytest.mark.django_db
def test_auditor_refused_every_write_even_with_another_role(org):
    auditor = org["shenji"]
    RoleGrant.objects.create(user=auditor, role="office_staff")
    sync_user_permissions(auditor)
    auditor = type(auditor).objects.get(pk=auditor.pk)
    assert is_read_only(auditor)
    assert auditor.has_perm("workflows.run_office")  # the group is there ...
    assert not can(auditor, "workflows.run_office")  # ... but the layer refuses writes
    assert can(auditor, "workflows.read_audit")


@pytest.mark.django_db
def test_inactive_user_may_do_nothing(org):
    secretary = org["sj_b01"]
    secretary.is_active = False
    secretary.save()
    assert not can(secretary, "workflows.lead_unit", Unit.objects.get(code="b01"))


@pytest.mark.django_db
def test_unknown_action_is_a_programming_error(org):
    with pytest.raises(LookupError):
        can(org["shuji"], "workflows.no_such_action")
