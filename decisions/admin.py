from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AgendaItem,
    Attendance,
    Decision,
    ImplementationReport,
    Meeting,
    Minutes,
    MinutesCorrection,
    Opinion,
    Recusal,
    Vote,
    VoteResult,
)


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Records change through the workflow services only; the admin shows them and their history."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["pk", "title", "category", "status", "proposer", "created"]
    list_filter = ["status", "category"]
    search_fields = ["title"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyHistoryAdmin):
    list_display = ["pk", "title", "scheduled_at", "status"]


for model in (AgendaItem, Attendance, ImplementationReport, Minutes, MinutesCorrection, Opinion, Recusal, Vote,
              VoteResult):
    admin.site.register(model, ReadOnlyHistoryAdmin)
