"""`import_org`: create or update the organisation from the JSON format of spec/api.md.

The whole file is validated first; any error rejects it whole, naming entry and field,
and nothing is written. A second run with the same file changes nothing. People missing
from the file are deactivated, never deleted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from ..audit import audit_context
from ..models import HospitalSettings, RoleGrant, Term, Unit, User, add_years
from .permissions import ensure_role_groups, sync_user_permissions
from .roles import UNIT_ROLES, Role

CODE_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
KINDS = {k.value for k in Unit.Kind}
MEMBERSHIPS = {m.value for m in User.Membership}
ROLES = {r.value for r in Role}
# Branch officers are chosen by elections; a file older than the unit's current term does not override them.
ELECTED_ROLES = {Role.BRANCH_SECRETARY.value, Role.BRANCH_COMMITTEE_MEMBER.value}


@dataclass
class ImportResult:
    created: dict = field(default_factory=lambda: {"units": 0, "people": 0, "terms": 0, "roles": 0})
    updated: dict = field(default_factory=lambda: {"units": 0, "people": 0, "settings": 0})
    deactivated: int = 0
    roles_removed: int = 0

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values()) or self.deactivated or self.roles_removed

    def summary(self) -> str:
        c, u = self.created, self.updated
        return (
            f"新建党组织 {c['units']}、人员 {c['people']}、任期 {c['terms']}、角色 {c['roles']}；"
            f"更新党组织 {u['units']}、人员 {u['people']}、设置 {u['settings']}；"
            f"停用人员 {self.deactivated}；撤销角色 {self.roles_removed}"
        )


def _parse_date(value):
    if not isinstance(value, str):
        raise ValueError
    return date.fromisoformat(value)


def validate_org_data(data) -> list[str]:
    """Every problem of the file, each naming entry and field; empty when valid."""
    errors: list[str] = []
    if not isinstance(data, dict):
        return ["文件顶层必须是 JSON 对象。"]
    if not isinstance(data.get("hospital", ""), str):
        errors.append("hospital: 应为文本。")
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        errors.append("settings: 应为对象。")
        settings = {}
    if "large_fund_threshold" in settings:
        try:
            if Decimal(str(settings["large_fund_threshold"])) < 0:
                errors.append("settings.large_fund_threshold: 不能为负数。")
        except InvalidOperation:
            errors.append("settings.large_fund_threshold: 应为数字。")
    if "meeting_notice_days" in settings and (
        not isinstance(settings["meeting_notice_days"], int) or settings["meeting_notice_days"] < 0
    ):
        errors.append("settings.meeting_notice_days: 应为非负整数。")

    units = data.get("units", [])
    people = data.get("people", [])
    if not isinstance(units, list):
        errors.append("units: 应为列表。")
        units = []
    if not isinstance(people, list):
        errors.append("people: 应为列表。")
        people = []

    codes: dict[str, int] = {}
    parents: dict[str, str | None] = {}
    for i, unit in enumerate(units):
        where = f"units[{i}]"
        if not isinstance(unit, dict):
            errors.append(f"{where}: 应为对象。")
            continue
        code = unit.get("code")
        where = f"units[{i}] (code={code})"
        if not isinstance(code, str) or not CODE_RE.match(code):
            errors.append(f"{where}.code: 代码必填，只能包含字母、数字、-、_。")
            continue
        if code in codes:
            errors.append(f"{where}.code: 代码重复（与 units[{codes[code]}] 相同）。")
        codes[code] = i
        if not isinstance(unit.get("name"), str) or not unit["name"].strip():
            errors.append(f"{where}.name: 名称必填。")
        if unit.get("kind") not in KINDS:
            errors.append(f"{where}.kind: 类型应为 committee、general_branch 或 branch。")
        term_years = unit.get("term_years", 3)
        if not isinstance(term_years, int) or not 1 <= term_years <= 10:
            errors.append(f"{where}.term_years: 任期应为 1–10 的整数。")
        if unit.get("term_started") is not None:
            try:
                _parse_date(unit["term_started"])
            except ValueError:
                errors.append(f"{where}.term_started: 日期格式应为 YYYY-MM-DD。")
        parents[code] = unit.get("parent")

    existing_codes = set(Unit.objects.values_list("code", flat=True))
    known_codes = existing_codes | set(codes)
    for code, parent in parents.items():
        if parent is not None and parent not in known_codes:
            errors.append(f"units[{codes[code]}] (code={code}).parent: 未知的上级组织“{parent}”。")
    # cycles, following file parents first, then the database
    db_parents = dict(Unit.objects.values_list("code", "parent__code"))
    for start in parents:
        seen, node = [], start
        while node is not None:
            if node in seen:
                errors.append(f"units[{codes[start]}] (code={start}).parent: 组织层级出现循环（{' → '.join([*seen, node])}）。")
                break
            seen.append(node)
            node = parents[node] if node in parents else db_parents.get(node)

    usernames: dict[str, int] = {}
    for i, person in enumerate(people):
        if not isinstance(person, dict):
            errors.append(f"people[{i}]: 应为对象。")
            continue
        username = person.get("username")
        where = f"people[{i}] (username={username})"
        if not isinstance(username, str) or not re.match(r"^[\w.@+-]{1,150}$", username):
            errors.append(f"{where}.username: 用户名必填，只能包含字母、数字和 @.+-_。")
            continue
        if username in usernames:
            errors.append(f"{where}.username: 用户名重复（与 people[{usernames[username]}] 相同）。")
        usernames[username] = i
        if not isinstance(person.get("name"), str) or not person["name"].strip():
            errors.append(f"{where}.name: 姓名必填。")
        unit = person.get("unit")
        if unit is not None and unit not in known_codes:
            errors.append(f"{where}.unit: 未知的党组织“{unit}”。")
        membership = person.get("membership", "none")
        if membership not in MEMBERSHIPS:
            errors.append(f"{where}.membership: 应为 full、probationary 或 none。")
        if person.get("email"):
            try:
                validate_email(person["email"])
            except ValidationError:
                errors.append(f"{where}.email: 邮箱格式不正确。")
        roles = person.get("roles", [])
        if not isinstance(roles, list):
            errors.append(f"{where}.roles: 应为列表。")
            roles = []
        for role in roles:
            if role not in ROLES:
                errors.append(f"{where}.roles: 未知的角色“{role}”。")
            elif role in UNIT_ROLES and unit is None:
                errors.append(f"{where}.roles: 角色“{role}”需要所在党组织（unit）。")
        if person.get("password") is not None and not isinstance(person["password"], str):
            errors.append(f"{where}.password: 应为文本。")
    return errors


def _update_fields(obj, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    if changed:
        obj.full_clean()
        obj.save()
    return changed


@transaction.atomic
def import_org(*, data, actor=None, source: str = "import_org") -> ImportResult:
    """Validate and apply an organisation file. Raises ValidationError listing every problem."""
    errors = validate_org_data(data)
    if errors:
        raise ValidationError(errors)
    result = ImportResult()
    with audit_context(actor=actor, reason=f"组织导入：{source}"):
        _apply_settings(data, result)
        units, elected_units = _apply_units(data.get("units", []), result)
        touched = _apply_people(data.get("people", []), units, elected_units, result)
        groups = ensure_role_groups()
        for user in touched:
            sync_user_permissions(user, groups)
    return result


def _apply_settings(data, result):
    hospital_settings = HospitalSettings.current()
    values = {}
    if data.get("hospital"):
        values["hospital"] = data["hospital"]
    settings = data.get("settings", {})
    if "large_fund_threshold" in settings:
        values["large_fund_threshold"] = Decimal(str(settings["large_fund_threshold"])).quantize(Decimal("0.01"))
    if "meeting_notice_days" in settings:
        values["meeting_notice_days"] = settings["meeting_notice_days"]
    if _update_fields(hospital_settings, values):
        result.updated["settings"] += 1


def _apply_units(entries, result) -> tuple[dict[str, Unit], set[int]]:
    """Create or update units and terms; also return the units whose term is newer than the file's."""
    units = {u.code: u for u in Unit.objects.all()}
    created = set()
    elected_units: set[int] = set()
    for entry in entries:
        values = {
            "name": entry["name"].strip(),
            "kind": entry["kind"],
            "department": entry.get("department") or "",
            "term_years": entry.get("term_years", 3),
            "active": True,
        }
        unit = units.get(entry["code"])
        if unit is None:
            unit = Unit(code=entry["code"], **values)
            unit.save()
            units[unit.code] = unit
            created.add(unit.code)
            result.created["units"] += 1
        elif _update_fields(unit, values):
            result.updated["units"] += 1
    for entry in entries:  # parents once every unit exists
        unit = units[entry["code"]]
        parent = units[entry["parent"]] if entry.get("parent") else None
        if unit.parent_id != (parent.pk if parent else None):
            unit.parent = parent
            unit.save()
            if unit.code not in created:
                result.updated["units"] += 1
        if entry.get("term_started") and _apply_term(unit, _parse_date(entry["term_started"]), result):
            elected_units.add(unit.pk)
    return units, elected_units


