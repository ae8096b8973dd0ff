"""Pages: upload to a subject, download through the subject's visibility rule, withdraw with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import RedirectView
from viewflow.urls import Application

from workflows.exceptions import Conflict, errors_to_form
from workflows.org.permissions import require_perm
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


class AttachmentUploadView(LoginRequiredMixin, View):
    """GET: the upload form alone (and where a refused upload shows its errors); POST: upload."""

    template_name = "materials/upload.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.subject = visible_subject(request.user, kind=kwargs["kind"], pk=kwargs["pk"])
            require_perm(request.user, "attachments.upload", self.subject)
        return super().dispatch(request, *args, **kwargs)

    def _render(self, form, status=200):
        return render(self.request, self.template_name, {"form": form, "subject": self.subject,
                                                         "next": back_url(self.request, self.subject)}, status=status)

    def get(self, request, kind, pk):
        return self._render(AttachmentUploadForm(steps=upload_steps(self.subject, request.user)))

    def post(self, request, kind, pk):
        form = AttachmentUploadForm(request.POST, request.FILES, steps=upload_steps(self.subject, request.user))
        if form.is_valid():
            try:
                attachment = attachment_upload(subject=self.subject, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                errors_to_form(form, error)
            except Conflict as conflict:
                form.add_error(None, conflict.message)
            else:
                messages.success(request, f"已上传附件：{attachment.title}")
                return HttpResponseRedirect(back_url(request, self.subject))
        return self._render(form, status=400)


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


class AttachmentWithdrawView(LoginRequiredMixin, View):
    template_name = "materials/withdraw.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.attachment = get_visible_attachment(request.user, kwargs["pk"])
            if not request.user.has_perm("attachments.withdraw", self.attachment):
                raise PermissionDenied("只有上传人或党委办公室可以撤回附件。")
            self.subject = self.attachment.subject
        return super().dispatch(request, *args, **kwargs)

    def _render(self, form, status=200):
        return render(self.request, self.template_name, {
            "form": form, "attachment": self.attachment, "next": back_url(self.request, self.subject)}, status=status)

    def get(self, request, pk):
        return self._render(WithdrawForm())

    def post(self, request, pk):
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                attachment_withdraw(attachment=self.attachment, user=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                errors_to_form(form, error)
            except Conflict as conflict:
                messages.error(request, conflict.message)
                return HttpResponseRedirect(back_url(request, self.subject))
            else:
                messages.success(request, f"已撤回附件：{self.attachment.title}（文件与哈希保留备查）")
                return HttpResponseRedirect(back_url(request, self.subject))
        return self._render(form, status=400)


class MaterialsApp(Application):
    """附件 pages inside the site shell (its colours and menu); reached from the subject pages, not the menu."""

    title = "附件"
    icon = "attach_file"
    app_name = "materials"
    menu_template_name = "workflows/app_menu.html"
    menu_hidden = True  # no menu entry of its own (site_menu.html); each view checks its subject

    index_path = path("", RedirectView.as_view(url="/", http_method_names=["get"]), name="index")
    upload_path = path("<slug:kind>/<int:pk>/upload/", AttachmentUploadView.as_view(), name="upload")
    download_path = path("attachments/<int:pk>/download/", AttachmentDownloadView.as_view(), name="download")
    withdraw_path = path("attachments/<int:pk>/withdraw/", AttachmentWithdrawView.as_view(), name="withdraw")
