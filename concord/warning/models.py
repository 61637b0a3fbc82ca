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
