"""Elections in 我发起的 and the list searches (see workflows.lists)."""

from django.urls import reverse

from workflows.lists import register_subject

from .models import Election

register_subject(Election, started_by="requested_by", search=["unit__name"], select_related=["unit"],
                 url=lambda election: reverse("elections:detail", args=[election.pk]))
