"""Mediation sessions and agreements, petitions (letters and visits), and supervisors' rulings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MediationSession(models.Model):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="mediation_sessions"
    )
    held_at = models.DateTimeField(_("held at"))
    location = models.CharField(_("location"), max_length=200)
    participants = models.TextField(_("participants"))
    mediators = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    invited = models.TextField(_("invited relatives or experts"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_at"]
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")

    def __str__(self) -> str:
        return f"{self.case_id} @ {self.held_at:%Y-%m-%d}"


class Performance(models.TextChoices):
    PENDING = "pending", _("Waiting for performance")
    PERFORMED = "performed", _("Performed")
    PARTLY = "partly", _("Partly performed")
    NOT_PERFORMED = "not_performed", _("Not performed")


class MediationAgreement(models.Model):
    """The written agreement 人民调解法 art 29 requires."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="agreement")
    parties = models.TextField(_("parties (names, identity, address)"))
    facts = models.TextField(_("main facts"))
    issues = models.TextField(_("issues in dispute"))
    responsibilities = models.TextField(_("responsibilities of each party"))
    terms = models.TextField(_("agreed terms"))
    performance_manner = models.CharField(_("manner of performance"), max_length=300)
    performance_due = models.DateField(_("performance due"))
    signed_by = models.JSONField(_("parties who signed or sealed"), default=list)
    mediator_signed = models.BooleanField(_("mediator signed"), default=False)
    committee_sealed = models.BooleanField(_("committee seal affixed"), default=False)
    copies = models.PositiveSmallIntegerField(_("copies"), default=3)
    effective_on = models.DateField(_("effective on"))
    confirmation_requested_on = models.DateField(null=True, blank=True)
    performance = models.CharField(
        max_length=16, choices=Performance.choices, default=Performance.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mediation agreement")
        verbose_name_plural = _("mediation agreements")

    def __str__(self) -> str:
        return f"Agreement for case {self.case_id}"


class PetitionType(models.TextChoices):
    SUGGESTION = "suggestion", _("Suggestion or opinion (建议意见)")
    REPORT = "report", _("Report or complaint (检举控告)")
    APPEAL = "appeal", _("Appeal or request (申诉求决)")


class PetitionStage(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    REDIRECTED = "redirected", _("Redirected to a statutory route")
    HANDLING = "handling", _("Being handled")
    REPLIED = "replied", _("Opinion letter issued")
    REVIEW_REQUESTED = "review_requested", _("Review (复查) requested")
    REVIEWED = "reviewed", _("Review opinion issued")
    RECHECK_REQUESTED = "recheck_requested", _("Re-review (复核) requested")
    FINAL = "final", _("Final: re-review opinion issued")


class Opinion(models.TextChoices):
    SUPPORT = "support", _("Request supported")
    EXPLAIN = "explain", _("Explanation given")
    NOT_SUPPORT = "not_support", _("Request not supported")


class ServiceMethod(models.TextChoices):
    """How a written opinion reached the petitioner (a message merely sent is not served)."""

    ON_THE_SPOT = "on_the_spot", _("Handed over on the spot")
    TRACKING_PAGE = "tracking_page", _("Read by the petitioner on the tracking page")
    ACCOUNT = "account", _("Read by the petitioner in their account")
    GATEWAY_RECEIPT = "gateway_receipt", _("Delivery receipt from the message gateway")
    POST = "post", _("By post, on the served date staff entered")


# The ways staff record service; reading on the tracking page or in an account records itself.
STAFF_SERVICE_METHODS = (
    ServiceMethod.ON_THE_SPOT,
    ServiceMethod.GATEWAY_RECEIPT,
    ServiceMethod.POST,
)


class Petition(models.Model):
    """The letters-and-visits record of a case (信访工作条例, W1)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="petition")
    petition_type = models.CharField(max_length=16, choices=PetitionType.choices, blank=True)
    stage = models.CharField(
        max_length=24, choices=PetitionStage.choices, default=PetitionStage.RECEIVED
    )
    matter_key = models.CharField(
        _("matter"),
        max_length=200,
        db_index=True,
        help_text=_("Identifies the matter so that a repeat petition links to the pending one."),
    )
    received_on = models.DateField()
    accepted_on = models.DateField(null=True, blank=True)
    opinion = models.CharField(max_length=16, choices=Opinion.choices, blank=True)
    opinion_text = models.TextField(blank=True)
    legal_basis = models.TextField(blank=True)
    replied_on = models.DateField(null=True, blank=True)
    review_opinion = models.TextField(blank=True)
    recheck_opinion = models.TextField(blank=True)
    # Review and re-review windows run from the day the petitioner received the written
    # opinion (信访工作条例 arts 35-36), recorded here with how it was served.
    reply_served_on = models.DateField(_("reply served on"), null=True, blank=True)
    reply_served_how = models.CharField(max_length=20, choices=ServiceMethod.choices, blank=True)
    reviewed_on = models.DateField(null=True, blank=True)
    review_served_on = models.DateField(_("review opinion served on"), null=True, blank=True)
    review_served_how = models.CharField(max_length=20, choices=ServiceMethod.choices, blank=True)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")

    def __str__(self) -> str:
        return f"Petition for case {self.case_id} ({self.stage})"
