from django.contrib import admin

from .models import Place, PlacePopulation


class PlacePopulationInline(admin.TabularInline):
    """Populations by year, read-only here: they are set through the audited action
    (``manage.py places population``)."""

    model = PlacePopulation
    extra = 0
    can_delete = False
    readonly_fields = ["year", "population"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    inlines = [PlacePopulationInline]
    list_display = ["code", "name_zh", "name_en", "level", "parent", "households", "population"]
    list_filter = ["level"]
    search_fields = ["code", "name_zh", "name_en"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path"]
