"""Resident accounts: who they are (a proven mainland mobile number), where they live, and the
cases they have claimed with a receipt code and tracking token."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Resident(models.Model):
    """The resident side of a `User` whose kind is "resident".

    Name, language, phone and e-mail live on the user like every account's; this row adds the
    keyed hash of the phone (one account per number) and the home place. Deleting the account
    clears both and keeps the row, so votes, supports and suggestions stay counted once.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="resident",
    )
    # participation.identity_key of the phone: the same key its votes and supports carry.
    phone_key = models.CharField(max_length=64, null=True, blank=True)
    home_place = models.ForeignKey(
        "places.Place",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home place"),
    )
    # Copy of home_place.path for prefix matching (subscriptions, warnings).
    home_place_path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("resident account")
        verbose_name_plural = _("resident accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["phone_key"],
                condition=Q(phone_key__isnull=False),
                name="one_account_per_phone",
            )
        ]

    def __str__(self) -> str:
        return f"resident {self.user_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class CaseClaim(models.Model):
    """A case a resident added to "My matters" by giving its receipt code and tracking token."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_claims"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField()

    class Meta:
        ordering = ["-claimed_at"]
        constraints = [models.UniqueConstraint(fields=["user", "case"], name="claim_once")]

    def __str__(self) -> str:
        return f"{self.user_id} claims {self.case_id}"
