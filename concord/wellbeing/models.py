"""Counselling referrals (sealed), and the counselling network around them.

Sealed models (Referral and everything hanging off it) are read only through
`selectors.referral_for_counsellor`, which checks the team and logs the read. They are not
registered in the Django admin and have no reverse accessors on Case, so nothing can reach
their contents by walking from a case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from concord.core.models import LocalizedNameMixin
from concord.places.models import PlaceScoped

from . import protocol


class Risk(models.TextChoices):
    IMMINENT = protocol.IMMINENT, _("Imminent")
    HIGH = protocol.HIGH, _("High")
    MODERATE = protocol.MODERATE, _("Moderate")
    LOW = protocol.LOW, _("Low")


class Source(models.TextChoices):
    INTAKE_SIGNAL = "intake_signal", _("Crisis signal in a submission")
    TEXT_SIGNAL = "text_signal", _("Crisis signal in a note or message")
    STAFF = "staff", _("Staff member pressed crisis")


class ReferralState(models.TextChoices):
    OPEN = "open", pgettext_lazy("referral state", "Open")
    CLOSED = "closed", _("Closed")


class ClosureOutcome(models.TextChoices):
    STABILISED = "stabilised", _("Stabilised, support ended")
    HANDED_OVER = "handed_over", _("Handed over to a hospital or other service")
    DECLINED = "declined", _("Person declined support")
    UNREACHABLE = "unreachable", _("Person could not be reached")
    NO_RISK = "no_risk", _("No risk found on assessment")


class Referral(PlaceScoped):
    """A sealed counselling referral opened by a crisis signal or a staff member."""

    # related_name="+": a case must not lead to its referral's contents.
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    risk = models.CharField(_("risk level"), max_length=12, choices=Risk.choices)
    # False while the risk is the policy's provisional level, before a counsellor assesses.
    risk_assessed = models.BooleanField(default=False)
    state = models.CharField(
        max_length=8, choices=ReferralState.choices, default=ReferralState.OPEN
    )
    trigger_note = models.TextField(_("what triggered the referral"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(db_index=True)
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible counsellor"),
    )
    contact_due_at = models.DateTimeField(_("first contact due"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    contact_overdue_alerted = models.BooleanField(default=False)
    # The queue's second sort key: the earliest clock still running (first contact or a
    # follow-up), kept current by the actions.
    next_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=ClosureOutcome.choices, blank=True
    )
    closure_note = models.TextField(_("closure note"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="open"), name="one_open_referral_per_case"
            )
        ]
        indexes = [models.Index(fields=["team", "state"])]

    def __str__(self) -> str:
        # Only the number: a referral's string must not carry contents into logs or forms.
        return f"WB-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state == ReferralState.OPEN

    @property
    def reference(self) -> str:
        return f"WB-{self.pk}"


class Assessment(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="assessments")
    ideation = models.PositiveSmallIntegerField(_("strength of suicidal thoughts (0–4)"))
    hopelessness = models.PositiveSmallIntegerField(_("hopelessness (0–4)"))
    has_plan = models.BooleanField(_("has a plan"))
    has_means = models.BooleanField(_("has the means"))
    act_in_progress = models.BooleanField(_("act in progress"))
    protective_factors = models.TextField(_("protective factors"), blank=True)
    notes = models.TextField(_("assessment notes"), blank=True)
    suggested_risk = models.CharField(max_length=12, choices=Risk.choices)
    risk = models.CharField(_("risk level"), max_length=12, choices=Risk.choices)
    override_reason = models.TextField(_("reason for a lower level"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField()

    class Meta:
        ordering = ["assessed_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ideation__lte=4), name="assessment_ideation_0_4"),
            models.CheckConstraint(
                condition=Q(hopelessness__lte=4), name="assessment_hopelessness_0_4"
            ),
        ]

    def __str__(self) -> str:
        return f"WB-{self.referral_id} assessment {self.pk}"


class SafetyPlan(models.Model):
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="safety_plan")
    warning_signs = models.TextField(_("warning signs"), blank=True)
    coping_strategies = models.TextField(_("things I can do on my own"), blank=True)
    people_to_contact = models.TextField(_("people and places that help"), blank=True)
    professionals = models.TextField(_("professionals and hotlines"), blank=True)
    means_safety = models.TextField(_("making the surroundings safe"), blank=True)
    reasons_for_living = models.TextField(_("reasons for living"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"WB-{self.referral_id} safety plan"


class ContactMode(models.TextChoices):
    PHONE = "phone", _("Phone")
    VISIT = "visit", _("Home visit")
    OFFICE = "office", _("At the office")
    VIDEO = "video", _("Video call")
    MESSAGE = "message", _("Message")


class ContactLog(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="contacts")
    mode = models.CharField(_("how"), max_length=12, choices=ContactMode.choices)
    reached = models.BooleanField(_("reached the person"))
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"WB-{self.referral_id} contact {self.pk}"


class FollowUpState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    MISSED = "missed", _("Missed")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class FollowUp(models.Model):
    """A follow-up contact with a clock; missing it alerts the team lead."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="follow_ups")
    due_at = models.DateTimeField(_("due at"))
    mandatory = models.BooleanField(default=False)
    state = models.CharField(
        max_length=12, choices=FollowUpState.choices, default=FollowUpState.SCHEDULED
    )
    note = models.TextField(_("note"), blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    missed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["state", "due_at"])]

    def __str__(self) -> str:
        return f"WB-{self.referral_id} follow-up {self.pk}"


