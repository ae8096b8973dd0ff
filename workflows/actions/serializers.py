"""Request and response shapes of the task-action endpoints (explicit, for the OpenAPI schema)."""

from rest_framework import serializers

from ..tasks import flow_code_of
from .delegation import delegation_state
from .models import CarbonCopy, Consultation, Delegation


def _text(required_message: str, max_length: int, required=True):
    return serializers.CharField(max_length=max_length, required=required, allow_blank=not required,
                                 error_messages={"required": required_message, "blank": required_message,
                                                 "max_length": f"不能超过 {max_length} 字。"})


def _username(message: str):
    return serializers.CharField(error_messages={"required": message, "blank": message})


class ReassignRequest(serializers.Serializer):
    to = _username("请选择转交给谁。")
    reason = _text("请填写转办理由。", 300)


class UrgeRequest(serializers.Serializer):
    message = _text("请填写催办内容。", 500)


class CopyRequest(serializers.Serializer):
    to = serializers.ListField(child=serializers.CharField(), allow_empty=False,
                               error_messages={"required": "请选择抄送对象。", "empty": "请选择抄送对象。",
                                               "not_a_list": "请提供用户名列表。"})
    note = _text("", 500, required=False)


class ConsultRequest(serializers.Serializer):
    to = serializers.ListField(child=serializers.CharField(), allow_empty=False,
                               error_messages={"required": "请选择征求意见的对象。", "empty": "请选择征求意见的对象。",
                                               "not_a_list": "请提供用户名列表。"})
    question = _text("请填写征求意见的内容。", 1000)


class AnswerRequest(serializers.Serializer):
    answer = _text("请填写您的意见。", 4000)


class DelegationRequest(serializers.Serializer):
    delegate = _username("请选择受托人。")
    starts = serializers.DateField(error_messages={"required": "请填写开始日期。", "invalid": "日期格式应为 YYYY-MM-DD。"})
    ends = serializers.DateField(error_messages={"required": "请填写结束日期。", "invalid": "日期格式应为 YYYY-MM-DD。"})
    reason = serializers.ChoiceField(choices=Delegation.Reason.choices,
                                     error_messages={"required": "请选择事由。", "invalid_choice": "事由应为出差、病假或休假。"})


class DelegationSerializer(serializers.ModelSerializer):
    principal = serializers.SlugRelatedField(slug_field="username", read_only=True)
    delegate = serializers.SlugRelatedField(slug_field="username", read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = Delegation
        fields = ["id", "principal", "delegate", "starts", "ends", "reason", "created", "cancelled_at", "state"]

    def get_state(self, obj) -> str:
        return str(delegation_state(obj))


class ConsultationSerializer(serializers.ModelSerializer):
    asked_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    person = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Consultation
        fields = ["id", "task", "asked_by", "person", "question", "status", "answer", "skip_reason", "created",
                  "answered_at"]


class CopySerializer(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    to = serializers.SlugRelatedField(slug_field="username", read_only=True)
    flow = serializers.SerializerMethodField()
    subject_id = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()

    class Meta:
        model = CarbonCopy
        fields = ["id", "task", "flow", "subject_id", "title", "by", "to", "note", "at"]

    def get_flow(self, obj) -> str:
        return flow_code_of(obj.task)

    def get_subject_id(self, obj) -> int | None:
        return obj.task.process.artifact_object_id

    def get_title(self, obj) -> str:
        subject = obj.task.process.artifact
        return str(subject) if subject is not None else ""


class UrgeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    task = serializers.IntegerField(source="task_id")
    message = serializers.CharField()
    recipients = serializers.ListField(child=serializers.CharField())
    at = serializers.DateTimeField()


class TaskRowSerializer(serializers.Serializer):
    """A row of `GET /api/v1/tasks/`: a task (open, done), or for `scope=started` a subject I started
    (then `id`, `step`, `assigned_to` and `due` are null and `status` is the subject's)."""

    id = serializers.IntegerField(allow_null=True)
    flow = serializers.CharField()
    step = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    process_id = serializers.IntegerField(allow_null=True)
    subject_id = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    assigned_to = serializers.CharField(allow_null=True)
    created = serializers.CharField()
    due = serializers.CharField(allow_null=True)
    on_behalf_of = serializers.CharField(allow_null=True)
