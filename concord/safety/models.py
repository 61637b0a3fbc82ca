"""Public safety: hazards and their rectification, on-site verification, inspections,
emergency incidents, warnings to residents, vulnerable households and policy notices.

Hazards are cases (kind ``hazard_report``); the models here hold what a case does not.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from concord.places.models import PlaceScoped


class ResidentProfile(PlaceScoped):
    """Where a resident with an account lives, so that warnings for that place reach them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resident_profile"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("resident profile")
        verbose_name_plural = _("resident profiles")

    def __str__(self) -> str:
        return f"{self.user} @ {self.place_path}"


class HazardType(models.TextChoices):
    FIRE = "fire", _("Fire")
    GAS = "gas", _("Gas")
    ELECTRICAL = "electrical", _("Electrical")
    BUILDING = "building", _("Building")
    ROAD = "road", _("Road")
    FLOOD = "flood", _("Flood")
    FOOD = "food", _("Food")
    WORKPLACE = "workplace", _("Workplace")


class HazardSource(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    GRID_WORKER = "grid_worker", _("Grid worker")
    INSPECTION = "inspection", _("Inspection")


class Hazard(models.Model):
    """What a hazard-report case needs beyond a case: its type, source and supervisor."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="hazard")
    hazard_type = models.CharField(_("hazard type"), max_length=16, choices=HazardType.choices)
    source = models.CharField(_("reported by"), max_length=16, choices=HazardSource.choices)
    site = models.ForeignKey(
        "InspectionSite", on_delete=models.SET_NULL, null=True, blank=True, related_name="hazards"
    )
    supervising_unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supervising department"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")

    def __str__(self) -> str:
        return f"{self.get_hazard_type_display()} · case {self.case_id}"


class OrderState(models.TextChoices):
    ISSUED = "issued", _("Issued")
    REPORTED_DONE = "reported_done", _("Reported as rectified")
    VERIFIED = "verified", _("Verified on site")


class RectificationOrder(models.Model):
    """An order to the responsible party to remove a hazard by a deadline."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="rectification_orders"
    )
    responsible_party = models.CharField(_("responsible party"), max_length=200)
    responsible_contact = models.CharField(_("contact"), max_length=120, blank=True)
    supervising_unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("supervising department"),
    )
    requirements = models.TextField(_("what must be done"))
    due_on = models.DateField(_("deadline"))
    state = models.CharField(max_length=16, choices=OrderState.choices, default=OrderState.ISSUED)
    rounds = models.PositiveSmallIntegerField(default=1)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=~Q(state="verified"),
                name="one_live_rectification_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.responsible_party} by {self.due_on}"


