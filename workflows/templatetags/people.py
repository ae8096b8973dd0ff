"""Template filters that show people and steps by their Chinese names."""

from django import template

register = template.Library()


@register.filter
def person_name(username) -> str:
    """A username as the person's name (the value itself when nobody has it)."""
    from ..models import User

    user = User.objects.filter(username=username).only("name", "username").first()
    return str(user) if user is not None else str(username)


@register.filter
def step_title(code, subject) -> str:
    """The Chinese title of step `code` of the flow about `subject` (an election, a decision)."""
    from ..audit.labels import step_title as title_of

    return str(title_of(type(subject), code))


@register.filter
def chinese_message(value) -> str:
    """An exception's message when it is written for people (Chinese), else ""."""
    text = str(value or "")
    return text if any("\u4e00" <= ch <= "\u9fff" for ch in text) else ""
