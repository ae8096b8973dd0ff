from django import forms


class CommentForm(forms.Form):
    text = forms.CharField(label="发表意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "请填写讨论内容。",
                                           "max_length": "讨论内容不能超过2000字。"})
