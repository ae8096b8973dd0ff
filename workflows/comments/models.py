"""A comment on a subject: written once, never edited or deleted (the audit guard refuses bulk writes)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.audit import audited_history

APPEND_ONLY = "讨论记录只可追加，不可修改或删除。"


class CommentQuerySet(models.QuerySet):
    def of(self, subject):
        return self.filter(subject_type=ContentType.objects.get_for_model(type(subject)), subject_id=subject.pk)

    def delete(self):
        raise ValueError(APPEND_ONLY)


class Comment(models.Model):
    subject_type = models.ForeignKey(ContentType, verbose_name=_("所属事项类型"), on_delete=models.PROTECT,
                                     related_name="+")
    subject_id = models.PositiveBigIntegerField(_("所属事项编号"))
    subject = GenericForeignKey("subject_type", "subject_id")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发言人"), on_delete=models.PROTECT,
                             related_name="+")
    text = models.TextField(_("内容"), max_length=2000)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = CommentQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("讨论")
        verbose_name_plural = _("讨论")
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="comment_subject")]
        ordering = ["at", "pk"]

    def __str__(self):
        return self.text[:30]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(APPEND_ONLY)
