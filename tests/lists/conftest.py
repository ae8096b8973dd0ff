import copy

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.conftest import SMALL_ORG
from workflows.org.importer import import_org


class Viewer:
    """A page client and an API client for one person: /api/ goes to the API client."""

    def __init__(self, user):
        self.web, self.api = Client(), APIClient()
        self.web.force_login(user)
        self.api.force_authenticate(user)

    def get(self, url):
        return (self.api if url.startswith("/api/") else self.web).get(url)


@pytest.fixture
def viewers(org):
    from workflows.models import User

    def make(*names):
        return {name: Viewer(User.objects.get(username=name)) for name in names}

    return make


def branch_codes(count: int) -> list[str]:
    return [f"x{i:02d}" for i in range(count)]


@pytest.fixture
def grow_org(org):
    """grow_org(n): the test hospital with n more branches, each with a secretary and three members."""

    def grow(count):
        data = copy.deepcopy(SMALL_ORG)
        for code in branch_codes(count):
            data["units"].append({"code": code, "name": f"{code}党支部", "kind": "branch", "parent": "zz1",
                                  "department": f"{code}科", "term_years": 3, "term_started": "2024-02-01"})
            data["people"].append({"username": f"sj_{code}", "name": f"{code}书记", "unit": code,
                                   "membership": "full", "roles": ["branch_secretary"]})
            data["people"] += [{"username": f"{code}_m{i}", "name": f"{code}党员{i}", "unit": code,
                                "membership": "full"} for i in range(3)]
        import_org(data=data, source="tests")

    return grow
