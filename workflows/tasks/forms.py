"""Form base of every step payload (HTML page and API alike) and its shared fields."""

from django import forms


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
