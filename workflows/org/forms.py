"""Forms of the organisation pages."""

from django import forms


class TermPostponeForm(forms.Form):
    until = forms.DateField(label="延期至", widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"required": "请填写延期日期。", "invalid": "日期格式应为 YYYY-MM-DD。"})
    reason = forms.CharField(label="延期理由（党委批准情况）", max_length=200, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写延期理由（党委批准情况）。"})
