"""A comment on a subject: written once, never edited or deleted (the audit guard refuses bulk writes)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.audit import audited_history
from workflows.subjects import SubjectQuerySet, SubjectRecord

APPEND_ONLY = "讨论记录只可追加，不可修改或删除。"


class CommentQuerySet(SubjectQuerySet):
    def delete(self):
        raise ValueError(APPEND_ONLY)


class Comment(SubjectRecord):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发言人"), on_delete=models.PROTECT,
                             related_name="+")
    text = models.TextField(_("内容"), max_length=2000)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = CommentQuerySet.as_manager()
    history = audited_history()

    class Meta(SubjectRecord.Meta):
        verbose_name = _("讨论")
        verbose_name_plural = _("讨论")
        ordering = ["at", "pk"]

    def __str__(self):
        return self.text[:30]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(APPEND_ONLY)
