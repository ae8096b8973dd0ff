"""Upload and withdraw attachments: each in one transaction, audited, nothing stored on error."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from workflows.audit import audit_context
from workflows.exceptions import Conflict
from workflows.org.permissions import require_perm
from workflows.records import record_save
from workflows.tasks import process_lock

from .filetypes import NotAllowed, detect, human_size
from .models import Attachment
from .registry import after_upload, upload_steps


def max_upload_bytes() -> int:
    return settings.ATTACHMENT_MAX_BYTES


def _check_file(file) -> tuple:
    """(file type, sha256) of an allowed file, or a ValidationError on `file`."""
    if file is None:
        raise ValidationError({"file": ["请选择要上传的文件。"]})
    if not file.size:
        raise ValidationError({"file": ["文件是空的，请重新选择。"]})
    if file.size > max_upload_bytes():
        raise ValidationError({"file": [
            f"文件过大（{human_size(file.size)}）：每个附件不能超过 {human_size(max_upload_bytes())}。"]})
    try:
        file_type = detect(file, file.name or "")
    except NotAllowed as refused:
        raise ValidationError({"file": [str(refused)]}) from None
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return file_type, digest.hexdigest()


def attachment_upload(*, subject, user, file, title: str = "", step: str = "") -> Attachment:
    """Attach `file` to `subject` at one of the steps `user` may upload to now (the first unless `step`).

    Everything is checked before the file is written; if anything fails after that (the row, the
    commit) the stored file is deleted again, so a refused or failed upload leaves nothing behind.
    """
    stored = []
    try:
        with transaction.atomic(), process_lock(subject):
            attachment = _upload(subject=subject, user=user, file=file, title=title, step=step, stored=stored)
    except BaseException:
        for storage, name in stored:
            storage.delete(name)
        raise
    return attachment


def _upload(*, subject, user, file, title, step, stored) -> Attachment:
    require_perm(user, "attachments.upload", subject)
    steps = upload_steps(subject, user)
    chosen = next((s for s in steps if s.code == step), None) if step else steps[0]
    if chosen is None:
        raise ValidationError({"step": ["当前不能向该环节上传附件，请重新选择。"]})
    file_type, sha256 = _check_file(file)
    filename = PurePath(file.name).name[:255]
    attachment = Attachment(
        subject_type=ContentType.objects.get_for_model(type(subject)), subject_id=subject.pk,
        step=chosen.code, task=chosen.task, title=(title or "").strip()[:200] or PurePath(filename).stem[:200],
        filename=filename, extension=file_type.extension, size=file.size, content_type=file_type.content_type,
        sha256=sha256, uploaded_by=user,
    )
    attachment.full_clean(exclude=["file", "subject_type", "task", "uploaded_by"])
    with audit_context(actor=user, reason=f"上传附件（{chosen.label}）：{attachment.title}"):
        attachment.file.save(attachment.filename, file, save=False)  # the storage write comes last
        stored.append((attachment.file.storage, attachment.file.name))
        attachment.save()
        after_upload(subject, attachment, user)
    return attachment


@transaction.atomic
def attachment_withdraw(*, attachment: Attachment, user, reason: str) -> Attachment:
    """Mark `attachment` withdrawn with a reason; the file and its hash stay (the uploader or office staff)."""
    require_perm(user, "attachments.withdraw", attachment)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写撤回理由。"]})
    locked = Attachment.objects.select_for_update(of=("self",)).select_related("task").get(pk=attachment.pk)
    if locked.withdrawn:
        raise Conflict("该附件已撤回。")
    locked.withdrawn, locked.withdrawn_by, locked.withdrawn_at = True, user, timezone.now()
    locked.withdraw_reason = reason[:2000]
    with audit_context(actor=user, reason=f"撤回附件：{reason}"):
        record_save(locked)
    return locked
