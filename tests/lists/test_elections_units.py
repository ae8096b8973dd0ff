"""Elections, units and the term overview: the same cost at 2 and 8 branches."""

import pytest

from tests.elections.helpers import request_election

from .conftest import branch_codes
from .helpers import assert_same_cost, costs

ELECTION_URLS = ["/elections/", "/api/v1/elections/", "/elections/?status=requested"]
UNIT_URLS = ["/organisation/", "/organisation/?parent=zz1", "/elections/overview/"]


def _elect(api, org, codes):
    from workflows.models import User

    for code in codes:
        request_election(api, User.objects.get(username=f"sj_{code}"), unit=code, seats=1)


@pytest.mark.django_db
def test_election_lists_cost_the_same_at_any_size(org, api, grow_org, viewers):
    grow_org(8)
    _elect(api, org, branch_codes(2))
    clients = viewers("zuzhi", "shuji", "shenji", "sj_b01")
    small = costs(clients, ELECTION_URLS)
    _elect(api, org, branch_codes(8)[2:])
    large = costs(clients, ELECTION_URLS)
    assert_same_cost(small, large)


@pytest.mark.django_db
def test_unit_lists_cost_the_same_at_any_size(org, api, grow_org, viewers):
    grow_org(2)
    clients = viewers("zuzhi", "shuji", "shenji")
    small = costs(clients, UNIT_URLS)
    grow_org(12)
    large = costs(clients, UNIT_URLS)
    assert_same_cost(small, large)


@pytest.mark.django_db
def test_unit_page_and_api_cost_the_same_with_more_people(org, grow_org, viewers):
    grow_org(1)
    urls = ["/organisation/units/x00/", "/api/v1/units/x00/", "/api/v1/units/x00/terms/"]
    clients = viewers("zuzhi", "shenji", "sj_x00")
    small = costs(clients, urls)
    from workflows.models import Unit, User

    unit = Unit.objects.get(code="x00")
    User.objects.bulk_create([User(username=f"more{i}", name=f"新党员{i}", unit=unit, membership="full")
                              for i in range(10)])
    large = costs(clients, urls)
    assert_same_cost(small, large)
