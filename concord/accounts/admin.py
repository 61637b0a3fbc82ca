from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Membership, Unit, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["unit", "place"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Concord"), {"fields": ["display_name", "language", "phone"]}),
    ]
    list_display = ["username", "display_name", "language", "is_active", "is_staff"]
    inlines = [MembershipInline]
    actions = ["issue_enrolment_link"]

    @admin.action(description=_("Issue a second-factor enrolment link"))
    def issue_enrolment_link(self, request, queryset):
        from concord.core.errors import ConcordError

        from .enrolment import enrolment_link_issue

        for user in queryset:
            try:
                path = enrolment_link_issue(actor=request.user, user=user)
            except ConcordError:
                self.message_user(
                    request,
                    _("%(user)s: ask another administrator for your own link.") % {"user": user},
                    level=messages.ERROR,
                )
                continue
            text = _("Enrolment link for %(user)s, shown only now (pass it on privately): %(url)s")
            url = request.build_absolute_uri(path)
            self.message_user(request, text % {"user": user, "url": url}, level=messages.WARNING)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "kind", "place", "is_active"]
    list_filter = ["kind", "is_active", "place__level"]
    search_fields = ["code", "name_zh", "name_en"]
    raw_id_fields = ["place"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "place", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "unit__code", "place__code"]
    raw_id_fields = ["user", "unit", "place"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "revoked_at"]
    raw_id_fields = ["user"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:  # adding: the secret is made here, never typed in
            return ["user", "name"]
        return ["user", "name", "prefix", "created_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["user", "prefix", "created_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token = obj.assign_secret()
        obj.save()
        self.message_user(
            request,
            _("The token (copy it now; it is shown only once): %(token)s") % {"token": token},
            level=messages.WARNING,
        )

    @admin.action(description=_("Revoke selected tokens"))
    def revoke(self, request, queryset):
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
