"""Strict JSON types at the API edge, and request serializers derived from the step/input forms.

The Django forms keep the business validation (shared with the HTML pages); the serializer of a form
refuses wrong JSON types first (a title `true`, a date `0`, `needs_expert_review: "yes"`), so no
form ever sees a value it would coerce or crash on, and gives drf-spectacular the payload's schema.
"""

from functools import cache

from django import forms
from django.http import QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from .tasks.forms import JSONDictField, PeopleField, UsernameListField

TEXT_MESSAGE = "须为文本。"
BOOL_MESSAGE = "须为 true 或 false。"
NULL_MESSAGE = "不能为空（null）。"


class StrictCharField(serializers.CharField):
    """Text only: JSON numbers and booleans are refused, not turned into "42" or "True"."""

    default_error_messages = {"invalid": TEXT_MESSAGE, "null": NULL_MESSAGE}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.DATE)
class DateText(StrictCharField):
    """A date as text, `YYYY-MM-DD` (parsed by the form)."""

    default_error_messages = {"invalid": "日期须为文本，格式 YYYY-MM-DD。"}


@extend_schema_field(OpenApiTypes.DATETIME)
class DateTimeText(StrictCharField):
    """A time as ISO 8601 text (parsed by the form)."""

    default_error_messages = {"invalid": "时间须为文本，ISO 8601 格式。"}


class StrictBooleanField(serializers.BooleanField):
    """JSON true/false only (not 1, "yes" or "on")."""

    default_error_messages = {"invalid": BOOL_MESSAGE}

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        self.fail("invalid")


class IntegerValue(serializers.IntegerField):
    default_error_messages = {"invalid": "须为整数。"}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "format": "decimal", "pattern": r"^-?\d+(\.\d+)?$",
                      "description": "十进制数（文本或数字）"})
class AmountValue(serializers.Field):
    """An amount in 元: a decimal number or its text (the form checks range and digits)."""

    default_error_messages = {"invalid": "金额须为数字。"}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (str, int, float)):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return str(value)


def usernames(**kwargs):
    return serializers.ListField(child=StrictCharField(), **kwargs)


API_TYPES = {
    "bool": lambda options: StrictBooleanField(**options),
    "ids": lambda options: serializers.ListField(child=IntegerValue(), **options),
    "text": lambda options: StrictCharField(allow_blank=True, **options),
    "usernames": lambda options: usernames(**options),
    "object": lambda options: serializers.DictField(**options),
}
BUILT_IN_TYPES = [(forms.BooleanField, "bool"), (forms.CharField, "text"), (forms.ChoiceField, "text")]


def _field_for(form_field: forms.Field):
    """The strict serializer field of one form field: by its `api_type` ("bool", "ids", "text",
    "usernames", "object") or its Django class; any JSON value for a field of neither."""
    options = {"required": form_field.required, "allow_null": True,
               "help_text": str(form_field.help_text or form_field.label or "") or None}
    api_type = getattr(form_field, "api_type", None)
    if isinstance(form_field, PeopleField):
        api_type = "usernames" if form_field.multiple else "text"
    elif isinstance(form_field, UsernameListField):
        api_type = "usernames"
    elif isinstance(form_field, JSONDictField):
        api_type = "object"
    if api_type is None:
        if isinstance(form_field, forms.DateTimeField):
            return DateTimeText(allow_blank=True, **options)
        if isinstance(form_field, forms.DateField):
            return DateText(allow_blank=True, **options)
        if isinstance(form_field, forms.DecimalField):
            return AmountValue(**options)
        if isinstance(form_field, forms.IntegerField):
            return IntegerValue(**options)
        api_type = next((kind for cls, kind in BUILT_IN_TYPES if isinstance(form_field, cls)), None)
    return API_TYPES[api_type](options) if api_type else serializers.JSONField(**options)


@cache
def form_serializer(form_class: type[forms.Form]) -> type[serializers.Serializer]:
    """A serializer with one strict field per field of `form_class` (its request schema and type gate),
    named after the form and its app, e.g. decisions.forms.ReviewForm → DecisionsReviewRequest."""
    fields = {name: _field_for(field) for name, field in form_class.base_fields.items()}
    app = form_class.__module__.split(".")[0].title()
    name = app + form_class.__name__.removesuffix("Form") + "Request"
    return type(name, (serializers.Serializer,), {**fields, "__doc__": form_class.__doc__ or ""})


def step_payloads() -> PolymorphicProxySerializer:
    """Schema of `POST /api/v1/tasks/{id}/complete/`: one of the step payloads of every registered flow."""
    return PolymorphicProxySerializer(component_name="StepPayload", resource_type_field_name=None,
                                      serializers=_step_payload_serializers)


def _step_payload_serializers() -> list:
    from .tasks import registered_flows
    from .tasks.nodes import Step

    form_classes = {}
    for entry in registered_flows().values():
        for node in entry.flow_class.instance.nodes():
            if isinstance(node, Step) and node.form_class is not None:
                form_classes.setdefault(node.form_class, None)
    return [form_serializer(form_class) for form_class in form_classes]


def check_types(serializer_class: type[serializers.Serializer], data) -> None:
    """400 with every field of the wrong JSON type; form-encoded bodies are all text and pass."""
    if isinstance(data, QueryDict):
        return
    serializer_class(data=data, partial=True).is_valid(raise_exception=True)
