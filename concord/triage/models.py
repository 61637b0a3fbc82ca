"""Triage records: model versions, suggestions per case, duplicate candidates and incidents."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TriageModel(models.Model):
    version = models.CharField(max_length=80, unique=True)
    path = models.CharField(max_length=300)
    trained_at = models.DateTimeField(auto_now_add=True)
    training_size = models.PositiveIntegerField(default=0)
    holdout_macro_f1 = models.FloatField(null=True, blank=True)
    active = models.BooleanField(default=False)

    class Meta:
        ordering = ["-trained_at"]
        verbose_name = _("triage model")
        verbose_name_plural = _("triage models")

    def __str__(self) -> str:
        return self.version


class Suggestion(models.Model):
    """What triage suggested for a case, with the model version that suggested it."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="triage")
    model_version = models.CharField(max_length=80, blank=True)
    categories = models.JSONField(default=list, help_text=_("Top three [code, confidence]."))
    confidence = models.FloatField(null=True, blank=True)
    auto_routed = models.BooleanField(default=False)
    needs_human = models.BooleanField(default=True, db_index=True)
    signals = models.JSONField(default=list)
    route_reason = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("triage suggestion")
        verbose_name_plural = _("triage suggestions")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.categories[:1]}"


class Incident(models.Model):
    """Many reports of one matter (e.g. forty workers of one site with unpaid wages)."""

    title = models.CharField(_("title"), max_length=200)
    lead_case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    collective = models.BooleanField(_("collective dispute"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return self.title


class IncidentMember(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="members")
    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="incident_link"
    )

    class Meta:
        verbose_name = _("incident member")
        verbose_name_plural = _("incident members")

    def __str__(self) -> str:
        return f"{self.incident_id}:{self.case_id}"


class DuplicateCandidate(models.Model):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="duplicate_candidates"
    )
    other = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score"]
        constraints = [models.UniqueConstraint(fields=["case", "other"], name="dup_pair")]

    def __str__(self) -> str:
        return f"{self.case_id}~{self.other_id} {self.score:.2f}"