class PartnerKind(models.TextChoices):
    HOSPITAL = "hospital", _("General hospital")
    PSYCHIATRIC = "psychiatric", _("Psychiatric hospital or clinic")
    HOTLINE = "hotline", _("Psychological aid hotline")
    SOCIAL_WORK = "social_work", _("Social work organisation")
    SCHOOL = "school", _("School counselling centre")
    OTHER = "other", _("Other service")


class PartnerService(LocalizedNameMixin, models.Model):
    """A service referrals can be handed over to (community social-psychological network)."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=PartnerKind.choices)
    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="+", verbose_name=_("serves")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    hours = models.CharField(_("opening hours"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name_zh"]
        verbose_name = _("partner service")
        verbose_name_plural = _("partner services")

    def __str__(self) -> str:
        return self.localized_name()


class Handover(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="handovers")
    partner = models.ForeignKey(
        PartnerService, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_other = models.CharField(_("other receiver"), max_length=200, blank=True)
    summary = models.TextField(_("what was handed over and why"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    confirmed_at = models.DateTimeField(_("receiver confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"WB-{self.referral_id} handover {self.pk}"


class TeamProfile(models.Model):
    """Settings of one counselling team (a Unit of kind counselling_team)."""

    unit = models.OneToOneField(
        "accounts.Unit", on_delete=models.CASCADE, related_name="counselling_profile"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team lead"),
    )
    phone = models.CharField(_("team phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("counselling team settings")
        verbose_name_plural = _("counselling team settings")

    def __str__(self) -> str:
        return str(self.unit)


class DutyShift(models.Model):
    """A counsellor's on-duty period; imminent referrals alert whoever is on duty."""

    team = models.ForeignKey("accounts.Unit", on_delete=models.CASCADE, related_name="+")
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shift_order"
            )
        ]
        indexes = [models.Index(fields=["team", "starts_at", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.counsellor} {self.starts_at:%Y-%m-%d %H:%M}"


class ActivityKind(models.TextChoices):
    GROUP_SESSION = "group_session", _("Group session")
    EDUCATION = "education", _("Education event")


class CommunityActivity(models.Model):
    """A group session or education event of the community social-psychological service."""

    team = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("starts"))
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("group session or education event")
        verbose_name_plural = _("group sessions and education events")

    def __str__(self) -> str:
        return self.title


class ExportState(models.TextChoices):
    PENDING = "pending", _("Waiting for a second counsellor")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused by the second counsellor")
    DOWNLOADED = "downloaded", _("Downloaded")


class ExportRequest(models.Model):
    """An export of sealed referrals: one counsellor asks, a second approves."""

    team = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    date_from = models.DateField(_("first day of the export"))
    date_to = models.DateField(_("last day of the export"))
    reason = models.TextField(_("reason"))
    state = models.CharField(max_length=12, choices=ExportState.choices, default="pending")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            # The approver is never the requester: the point of two-person approval.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="export_two_people",
            )
        ]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.state})"


