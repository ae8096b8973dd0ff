"""The permission layer: roles × own/other branch, auditors read-only."""

import pytest
from django.contrib.auth.backends import ModelBackend

from workflows.models import RoleGrant, Unit
from workflows.org.permissions import is_read_only, require_perm, sync_user_permissions

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
        user.has_perm("workflows.see_unit", own),
        user.has_perm("workflows.see_unit", other),
        user.has_perm("workflows.lead_unit", own),
        user.has_perm("workflows.lead_unit", other),
        user.has_perm("workflows.run_office"),
        user.has_perm("workflows.run_elections"),
        user.has_perm("workflows.read_audit"),
    )
    assert actual == MATRIX[username]


@pytest.mark.django_db
def test_auditor_refused_every_write_even_with_another_role(org):
    auditor = org["shenji"]
    RoleGrant.objects.create(user=auditor, role="office_staff")
    sync_user_permissions(auditor)
    auditor = type(auditor).objects.get(pk=auditor.pk)
    assert is_read_only(auditor)
    assert ModelBackend().has_perm(auditor, "workflows.run_office")  # the group is there ...
    assert not auditor.has_perm("workflows.run_office")  # ... but the veto backend refuses writes
    assert auditor.has_perm("workflows.read_audit")


@pytest.mark.django_db
def test_inactive_user_may_do_nothing(org):
    secretary = org["sj_b01"]
    secretary.is_active = False
    secretary.save()
    assert not secretary.has_perm("workflows.lead_unit", Unit.objects.get(code="b01"))


@pytest.mark.django_db
def test_unknown_action_is_a_programming_error(org):
    with pytest.raises(LookupError):
        require_perm(org["shuji"], "workflows.no_such_action")
