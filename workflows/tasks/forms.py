"""Form base of every step payload (HTML page and API alike) and its shared fields."""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe


class StepForm(forms.Form):
    """A step payload form; knows the task and the acting user."""

    def __init__(self, *args, task=None, user=None, **kwargs):
        self.task = task
        self.user = user
        super().__init__(*args, **kwargs)


class UsernameListField(forms.Field):
    """A list of usernames given as a JSON list (API) or several form values (HTML)."""

    default_error_messages = {"invalid": "请提供用户名列表。"}

    def to_python(self, value):
        if value in (None, "", []):
            return []
        if isinstance(value, str):
            value = [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return list(value)


class JSONDictField(forms.Field):
    """A JSON object, e.g. {"username": "reason"}; in HTML, a JSON text area."""

    widget = forms.Textarea(attrs={"rows": 3})
    default_error_messages = {"invalid": "格式不正确，应为 JSON 对象。"}

    def to_python(self, value):
        import json

        if value in (None, ""):
            return {}
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not isinstance(value, dict):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value


class ApiOnlyInput(forms.HiddenInput):
    """A payload key only the API sends (the page offers boxes or pickers instead): renders nothing."""

    def render(self, name, value, attrs=None, renderer=None):
        return ""


def _values(data, name) -> list:
    """All values given for `name`: a QueryDict list, a JSON list, or one value."""
    if hasattr(data, "getlist"):
        values = data.getlist(name)
        return values[0] if len(values) == 1 and isinstance(values[0], list) else values
    value = data.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


class PickedIds(list):
    """User ids ticked on a page (as opposed to usernames sent to the API)."""


class PeoplePicker(forms.Widget):
    """Checkboxes (or radios) of people, 姓名（党组织）, with a type-to-filter box (`picker.js`).

    The page submits user ids plus a marker `<name>__ids`; without the marker (the API), the
    field's values are usernames.
    """

    template_name = "includes/people_picker.html"
    multiple = True

    def __init__(self, attrs=None, multiple=True):
        super().__init__(attrs)
        self.multiple = multiple
        self.options = []  # [(id, label, search_text)], set by the field

    def value_from_datadict(self, data, files, name):
        if f"{name}__ids" in data:
            return PickedIds(str(v) for v in _values(data, name) if str(v).strip())
        values = _values(data, name)
        if not self.multiple:
            return values[0] if values else None
        if len(values) == 1 and isinstance(values[0], str):
            return values[0]  # "a,b" typed by hand, split by the field
        return values

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}__ids" not in data

    def render(self, name, value, attrs=None, renderer=None):
        """Render with the project's template engine (the picker template lives in templates/includes/)."""
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))  # noqa: S308

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = {str(v) for v in (value or [])} if isinstance(value, (list, tuple)) else {str(value)}
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        search_url = getattr(self.options, "search_url", None)
        listed = self.options.chosen(chosen) if search_url else self.options
        options = [{"value": pk, "label": label, "search": search, "id": f"{base_id}_{i}", "checked": str(pk) in chosen}
                   for i, (pk, label, search) in enumerate(listed)]
        context["widget"].update(multiple=self.multiple, base_id=base_id, options=options, search_url=search_url,
                                 checked_count=sum(o["checked"] for o in options))
        return context

    def id_for_label(self, id_, index=None):
        return f"{id_}_search" if id_ else id_


class ChoiceButtons(forms.RadioSelect):
    """A few radios in a row with large tap targets (e.g. 通过 / 不予通过)."""

    template_name = "includes/people_picker_choices.html"

    def render(self, name, value, attrs=None, renderer=None):
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))  # noqa: S308


def person_label(user) -> str:
    unit = user.unit.name if user.unit_id else "无党组织"
    return f"{user.name or user.username}（{unit}）"


