from .forms import CommentForm
from .models import Comment


def comments_of(subject):
    """The subject's comments, oldest first, with their authors (one query)."""
    return Comment.objects.of(subject).select_related("user")


def timeline_items(subject) -> list[dict]:
    """Comments as entries of the subject's timeline (includes/timeline.html)."""
    return [
        {"title": "讨论意见", "status": "comment", "owner": c.user, "created": c.at, "finished": None,
         "human": True, "text": c.text}
        for c in comments_of(subject)
    ]


def with_comments(timeline: list[dict], subject) -> list[dict]:
    """A process timeline with the subject's comments (讨论) put in, oldest first."""
    return sorted(timeline + timeline_items(subject), key=lambda item: item["created"]) if subject else timeline


def comments_context(subject, user) -> dict:
    may_comment = user.has_perm("comments.post", subject)
    return {"may_comment": may_comment, "comment_form": CommentForm() if may_comment else None}
