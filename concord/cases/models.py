"""Cases and everything attached to them: parties, events, attachments, clocks, feedback."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from concord.core.calendars import platform_calendar
from concord.core.fields import EncryptedTextField
from concord.core.models import LocalizedNameMixin, TimeStampedModel
from concord.places.models import Level


class Kind(models.TextChoices):
    DISPUTE = "dispute", _("Dispute")
    GRIEVANCE = "grievance", _("Grievance or petition")
    SERVICE_REQUEST = "service_request", _("Service request")
    HAZARD_REPORT = "hazard_report", _("Hazard report")
    SUGGESTION = "suggestion", _("Suggestion")
    HELP_REQUEST = "help_request", _("Request for help")


class Channel(models.TextChoices):
    NEGOTIATION = "negotiation", _("Negotiation")
    PEOPLES_MEDIATION = "peoples_mediation", _("People's mediation")
    ADMINISTRATIVE_MEDIATION = "administrative_mediation", _("Administrative mediation")
    JUDICIAL_CONFIRMATION = "judicial_confirmation", _("Judicial confirmation")
    LABOUR_ARBITRATION = "labour_arbitration", _("Labour arbitration")
    LAND_ARBITRATION = "land_arbitration", _("Rural land-contract arbitration")
    ADMINISTRATIVE_RULING = "administrative_ruling", _("Administrative ruling")
    ADMINISTRATIVE_RECONSIDERATION = (
        "administrative_reconsideration",
        _("Administrative reconsideration"),
    )
    LITIGATION_REFERRAL = "litigation_referral", _("Litigation referral")
    PETITION = "petition", _("Letters and visits (petition)")
    SERVICE_DISPATCH = "service_dispatch", _("Service dispatch")
    COUNSELLING_REFERRAL = "counselling_referral", _("Counselling referral")


class Sensitivity(models.TextChoices):
    NORMAL = "normal", _("Normal")
    SENSITIVE = "sensitive", _("Sensitive")
    SEALED = "sealed", _("Sealed")


class Category(LocalizedNameMixin, models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    depth = models.PositiveSmallIntegerField(_("depth"), default=1)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=160)
    default_kind = models.CharField(_("default kind"), max_length=24, choices=Kind.choices)
    default_level = models.CharField(_("default level"), max_length=16, choices=Level.choices)
    default_channel = models.CharField(_("default channel"), max_length=40, choices=Channel.choices)
    handling_days = models.PositiveSmallIntegerField(_("handling clock (days)"), default=15)
    sensitivity = models.CharField(
        _("sensitivity"), max_length=16, choices=Sensitivity.choices, default=Sensitivity.NORMAL
    )
    open311_public = models.BooleanField(_("public in Open311"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return f"{self.code} {self.localized_name()}"


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted (redirected)")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    PAUSED = "paused", _("Paused")
    ESCALATED = "escalated", _("Escalated")
    TRANSFERRED = "transferred", _("Transferred")
    RESOLVED = "resolved", _("Resolved")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = frozenset(
    {
        Status.SUBMITTED,
        Status.ACCEPTED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.PAUSED,
        Status.ESCALATED,
        Status.TRANSFERRED,
        Status.REOPENED,
    }
)
TERMINAL_STATUSES = frozenset({Status.CLOSED, Status.MERGED, Status.WITHDRAWN, Status.NOT_ACCEPTED})


class IntakeChannel(models.TextChoices):
    WEB = "web", _("Web")
    HOTLINE = "hotline", _("Hotline")
    WALK_IN = "walk_in", _("Walk-in")
    GRID_WORKER = "grid_worker", _("Grid worker")
    LETTER = "letter", _("Letter")
    OPEN311 = "open311", _("Open311 app")
    API = "api", _("API")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency")


class Outcome(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement reached")
    DECISION = "decision", _("Ruling or decision")
    FIXED = "fixed", _("Fixed")
    REFERRED = "referred", _("Referred to another channel")
    NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPLAINED = "explained", _("Explained")


class Case(TimeStampedModel):
    receipt_code = models.CharField(_("receipt code"), max_length=24, unique=True, null=True)
    # The tracking token is an HMAC of this salt under SECRET_KEY: never stored, re-derivable
    # so that a retried submission (same Idempotency-Key) gets its receipt back.
    token_salt = models.CharField(max_length=32, editable=False)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=10_000)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    suggested_category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    suggestion_confidence = models.FloatField(null=True, blank=True)
    suggestion_model = models.CharField(max_length=80, blank=True)
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="cases")
    # Copy of place.path: scoping every read by jurisdiction is then an indexed prefix match.
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    intake_channel = models.CharField(
        _("intake channel"), max_length=16, choices=IntakeChannel.choices, default=IntakeChannel.WEB
    )
    urgency = models.CharField(
        _("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    sensitivity = models.CharField(
        _("sensitivity"), max_length=16, choices=Sensitivity.choices, default=Sensitivity.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    channel = models.CharField(_("channel"), max_length=40, choices=Channel.choices)
    owner_unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        related_name="owned_cases",
        verbose_name=_("owning unit"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_cases",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="filed_cases",
    )
    consent_note = models.CharField(
        _("consent to file on the resident's behalf"), max_length=300, blank=True
    )
    contact_consent = models.BooleanField(_("consents to be contacted"), default=False)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_cases"
    )
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True)
    resolution_text = models.TextField(_("written answer"), blank=True)
    bounce_count = models.PositiveSmallIntegerField(default=0)
    # Set when transfers have bounced too often: a supervisor of the common parent decides.
    needs_ruling = models.BooleanField(default=False, db_index=True)
    escalation_count = models.PositiveSmallIntegerField(default=0)
    # Denormalised for statistics: the level-1 category, the first staff response, and whether
    # the case was resolved within its handling clock.
    category_root = models.CharField(max_length=16, blank=True, db_index=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    resolved_on_time = models.BooleanField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    personal_data_erased_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["status", "place_path"]),
            models.Index(fields=["owner_unit", "status"]),
            models.Index(fields=["category", "created_at"]),
            # Open work is a few percent of all cases: queues list, count and group it, newest
            # first, without touching the closed history (see docs/PERFORMANCE.md).
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(status__in=sorted(OPEN_STATUSES)),
                name="case_open_newest",
            ),
            # Dashboards key their cache on the latest change under a place.
            models.Index(fields=["updated_at"], name="case_updated_at"),
            # Tier metrics count the cases resolved in a period.
            models.Index(fields=["resolved_at"], name="case_resolved_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__isnull=True) | (Q(lat__gte=-90) & Q(lat__lte=90)),
                name="case_lat_range",
            ),
            models.CheckConstraint(
                condition=Q(lng__isnull=True) | (Q(lng__gte=-180) & Q(lng__lte=180)),
                name="case_lng_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_code} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class PartyRole(models.TextChoices):
    COMPLAINANT = "complainant", _("Complainant")
    RESPONDENT = "respondent", _("Respondent")
    OTHER = "other", _("Other party")
    REPRESENTATIVE = "representative", _("Representative")


class Party(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices)
    # Personal data: encrypted at rest, masked by role when read (selectors.may_see_contacts).
    name = EncryptedTextField(_("name"), max_chars=120, blank=True)
    is_organisation = models.BooleanField(_("organisation"), default=False)
    phone = EncryptedTextField(_("phone"), max_chars=40, blank=True)
    email = EncryptedTextField(_("email"), max_chars=254, blank=True)
    address = EncryptedTextField(_("address"), max_chars=300, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    public = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class IdempotencyKey(models.Model):
    """Remembers which case a client's Idempotency-Key produced, so a retry returns it."""

    key = models.CharField(max_length=128)
    scope = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class TransferState(models.TextChoices):
    PENDING = "pending", _("Waiting for the receiver")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")
    DECIDED = "decided", _("Decided by a supervisor")


