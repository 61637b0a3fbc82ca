from django.contrib import admin

from .models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_zh",
        "name_en",
        "default_kind",
        "default_level",
        "default_channel",
        "handling_days",
        "sensitivity",
        "open311_public",
        "is_active",
    ]
    list_filter = [
        "depth",
        "default_kind",
        "default_level",
        "default_channel",
        "sensitivity",
        "open311_public",
        "is_active",
    ]
    search_fields = ["code", "name_zh", "name_en"]
    raw_id_fields = ["parent"]
