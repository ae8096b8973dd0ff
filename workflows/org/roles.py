"""Role codes of spec/domain.md and the permissions each role grants."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PARTY_SECRETARY = "party_secretary", _("党委书记")
    PRESIDENT = "president", _("院长")
    COMMITTEE_MEMBER = "committee_member", _("党委委员")
    DISCIPLINE_SECRETARY = "discipline_secretary", _("纪委书记")
    OFFICE_STAFF = "office_staff", _("党委办公室")
    ORGANIZATION_STAFF = "organization_staff", _("组织部门")
    EXPERT = "expert", _("专家委员会委员")
    LEGAL_COUNSEL = "legal_counsel", _("法律顾问")
    AUDITOR = "auditor", _("纪检/审计")
    BRANCH_SECRETARY = "branch_secretary", _("支部书记")
    BRANCH_COMMITTEE_MEMBER = "branch_committee_member", _("支部委员")
    MEMBER = "member", _("党员")


# Roles held in a unit (per object) versus hospital-wide roles.
UNIT_ROLES = frozenset({Role.BRANCH_SECRETARY, Role.BRANCH_COMMITTEE_MEMBER, Role.MEMBER})
GLOBAL_ROLES = frozenset(set(Role) - UNIT_ROLES)

# Hospital-wide permissions (codename on workflows.Unit) per global role; held through a Group.
GLOBAL_ROLE_PERMISSIONS = {
    Role.PARTY_SECRETARY: {"chair_committee", "vote_in_committee", "oversee_organisation"},
    Role.PRESIDENT: {"communicate_as_president", "oversee_organisation"},
    Role.COMMITTEE_MEMBER: {"vote_in_committee", "oversee_organisation"},
    Role.DISCIPLINE_SECRETARY: {"vote_in_committee", "read_audit", "oversee_organisation"},
    Role.OFFICE_STAFF: {"run_office", "oversee_organisation"},
    Role.ORGANIZATION_STAFF: {"run_elections", "oversee_organisation"},
    Role.EXPERT: {"give_expert_opinion"},
    Role.LEGAL_COUNSEL: {"give_legal_opinion"},
    Role.AUDITOR: {"read_audit", "oversee_organisation"},
}

# Per-unit (guardian object) permissions on workflows.Unit per unit role.
UNIT_ROLE_PERMISSIONS = {
    Role.BRANCH_SECRETARY: {"lead_unit", "view_unit_business", "belong_to_unit"},
    Role.BRANCH_COMMITTEE_MEMBER: {"view_unit_business", "belong_to_unit"},
    Role.MEMBER: {"belong_to_unit"},
}

UNIT_PERMISSIONS = (
    ("chair_committee", "主持党委会、末位表态、签发纪要"),
    ("vote_in_committee", "党委会表决"),
    ("communicate_as_president", "书记院长会前沟通（院长）"),
    ("run_office", "党委办公室事务"),
    ("run_elections", "组织部门：审批支部换届"),
    ("give_expert_opinion", "专家论证"),
    ("give_legal_opinion", "合法性审查（法律顾问）"),
    ("read_audit", "查阅全部记录与审计历史"),
    ("oversee_organisation", "查看全院组织"),
    ("lead_unit", "支部书记：领导本支部"),
    ("view_unit_business", "查看本支部事务"),
    ("belong_to_unit", "本支部党员"),
)