class SignalMarkKind(models.TextChoices):
    MISSED = "missed", _("missed crisis (the detector did not flag it)")
    FALSE_ALARM = "false_alarm", _("false crisis signal (not a crisis)")


class SignalMark(models.Model):
    """A counsellor's judgement that the crisis detector missed or wrongly raised this referral.

    Counted monthly for the team lead; the text itself stays in the sealed referral.
    """

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="signal_marks")
    kind = models.CharField(_("mark"), max_length=12, choices=SignalMarkKind.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "by"], name="wb_one_signal_mark_per_person")
        ]

    def __str__(self) -> str:
        return f"WB-{self.referral_id} {self.kind}"


class GrantState(models.TextChoices):
    PENDING = "pending", _("Waiting for a second administrator")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused by the second administrator")
    REVOKED = "revoked", _("Revoked")


class CounsellorGrant(models.Model):
    """A counsellor role in a counselling team, the only way to read sealed referrals.

    One administrator asks, a second one approves (never the one who asked, never the person
    granted); each step is a ledger event on the team's stream and is shown to the team lead.
    A grant made by `concord wellbeing bootstrap-counsellor` on the server that holds the ledger
    signing key is marked `bootstrap`.
    """

    team = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("counsellor"),
    )
    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    reason = models.CharField(_("reason"), max_length=300)
    state = models.CharField(
        _("state"), max_length=12, choices=GrantState.choices, default=GrantState.PENDING
    )
    bootstrap = models.BooleanField(_("made by the server bootstrap command"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    requested_at = models.DateTimeField(_("asked at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("counsellor grant")
        verbose_name_plural = _("counsellor grants")

    def __str__(self) -> str:
        return f"{self.user} · {self.team} · {self.get_state_display()}"


class PhraseLevel(models.TextChoices):
    IMMINENT = "imminent", _("crisis: act under way or plan with a time")
    PLAN = "plan", _("crisis: plan, method, pact, farewell or past act")
    IDEATION = "ideation", _("crisis: wish to die, hopelessness, euphemism")
    NONE = "none", _("not a crisis (the words mean something else)")


class PhraseLanguage(models.TextChoices):
    ZH = "zh", _("Chinese")
    EN = "en", _("English")


class PhraseState(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for the team lead's review")
    APPROVED = "approved", _("Approved for the training corpus")
    REJECTED = "rejected", _("Rejected")


class ExamplePhrase(models.Model):
    """A de-identified example phrase, in a counsellor's own words, proposed for the crisis
    detector's training corpus. Never linked to a referral: no sealed text leaves the record.

    The team lead approves or rejects it; approved phrases are written into the training corpus
    file by ``concord wellbeing export-phrases`` (a person reviews and commits the file).
    """

    team = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("example phrase"), max_length=300)
    language = models.CharField(_("language"), max_length=2, choices=PhraseLanguage.choices)
    level = models.CharField(_("label"), max_length=12, choices=PhraseLevel.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=PhraseState.choices, default=PhraseState.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["team", "state"], name="wb_phrase_team_state")]

    def __str__(self) -> str:
        return f"phrase {self.pk} ({self.state})"
