"""Building blocks every domain app shares."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyQuerySet(models.QuerySet):
    """A queryset that refuses bulk updates and deletes of an append-only table."""

    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} rows are append-only and cannot be updated.")

    def delete(self):
        raise TypeError(f"{self.model.__name__} rows are append-only and cannot be deleted.")

    _raw_delete = delete


class AppendOnlyModel(models.Model):
    """A model whose rows are written once and never changed or removed through the ORM."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are append-only and cannot be updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are append-only and cannot be deleted.")


class LocalizedNameMixin:
    """Pick `name_zh` or `name_en` for the active language."""

    def localized_name(self, language: str | None = None) -> str:

        lang = (language or get_language() or "zh-hans").lower()
        if lang.startswith("en"):
            return self.name_en or self.name_zh
        return self.name_zh or self.name_en


class CalendarDay(models.Model):
    """An administrator's entry in the working-day calendar: a holiday or an adjusted workday.

    Rows here override the shipped schedule, so a new year's official notice can be entered in
    the admin without a release.
    """

    day = models.DateField(_("day"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"), help_text=_("Off: a public holiday. On: an adjusted weekend working day.")
    )
    note = models.CharField(_("note"), max_length=120, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.day} {'working' if self.is_working_day else 'holiday'}"


class HolidaySchedule(models.Model):
    """A year whose official holiday schedule (the State Council's yearly notice) is loaded.

    Its days are ``CalendarDay`` rows. A year without one uses the statutory holidays computed
    from the law, and the deadlines counted over it are provisional.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=300)
    # Who loaded it is in the audit record (stream "calendar:YEAR").
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("holiday schedule")
        verbose_name_plural = _("holiday schedules")

    def __str__(self) -> str:
        return str(self.year)


class ScheduleEntry(models.Model):
    """When a periodic job was last queued; workers claim a due job with a conditional update."""

    name = models.CharField(max_length=80, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")

    def __str__(self) -> str:
        return self.name


class Event(AppendOnlyModel):
    """One entry in the append-only, hash-chained ledger of what happened (see core.ledger).

    Every record that keeps a history (cases, users, alerts, policies, deliveries, teams,
    exports …) appends to its own stream; `version` says which digest function sealed the row.
    """

    stream = models.CharField(max_length=48)
    seq = models.PositiveIntegerField()
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(max_length=48)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    public = models.BooleanField(default=False, help_text=_("The resident may see this event."))
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    version = models.PositiveSmallIntegerField(_("digest version"))

    class Meta:
        ordering = ["stream", "seq"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="event_stream_seq"),
        ]
        indexes = [
            models.Index(fields=["case", "seq"], name="cases_event_case_id_17253f_idx"),
            models.Index(fields=["kind", "created_at"], name="cases_event_kind_8ca8f5_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq} {self.kind}"


class StreamHead(models.Model):
    """The last sequence number and hash of one stream, moved in the transaction that appends.

    `pending` marks a head the next signed checkpoint has not yet taken in.
    """

    stream = models.CharField(max_length=48, primary_key=True)
    seq = models.PositiveIntegerField()
    hash = models.CharField(max_length=64)
    pending = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("stream head")
        verbose_name_plural = _("stream heads")
        indexes = [
            models.Index(
                fields=["pending"], name="core_head_pending", condition=models.Q(pending=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq}"


class Checkpoint(AppendOnlyModel):
    """A signed statement of every stream head at one moment (copied to stores outside)."""

    number = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField()
    streams = models.PositiveIntegerField()
    events = models.PositiveBigIntegerField()
    root = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["number"]
        verbose_name = _("ledger checkpoint")
        verbose_name_plural = _("ledger checkpoints")

    def __str__(self) -> str:
        return f"checkpoint {self.number}"


class CheckpointLeaf(AppendOnlyModel):
    """A stream head a checkpoint took in: only the heads that moved since the one before."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="+")
    stream = models.CharField(max_length=48)
    seq = models.PositiveIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["stream", "checkpoint"], name="core_leaf_stream")]

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq}@{self.checkpoint_id}"
