"""API representations of the organisation and tasks."""

from rest_framework import serializers

from . import tasks as task_registry
from .models import Term, Unit, User
from .org.roles import Role


class TaskSerializer(serializers.Serializer):
    def to_representation(self, task):
        owner = task.owner
        due = task_registry.task_due(task)
        return {
            "id": task.pk,
            "flow": task_registry.flow_code_of(task),
            "step": task.flow_task.name,
            "title": task_registry.task_title(task),
            "process_id": task.process_id,
            "subject_id": task.process.artifact_object_id,
            "status": task_registry.API_STATUS.get(task.status, str(task.status).lower()),
            "assigned_to": owner.username if owner else None,
            "created": task.created.isoformat(),
            "due": due.isoformat() if due else None,
            "on_behalf_of": on_behalf_of(task),
        }


def on_behalf_of(task) -> str | None:
    """Whose task this is when a delegate holds or did it (委托): the inbox annotation, else the stand-in record."""
    annotated = getattr(task, "on_behalf_of", None)
    if annotated:
        return annotated
    stand_in = getattr(task, "stand_in", None)  # select_related by the lists that show it
    return stand_in.principal.username if stand_in is not None and stand_in.delegate_id == task.owner_id else None


class MeSerializer(serializers.Serializer):
    def to_representation(self, user):
        grants = user.role_grants.select_related("unit").order_by("role")
        return {
            "username": user.username,
            "name": user.name,
            "unit": user.unit.code if user.unit_id else None,
            "membership": user.membership,
            "roles": [{"role": g.role, "unit": g.unit.code if g.unit_id else None} for g in grants],
        }


class TermSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Term
        fields = ["id", "unit", "started", "ends", "status", "postponed_until", "postpone_reason"]


def committee_of(unit: Unit):
    """The unit's committee: 党委委员 for the hospital committee, 支部委员 (incl. secretary) otherwise."""
    if unit.kind == Unit.Kind.COMMITTEE:
        grants = {"role_grants__role__in": [Role.COMMITTEE_MEMBER, Role.PARTY_SECRETARY]}
    else:
        grants = {"role_grants__unit": unit,
                  "role_grants__role__in": [Role.BRANCH_SECRETARY, Role.BRANCH_COMMITTEE_MEMBER]}
    return User.objects.filter(is_active=True, **grants).distinct()


class UnitSerializer(serializers.Serializer):
    def to_representation(self, unit: Unit):
        term = unit.current_term
        secretary = unit.secretary
        committee = committee_of(unit)
        members = unit.people.filter(is_active=True).exclude(membership=User.Membership.NONE)
        return {
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind,
            "parent": unit.parent.code if unit.parent_id else None,
            "department": unit.department,
            "term_years": unit.term_years,
            "term_started": term.started.isoformat() if term else None,
            "term_ends": term.effective_end.isoformat() if term else None,
            "secretary": secretary.username if secretary else None,
            "committee": sorted(committee.values_list("username", flat=True)),
            "members": sorted(members.values_list("username", flat=True)),
        }