def _apply_term(unit: Unit, started: date, result) -> bool:
    """Bring the unit's current term in line with the file; True when ours is newer (an election)."""
    current = unit.current_term
    if current is not None and current.started >= started:
        return current.started > started  # a newer term (from an election) that the file does not know yet
    if current is not None:
        current.status = Term.Status.ENDED
        current.save()
    Term.objects.create(unit=unit, started=started, ends=add_years(started, unit.term_years))
    result.created["terms"] += 1
    return False


def _apply_people(entries, units, elected_units, result) -> list[User]:
    users = {u.username: u for u in User.objects.all()}
    in_file = set()
    touched = []
    hashed: dict[str, str] = {}
    for entry in entries:
        in_file.add(entry["username"])
        values = {
            "name": entry["name"].strip(),
            "email": entry.get("email") or "",
            "unit": units[entry["unit"]] if entry.get("unit") else None,
            "membership": entry.get("membership", "none"),
            "is_active": True,
        }
        user = users.get(entry["username"])
        if user is None:
            user = User(username=entry["username"], **values)
            if entry.get("password"):
                # one PBKDF2 run per distinct password in the file (the file holds them in clear anyway)
                if entry["password"] not in hashed:
                    hashed[entry["password"]] = make_password(entry["password"])
                user.password = hashed[entry["password"]]
            else:
                user.set_unusable_password()
            user.save()
            result.created["people"] += 1
            _apply_roles(user, entry, elected_units, result)
            touched.append(user)
            continue
        if _update_fields(user, values):
            result.updated["people"] += 1
        if _apply_roles(user, entry, elected_units, result):
            touched.append(user)
    for user in users.values():
        if user.username not in in_file and user.is_active and not user.is_superuser:
            user.is_active = False
            user.save()
            result.deactivated += 1
            touched.append(user)
    return touched


def _apply_roles(user: User, entry, elected_units: set[int], result) -> bool:
    """Make the user's grants match the file, except the officers of units that elected after the file."""

    def set_by_election(key) -> bool:
        role, unit_id = key
        return role in ELECTED_ROLES and unit_id in elected_units

    wanted = set()
    for role in entry.get("roles", []):
        wanted.add((role, user.unit_id if role in UNIT_ROLES else None))
    if user.membership in (User.Membership.FULL, User.Membership.PROBATIONARY) and user.unit_id:
        wanted.add((Role.MEMBER.value, user.unit_id))
    wanted = {key for key in wanted if not set_by_election(key)}
    existing = {(g.role, g.unit_id): g for g in user.role_grants.all()}
    changed = False
    for key, grant in existing.items():
        if key not in wanted and not set_by_election(key):
            grant.delete()
            result.roles_removed += 1
            changed = True
    for role, unit_id in wanted - set(existing):
        RoleGrant.objects.create(user=user, role=role, unit_id=unit_id)
        result.created["roles"] += 1
        changed = True
    return changed
