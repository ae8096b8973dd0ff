"""Reads: a subject's attachments, one visible attachment, and what a subject page shows of them."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse

from workflows.tasks.processes import registration_for_subject, visible_subject

from .filetypes import ACCEPT
from .models import Attachment
from .registry import step_label, upload_steps


def attachments_of(subject):
    """The subject's attachments, oldest first, with what their lists show (one query)."""
    return Attachment.objects.of(subject).select_related("uploaded_by", "withdrawn_by", "task")


def subject_records(subject) -> list:
    """The subject's attachments and comments as querysets for its history (uploads, withdrawals, 讨论)."""
    from workflows.comments.models import Comment

    return [Attachment.objects.of(subject), Comment.objects.of(subject)]


def get_visible_attachment(user, pk) -> Attachment:
    """The attachment, if `user` may see its subject (the subject page's own rule); Http404 otherwise."""
    attachment = get_object_or_404(Attachment.objects.select_related("subject_type", "task", "uploaded_by"), pk=pk)
    visible_subject(user, model=attachment.subject_type.model_class(), pk=attachment.subject_id)
    return attachment


def attachment_links(subject) -> list[dict]:
    """The subject's current (not withdrawn) files as {"title", "size", "url"} for notices (site-relative urls)."""
    return [
        {"title": a.title, "size": a.size_display, "url": reverse("materials:download", args=[a.pk])}
        for a in Attachment.objects.of(subject).filter(withdrawn=False)
    ]


def attachment_rows(subject, user) -> list[dict]:
    model = type(subject)
    return [
        {"attachment": a, "step_label": step_label(model, a.step),
         "may_withdraw": not a.withdrawn and user.has_perm("attachments.withdraw", a)}
        for a in attachments_of(subject)
    ]


def materials_context(subject, user) -> dict:
    """The 附件 and 讨论 sections of a subject or task page: the list, the upload form, the comment box."""
    from workflows.comments.selectors import comments_context

    from .forms import AttachmentUploadForm

    entry = registration_for_subject(subject)
    steps = upload_steps(subject, user) if user.has_perm("attachments.upload", subject) else []
    return {
        "attachment_rows": attachment_rows(subject, user),
        "upload_form": AttachmentUploadForm(steps=steps) if steps else None,
        "upload_accept": ACCEPT,
        "subject_kind": entry.kind if entry is not None else "",
        "subject_pk": subject.pk,
        **comments_context(subject, user),
    }