class PeopleField(forms.Field):
    """People of `queryset`, picked by name on a page (ids) or given as usernames (API); cleans to usernames.

    Usernames from the API are passed through for the service to check against its rules (so its
    messages stay those of the spec); ids from a page must belong to the queryset.
    """

    multiple = True
    default_error_messages = {
        "required": "请选择人员。",
        "invalid": "请提供用户名列表。",
        "invalid_choice": "所选人员不在可选名单中，请重新选择。",
    }

    def __init__(self, *, queryset=None, label_from_user=person_label, search_source: str | None = None, **kwargs):
        """`search_source`: the `org.people_search` source the queryset comes from; past
        `settings.PEOPLE_PICKER_LIST_MAX` people the page searches it by name instead of listing everyone."""
        kwargs.setdefault("widget", PeoplePicker(multiple=self.multiple))
        super().__init__(**kwargs)
        self.label_from_user = label_from_user
        self.search_source = search_source
        self.queryset = queryset

    @property
    def queryset(self):
        return self._queryset

    @queryset.setter
    def queryset(self, queryset):
        self._queryset = queryset
        self._users = None
        self._searched = None
        if isinstance(self.widget, PeoplePicker):
            self.widget.options = _LazyOptions(self)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.queryset = self._queryset  # rebind the copied widget's options to the copied field
        return result

    def searched(self) -> bool:
        """Too many people to list: the page searches the source instead (one COUNT query)."""
        if self._searched is None:
            qs = self._queryset
            self._searched = bool(self.search_source and isinstance(qs, QuerySet)
                                  and qs.count() > settings.PEOPLE_PICKER_LIST_MAX)
        return self._searched

    def users_among(self, *, ids=(), usernames=()) -> list:
        """Those of the given people who are in the queryset: one query when searched, else from the list."""
        ids, usernames = {str(v) for v in ids}, set(usernames)
        if self.searched():
            qs = self._queryset.filter(pk__in=[v for v in ids if v.isdigit()]) if ids else \
                self._queryset.filter(username__in=usernames)
            return list(qs.select_related("unit").order_by("name", "pk"))
        return [u for u in self.users() if str(u.pk) in ids or u.username in usernames]

    def users(self) -> list:
        if self._users is None:
            qs = self._queryset
            if qs is None:
                self._users = []
            else:  # a queryset, or users already in the order to show
                self._users = list(qs.select_related("unit") if hasattr(qs, "select_related") else qs)
        return self._users

    def to_python(self, value):
        if isinstance(value, PickedIds):
            by_id = {str(u.pk): u for u in self.users_among(ids=value)}
            if any(v not in by_id for v in value):
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            names = [by_id[v].username for v in value]
            return names if self.multiple else (names[0] if names else None)
        if self.multiple:
            return UsernameListField.to_python(self, value)
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value.strip() or None

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def prepare_value(self, value):
        """Usernames (initial values, API data) shown as the ids the checkboxes carry."""
        if isinstance(value, PickedIds) or value in (None, "", []):
            return value
        names = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else []
        ids = {u.username: str(u.pk) for u in self.users_among(usernames=names)} if names else {}
        return PickedIds(ids[n] for n in names if n in ids)


class _LazyOptions:
    """The picker's options, read from the field's queryset only when the page renders."""

    def __init__(self, field):
        self.field = field

    def __iter__(self):
        return self._options(self.field.users())

    def _options(self, users):
        for user in users:
            label = self.field.label_from_user(user)
            yield user.pk, label, label

    @property
    def search_url(self) -> str | None:
        if not self.field.searched():
            return None
        return f"{reverse('people-search')}?{urlencode({'source': self.field.search_source})}"

    def chosen(self, ids) -> list:
        return list(self._options(self.field.users_among(ids=ids))) if ids - {"", "None"} else []


class PersonField(PeopleField):
    """One person (radios on a page, a username in the API); cleans to a username or None."""

    multiple = False
    default_error_messages = {"invalid": "请提供用户名。"}


class PersonNumbers(forms.Widget):
    """One number box per person, in a compact list (`<prefix><user id>` inputs)."""

    template_name = "includes/people_picker_numbers.html"

    def __init__(self, attrs=None, *, prefix="n_"):
        super().__init__(attrs)
        self.prefix = prefix
        self.people = []

    def value_from_datadict(self, data, files, name):
        return {str(p.pk): data.get(f"{self.prefix}{p.pk}") for p in self.people
                if data.get(f"{self.prefix}{p.pk}") not in (None, "")}

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{self.prefix}{p.pk}" in data for p in self.people)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        value = value if isinstance(value, dict) else {}
        context["widget"]["rows"] = [
            {"name": f"{self.prefix}{p.pk}", "id": f"id_{self.prefix}{p.pk}", "label": p.name or p.username,
             "value": value.get(str(p.pk), "")} for p in self.people]
        return context

    def render(self, name, value, attrs=None, renderer=None):
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))  # noqa: S308


class PersonNumbersField(forms.Field):
    """A count per person typed into boxes (blank = 0); cleans to {username: count} without zeros."""

    def __init__(self, *, people=(), max_value=None, prefix="n_", **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", PersonNumbers(prefix=prefix))
        super().__init__(**kwargs)
        self.max_value = max_value
        self.people = list(people)
        self.widget.people = self.people

    def to_python(self, value):
        by_id = {str(p.pk): p for p in self.people}
        counts, errors = {}, []
        for pk, raw in (value or {}).items():
            person = by_id[pk]
            label = person.name or person.username
            text = str(raw).strip()
            if not text.isdigit():
                errors.append(f"{label}：请填写不小于 0 的整数。")
            elif self.max_value is not None and int(text) > self.max_value:
                errors.append(f"{label}：不能超过 {self.max_value}。")
            elif int(text):
                counts[person.username] = int(text)
        if errors:
            raise forms.ValidationError(errors)
        return counts
