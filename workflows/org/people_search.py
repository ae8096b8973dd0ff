"""Finding people by name for a picker whose list would be too long to send whole (转办, 抄送, 征求意见, 委托).

A picker field names a registered source: `register_people_source("colleagues", func)`, where `func(user)` is
the queryset of people that user may pick there. While the source holds at most
`settings.PEOPLE_PICKER_LIST_MAX` people the page lists them all with a filter box; past that it lists only
those already picked and asks `GET /people/search/?source=<name>&q=<text>` as the user types: at most
`SEARCH_LIMIT` people whose name or party unit contains every word, by name. What is submitted is still
checked against the source (`tasks.forms.PeopleField`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.views import View

SEARCH_LIMIT = 20
MAX_WORDS = 5
_sources: dict[str, Callable] = {}


def register_people_source(name: str, func: Callable) -> None:
    _sources[name] = func


def people_source(name: str, user):
    """The queryset of people `user` may pick from the source `name` (Http404 for an unknown name)."""
    func = _sources.get(name)
    if func is None:
        raise Http404
    return func(user)


def search_people(queryset, text: str) -> list:
    words = text.split()[:MAX_WORDS]
    if not words:
        return []
    match = Q()
    for word in words:
        match &= Q(name__icontains=word) | Q(unit__name__icontains=word)
    return list(queryset.filter(match).select_related("unit").order_by("name", "pk")[:SEARCH_LIMIT])


class PeopleSearchView(LoginRequiredMixin, View):
    """JSON `{"results": [{"id", "label"}]}` for a picker's search box."""

    raise_exception = True  # a script asks: 403, not a redirect to the login page

    def get(self, request):
        from ..tasks.forms import person_label

        people = search_people(people_source(request.GET.get("source", ""), request.user),
                               (request.GET.get("q") or "")[:100])
        return JsonResponse({"results": [{"id": person.pk, "label": person_label(person)} for person in people]})
