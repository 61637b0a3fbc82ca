"""Users, the units they act for, and their memberships (role + place)."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.models import LocalizedNameMixin

from .roles import Role


class AccountKind(models.TextChoices):
    """Staff act for units; residents act for themselves. The kind is fixed at creation: the
    permission layer gives a resident account no grant, whatever memberships point at it."""

    STAFF = "staff", _("Staff")
    RESIDENT = "resident", _("Resident")


class User(AbstractUser):
    kind = models.CharField(
        _("kind of account"), max_length=16, choices=AccountKind.choices, default=AccountKind.STAFF
    )
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        default="zh-hans",
        choices=[("zh-hans", "简体中文"), ("en", "English")],
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # A resident account never opens the Django admin or any staff flag.
            models.CheckConstraint(
                condition=~models.Q(kind="resident")
                | (models.Q(is_staff=False) & models.Q(is_superuser=False)),
                name="resident_is_not_staff",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_resident(self) -> bool:
        return self.kind == AccountKind.RESIDENT


class UnitKind(models.TextChoices):
    GOVERNANCE_CENTRE = "governance_centre", _("Comprehensive governance centre")
    MEDIATION_COMMITTEE = "mediation_committee", _("People's mediation committee")
    GRID_STATION = "grid_station", _("Grid service station")
    DEPARTMENT = "department", _("Government department")
    ARBITRATION_COMMISSION = "arbitration_commission", _("Arbitration commission")
    COURT_LIAISON = "court_liaison", _("Court liaison")
    PETITION_OFFICE = "petition_office", _("Letters and visits office")
    COUNSELLING_TEAM = "counselling_team", _("Psychological counselling team")
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")
    VOLUNTEER_TEAM = "volunteer_team", _("Volunteer team")


class Unit(LocalizedNameMixin, models.Model):
    code = models.CharField(_("code"), max_length=48, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True)
    place = models.ForeignKey(
        "places.Place",
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("jurisdiction"),
    )
    channels = models.JSONField(_("channels handled"), default=list, blank=True)
    category_codes = models.JSONField(
        _("category codes handled"),
        default=list,
        blank=True,
        help_text=_("Category code prefixes this unit handles; empty means any."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.localized_name()


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    place = models.ForeignKey(
        "places.Place",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("place"),
        help_text=_("The membership covers this place and all below it."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role", "place"], name="uniq_membership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit} · {self.place.code}"


class ApiToken(models.Model):
    """A bearer token for apps. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def assign_secret(self) -> str:
        """Give this (unsaved) token a new secret; return its plain text, which is not stored."""
        token = "cct_" + secrets.token_urlsafe(32)
        self.prefix = token[:10]
        self.digest = self.digest_of(token)
        return token

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token and return it with its plain text, which is not stored."""
        obj = cls(user=user, name=name)
        token = obj.assign_secret()
        obj.save()
        return obj, token
