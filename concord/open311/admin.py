from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import actions
from .models import Address, ApiKey, AttributeValue, ServiceAttribute, ServiceProfile


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "prefix",
        "rate_limit_per_minute",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    fields = [
        "name",
        "prefix",
        "rate_limit_per_minute",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = ["name", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        # The key is shown once, on the command line: `concord open311 issue-key NAME --print`.
        return False

    def has_delete_permission(self, request, obj=None):
        # Requests and tokens keep pointing at the key that made them; revoke instead.
        return False

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        count = 0
        for key in queryset.filter(revoked_at__isnull=True):
            actions.api_key_revoke(actor=request.user, key=key)
            count += 1
        self.message_user(
            request,
            ngettext("%(n)d key revoked.", "%(n)d keys revoked.", count) % {"n": count},
            messages.SUCCESS,
        )


@admin.register(ServiceProfile)
class ServiceProfileAdmin(admin.ModelAdmin):
    list_display = ["service_code", "request_type", "keywords"]
    list_filter = ["request_type"]
    search_fields = ["service_code", "keywords"]


class AttributeValueInline(admin.TabularInline):
    model = AttributeValue
    extra = 1


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    list_display = ["service_code", "code", "datatype", "required", "variable", "order"]
    list_filter = ["datatype", "required", "variable"]
    search_fields = ["service_code", "code", "description_zh", "description_en"]
    inlines = [AttributeValueInline]


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["address_id", "text", "zipcode", "place"]
    search_fields = ["address_id", "text", "zipcode"]
    raw_id_fields = ["place"]
