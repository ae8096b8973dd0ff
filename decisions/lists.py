"""Decisions and meetings in 我发起的 and the list searches (see workflows.lists)."""

from django.urls import reverse

from workflows.lists import register_subject

from .models import Decision, Meeting

register_subject(Decision, started_by="proposer", search=["title"],
                 url=lambda decision: reverse("decisions:detail", args=[decision.pk]))
register_subject(Meeting, started_by="created_by", search=["title"],
                 url=lambda meeting: reverse("decisions:meeting", args=[meeting.pk]))
