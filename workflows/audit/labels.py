"""Readable words for history entries: Chinese model and field labels, choice labels, people's and objects' names.

`Labels` caches names per page and `prime(entries, ...)` loads every object a page names with one query per model.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone

# viewflow's own models are not translated: their names in the auditor's pages.
VIEWFLOW_MODEL_LABELS = {"viewflow.process": "流程实例", "viewflow.task": "流程步骤"}
VIEWFLOW_FIELD_LABELS = {
    "flow_class": "流程", "flow_task": "步骤", "flow_task_type": "步骤类型", "status": "状态",
    "created": "创建时间", "assigned": "认领时间", "started": "开始办理", "finished": "完成时间",
    "owner": "办理人", "process": "流程实例", "token": "令牌", "data": "数据", "comments": "备注",
    "owner_permission": "办理权限", "artifact_object_id": "业务对象编号", "artifact_content_type": "业务对象类型",
    "parent_task": "上级步骤", "external_task_id": "外部编号", "scheduled": "计划时间",
    "seed_object_id": "来源对象编号", "seed_content_type": "来源对象类型",
    "owner_permission_content_type": "办理权限对象类型", "owner_permission_obj_pk": "办理权限对象编号",
}
VIEWFLOW_STATUS_LABELS = {
    "NEW": "待办", "ASSIGNED": "已认领", "STARTED": "办理中", "DONE": "已完成", "CANCELED": "已取消",
    "ERROR": "出错", "SCHEDULED": "已计划", "REVIVED": "已恢复",
}


# Display nouns of an object ("任务“党支部前置研究”"); the API keeps `model_label`.
OBJECT_NOUNS = {"viewflow.process": "流程", "viewflow.task": "任务"}
TASK_TYPE_LABELS = {
    "HUMAN": "人工办理", "HUMAN_START": "发起", "START": "发起", "END": "结束", "FUNCTION": "自动处理",
    "JOB": "后台处理", "EXCLUSIVE_GATEWAY": "条件判断", "SWITCH": "条件判断", "PARALLEL_GATEWAY": "并行分发",
    "JOIN": "汇合", "TIMER": "定时", "EVENT": "事件", "CONDITION": "等待条件", "OBSOLETE": "已废弃",
}
# Engine bookkeeping the page does not show (still in the hash chain and the API).
HIDDEN_FIELDS = {
    "viewflow.task": {"token", "owner_permission_content_type", "external_task_id", "seed_content_type",
                      "seed_object_id"},
    "viewflow.process": {"artifact_content_type", "seed_content_type", "seed_object_id"},
    "workflows.user": {"username"},  # people by name on the pages
}
MERGED_FIELD_LABELS = {
    ("viewflow.task", "owner_permission_obj_pk"): "办理范围",
    ("viewflow.process", "artifact_object_id"): "业务对象",
}
TASK_DATA_LABELS = {"due": "办理期限", "user_id": "指定办理人"}
STEP_STATUS_LABELS = {"new": "待办", "assigned": "已认领", "started": "办理中", "done": "已完成",
                      "canceled": "已取消", "error": "出错"}


def model_label(instance_model) -> str:
    return VIEWFLOW_MODEL_LABELS.get(instance_model._meta.label_lower, str(instance_model._meta.verbose_name))


def _field(instance_model, attname: str):
    for field in instance_model._meta.concrete_fields:
        if field.attname == attname or field.name == attname:
            return field
    return None


def _field_label(instance_model, attname: str) -> str:
    merged = MERGED_FIELD_LABELS.get((instance_model._meta.label_lower, attname))
    if merged:
        return merged
    field = _field(instance_model, attname)
    if field is None:
        return attname
    if instance_model._meta.app_label == "viewflow":
        return VIEWFLOW_FIELD_LABELS.get(field.name, str(field.verbose_name))
    label = str(field.verbose_name)
    if label.isascii() and field.is_relation and field.related_model is not None:
        label = str(field.related_model._meta.verbose_name)  # an untranslated FK ("election")
    return label.replace("（用户名）", "")  # usernames are shown as names


def _local(value: str) -> str:
    try:
        return timezone.localtime(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return value


def _node_title(node) -> str:
    """A node's Chinese title; nodes without one (joins, routing gateways) by their kind."""
    title = str(node.task_title or "")
    return title if title and not title.isascii() else TASK_TYPE_LABELS.get(node.task_type, "流程节点")


def _flow_of_model(instance_model):
    """The flow registered for `instance_model` or for a model it points to (an election's review)."""
    from ..tasks import registered_flows

    flows = {entry.model: entry.flow_class for entry in registered_flows().values()}
    if instance_model in flows:
        return flows[instance_model]
    for field in instance_model._meta.concrete_fields:
        if field.is_relation and field.related_model in flows:
            return flows[field.related_model]
    return None


def step_title(instance_model, code):
    """The Chinese title of the step `code` of the flow about `instance_model` (or the code)."""
    flow_class = _flow_of_model(instance_model)
    node = getattr(flow_class, code, None) if flow_class is not None and isinstance(code, str) else None
    return _node_title(node) if hasattr(node, "task_type") else code


