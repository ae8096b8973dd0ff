from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Candidate,
    Election,
    ElectionOfficial,
    ElectionReview,
    ElectionRound,
    PaperTally,
    Recommendation,
    RoundVote,
)


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Elections change through the workflow services only; the admin shows records and history."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CandidateInline(admin.TabularInline):
    model = Candidate
    extra = 0
    can_delete = False
    fields = ["user", "recommendations", "approved", "struck_reason", "final", "active"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Election)
class ElectionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["unit", "status", "seats", "planned_date", "held_on", "secretary"]
    list_filter = ["status", "unit__parent"]
    search_fields = ["unit__name", "unit__code"]
    inlines = [CandidateInline]


@admin.register(ElectionRound)
class ElectionRoundAdmin(ReadOnlyHistoryAdmin):
    list_display = ["election", "number", "held_on", "present", "eligible", "valid"]


for model in (Recommendation, PaperTally, ElectionOfficial, ElectionReview, RoundVote, Candidate):
    admin.site.register(model, ReadOnlyHistoryAdmin)
