"""Pages: upload to a subject, download through the subject's visibility rule, withdraw with a reason."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import RedirectView
from viewflow.urls import Application

from workflows.org.permissions import require_perm
from workflows.pages import ServiceFormView
from workflows.tasks.processes import subject_url, visible_subject

from .forms import AttachmentUploadForm, WithdrawForm
from .models import Attachment
from .registry import upload_steps
from .selectors import get_visible_attachment
from .services import attachment_upload, attachment_withdraw


def back_url(request, subject) -> str:
    """Where to go after the form: the page it was posted from (`next`, same site only) or the subject's page."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return wanted
    return subject_url(subject)


class SubjectFormView(ServiceFormView):
    """A form page about one subject, reached from the subject's page and going back there (or to `next`).

    `load(user, **url_kwargs)` finds the subject (404 for one the user may not see) and checks the right:
    by default the subject of `<kind>/<pk>` and `subject_perm` on it.
    """

    subject_perm = ""

    template_name = "materials/form_page.html"
    submit_label = "提交"
    multipart = False
    intro = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.subject = self.load(request.user, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, user, kind, pk):
        subject = visible_subject(user, kind=kind, pk=pk)
        require_perm(user, self.subject_perm, subject)
        return subject

    def heading(self) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.heading(),
                "next": back_url(self.request, self.subject)}

    def conflict_url(self):
        return back_url(self.request, self.subject)


class AttachmentUploadView(SubjectFormView):
    """The upload form alone (and where a refused upload shows its errors next to the fields)."""

    form_class = AttachmentUploadForm
    subject_perm = "attachments.upload"
    submit_label = "上传附件"
    multipart = True

    def heading(self):
        return f"上传附件：{self.subject}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "steps": upload_steps(self.subject, self.request.user)}

    def perform(self, form):
        attachment = attachment_upload(subject=self.subject, user=self.request.user, **form.cleaned_data)
        return f"已上传附件：{attachment.title}", back_url(self.request, self.subject)


def download_response(attachment: Attachment) -> FileResponse:
    """The stored file under its original (Chinese) name: attachment, RFC 5987 filename*, never sniffed."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.filename,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class AttachmentDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        return download_response(get_visible_attachment(request.user, pk))


class AttachmentWithdrawView(SubjectFormView):
    form_class = WithdrawForm
    submit_label = "确认撤回"
    intro = "撤回后附件标记为“已撤回”，文件与哈希（SHA-256）仍保留备查。"

    def load(self, user, pk):  # the attachment's subject
        self.attachment = get_visible_attachment(user, pk)
        if not user.has_perm("attachments.withdraw", self.attachment):
            raise PermissionDenied("只有上传人或党委办公室可以撤回附件。")
        return self.attachment.subject

    def heading(self):
        return f"撤回附件：{self.attachment.title}"

    def perform(self, form):
        attachment_withdraw(attachment=self.attachment, user=self.request.user, reason=form.cleaned_data["reason"])
        return f"已撤回附件：{self.attachment.title}（文件与哈希保留备查）", back_url(self.request, self.subject)


class SubjectPagesApp(Application):
    """Pages inside the site shell (its colours and menu) reached from the subject pages, not from the menu."""

    menu_template_name = "workflows/app_menu.html"
    menu_hidden = True  # no menu entry of its own (site_menu.html); each view checks its subject

    index_path = path("", RedirectView.as_view(url="/", http_method_names=["get"]), name="index")


class MaterialsApp(SubjectPagesApp):
    title = "附件"
    icon = "attach_file"
    app_name = "materials"

    upload_path = path("<slug:kind>/<int:pk>/upload/", AttachmentUploadView.as_view(), name="upload")
    download_path = path("attachments/<int:pk>/download/", AttachmentDownloadView.as_view(), name="download")
    withdraw_path = path("attachments/<int:pk>/withdraw/", AttachmentWithdrawView.as_view(), name="withdraw")