class Labels:
    """Readable values for the diff: choice labels, people's and objects' names, local times (cached per page)."""

    def __init__(self):
        self._objects: dict[tuple, str] = {}
        self._people: dict[str, str] = {}

    def __call__(self, instance_model, attname: str, value, object_id=None):
        if value is None or value == "":
            return value
        if isinstance(value, bool):
            return "是" if value else "否"
        label = instance_model._meta.label_lower
        if (label, attname) in MERGED_FIELD_LABELS:
            return self._merged(instance_model, attname, value, object_id)
        field = _field(instance_model, attname)
        if field is None:
            return value
        if label == "viewflow.task":
            if field.name == "status":
                return VIEWFLOW_STATUS_LABELS.get(value, value)
            if field.name == "flow_task" and object_id is not None:
                return self.object_name(instance_model, object_id)
            if field.name == "flow_task_type":
                return TASK_TYPE_LABELS.get(value, "流程节点")
            if field.name == "owner_permission":
                return self.permission(value)
            if field.name == "data" and isinstance(value, dict):
                return self.task_data(value)
        if label == "viewflow.process" and field.name == "status":
            return VIEWFLOW_STATUS_LABELS.get(value, value)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        value_labels = getattr(instance_model, f"{field.name.upper()}_LABELS", None)  # e.g. Opinion.OPINION_LABELS
        if isinstance(value_labels, dict):
            return value_labels.get(value, value)
        if field.name == "step":
            return step_title(instance_model, value)
        linked = _linked_model(field)
        if linked is not None:
            return self.object_name(linked, value)
        if isinstance(value, list):
            return "、".join(self.person(v) if isinstance(v, str) else str(v) for v in value) or None
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            return _local(value)
        return value

    def person(self, username: str) -> str:
        """A username's person by name (the username itself when nobody has it)."""
        if username not in self._people:
            from ..models import User

            user = User.objects.filter(username=username).only("name", "username").first()
            self._people[username] = str(user) if user is not None else username
        return self._people[username]

    def permission(self, value: str) -> str:
        from django.contrib.auth.models import Permission

        app_label, _dot, codename = str(value).partition(".")
        found = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        return found.name if found is not None else "专门权限"

    def task_data(self, data: dict) -> str | None:
        from ..models import User

        parts = []
        for key, value in data.items():
            if key == "due":
                parts.append(f"办理期限 {_local(value)}")
            elif key == "user_id":
                parts.append(f"指定办理人 {self.object_name(User, value)}")
        return "；".join(parts) or None

    def _merged(self, instance_model, attname: str, value, object_id):
        row = instance_model._base_manager.filter(pk=object_id).first() if object_id is not None else None
        if attname == "artifact_object_id":
            content_type = row.artifact_content_type if row is not None else None
        else:
            content_type = row.owner_permission_content_type if row is not None else None
        model = content_type.model_class() if content_type is not None else None
        return self.object_display(model, value) if model is not None else value

    def prime(self, entries: list[dict], models_of) -> None:
        """Load every object and person a page of entries names, one query per model (not per row)."""
        from viewflow.workflow.models import Task

        wanted: dict = {}
        for entry in entries:
            instance_model = models_of(entry)
            if instance_model is None:
                continue
            wanted.setdefault(instance_model, set()).add(entry.get("object_id"))
            for name, values in entry.get("changes", {}).items():
                field = _field(instance_model, name)
                if field is None:
                    continue
                if instance_model is Task and field.name == "flow_task":  # named by the task itself
                    wanted.setdefault(Task, set()).add(entry.get("object_id"))
                    continue
                target = _linked_model(field)
                if target is not None:
                    wanted.setdefault(target, set()).update(pk for pk in values if pk not in (None, ""))
        for model, pks in wanted.items():
            pks = {pk for pk in pks if pk is not None and (model, pk) not in self._objects}
            if pks:
                self._load(model, pks)

    def _load(self, model, pks) -> None:
        related = [f.name for f in model._meta.concrete_fields if f.many_to_one and f.related_model is not None]
        queryset = model._base_manager.select_related(*related)
        if model._meta.label_lower == "viewflow.process":
            queryset = queryset.prefetch_related("artifact")
        try:
            found = queryset.in_bulk(pks)
        except (TypeError, ValueError):  # a value of the wrong type in an old row: name those one by one
            return
        for pk in pks:
            obj = found.get(pk) or found.get(_as_int(pk))
            self._objects[(model, pk)] = self._name_of(model, obj)

    def object_name(self, model, pk) -> str:
        """An object's name for people: a person's name, a step's title, an election review's outcome."""
        key = (model, pk)
        if key not in self._objects:
            self._objects[key] = self._name_of(model, model._base_manager.filter(pk=pk).first())
        return self._objects[key]

    def _name_of(self, model, obj) -> str:
        from django.contrib.contenttypes.models import ContentType

        label = model._meta.label_lower
        if obj is None:
            name = "（已删除）"
        elif model is ContentType:
            found = obj.model_class()
            name = str(found._meta.verbose_name) if found is not None else "（已删除）"
        elif label == "viewflow.task":
            name = _node_title(obj.flow_task) if obj.flow_task is not None else "（已删除）"
        elif label == "viewflow.process":
            title = str(getattr(obj.flow_class, "process_title", "") or "流程")
            artifact = obj.artifact
            name = f"{title}：{artifact}" if artifact is not None else title
        elif label == "elections.electionreview":
            name = f"{step_title(model, obj.step)}：{'同意' if obj.approve else '退回'}"
        elif label == "elections.recommendation":
            name = f"{obj.member}的推荐"
        elif label == "workflows.rolegrant":
            where = f"（{obj.unit.name}）" if obj.unit_id else ""
            name = f"{obj.user} {obj.get_role_display()}{where}"
        else:
            name = str(obj)
        return name

    def object_display(self, model, pk) -> str:
        noun = OBJECT_NOUNS.get(model._meta.label_lower, str(model._meta.verbose_name))
        return f"{noun}“{self.object_name(model, pk)}”"


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _linked_model(field):
    """The model whose object a field's value names (a relation, a plain task id), else None."""
    if field.name == "task_id" and not field.is_relation:
        from viewflow.workflow.models import Task

        return Task
    if field.is_relation and field.related_model is not None:
        return field.related_model
    return None
