"""API representations of the organisation and tasks."""

from rest_framework import serializers

from . import tasks as task_registry
from .api_fields import StrictCharField
from .models import Term, Unit, User
from .org.roles import Role


class TaskSerializer(serializers.Serializer):
    """A task of the inbox (the declared fields are its schema; to_representation builds it)."""

    id = serializers.IntegerField()
    flow = serializers.CharField(help_text="decision | meeting | election")
    step = serializers.CharField()
    title = serializers.CharField()
    process_id = serializers.IntegerField()
    subject_id = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=["new", "assigned", "done", "canceled"])
    assigned_to = serializers.CharField(allow_null=True)
    created = serializers.DateTimeField()
    due = serializers.DateTimeField(allow_null=True)
    on_behalf_of = serializers.CharField(allow_null=True, help_text="委托: the person the holder acts for")

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


class RoleSerializer(serializers.Serializer):
    role = serializers.CharField()
    unit = serializers.CharField(allow_null=True)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField(allow_null=True)
    membership = serializers.CharField()
    roles = RoleSerializer(many=True)

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
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="committee | general_branch | branch")
    parent = serializers.CharField(allow_null=True)
    department = serializers.CharField(allow_blank=True)
    term_years = serializers.IntegerField()
    term_started = serializers.DateField(allow_null=True)
    term_ends = serializers.DateField(allow_null=True)
    secretary = serializers.CharField(allow_null=True)
    committee = serializers.ListField(child=serializers.CharField())
    members = serializers.ListField(child=serializers.CharField())

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


class TokenRequestSerializer(serializers.Serializer):
    username = StrictCharField(max_length=150, error_messages={
        "required": "请填写用户名。", "blank": "请填写用户名。", "max_length": "用户名不能超过 150 个字符。"})
    password = StrictCharField(max_length=1024, trim_whitespace=False, error_messages={
        "required": "请填写密码。", "blank": "请填写密码。", "max_length": "密码不能超过 1024 个字符。"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class TaskCompleteSerializer(serializers.Serializer):
    task = TaskSerializer()
    subject = serializers.JSONField(allow_null=True, help_text="the decision, meeting or election after the step")


class HistoryEntrySerializer(serializers.Serializer):
    """One change: `changes` is {"field": [old, new]}."""

    at = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True)
    action = serializers.CharField()
    object = serializers.CharField()
    object_label = serializers.CharField()
    changes = serializers.DictField(child=serializers.ListField())
    reason = serializers.CharField(allow_blank=True)
