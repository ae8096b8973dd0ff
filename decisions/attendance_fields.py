"""The attendance form's fields: 出席/缺席 toggles with a reason, and a recusal picker per agenda item."""

from django import forms


class AttendanceToggle(forms.Widget):
    """One member: 出席/缺席 as two large toggles, and the reason of an absence."""

    def value_from_datadict(self, data, files, name):
        return (data.get(name), data.get(f"{name}_reason", ""))

    def value_omitted_from_data(self, data, files, name):
        return False

    def id_for_label(self, id_):
        return f"{id_}_present" if id_ else id_

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.html import format_html

        choice, reason = value if isinstance(value, (list, tuple)) else (value, "")
        id_ = (attrs or {}).get("id") or f"id_{name}"
        disabled = " disabled" if (attrs or {}).get("disabled") or self.attrs.get("disabled") else ""
        options = "".join(
            format_html('<label class="hp-att__opt hp-att__opt--{v}"><input type="radio" name="{n}" id="{i}_{v}" '
                        'value="{v}"{c}{d}><span>{t}</span></label>', v=v, n=name, i=id_, t=t, d=disabled,
                        c=" checked" if choice == v else "")
            for v, t in (("present", "出席"), ("absent", "缺席")))
        return format_html(
            '<div class="hp-att" id="{i}"><span class="hp-att__toggle" role="radiogroup">{o}</span>'
            '<input type="text" class="hp-att__reason" name="{n}_reason" id="{i}_reason" value="{r}" maxlength="300" '
            'placeholder="缺席理由（如出差、病假）" aria-label="缺席理由"{d}></div>',
            i=id_, o=format_html(options), n=name, r=reason or "", d=disabled)


class AttendanceChoiceField(forms.Field):
    widget = AttendanceToggle

    def to_python(self, value):
        choice, reason = value if isinstance(value, (list, tuple)) else (value, "")
        if choice not in ("present", "absent"):
            raise forms.ValidationError("请选择出席或缺席。", code="invalid")
        reason = str(reason or "").strip()
        if choice == "absent" and not reason:
            raise forms.ValidationError("请填写缺席理由。", code="reason")
        return (choice, reason[:300] if choice == "absent" else "")


class RecusalPicker(forms.Widget):
    """One agenda item: tick the members who recuse themselves, each with a reason."""

    def __init__(self, members=(), attrs=None):
        super().__init__(attrs)
        self.members = list(members)

    def value_from_datadict(self, data, files, name):
        return {m.pk: data.get(f"{name}_{m.pk}_reason", "") for m in self.members if data.get(f"{name}_{m.pk}")}

    def value_omitted_from_data(self, data, files, name):
        return False

    def id_for_label(self, id_):
        return ""

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.html import format_html, format_html_join

        value = value if isinstance(value, dict) else {}
        id_ = (attrs or {}).get("id") or f"id_{name}"
        disabled = " disabled" if (attrs or {}).get("disabled") or self.attrs.get("disabled") else ""
        rows = format_html_join("", (
            '<div class="hp-rec__row"><label class="hp-rec__pick"><input type="checkbox" name="{0}_{1}" '
            'id="{2}_{1}" value="1"{3}{4}><span>{5}</span></label><input type="text" class="hp-rec__reason" '
            'name="{0}_{1}_reason" id="{2}_{1}_reason" value="{6}" maxlength="300" placeholder="回避理由" '
            'aria-label="{5}的回避理由"{4}></div>'), (
            (name, m.pk, id_, " checked" if m.pk in value else "", disabled, m.name or m.username, value.get(m.pk, ""))
            for m in self.members))
        return format_html('<div class="hp-rec" id="{}">{}</div>', id_, rows)


class RecusalField(forms.Field):
    def __init__(self, *, members, **kwargs):
        self.members = {m.pk: m for m in members}
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", {})
        super().__init__(widget=RecusalPicker(members=members), **kwargs)

    def to_python(self, value):
        value = value if isinstance(value, dict) else {}
        cleaned = {pk: str(reason or "").strip()[:300] for pk, reason in value.items() if pk in self.members}
        missing = [self.members[pk].name or self.members[pk].username for pk, reason in cleaned.items() if not reason]
        if missing:
            raise forms.ValidationError(f"请填写回避理由：{'、'.join(missing)}", code="reason")
        return cleaned
