from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import HospitalSettings, RoleGrant, Term, Unit, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = ["username", "name", "unit", "membership", "is_active"]
    list_filter = ["membership", "is_active", "unit__kind"]
    search_fields = ["username", "name"]
    autocomplete_fields = ["unit"]
    inlines = [RoleGrantInline]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("党组织", {"fields": ["name", "unit", "membership"]}),
    ]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "parent", "department", "term_years", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name", "department"]
    autocomplete_fields = ["parent"]


@admin.register(Term)
class TermAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "started", "ends", "status", "postponed_until"]
    list_filter = ["status"]
    search_fields = ["unit__name", "unit__code"]


@admin.register(RoleGrant)
class RoleGrantAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__name", "unit__code"]
    autocomplete_fields = ["user", "unit"]


@admin.register(HospitalSettings)
class HospitalSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["hospital", "large_fund_threshold", "meeting_notice_days", "implementation_due_days"]
