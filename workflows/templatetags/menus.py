"""The side menu: an Application's `menu_links` the user may follow."""

from django import template
from django.urls import reverse

register = template.Library()


def link_allowed(user, link) -> bool:
    """`(url_name, label, icon[, perm])`: a link with a permission shows only to those who hold it."""
    perm = link[3] if len(link) > 3 else None
    if perm is None:
        return True
    if callable(perm):
        return bool(perm(user))
    return user.has_perm(perm)


@register.simple_tag
def visible_menu_links(app, user) -> list[dict]:
    return [
        {"url": reverse(link[0]), "label": link[1], "icon": link[2]}
        for link in getattr(app, "menu_links", ())
        if link_allowed(user, link)
    ]
