"""Role fixtures (书记, 委员, 党办, 组织, 支部书记, 党员, 审计, outsider) on a small hospital."""

import pytest
from rest_framework.test import APIClient

from workflows.org.importer import import_org

SMALL_ORG = {
    "hospital": "测试医院",
    "settings": {"large_fund_threshold": 500000, "meeting_notice_days": 3},
    "units": [
        {"code": "dw", "name": "测试医院党委", "kind": "committee", "parent": None, "term_years": 5,
         "term_started": "2024-01-01"},
        {"code": "zz1", "name": "第一党总支", "kind": "general_branch", "parent": "dw", "term_years": 3,
         "term_started": "2024-01-01"},
        {"code": "b01", "name": "内科党支部", "kind": "branch", "parent": "zz1", "department": "内科",
         "term_years": 3, "term_started": "2024-01-10"},
        {"code": "b02", "name": "外科党支部", "kind": "branch", "parent": "zz1", "department": "外科",
         "term_years": 3, "term_started": "2024-03-01"},
    ],
    "people": [
        {"username": "shuji", "name": "王书记", "unit": "b01", "membership": "full", "roles": ["party_secretary"]},
        {"username": "yuanzhang", "name": "李院长", "unit": "b02", "membership": "full",
         "roles": ["president", "committee_member"]},
        {"username": "jiwei", "name": "赵纪委", "unit": "b02", "membership": "full",
         "roles": ["discipline_secretary", "committee_member"]},
        *[{"username": f"weiyuan{i}", "name": f"委员{i}", "unit": "b01", "membership": "full",
           "roles": ["committee_member"]} for i in range(1, 5)],
        {"username": "dangban", "name": "党办陈", "unit": "b02", "membership": "full", "roles": ["office_staff"]},
        {"username": "zuzhi", "name": "组织周", "unit": "b02", "membership": "full", "roles": ["organization_staff"]},
        {"username": "shenji", "name": "审计孙", "unit": "b02", "membership": "full", "roles": ["auditor"]},
        {"username": "falv", "name": "法律郑", "unit": None, "membership": "none", "roles": ["legal_counsel"]},
        *[{"username": f"zhuanjia{i}", "name": f"专家{i}", "unit": None, "membership": "none",
           "roles": ["expert"]} for i in range(1, 4)],
        {"username": "sj_b01", "name": "内科书记", "unit": "b01", "membership": "full", "roles": ["branch_secretary"]},
        {"username": "sj_b02", "name": "外科书记", "unit": "b02", "membership": "full", "roles": ["branch_secretary"]},
        {"username": "wy_b01", "name": "内科委员", "unit": "b01", "membership": "full",
         "roles": ["branch_committee_member"]},
        *[{"username": f"b01_m{i}", "name": f"内科党员{i}", "unit": "b01", "membership": "full"} for i in range(1, 9)],
        {"username": "b01_y1", "name": "内科预备党员", "unit": "b01", "membership": "probationary"},
        *[{"username": f"b02_m{i}", "name": f"外科党员{i}", "unit": "b02", "membership": "full"} for i in range(1, 4)],
        {"username": "outsider", "name": "群众", "unit": None, "membership": "none"},
    ],
}
# 9 committee members: shuji, yuanzhang, jiwei, weiyuan1-4 = 7 ... plus two more below
SMALL_ORG["people"] += [
    {"username": f"weiyuan{i}", "name": f"委员{i}", "unit": "b02", "membership": "full", "roles": ["committee_member"]}
    for i in range(5, 7)
]


@pytest.fixture
def org(db):
    """The small test hospital: 9 committee members, two branches, every role."""
    import copy

    import_org(data=copy.deepcopy(SMALL_ORG), source="tests")
    from workflows.models import User

    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def api():
    def client_for(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture
def web(client):
    def client_for(user):
        client.force_login(user)
        return client

    return client_for
