"""Public participation: suggestions, polls, volunteers, social organisations, conventions, and
the monthly open-data snapshot."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from concord.places.models import PlaceScoped

# --- residents' verification ------------------------------------------------------------------


class VerificationMethod(models.TextChoices):
    PHONE_CODE = "phone_code", _("One-time code sent to a phone")
    CENSUS = "census", _("Village census list")
    IN_PERSON = "in_person", _("In person, by a grid worker")


class ResidentVerification(models.Model):
    """Proof that a resident account belongs to one real resident of a place.

    `identity_key` is a keyed hash of the person's phone number, the same whichever method
    verified them, so re-verifying (another account, another method) still finds one person.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verifications"
    )
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    identity_key = models.CharField(max_length=64, db_index=True)
    method = models.CharField(_("method"), max_length=16, choices=VerificationMethod.choices)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField()

    class Meta:
        ordering = ["-verified_at"]
        verbose_name = _("resident verification")
        verbose_name_plural = _("resident verifications")

    def __str__(self) -> str:
        return f"{self.user_id} {self.method} @ {self.place_id}"


class PhoneCode(models.Model):
    """A one-time code sent to a phone; only its hash is stored.

    With a user and a place it verifies a signed-in account as a resident of the place; without
    either it is a resident's sign-in code, claimed by the phone's `identity_key`.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    identity_key = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["identity_key", "-created_at"], name="phonecode_key_newest")
        ]

    def __str__(self) -> str:
        return f"code for {self.user_id or 'sign-in'}"


class CensusEntry(models.Model):
    """One resident on a village's uploaded census list (hashes only, no names or numbers)."""

    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="+")
    id_key = models.CharField(max_length=64)
    identity_key = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place", "id_key"], name="census_once")]

    def __str__(self) -> str:
        return f"census {self.place_id}"


# --- moderation --------------------------------------------------------------------------------


class Moderation(models.TextChoices):
    PUBLISHED = "published", _("Published")
    HELD = "held", _("Held for moderation")
    REJECTED = "rejected", _("Rejected by a moderator")


# --- suggestions -------------------------------------------------------------------------------


class SuggestionStatus(models.TextChoices):
    OPEN = "open", _("Collecting support")
    AWAITING_RESPONSE = "awaiting_response", _("Waiting for the unit's written response")
    RESPONDED = "responded", _("Responded")


class Suggestion(PlaceScoped):
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("suggestion"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="suggestions"
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        related_name="suggestions",
        verbose_name=_("responsible unit"),
    )
    status = models.CharField(
        max_length=24, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN
    )
    moderation = models.CharField(
        max_length=16, choices=Moderation.choices, default=Moderation.PUBLISHED
    )
    moderation_reason = models.CharField(_("moderation reason"), max_length=300, blank=True)
    support_count = models.PositiveIntegerField(default=0)
    threshold = models.PositiveIntegerField(_("support needed for a response"))
    threshold_reached_at = models.DateTimeField(null=True, blank=True)
    response_due = models.DateField(_("response due"), null=True, blank=True)
    response = models.TextField(_("written response"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    response_overdue = models.BooleanField(default=False)
    similar = models.ManyToManyField("self", blank=True, symmetrical=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        indexes = [models.Index(fields=["status", "response_due"])]

    def __str__(self) -> str:
        return self.title


class SuggestionSupport(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="supports")
    identity_key = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "identity_key"], name="support_once"),
            models.UniqueConstraint(fields=["suggestion", "user"], name="support_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"support {self.suggestion_id}"


# --- polls -------------------------------------------------------------------------------------


class PollMode(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")


class Poll(PlaceScoped):
    question = models.CharField(_("question"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    mode = models.CharField(max_length=8, choices=PollMode.choices, default=PollMode.SINGLE)
    max_choices = models.PositiveSmallIntegerField(default=1)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    methods = models.JSONField(
        _("accepted verification methods"), default=list, help_text=_("Empty accepts every method.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="poll_period")
        ]

    def __str__(self) -> str:
        return self.question


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(_("option"), max_length=200)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="poll_option_position")
        ]

    def __str__(self) -> str:
        return self.label


class VoteSource(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper ballot entered by staff")


class Vote(models.Model):
    """One resident's ballot. The unique constraints are what stop double voting, also under
    concurrent requests: the second insert fails inside the database."""

    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="votes")
    identity_key = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    options = models.ManyToManyField(PollOption, related_name="votes")
    source = models.CharField(max_length=8, choices=VoteSource.choices, default=VoteSource.ONLINE)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cast_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "identity_key"], name="one_vote_per_resident"),
            models.UniqueConstraint(
                fields=["poll", "user"], condition=Q(user__isnull=False), name="one_vote_per_user"
            ),
            # The two-person check: whoever entered a paper ballot cannot confirm it.
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("entered_by")),
                name="paper_vote_two_people",
            ),
        ]

    def __str__(self) -> str:
        return f"vote {self.poll_id}"

    @property
    def counts(self) -> bool:
        return self.source == VoteSource.ONLINE or self.confirmed_at is not None


