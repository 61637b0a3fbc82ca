"""The jurisdiction tree: county → town/street → village/community → grid."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.models import LocalizedNameMixin


class Level(models.TextChoices):
    COUNTY = "county", _("County / district")
    TOWN = "town", _("Town / street")
    VILLAGE = "village", _("Village / community")
    GRID = "grid", _("Grid")


LEVEL_ORDER = [Level.COUNTY, Level.TOWN, Level.VILLAGE, Level.GRID]


class PlaceScoped(models.Model):
    """A row that belongs to one place: the place, and a copy of its path for indexed prefix
    filters (`perms.place_q(user, cap, "place_path")` scopes reads by role and place). The
    action that creates the row sets `place_path = place.path`."""

    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    place_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        abstract = True


def level_rank(level: str) -> int:
    """Return 0 for county … 3 for grid."""
    return LEVEL_ORDER.index(Level(level))


class Place(LocalizedNameMixin, models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    # A materialised path of codes ("/C/C01/C01V03/") makes "everything under X" one
    # indexed prefix scan.
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False)
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)
    min_lng = models.FloatField(null=True, blank=True, editable=False)
    min_lat = models.FloatField(null=True, blank=True, editable=False)
    max_lng = models.FloatField(null=True, blank=True, editable=False)
    max_lat = models.FloatField(null=True, blank=True, editable=False)
    centroid_lng = models.FloatField(null=True, blank=True, editable=False)
    centroid_lat = models.FloatField(null=True, blank=True, editable=False)
    households = models.PositiveIntegerField(_("households"), default=0)
    population = models.PositiveIntegerField(_("population"), default=0)
    crisis_services = models.TextField(
        _("local psychological and emergency services"),
        blank=True,
        help_text=_("Shown to residents of this place next to the national hotlines."),
    )

    class Meta:
        ordering = ["path"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        indexes = [models.Index(fields=["level", "path"])]

    def __str__(self) -> str:
        return f"{self.code} {self.localized_name()}"

    @property
    def rank(self) -> int:
        return level_rank(self.level)

    def is_within(self, other: Place) -> bool:
        """Return True if this place is `other` or lies under it."""
        return self.path.startswith(other.path)

    def ancestors_paths(self) -> list[str]:
        """Return the paths of this place and every place above it, root first."""
        parts = [p for p in self.path.split("/") if p]
        return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


class PlacePopulation(models.Model):
    """A place's population in one calendar year, so that rates follow growth over time.

    ``Place.population`` is the current figure; these rows are the history that population
    offsets of the early-warning detectors use.
    """

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.PositiveIntegerField(_("population"))

    class Meta:
        ordering = ["place", "year"]
        verbose_name = _("population by year")
        verbose_name_plural = _("populations by year")
        constraints = [
            models.UniqueConstraint(fields=["place", "year"], name="place_population_year")
        ]

    def __str__(self) -> str:
        return f"{self.place.code} {self.year}: {self.population}"


class MapFeature(models.Model):
    """A line or area drawn on the offline basemap beside the boundaries: a river, a main road.

    Only for orientation: nothing is routed or counted by it.
    """

    class Kind(models.TextChoices):
        RIVER = "river", _("River")
        ROAD = "road", _("Main road")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    geometry = models.JSONField(_("geometry (GeoJSON LineString or Polygon)"))

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("map feature")
        verbose_name_plural = _("map features")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name_zh or self.name_en}"

    def localized_name(self, language: str | None = None) -> str:
        return LocalizedNameMixin.localized_name(self, language)
