"""API conventions: auth, error shapes, 401/403/404, pagination, me and units."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_token_auth_roundtrip(org):
    user = org["sj_b01"]
    user.set_password("s3cret-pass")
    user.save()
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "sj_b01", "password": "s3cret-pass"}, format="json")
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = client.get("/api/v1/me/").json()
    assert me["username"] == "sj_b01" and me["unit"] == "b01"
    assert {"role": "branch_secretary", "unit": "b01"} in me["roles"]
    assert {"role": "member", "unit": "b01"} in me["roles"]


@pytest.mark.django_db
def test_bad_credentials_are_400_in_chinese(org):
    response = APIClient().post("/api/v1/auth/token/", {"username": "sj_b01", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"] == ["用户名或密码不正确。"]
    missing = APIClient().post("/api/v1/auth/token/", {}, format="json")
    assert missing.status_code == 400 and missing.json()["errors"]["username"] == ["请填写用户名。"]


@pytest.mark.django_db
def test_token_endpoint_is_rate_limited(org):
    client = APIClient()
    codes = [client.post("/api/v1/auth/token/", {"username": "x", "password": "y"}, format="json").status_code
             for _ in range(7)]
    assert codes[:5] == [400] * 5 and codes[-1] == 429


@pytest.mark.django_db
def test_anonymous_gets_401_with_error_shape(org):
    response = APIClient().get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["errors"]["non_field_errors"]


@pytest.mark.django_db
def test_unit_detail_and_terms(org, api):
    body = api(org["zuzhi"]).get("/api/v1/units/b01/").json()
    assert body["code"] == "b01" and body["kind"] == "branch" and body["parent"] == "zz1"
    assert body["secretary"] == "sj_b01"
    assert body["term_started"] == "2024-01-10" and body["term_ends"] == "2027-01-10"
    assert "wy_b01" in body["committee"] and "b01_y1" in body["members"]
    terms = api(org["zuzhi"]).get("/api/v1/units/b01/terms/").json()
    assert terms["count"] == 1 and terms["results"][0]["started"] == "2024-01-10"


@pytest.mark.django_db
def test_other_branch_is_404_own_branch_200(org, api):
    secretary = api(org["sj_b01"])
    assert secretary.get("/api/v1/units/b01/").status_code == 200
    response = secretary.get("/api/v1/units/b02/")
    assert response.status_code == 404
    assert response.json()["errors"]["non_field_errors"]
    assert secretary.get("/api/v1/units/b02/terms/").status_code == 404
    assert secretary.get("/api/v1/units/nope/").status_code == 404


@pytest.mark.django_db
def test_pagination_shape(org, api):
    body = api(org["dangban"]).get("/api/v1/tasks/").json()
    assert set(body) == {"count", "next", "previous", "results"}


@pytest.mark.django_db
def test_schema_and_docs_are_served(org, api, client):
    assert api(org["dangban"]).get("/api/v1/schema/").status_code == 200
    client.force_login(org["dangban"])
    assert client.get("/api/docs/").status_code == 200


@pytest.mark.django_db
def test_html_pages_require_login_and_hide_other_branches(org, web, client):
    assert client.get("/workbench/").status_code == 302
    page = web(org["sj_b01"])
    assert page.get("/organisation/units/b01/").status_code == 200
    assert page.get("/organisation/units/b02/").status_code == 404
    listing = page.get("/organisation/").content.decode()
    assert "内科党支部" in listing and "外科党支部" not in listing


@pytest.mark.django_db
def test_hospital_committee_lists_its_members(org, api):
    body = api(org["shuji"]).get("/api/v1/units/dw/").json()
    assert body["kind"] == "committee" and body["parent"] is None
    assert len(body["committee"]) == 9 and "shuji" in body["committee"]
