"""Writes on the organisation that people make in the UI or API (imports live in org_import)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from ..audit import audit_context
from ..models import Term, add_years
from ..notifications import notify
from .permissions import require_perm
from .roles import Role


@transaction.atomic
def term_postpone(*, term: Term, user, until: date, reason: str) -> Term:
    """Record the committee's approval to postpone a unit's election (延期换届): at most one year.

    The branch secretary, organization staff and the party secretary are told; reminders then run
    against the new date, and the compliance check shows the postponement.
    """
    require_perm(user, "workflows.postpone_term", term.unit)
    term = Term.objects.select_for_update().get(pk=term.pk)
    if term.status != Term.Status.CURRENT:
        raise ValidationError({"non_field_errors": ["只能为在任的一届办理延期。"]})
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = ["请填写延期理由（党委批准情况）。"]
    if until <= term.effective_end:
        errors["until"] = [f"延期日期须晚于当前届满日期 {term.effective_end:%Y-%m-%d}。"]
    elif until > add_years(term.ends, 1):
        errors["until"] = [f"延期一般不超过一年，最晚至 {add_years(term.ends, 1):%Y-%m-%d}。"]
    if errors:
        raise ValidationError(errors)
    with audit_context(actor=user, reason=f"党委批准延期换届：{reason}"):
        term.postponed_until = until
        term.postpone_reason = reason
        term.full_clean()
        term.save()
    unit = term.unit
    recipients = {*unit.holders_of(Role.BRANCH_SECRETARY)}
    from ..models import User

    recipients.update(User.objects.filter(role_grants__role__in=[Role.ORGANIZATION_STAFF, Role.PARTY_SECRETARY],
                                          is_active=True))
    notify(recipients=recipients, kind="term_postponed", context={"term": term, "unit": unit},
           url=f"/organisation/units/{unit.code}/")
    return term
