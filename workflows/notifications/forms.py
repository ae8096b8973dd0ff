"""The unit page's 群机器人 form (office staff)."""

from django import forms

from .channels import clean_secret, clean_webhook


class UnitChannelsForm(forms.Form):
    wecom_webhook = forms.CharField(
        label="企业微信群机器人地址", required=False, max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"}),
        help_text="在企业微信群中添加群机器人后，复制它的推送地址填在这里；留空则不推送。",
        error_messages={"max_length": "地址过长（最多 500 个字符）。"},
    )
    dingtalk_webhook = forms.CharField(
        label="钉钉群机器人地址", required=False, max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://oapi.dingtalk.com/robot/send?access_token=…"}),
        help_text="钉钉群 → 智能群助手 → 添加自定义机器人，复制它的推送地址；留空则不推送。",
        error_messages={"max_length": "地址过长（最多 500 个字符）。"},
    )
    dingtalk_secret = forms.CharField(
        label="钉钉加签密钥", required=False, max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="机器人安全设置选择“加签”时填写（以 SEC 开头）；留空则保持不变。",
        error_messages={"max_length": "密钥过长（最多 200 个字符）。"},
    )
    clear_secret = forms.BooleanField(label="清除已保存的加签密钥", required=False)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        secret = "" if data["clear_secret"] else (data["dingtalk_secret"] or None)
        return {"wecom_webhook": data["wecom_webhook"], "dingtalk_webhook": data["dingtalk_webhook"],
                "dingtalk_secret": secret}

    def clean_wecom_webhook(self):
        return _field_clean(clean_webhook, "wecom_webhook", self.cleaned_data["wecom_webhook"])

    def clean_dingtalk_webhook(self):
        return _field_clean(clean_webhook, "dingtalk_webhook", self.cleaned_data["dingtalk_webhook"])

    def clean_dingtalk_secret(self):
        return _field_clean(clean_secret, self.cleaned_data["dingtalk_secret"])


def _field_clean(clean, *args):
    """The channel rule's message, on this field."""
    try:
        return clean(*args)
    except forms.ValidationError as error:
        raise forms.ValidationError(next(iter(error.message_dict.values()))) from None
