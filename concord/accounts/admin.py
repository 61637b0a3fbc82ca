from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concord.core.errors import ConcordError

from .enrolment import enrolment_link_issue
from .models import ApiToken, Membership, Unit, User
from .roles import SEALED_ROLES

SEALED_HELP = _(
    "Roles that read sealed counselling records are granted only on the counsellor grants page "
    "(two administrators); here they are read-only."
)


class MembershipForm(forms.ModelForm):
    """Offers no role that reads sealed records, and refuses one however the form is posted."""

    class Meta:
        model = Membership
        fields = ["user", "unit", "role", "place", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "role" in self.fields:
            self.fields["role"].choices = [
                c for c in self.fields["role"].choices if c[0] not in SEALED_ROLES
            ]
            self.fields["role"].help_text = SEALED_HELP

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") in SEALED_ROLES or (
            self.instance.pk and self.instance.role in SEALED_ROLES
        ):
            raise forms.ValidationError(SEALED_HELP)
        return cleaned


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    extra = 0
    raw_id_fields = ["unit", "place"]
    fields = ["unit", "role", "place", "is_active"]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(role__in=SEALED_ROLES)


class SealedMembershipInline(admin.TabularInline):
    """Sealed roles of the user, shown and never changed here."""

    model = Membership
    extra = 0
    fields = readonly_fields = ["unit", "role", "place", "is_active"]
    can_delete = False
    verbose_name_plural = _("roles that read sealed records (read-only)")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(role__in=SEALED_ROLES)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Concord"), {"fields": ["display_name", "language", "phone"]}),
    ]
    list_display = ["username", "display_name", "language", "is_active", "is_staff"]
    inlines = [MembershipInline, SealedMembershipInline]
    actions = ["issue_enrolment_link"]

    @admin.action(description=_("Issue a second-factor enrolment link"))
    def issue_enrolment_link(self, request, queryset):

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

    def has_change_permission(self, request, obj=None):
        # Whoever holds a sealed role is read-only here: no password set by an administrator
        # (who could then sign in as the counsellor), no role moved. Revoke the grant instead.
        if obj is not None and obj.memberships.filter(role__in=SEALED_ROLES).exists():
            return False
        return super().has_change_permission(request, obj)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "kind", "place", "is_active"]
    list_filter = ["kind", "is_active", "place__level"]
    search_fields = ["code", "name_zh", "name_en"]
    raw_id_fields = ["place"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ["user", "role", "unit", "place", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "unit__code", "place__code"]
    raw_id_fields = ["user", "unit", "place"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.role in SEALED_ROLES:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.role in SEALED_ROLES:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # Bulk delete would reach sealed roles too.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


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
