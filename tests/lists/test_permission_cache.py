"""Permission look-ups are cached per request: repeated checks hit the database once, and a grant that
changes in the middle of a request (or a test) is seen at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.decisions.helpers import submit
from workflows.models import RoleGrant, Unit, User
from workflows.org import perm_cache
from workflows.org.permissions import has_role, sync_user_permissions

from .helpers import queries


def _fresh(username):
    return User.objects.get(username=username)  # as a request loads it


@pytest.mark.django_db
def test_repeated_object_checks_cost_one_query(org, grow_org):
    grow_org(6)
    units = list(Unit.objects.filter(code__startswith="x"))
    user = _fresh("sj_x00")
    with CaptureQueriesContext(connection) as captured:
        answers = [user.has_perm("workflows.lead_unit", unit) for unit in units * 3]
        roles = [has_role(user, "branch_secretary", unit) for unit in units * 3]
    assert answers[:len(units)] == [unit.code == "x00" for unit in units]
    assert roles[:len(units)] == answers[:len(units)]
    assert len(captured.captured_queries) <= 3  # object permissions, role grants, (groups)


@pytest.mark.django_db
def test_a_grant_changed_mid_request_is_seen(org):
    user = _fresh("b01_m1")
    unit = Unit.objects.get(code="b01")
    assert not user.has_perm("workflows.lead_unit", unit) and not has_role(user, "branch_secretary", unit)
    other_copy = _fresh("b01_m1")  # e.g. the election service's own instance
    RoleGrant.objects.create(user=other_copy, role="branch_secretary", unit=unit)
    sync_user_permissions(other_copy)
    assert user.has_perm("workflows.lead_unit", unit) and has_role(user, "branch_secretary", unit)
    RoleGrant.objects.filter(user=other_copy, role="branch_secretary").delete()
    sync_user_permissions(other_copy)
    assert not user.has_perm("workflows.lead_unit", unit) and not has_role(user, "branch_secretary", unit)


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["sj_b01", "dangban", "weiyuan1"])
@pytest.mark.parametrize("url", ["/workbench/", "/api/v1/tasks/", "/elections/overview/"])
def test_the_cache_saves_queries_on_the_inbox_and_lists(org, api, viewers, monkeypatch, username, url):
    for i in range(4):
        submit(api, org["sj_b01"], title=f"议题{i}")
    client = viewers(username)[username]
    if client.get(url).status_code != 200:
        pytest.skip("not this person's page")
    cached = queries(client, url)
    monkeypatch.setattr(perm_cache, "cached", lambda user, name, load: load())  # no cache: every check asks
    uncached = queries(client, url)
    print(f"\n{username} {url}: {cached} queries cached, {uncached} uncached")
    assert cached < uncached


PERMISSION_TABLES = ("workflows_rolegrant", "auth_permission", "guardian_", "auth_group", "django_content_type")


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["sj_b01", "dangban", "shuji"])
def test_the_inbox_loads_permissions_in_a_few_queries(org, api, viewers, username):
    """Role grants once, model permissions twice (user, groups: Django's own), object permissions once;
    viewflow's own loader asked twice more per object permission held."""
    for i in range(3):
        submit(api, org["sj_b01"], title=f"议题{i}")
    client = viewers(username)[username]
    client.get("/workbench/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/workbench/").status_code == 200
    loading = [q["sql"] for q in captured.captured_queries
               if any(f'"{table}' in q["sql"].split(" WHERE ")[0] for table in PERMISSION_TABLES)]
    assert len(loading) <= 5, loading
