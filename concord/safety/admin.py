from django.contrib import admin

from .models import ResponsePlan


@admin.register(ResponsePlan)
class ResponsePlanAdmin(admin.ModelAdmin):
    """Administrators keep one response plan (with its checklist) per incident type."""

    list_display = ["title", "incident_type", "is_active"]
    list_filter = ["incident_type", "is_active"]
    search_fields = ["title"]
