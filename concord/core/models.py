"""Building blocks every domain app shares."""

from django.db import models
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
        from django.utils.translation import get_language

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