class Verification(models.Model):
    """An on-site check by a grid worker or inspector: photo, note and where it was taken."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="verifications")
    order = models.ForeignKey(
        RectificationOrder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verifications",
    )
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    passed = models.BooleanField(_("passed"))
    note = models.TextField(_("note"))
    photo = models.ForeignKey("cases.Attachment", on_delete=models.PROTECT, related_name="+")
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))
    distance_outside_m = models.FloatField(default=0.0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("on-site verification")
        verbose_name_plural = _("on-site verifications")

    def __str__(self) -> str:
        return f"{self.case_id}: {'passed' if self.passed else 'failed'}"


class SiteKind(models.TextChoices):
    SMALL_SHOP = "small_shop", _("Small shop")
    SMALL_HOTEL = "small_hotel", _("Small hotel")
    SMALL_ENTERTAINMENT = "small_entertainment", _("Small entertainment venue")
    CONSTRUCTION_SITE = "construction_site", _("Construction site")
    ELDERLY_CARE = "elderly_care", _("Elderly-care home")


class InspectionSite(PlaceScoped):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=SiteKind.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    responsible_party = models.CharField(_("responsible party"), max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["place_path", "name"]
        verbose_name = _("inspection site")
        verbose_name_plural = _("inspection sites")

    def __str__(self) -> str:
        return self.name


class InspectionPlan(models.Model):
    """A schedule of inspections for one site, with the checklist each inspection follows."""

    site = models.ForeignKey(InspectionSite, on_delete=models.CASCADE, related_name="plans")
    supervising_unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("supervising department"),
    )
    interval_days = models.PositiveSmallIntegerField(_("every (days)"))
    starts_on = models.DateField(_("first inspection"))
    checklist = models.JSONField(_("checklist"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        constraints = [
            models.CheckConstraint(condition=Q(interval_days__gte=1), name="plan_interval_positive")
        ]

    def __str__(self) -> str:
        return f"{self.site} every {self.interval_days} d"


class InspectionState(models.TextChoices):
    DUE = "due", _("Due for inspection")
    DONE = "done", _("Done")


class Inspection(models.Model):
    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="inspections")
    site = models.ForeignKey(InspectionSite, on_delete=models.CASCADE, related_name="inspections")
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    due_on = models.DateField(_("inspection due"))
    state = models.CharField(
        max_length=8, choices=InspectionState.choices, default=InspectionState.DUE
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    # {"item": "ok" | "fail" | "n/a"} for every checklist item.
    results = models.JSONField(default=dict, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    hazard_case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.UniqueConstraint(fields=["plan", "due_on"], name="one_inspection_per_due_day")
        ]
        indexes = [models.Index(fields=["state", "due_on"])]

    def __str__(self) -> str:
        return f"{self.site_id} due {self.due_on}"


class IncidentType(models.TextChoices):
    NATURAL_DISASTER = "natural_disaster", _("Natural disaster")
    ACCIDENT = "accident", _("Accident or disaster")
    PUBLIC_HEALTH = "public_health", _("Public-health event")
    SOCIAL_SECURITY = "social_security", _("Social-security event")


class IncidentLevel(models.TextChoices):
    """突发事件应对法 (2024) art 3: levels of emergencies."""

    PARTICULARLY_MAJOR = "particularly_major", _("Particularly major")
    MAJOR = "major", _("Major")
    LARGE = "large", _("Large")
    GENERAL = "general", _("General")


class ResponsePlan(models.Model):
    """A response plan for one incident type, with its checklist of steps."""

    incident_type = models.CharField(
        _("incident type"), max_length=24, choices=IncidentType.choices
    )
    title = models.CharField(_("title"), max_length=200)
    checklist = models.JSONField(_("checklist"), default=list)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("response plan")
        verbose_name_plural = _("response plans")

    def __str__(self) -> str:
        return self.title


class IncidentState(models.TextChoices):
    RESPONDING = "responding", _("Responding")
    CLOSED = "closed", _("Response ended")
    REVIEWED = "reviewed", _("Review done")


class Incident(models.Model):
    title = models.CharField(_("title"), max_length=200)
    incident_type = models.CharField(
        _("incident type"), max_length=24, choices=IncidentType.choices
    )
    level = models.CharField(_("incident level"), max_length=24, choices=IncidentLevel.choices)
    places = models.ManyToManyField("places.Place", related_name="+")
    # The top place covering all affected places: scoping reads is then one prefix match.
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    occurred_at = models.DateTimeField(_("occurred at"))
    description = models.TextField(_("description"), blank=True)
    response_team = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    plan = models.ForeignKey(ResponsePlan, on_delete=models.PROTECT, null=True, blank=True)
    checklist_done = models.JSONField(default=list, blank=True)
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    injured = models.PositiveIntegerField(_("injured"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    displaced = models.PositiveIntegerField(_("displaced"), default=0)
    needs = models.TextField(_("needs"), blank=True)
    cases = models.ManyToManyField("cases.Case", related_name="incidents", blank=True)
    state = models.CharField(
        max_length=16, choices=IncidentState.choices, default=IncidentState.RESPONDING
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    review = models.TextField(_("after-action review"), blank=True)
    lessons = models.TextField(_("lessons and follow-up"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("emergency incident")
        verbose_name_plural = _("emergency incidents")

    def __str__(self) -> str:
        return self.title


class IncidentAction(models.Model):
    """One entry in the incident's timeline of actions."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField()
    text = models.TextField()
    checklist_item = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.at:%Y-%m-%d %H:%M} {self.text[:40]}"


