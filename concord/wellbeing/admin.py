"""Admin for the counselling network only.

The sealed models (Referral, Assessment, SafetyPlan, ContactLog, FollowUp, Handover) are
deliberately not registered: administrators run the platform but may not read counselling
records, and the only way to them is the counsellor's logged read.
"""

from django.contrib import admin

from .models import CommunityActivity, CounsellorGrant, DutyShift, PartnerService, TeamProfile


@admin.register(PartnerService)
class PartnerServiceAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "kind", "place", "phone", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name_zh", "name_en"]
    raw_id_fields = ["place"]


@admin.register(TeamProfile)
class TeamProfileAdmin(admin.ModelAdmin):
    list_display = ["unit", "lead", "phone"]
    raw_id_fields = ["unit"]
    # The lead sees the team's grants and the reads after them: named by the team (an action
    # that checks the lead counsels there), never picked here.
    readonly_fields = ["lead"]


@admin.register(CounsellorGrant)
class CounsellorGrantAdmin(admin.ModelAdmin):
    """Grants are shown here and made only on the counsellor grants page (two administrators)."""

    list_display = ["user", "team", "place", "state", "bootstrap", "requested_by", "decided_by"]
    list_filter = ["state", "bootstrap"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ["team", "counsellor", "starts_at", "ends_at"]
    raw_id_fields = ["team", "counsellor"]


@admin.register(CommunityActivity)
class CommunityActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "team", "place", "starts_at", "participants"]
    list_filter = ["kind"]
    raw_id_fields = ["team", "place", "created_by"]
