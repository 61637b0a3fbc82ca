"""Early-warning alerts: what was observed, expected, the threshold, the method and the cases."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertState(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACTIONED = "actioned", _("Actioned")
    DISMISSED = "dismissed", _("Dismissed")


class Alert(models.Model):
    # One signal is one (method, place, category group, period end): a rerun never duplicates it.
    signature = models.CharField(max_length=200, unique=True)
    method = models.CharField(_("method"), max_length=40)
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="alerts")
    category_root = models.CharField(_("category group"), max_length=16, blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    observed = models.FloatField(_("observed"))
    expected = models.FloatField(_("expected"), null=True, blank=True)
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    p_value = models.FloatField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    places = models.ManyToManyField("places.Place", related_name="+", blank=True)
    cases = models.ManyToManyField("cases.Case", related_name="alerts", blank=True)
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="alerts")
    state = models.CharField(max_length=16, choices=AlertState.choices, default=AlertState.NEW)
    state_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # What the alert page draws, stored when the alert is raised: week by week the observed
    # count, the method's expected value and threshold, and the baseline weeks it used.
    series = models.JSONField(default=dict, blank=True)
    # The rule (and its version) that raised it; none for the space-time scan.
    rule = models.ForeignKey(
        "AlertRule", on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    rule_version = models.PositiveIntegerField(null=True, blank=True)
    # The unit asked to look into it (its members see the alert and were told).
    assigned_unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_alerts",
        verbose_name=_("assigned unit"),
    )
    incident = models.ForeignKey(
        "safety.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("incident"),
    )

    class Meta:
        ordering = ["-period_end", "-score"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [models.Index(fields=["state", "period_end"])]

    def __str__(self) -> str:
        return f"{self.method} {self.place_id} {self.category_root} {self.period_end}"


class SurveillanceRun(models.Model):
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    series = models.PositiveIntegerField(default=0)
    alerts_created = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"run {self.started_at:%Y-%m-%d %H:%M}"


class AlertRule(models.Model):
    """Which detector runs on which category groups and place levels, under one place.

    Every change makes a new version (AlertRuleVersion) and a ledger event; the weekly run uses
    the active rules' current versions.
    """

    name = models.CharField(_("name"), max_length=120)
    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    method = models.CharField(_("method"), max_length=40)
    params = models.JSONField(_("control parameters"), default=dict, blank=True)
    # Category group codes; "" is every category counted together. Empty: every group and all.
    category_roots = models.JSONField(default=list, blank=True)
    # Place levels (county, town, village, grid). Empty: every level.
    place_levels = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["place__path", "name", "pk"]
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class AlertRuleVersion(models.Model):
    """A rule as it was saved: the audit trail of who set what, when."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    method = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)
    category_roots = models.JSONField(default=list, blank=True)
    place_levels = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    changed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rule", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "version"], name="alert_rule_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"