# --- volunteers and social organisations -------------------------------------------------------


class TeamKind(models.TextChoices):
    MEDIATION = "mediation", _("Mediation volunteers")
    ELDERLY_VISITING = "elderly_visiting", _("Visiting the elderly")
    SAFETY_PATROL = "safety_patrol", _("Safety patrol")
    PSYCHOLOGICAL_SUPPORT = "psychological_support", _("Psychological support")
    OTHER = "other", _("Other")


class VolunteerTeam(models.Model):
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=24, choices=TeamKind.choices)
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
        verbose_name=_("organising unit"),
    )
    description = models.TextField(_("description"), blank=True)
    is_open = models.BooleanField(_("open for sign-up"), default=True)
    # With a leader, sign-ups are applications the leader (or the unit's staff) decides.
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
        verbose_name=_("team leader"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")

    def __str__(self) -> str:
        return self.name


class VolunteerStatus(models.TextChoices):
    APPLIED = "applied", _("Applied, waiting for the team leader")
    ACCEPTED = "accepted", pgettext_lazy("application", "Accepted")
    DECLINED = "declined", _("Not accepted")


class Volunteer(models.Model):
    team = models.ForeignKey(VolunteerTeam, on_delete=models.CASCADE, related_name="volunteers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=VolunteerStatus.choices,
        default=VolunteerStatus.ACCEPTED,
    )
    skills = models.JSONField(_("skills"), default=list, blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    joined_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="volunteer_once")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.team}"


class VolunteerAssignment(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="assignments")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    event_name = models.CharField(_("activity"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=120, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField()
    hours = models.DecimalField(max_digits=7, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False) | ~Q(event_name=""), name="assignment_has_target"
            ),
            models.UniqueConstraint(
                fields=["volunteer", "case"],
                condition=Q(case__isnull=False),
                name="volunteer_case_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} → {self.case_id or self.event_name}"


class HoursEntry(models.Model):
    assignment = models.ForeignKey(
        VolunteerAssignment, on_delete=models.PROTECT, related_name="hours_entries"
    )
    day = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="hours_in_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hours} h on {self.day}"


class SocialOrganisation(models.Model):
    """A registered social organisation; `unit` lets its staff handle cases like any unit."""

    unit = models.OneToOneField(
        "accounts.Unit", on_delete=models.PROTECT, related_name="social_organisation"
    )
    registration_number = models.CharField(_("registration number"), max_length=40, unique=True)
    services = models.JSONField(_("services offered"), default=list)
    registered_on = models.DateField(_("registered on"))

    class Meta:
        verbose_name = _("social organisation")
        verbose_name_plural = _("social organisations")

    def __str__(self) -> str:
        return str(self.unit)


class ServiceContract(models.Model):
    """A government purchase of services from a social organisation."""

    organisation = models.ForeignKey(
        SocialOrganisation, on_delete=models.PROTECT, related_name="contracts"
    )
    purchaser = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    service = models.CharField(_("service"), max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    amount_yuan = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="contract_period")
        ]

    def __str__(self) -> str:
        return self.service


class OrganisationCase(models.Model):
    organisation = models.ForeignKey(
        SocialOrganisation, on_delete=models.PROTECT, related_name="case_links"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(
        ServiceContract, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service = models.CharField(max_length=200)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "case"], name="organisation_case_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} ↔ {self.case_id}"


# --- community conventions ---------------------------------------------------------------------


class ConventionKind(models.TextChoices):
    VILLAGE_RULES = "village_rules", _("Village rules and people's agreement")
    RESIDENTS_CONVENTION = "residents_convention", _("Residents' convention")


class Convention(models.Model):
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=24, choices=ConventionKind.choices)
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["place__path", "title"]
        verbose_name = _("community convention")
        verbose_name_plural = _("community conventions")

    def __str__(self) -> str:
        return self.title


class ConventionVersion(models.Model):
    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(_("text"))
    adopted_on = models.DateField(_("adopted on"))
    # How the village adopted it (villagers' meeting or representatives' meeting), with turnout.
    consultation = models.TextField(_("how it was consulted on and adopted"))
    meeting_attendance = models.PositiveIntegerField(default=0)
    votes_for = models.PositiveIntegerField(default=0)
    votes_against = models.PositiveIntegerField(default=0)
    abstentions = models.PositiveIntegerField(default=0)
    poll = models.ForeignKey(
        Poll, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["convention", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "number"], name="convention_version")
        ]

    def __str__(self) -> str:
        return f"{self.convention} v{self.number}"


# --- open data ---------------------------------------------------------------------------------


class OpenDataSnapshot(models.Model):
    """The published tables as they stood at a month's end, kept so figures can be cited."""

    month = models.DateField(_("month"), unique=True, help_text=_("First day of the month."))
    payload = models.JSONField()
    sha256 = models.CharField(max_length=64)
    licence = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("open-data snapshot")
        verbose_name_plural = _("open-data snapshots")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
