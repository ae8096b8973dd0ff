"""One row per uploaded file: its subject, the step it belongs to, what it is, and its withdrawal."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.audit import audited_history
from workflows.subjects import SubjectQuerySet, SubjectRecord

from .filetypes import human_size, icon_for


def attachments_storage():
    """settings.STORAGES["attachments"]: a private file system root by default, S3 by setting (README)."""
    return storages["attachments"]


def stored_name(instance, filename: str) -> str:
    """Files are stored under a random name: the original name is only in the row."""
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


class Attachment(SubjectRecord):
    step = models.CharField(_("所属环节"), max_length=40)
    task = models.ForeignKey("viewflow.Task", verbose_name=_("所属步骤"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=200)
    filename = models.CharField(_("原文件名"), max_length=255)
    extension = models.CharField(_("扩展名"), max_length=10)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=120)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file = models.FileField(_("文件"), storage=attachments_storage, upload_to=stored_name, max_length=300)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    withdrawn = models.BooleanField(_("已撤回"), default=False)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("撤回人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_reason = models.TextField(_("撤回理由"), blank=True)

    objects = SubjectQuerySet.as_manager()
    history = audited_history()

    class Meta(SubjectRecord.Meta):
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.title

    # What was uploaded never changes: only the withdrawal fields may be set later.
    KEPT_FIELDS = ("subject_type_id", "subject_id", "step", "task_id", "filename", "extension", "size",
                   "content_type", "sha256", "file", "uploaded_by_id", "uploaded_at")

    def save(self, *args, **kwargs):
        kept = getattr(self, "_kept", None)
        if not self._state.adding and kept is not None:
            changed = [name for name in self.KEPT_FIELDS if name in kept and self.__dict__.get(name) != kept[name]]
            if changed:
                raise ValueError(f"附件上传后不可修改（{', '.join(changed)}）；如有错误请撤回后重新上传。")
        super().save(*args, **kwargs)
        self._kept = {name: self.__dict__.get(name) for name in self.KEPT_FIELDS}

    def delete(self, *args, **kwargs):
        raise ValueError("附件不可删除，只能撤回（文件与哈希保留）。")

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._kept = {name: instance.__dict__.get(name) for name in cls.KEPT_FIELDS}
        return instance

    @property
    def icon(self) -> str:
        return icon_for(self.content_type)

    @property
    def frozen(self) -> bool:
        """Attached to a step that is finished: kept as it is (withdrawal only marks it)."""
        from workflows.tasks import OPEN_STATUSES

        return self.task_id is not None and self.task.status not in OPEN_STATUSES

    @property
    def size_display(self) -> str:
        return human_size(self.size)
