"""Records about any flow subject (a decision, meeting or election) that workflows may not import."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectQuerySet(models.QuerySet):
    def of(self, subject):
        """The records about `subject`."""
        return self.filter(subject_type=ContentType.objects.get_for_model(type(subject)), subject_id=subject.pk)


class SubjectRecord(models.Model):
    """Abstract: a row about one subject (attachments, comments)."""

    subject_type = models.ForeignKey(ContentType, verbose_name=_("所属事项类型"), on_delete=models.PROTECT,
                                     related_name="+")
    subject_id = models.PositiveBigIntegerField(_("所属事项编号"))
    subject = GenericForeignKey("subject_type", "subject_id")

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="%(app_label)s_%(class)s_subject")]