class WarningColour(models.TextChoices):
    """突发事件应对法 (2024) art 63: warning levels 1–4 are red, orange, yellow, blue."""

    BLUE = "blue", _("Blue (level IV)")
    YELLOW = "yellow", _("Yellow (level III)")
    ORANGE = "orange", _("Orange (level II)")
    RED = "red", _("Red (level I)")


class WarningState(models.TextChoices):
    ISSUED = "issued", _("In force")
    LIFTED = "lifted", _("Lifted")


class PublicWarning(models.Model):
    colour = models.CharField(_("colour"), max_length=8, choices=WarningColour.choices)
    hazard_type = models.CharField(_("hazard"), max_length=16, choices=HazardType.choices)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    instructions_zh = models.TextField(_("instructions (Chinese)"))
    instructions_en = models.TextField(_("instructions (English)"))
    places = models.ManyToManyField("places.Place", related_name="+")
    starts_at = models.DateTimeField(_("in force from"))
    ends_at = models.DateTimeField(_("until"))
    incident = models.ForeignKey(
        Incident, on_delete=models.SET_NULL, null=True, blank=True, related_name="warnings"
    )
    state = models.CharField(
        max_length=8, choices=WarningState.choices, default=WarningState.ISSUED
    )
    residents_notified = models.PositiveIntegerField(default=0)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    # Why it was lifted, as the supervisor wrote it (told to everyone the warning reached).
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="warning_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.colour}: {self.title_en}"


class Vulnerability(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("Elderly person living alone")
    DISABILITY = "disability", _("Person with a disability")
    CHILDREN_ALONE = "children_alone", _("Children left alone")


class VulnerableHousehold(PlaceScoped):
    """A household grid workers check on in a warning. Recorded only with consent."""

    label = models.CharField(_("household (name or door)"), max_length=120)
    address = models.CharField(_("address"), max_length=300)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    vulnerabilities = models.JSONField(_("needs"), default=list)
    notes = models.TextField(_("household notes"), blank=True)
    consent_by = models.CharField(
        _("consent given by"), max_length=120, help_text=_("The person or their guardian.")
    )
    consent_on = models.DateField(_("consent given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["place_path", "label"]
        verbose_name = _("vulnerable household")
        verbose_name_plural = _("vulnerable households")
        constraints = [
            models.CheckConstraint(condition=~Q(consent_by=""), name="household_consent_recorded")
        ]

    def __str__(self) -> str:
        return self.label


class CheckStatus(models.TextChoices):
    PENDING = "pending", _("Not yet checked")
    REACHED = "reached", _("Reached")
    NEEDS_HELP = "needs_help", _("Needs help")
    NOT_REACHED = "not_reached", _("Not reached")


class WarningCheck(models.Model):
    """One line of a grid worker's checklist for a warning."""

    warning = models.ForeignKey(PublicWarning, on_delete=models.CASCADE, related_name="checks")
    household = models.ForeignKey(VulnerableHousehold, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=12, choices=CheckStatus.choices, default=CheckStatus.PENDING
    )
    note = models.CharField(max_length=500, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["household__place_path", "household__label"]
        constraints = [
            models.UniqueConstraint(fields=["warning", "household"], name="one_check_per_household")
        ]

    def __str__(self) -> str:
        return f"{self.warning_id}/{self.household_id}: {self.status}"


class PolicyNotice(models.Model):
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body = models.TextField(_("policy text"))
    interpretation_zh = models.TextField(_("plain-language interpretation (Chinese)"))
    interpretation_en = models.TextField(_("plain-language interpretation (English)"), blank=True)
    issuing_unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    places = models.ManyToManyField("places.Place", related_name="+")
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from", "-id"]
        verbose_name = _("policy notice")
        verbose_name_plural = _("policy notices")
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="policy_effective_period",
            )
        ]

    def __str__(self) -> str:
        return self.title_zh


class PolicyQuestion(models.Model):
    notice = models.ForeignKey(PolicyNotice, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("question"), max_length=2000)
    language = models.CharField(max_length=10, default="zh-hans")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]
        verbose_name = _("policy question")
        verbose_name_plural = _("policy questions")

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_answered(self) -> bool:
        return bool(self.answered_at)
