"""import_org: idempotent, people deactivated not deleted, invalid files rejected whole."""

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import SMALL_ORG
from workflows.models import HospitalSettings, RoleGrant, Term, Unit, User


def write(tmp_path, data, name="org.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def snapshot():
    return {
        "units": list(Unit.objects.order_by("code").values()),
        "users": list(User.objects.order_by("username").values("username", "name", "unit", "membership", "is_active", "password")),
        "grants": sorted(RoleGrant.objects.values_list("user__username", "role", "unit__code")),
        "terms": list(Term.objects.order_by("pk").values()),
        "history": sum(m.history.count() for m in (Unit, User, RoleGrant, Term)),
    }


@pytest.mark.django_db
def test_import_creates_organisation_and_second_run_changes_nothing(tmp_path, capsys):
    path = write(tmp_path, SMALL_ORG)
    call_command("import_org", path)
    first = snapshot()
    assert Unit.objects.count() == 4
    assert Unit.objects.get(code="b01").parent.code == "zz1"
    assert Term.objects.get(unit__code="b01").ends.isoformat() == "2027-01-10"
    assert HospitalSettings.current().hospital == "测试医院"
    # implicit member role for full and probationary members
    assert RoleGrant.objects.filter(user__username="b01_y1", role="member", unit__code="b01").exists()
    assert not RoleGrant.objects.filter(user__username="outsider").exists()
    capsys.readouterr()
    call_command("import_org", path)
    assert "没有变化" in capsys.readouterr().out
    assert snapshot() == first


@pytest.mark.django_db
def test_people_missing_from_file_are_deactivated_not_deleted(tmp_path):
    call_command("import_org", write(tmp_path, SMALL_ORG))
    smaller = copy.deepcopy(SMALL_ORG)
    smaller["people"] = [p for p in smaller["people"] if p["username"] != "b02_m3"]
    call_command("import_org", write(tmp_path, smaller, "2.json"))
    person = User.objects.get(username="b02_m3")
    assert person.is_active is False
    record = person.history.latest()
    assert record.is_active is False and "组织导入" in record.history_change_reason


@pytest.mark.django_db
def test_role_changes_move_object_permissions(tmp_path):
    call_command("import_org", write(tmp_path, SMALL_ORG))
    b01 = Unit.objects.get(code="b01")
    assert User.objects.get(username="sj_b01").has_perm("workflows.lead_unit", b01)
    changed = copy.deepcopy(SMALL_ORG)
    for person in changed["people"]:
        if person["username"] == "sj_b01":
            person["roles"] = []
        if person["username"] == "b01_m1":
            person["roles"] = ["branch_secretary"]
    call_command("import_org", write(tmp_path, changed, "2.json"))
    assert not User.objects.get(username="sj_b01").has_perm("workflows.lead_unit", b01)
    assert User.objects.get(username="b01_m1").has_perm("workflows.lead_unit", b01)


def _broken(mutate):
    data = copy.deepcopy(SMALL_ORG)
    mutate(data)
    return data


def _unit(data, code):
    return next(u for u in data["units"] if u["code"] == code)


def _person(data, username):
    return next(p for p in data["people"] if p["username"] == username)


INVALID_CASES = {
    "unknown parent": (lambda d: _unit(d, "b01").update(parent="zz9"), "units[2] (code=b01).parent"),
    "duplicate code": (lambda d: d["units"].append(dict(_unit(d, "b02"))), "code=b02).code"),
    "duplicate username": (lambda d: d["people"].append(dict(_person(d, "shuji"))), "(username=shuji).username"),
    "unknown role": (lambda d: _person(d, "b01_m1").update(roles=["king"]), "(username=b01_m1).roles"),
    "cycle": (lambda d: _unit(d, "dw").update(parent="b01"), "组织层级出现循环"),
    "bad kind": (lambda d: _unit(d, "b02").update(kind="club"), "(code=b02).kind"),
    "bad date": (lambda d: _unit(d, "b02").update(term_started="2024-13-01"), "(code=b02).term_started"),
    "unknown unit of person": (lambda d: _person(d, "b01_m2").update(unit="b77"), "(username=b01_m2).unit"),
    "bad membership": (lambda d: _person(d, "b01_m2").update(membership="maybe"), "(username=b01_m2).membership"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(INVALID_CASES))
def test_invalid_file_is_rejected_whole_and_names_entry_and_field(tmp_path, case):
    mutate, expected = INVALID_CASES[case]
    data = _broken(mutate)
    # a valid change elsewhere in the same file must not be written either
    _unit(data, "zz1")["name"] = "改名的党总支"
    with pytest.raises(CommandError) as error:
        call_command("import_org", write(tmp_path, data))
    assert expected in str(error.value)
    assert "未导入任何内容" in str(error.value)
    assert Unit.objects.count() == 0 and User.objects.count() == 0


@pytest.mark.django_db
def test_invalid_update_leaves_existing_organisation_untouched(tmp_path):
    call_command("import_org", write(tmp_path, SMALL_ORG))
    before = snapshot()
    data = _broken(lambda d: _person(d, "b01_m1").update(roles=["emperor"]))
    _unit(data, "zz1")["name"] = "改名的党总支"
    with pytest.raises(CommandError):
        call_command("import_org", write(tmp_path, data, "bad.json"))
    assert snapshot() == before


@pytest.mark.django_db
def test_unreadable_file_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="无法读取"):
        call_command("import_org", str(path))


@pytest.mark.django_db
def test_shipped_demo_file_is_valid(tmp_path):
    from pathlib import Path

    from workflows.org.importer import validate_org_data

    demo = json.loads((Path(__file__).resolve().parents[2] / "workflows/fixtures/demo_hospital.json").read_text())
    assert validate_org_data(demo) == []
    assert len([u for u in demo["units"] if u["kind"] == "branch"]) == 70
    assert len([u for u in demo["units"] if u["kind"] == "general_branch"]) == 8
    assert 750 <= len(demo["people"]) <= 900


@pytest.mark.django_db
def test_reimporting_an_older_file_keeps_officers_chosen_by_a_later_election(tmp_path):
    from workflows.org.permissions import sync_user_permissions

    path = write(tmp_path, SMALL_ORG)
    call_command("import_org", path)
    b01 = Unit.objects.get(code="b01")
    # an election gave b01 a new term and a new secretary
    old_term = b01.current_term
    old_term.status = Term.Status.ENDED
    old_term.save()
    Term.objects.create(unit=b01, started=old_term.ends, ends=old_term.ends.replace(year=old_term.ends.year + 3))
    old_secretary, new_secretary = User.objects.get(username="sj_b01"), User.objects.get(username="b01_m1")
    RoleGrant.objects.get(user=old_secretary, role="branch_secretary").delete()
    RoleGrant.objects.create(user=new_secretary, role="branch_secretary", unit=b01)
    for user in (old_secretary, new_secretary):
        sync_user_permissions(user)

    call_command("import_org", path)  # the file still names sj_b01 and the old term
    assert list(b01.holders_of("branch_secretary")) == [new_secretary]
    assert User.objects.get(username="b01_m1").has_perm("workflows.lead_unit", b01)
    assert not User.objects.get(username="sj_b01").has_perm("workflows.lead_unit", b01)
    assert b01.current_term.started == old_term.ends
    # branches without a newer term still follow the file
    assert list(Unit.objects.get(code="b02").holders_of("branch_secretary")) == [User.objects.get(username="sj_b02")]
