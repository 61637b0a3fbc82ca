"""Messages to staff and residents: the in-app inbox, and email and SMS deliveries of it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message in one recipient's inbox, already rendered in the recipient's language."""

    # None: a message to a filer without an account, sent only to the addresses of its
    # deliveries (resident_messages.py); it has no inbox.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=48)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The place the notice is about (its case's place unless the sender names one). It decides
    # which supervisors answer for the notice when a delivery of it fails; without it, the
    # places where the recipient works decide.
    place = models.ForeignKey(
        "places.Place", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A sealed notice (a counselling referral, an export of sealed records) belongs to one
    # counselling team: only that team may read it in a failed-delivery list. Supervisors must
    # not even learn that a referral exists; administrators learn only that a sealed notice
    # failed. Set by the sender (the wellbeing app), never guessed from the kind.
    sealed = models.BooleanField(_("sealed"), default=False)
    team = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The sender's key stops a repeated job from sending the same notice twice.
    dedupe_key = models.CharField(max_length=120, blank=True)
    statutory = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_dedupe",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.subject}"


class CaseContactPreference(models.Model):
    """A filer without an account switches off a case's non-statutory messages (by token)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="+")
    opted_out = models.BooleanField(_("only statutory messages"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.case_id}: out={self.opted_out}"


class FollowTarget(models.TextChoices):
    PLACE = "place", _("Place")
    CASE = "case", _("Case")
    SUGGESTION = "suggestion", _("Suggestion")
    CONSULTATION = "consultation", _("Consultation")
    NOTICE = "notice", _("Policy notice")


class Follow(models.Model):
    """One person following one thing, to be told of it: the one "follow" of every app.

    A place followed brings its public warnings, policy notices and consultations, and those of
    the places within it. Anything else followed (a case, a suggestion, a consultation, a policy
    notice) is named by its kind and id in its own app, which tells its followers when it is
    answered.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    target = models.CharField(_("what is followed"), max_length=16, choices=FollowTarget.choices)
    place = models.ForeignKey(
        "places.Place", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Copy of place.path: the followers of a warned area are then one indexed prefix match.
    place_path = models.CharField(max_length=255, blank=True, editable=False)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        indexes = [
            models.Index(fields=["target", "place_path"], name="follow_place_path"),
            models.Index(fields=["target", "object_id"], name="follow_object"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(target="place") & Q(place__isnull=False) & Q(object_id__isnull=True))
                | (~Q(target="place") & Q(place__isnull=True) & Q(object_id__isnull=False)),
                name="follow_place_or_object",
            ),
            models.UniqueConstraint(
                fields=["user", "place"], condition=Q(target="place"), name="follow_place_once"
            ),
            models.UniqueConstraint(
                fields=["user", "target", "object_id"],
                condition=~Q(target="place"),
                name="follow_object_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.target} {self.place_path or self.object_id}"


class Medium(models.TextChoices):
    INBOX = "inbox", _("In-app inbox")
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message (SMS)")


class Preference(models.Model):
    """How a person wants to be told. Statutory notices ignore the opt-out."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(_("by email"), default=True)
    sms = models.BooleanField(_("by text message"), default=False)
    # Blank: use the account's language.
    language = models.CharField(_("language"), max_length=10, blank=True)
    phone = models.CharField(_("phone for text messages"), max_length=32, blank=True)
    opted_out = models.BooleanField(
        _("opted out"),
        default=False,
        help_text=_(
            "Receive only statutory notices (receipts, written answers, deadline changes)."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: email={self.email} sms={self.sms} out={self.opted_out}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed after retries")


class Delivery(models.Model):
    """One notification on one medium: the unit that is sent, retried and recorded."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    medium = models.CharField(_("medium"), max_length=8, choices=Medium.choices)
    address = models.CharField(_("address"), max_length=254, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_ref = models.CharField(max_length=120, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when staff have looked at a failed delivery and dealt with it.
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            # One delivery per address: a message without an account goes to every address
            # the filer gave for a medium, never twice to the same one.
            models.UniqueConstraint(
                fields=["notification", "medium", "address"], name="one_delivery_per_address"
            ),
            models.CheckConstraint(
                condition=Q(status="failed") | Q(acknowledged_at__isnull=True),
                name="only_failed_acknowledged",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id}/{self.medium}: {self.status}"


class DeliveryAttempt(models.Model):
    """Every attempt to send, successful or not: the send record."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    ok = models.BooleanField()
    error = models.TextField(blank=True)
    provider_ref = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="one_attempt_number")
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id}#{self.number} {'ok' if self.ok else 'failed'}"
