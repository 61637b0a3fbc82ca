"""Major decisions, their social-stability risk assessments and the public consultation (W4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from concord.core.models import LocalizedNameMixin, TimeStampedModel


class DecisionType(LocalizedNameMixin, models.Model):
    """An entry of the configurable screening list: which decisions must be assessed."""

    code = models.CharField(_("code"), max_length=48, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=160)
    requires_assessment = models.BooleanField(_("requires assessment"), default=True)
    is_investment = models.BooleanField(_("investment project by default"), default=False)
    category_codes = models.JSONField(
        _("related case categories"),
        default=list,
        blank=True,
        help_text=_("Category code prefixes whose cases are evidence for this kind of decision."),
    )
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("decision type")
        verbose_name_plural = _("decision types")

    def __str__(self) -> str:
        return self.localized_name()


class Screening(models.TextChoices):
    PENDING = "pending", _("Not screened yet")
    REQUIRED = "required", _("Assessment required")
    EXEMPT = "exempt", _("No assessment required")


class Decision(TimeStampedModel):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=20_000)
    decision_type = models.ForeignKey(
        DecisionType, on_delete=models.PROTECT, related_name="decisions"
    )
    owner_unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner unit")
    )
    # Copy of owner_unit.place.path: scoping by jurisdiction is then a prefix match.
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    places = models.ManyToManyField("places.Place", related_name="+", verbose_name=_("places"))
    affected_groups = models.JSONField(_("affected groups"), default=list, blank=True)
    documents = models.JSONField(
        _("documents"), default=list, blank=True, help_text=_("List of {title, url}.")
    )
    timeline = models.JSONField(
        _("timeline"), default=list, blank=True, help_text=_("List of {date, step}.")
    )
    is_investment = models.BooleanField(_("investment project"), default=False)
    category_codes = models.JSONField(_("related case categories"), default=list, blank=True)
    screening = models.CharField(
        _("screening"), max_length=16, choices=Screening.choices, default=Screening.PENDING
    )
    screening_note = models.TextField(_("screening note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("major decision")
        verbose_name_plural = _("major decisions")

    def __str__(self) -> str:
        return self.title

    def evidence_categories(self) -> list[str]:
        return sorted(set(self.decision_type.category_codes) | set(self.category_codes))


class Method(models.TextChoices):
    FULL = "full", _("Full procedure")
    SIMPLIFIED = "simplified", _("Simplified procedure")


class Stage(models.TextChoices):
    PLANNING = "planning", _("Planning")
    CONSULTING = "consulting", _("Collecting opinions")
    ANALYSING = "analysing", _("Analysing risks")
    REPORTED = "reported", _("Report issued")
    DECIDED = "decided", _("Decided")
    SUPERSEDED = "superseded", _("Superseded by a re-assessment")


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Outcome(models.TextChoices):
    IMPLEMENT = "implement", _("Implement")
    POSTPONE = "postpone", _("Postpone")
    NOT_IMPLEMENT = "not_implement", _("Do not implement")


class Assessment(TimeStampedModel):
    """One round of assessment of a decision; a re-assessment is a new round."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="assessments")
    round = models.PositiveSmallIntegerField(default=1)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.PLANNING)
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible leader"),
    )
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    reason = models.TextField(_("reason for this round"), blank=True)
    computed_level = models.CharField(max_length=8, choices=RiskLevel.choices, blank=True)
    computed_detail = models.JSONField(default=dict, blank=True)
    override_level = models.CharField(max_length=8, choices=RiskLevel.choices, blank=True)
    override_reason = models.TextField(blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contingency_plan = models.TextField(_("contingency plan"), blank=True)
    evidence_snapshot = models.JSONField(default=dict, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decision_body = models.CharField(_("deciding body"), max_length=200, blank=True)
    decision_minutes = models.TextField(_("minutes of the collective decision"), blank=True)
    # Why the decision was taken while themes residents raised had no answer yet (public).
    unanswered_reason = models.TextField(
        _("reason for deciding with themes unanswered"), blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        constraints = [
            models.UniqueConstraint(fields=["decision", "round"], name="assessment_round"),
            models.CheckConstraint(
                condition=Q(override_level="") | ~Q(override_reason=""),
                name="assessment_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} ({self.round})"

    @property
    def level(self) -> str:
        """Return the level in force: the reviewer's override, else the computed one."""
        return self.override_level or self.computed_level

    def get_level_display(self) -> str:
        return RiskLevel(self.level).label if self.level else ""

    @property
    def is_live(self) -> bool:
        return self.stage != Stage.SUPERSEDED


class Consultation(models.Model):
    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, related_name="consultation"
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    introduction = models.TextField(_("introduction"), blank=True)
    questions = models.JSONField(
        _("questions"), default=list, blank=True, help_text=_("List of {id, text_zh, text_en}.")
    )
    summary = models.JSONField(default=dict, blank=True)
    summarised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return f"{self.assessment} {self.opens_on}–{self.closes_on}"

    def is_open_on(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on


class CommentChannel(models.TextChoices):
    WEB = "web", _("Public consultation page")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    VISIT = "visit", _("Visit")
    HEARING = "hearing", _("Hearing")


class Stance(models.TextChoices):
    SUPPORT = "support", _("Support")
    NEUTRAL = "neutral", _("Neutral")
    OPPOSE = "oppose", _("Oppose")


class Visibility(models.TextChoices):
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden by a moderator")


class KeptQuerySet(models.QuerySet):
    """Comments are public input: they are moderated, never deleted."""

    def delete(self):
        raise TypeError("Consultation comments are kept; hide them with a reason instead.")


class Comment(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="comments"
    )
    code = models.CharField(_("receipt code"), max_length=16, unique=True)
    # Only a digest of the commenter's secret token is stored; the token is shown once.
    token_digest = models.CharField(max_length=64)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    display_name = models.CharField(_("name shown"), max_length=80, blank=True)
    channel = models.CharField(
        max_length=16, choices=CommentChannel.choices, default=CommentChannel.WEB
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=5000)
    stance = models.CharField(_("stance"), max_length=8, choices=Stance.choices, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLISHED
    )
    moderation_reason = models.TextField(blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    theme = models.CharField(max_length=40, blank=True)
    theme_confidence = models.FloatField(null=True, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = KeptQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("consultation comment")
        verbose_name_plural = _("consultation comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility="published") | ~Q(moderation_reason=""),
                name="comment_hidden_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.code

    def delete(self, *args, **kwargs):
        raise TypeError("Consultation comments are kept; hide them with a reason instead.")


class EngagementKind(models.TextChoices):
    QUESTIONNAIRE = "questionnaire", _("Questionnaire survey")
    VISIT = "visit", _("Key visits")
    HEARING = "hearing", _("Hearing")
    OPINION_TRACKING = "opinion_tracking", _("Public-opinion tracking")
    CONSULTATION_MEETING = "consultation_meeting", _("Joint analysis meeting")


class Engagement(models.Model):
    """A record of a visit, hearing, survey or meeting held to collect opinions."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="engagements")
    kind = models.CharField(max_length=24, choices=EngagementKind.choices)
    held_on = models.DateField(_("held on"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    summary = models.TextField(_("summary"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class Dimension(models.TextChoices):
    LEGALITY = "legality", _("Legality")
    REASONABLENESS = "reasonableness", _("Reasonableness")
    FEASIBILITY = "feasibility", _("Feasibility")
    CONTROLLABILITY = "controllability", _("Controllability")


class RiskPoint(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="risk_points")
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices)
    title = models.CharField(_("risk point"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood (1–5)"))
    impact = models.PositiveSmallIntegerField(_("impact (1–5)"))
    affected_groups = models.JSONField(default=list, blank=True)
    evidence = models.JSONField(
        default=list, blank=True, help_text=_("List of {kind, ref, label, url}.")
    )
    mitigation = models.TextField(_("mitigation"), blank=True)
    owner_unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="risk_point_scales",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def has_mitigation(self) -> bool:
        return bool(self.mitigation.strip()) and self.owner_unit_id is not None


class TaskState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    OVERDUE = "overdue", _("Overdue")


class MitigationTask(models.Model):
    """A mitigation promised in the report, with a deadline the task job watches."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="tasks")
    risk_point = models.ForeignKey(
        RiskPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    title = models.CharField(_("task"), max_length=200)
    owner_unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due on"))
    state = models.CharField(max_length=8, choices=TaskState.choices, default=TaskState.OPEN)
    due_soon_notified = models.BooleanField(default=False)
    breached_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["state", "due_on"])]

    def __str__(self) -> str:
        return f"{self.title} (due {self.due_on})"


class ThemeResponse(models.Model):
    """ "You said, we did": what the decision did with one theme raised in the consultation."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="theme_responses"
    )
    theme = models.CharField(max_length=40)
    response = models.TextField(_("what the decision did"))
    changed_decision = models.BooleanField(_("the draft was changed"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["theme"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "theme"], name="one_response_per_theme")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.theme}"


class MonitoringNote(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="monitoring")
    noted_on = models.DateField()
    text = models.TextField()
    facts_changed = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["noted_on", "id"]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.noted_on}"