class TransferRequest(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    state = models.CharField(
        max_length=16, choices=TransferState.choices, default=TransferState.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    response_reason = models.TextField(blank=True)
    objection_due = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One pending transfer at a time keeps "exactly one owner" unambiguous.
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="pending"), name="one_pending_transfer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_unit_id} → {self.to_unit_id} ({self.state})"


class ResolvedAnswer(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class Feedback(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="feedback")
    resolved = models.CharField(_("was it resolved?"), max_length=8, choices=ResolvedAnswer.choices)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1) & Q(satisfaction__lte=5), name="feedback_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.resolved} {self.satisfaction}/5"


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")
    CANCELLED = "cancelled", _("Cancelled")


class ClockNature(models.TextChoices):
    STATUTORY = "statutory", _("Statutory (set by law)")
    POLICY = "policy", _("Policy (set by the platform or the county)")


class ClockHolder(models.TextChoices):
    CASE = "case", _("The case (keeps running when the owner changes)")
    OWNER = "owner", _("The current owner (starts afresh with a new owner)")


# A clock is live while it runs or is paused: it still counts toward a deadline.
LIVE_CLOCK_STATES = (ClockState.RUNNING, ClockState.PAUSED)


class ClockQuerySet(models.QuerySet):
    def live(self):
        """Running or paused clocks (not met, breached or closed)."""
        return self.filter(state__in=LIVE_CLOCK_STATES)


class Clock(models.Model):
    """A deadline on one step of a case, computed from its legal or policy basis.

    ``nature``, ``holder`` and ``escalates`` copy the channel rules' clock-kind table when the
    clock starts, so the clock job and the hand-over on escalation read them from the row.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(_("kind"), max_length=64)
    channel = models.CharField(max_length=40, blank=True)
    basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    grade = models.CharField(max_length=2, blank=True)
    unit = models.CharField(max_length=16, default="calendar_days")
    amount = models.PositiveIntegerField()
    started_on = models.DateField()
    due_on = models.DateField()
    # Hour clocks run round the clock: the instant they run out (their due_on is its day).
    due_at = models.DateTimeField(null=True, blank=True)
    paused_since = models.DateField(null=True, blank=True)
    pauses = models.JSONField(default=list, blank=True)
    extension_days = models.PositiveIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=ClockState.choices, default=ClockState.RUNNING)
    due_soon_notified = models.BooleanField(default=False)
    breached_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    resident_visible = models.BooleanField(default=True)
    nature = models.CharField(
        _("nature"), max_length=10, choices=ClockNature.choices, default=ClockNature.POLICY
    )
    holder = models.CharField(
        _("held by"), max_length=8, choices=ClockHolder.choices, default=ClockHolder.OWNER
    )
    escalates = models.BooleanField(_("breach escalates"), default=False)
    # The due day counts over a year whose official holiday schedule is not loaded yet.
    provisional = models.BooleanField(_("provisional"), default=False)
    # A policy clock that passed while a statutory clock still governed: reminded once, no breach.
    overdue_reminded = models.BooleanField(default=False)

    objects = ClockQuerySet.as_manager()

    class Meta:
        ordering = ["due_on"]
        indexes = [models.Index(fields=["state", "due_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(state__in=["running", "paused"]),
                name="one_live_clock_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind} due {self.due_on}"

    @property
    def is_statutory(self) -> bool:
        return self.nature == ClockNature.STATUTORY

    @property
    def provisional_years(self) -> list[int]:
        """Return the years between start and due day whose schedule is not loaded yet."""
        if not self.provisional:
            return []
        cal = platform_calendar()
        low, high = sorted((self.started_on.year, self.due_on.year))
        return [y for y in range(low, high + 1) if y not in cal.years]
