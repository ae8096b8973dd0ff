from django import forms

from .filetypes import ACCEPT


class AttachmentUploadForm(forms.Form):
    """Upload one file; the step is chosen only when the user may upload to more than one now."""

    file = forms.FileField(label="文件", error_messages={"required": "请选择要上传的文件。"},
                           widget=forms.FileInput(attrs={"accept": ACCEPT, "class": "hp-filepick__input"}),
                           help_text="PDF、Word、Excel、PowerPoint、JPG、PNG；手机可直接拍照或从相册选择。")
    title = forms.CharField(label="标题（可不填，默认用文件名）", max_length=200, required=False)
    step = forms.ChoiceField(label="所属环节", required=False)

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [(s.code, s.label) for s in steps]
        if len(steps) <= 1:
            self.fields["step"].widget = forms.HiddenInput()
            self.initial.setdefault("step", steps[0].code if steps else "")


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写撤回理由。"})
