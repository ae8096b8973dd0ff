from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction

from workflows.org.permissions import require_perm
from workflows.records import audited, record_save

from .models import Comment

MAX_LENGTH = 2000


@transaction.atomic
@audited("发表讨论意见")
def comment_post(*, subject, user, text: str) -> Comment:
    """Add `user`'s comment to `subject` (whoever may see it; never auditors)."""
    require_perm(user, "comments.post", subject)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ["请填写讨论内容。"]})
    if len(text) > MAX_LENGTH:
        raise ValidationError({"text": [f"讨论内容不能超过{MAX_LENGTH}字。"]})
    return record_save(Comment(subject_type=ContentType.objects.get_for_model(type(subject)), subject_id=subject.pk,
                               user=user, text=text))
