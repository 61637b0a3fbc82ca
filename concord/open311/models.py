"""Open311 GeoReport v2: API keys, service attributes, addresses and what intake remembers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.models import LocalizedNameMixin


class ApiKey(models.Model):
    """A client's key. Only a SHA-256 digest is stored; the key itself is shown once."""

    name = models.CharField(_("name"), max_length=120)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    rate_limit_per_minute = models.PositiveIntegerField(_("requests per minute"), default=60)
    # The current one-minute window and how many keyed requests it has seen: claimed with a
    # conditional UPDATE, so concurrent workers cannot both take the last slot.
    window_start = models.DateTimeField(null=True, blank=True, editable=False)
    window_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RequestType(models.TextChoices):
    REALTIME = "realtime", _("Realtime: the request id is returned at once")
    BATCH = "batch", _("Batch: a token is returned, exchanged later for the request id")


class ServiceProfile(models.Model):
    """Optional Open311 settings of one public category (absent: realtime, no keywords)."""

    service_code = models.CharField(_("service code (category code)"), max_length=32, unique=True)
    request_type = models.CharField(
        _("request type"), max_length=16, choices=RequestType.choices, default=RequestType.REALTIME
    )
    keywords = models.CharField(_("keywords (comma separated)"), max_length=300, blank=True)

    class Meta:
        ordering = ["service_code"]
        verbose_name = _("Open311 service profile")
        verbose_name_plural = _("Open311 service profiles")

    def __str__(self) -> str:
        return self.service_code


class Datatype(models.TextChoices):
    STRING = "string", _("Short text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLEVALUELIST = "singlevaluelist", _("One choice from a list")
    MULTIVALUELIST = "multivaluelist", _("Several choices from a list")


LIST_DATATYPES = frozenset({Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST})


class ServiceAttribute(models.Model):
    """An extra question a client asks for one service (a GeoReport service definition row)."""

    service_code = models.CharField(_("service code (category code)"), max_length=32)
    code = models.CharField(_("attribute code"), max_length=64)
    variable = models.BooleanField(
        _("variable"),
        default=True,
        help_text=_("Off: the attribute only shows information to the user and takes no answer."),
    )
    datatype = models.CharField(_("datatype"), max_length=16, choices=Datatype.choices)
    required = models.BooleanField(_("required"), default=False)
    description_zh = models.CharField(_("question (Chinese)"), max_length=300)
    description_en = models.CharField(_("question (English)"), max_length=300)
    datatype_description_zh = models.CharField(
        _("format hint (Chinese)"), max_length=300, blank=True
    )
    datatype_description_en = models.CharField(
        _("format hint (English)"), max_length=300, blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        ordering = ["service_code", "order", "id"]
        verbose_name = _("Open311 service attribute")
        verbose_name_plural = _("Open311 service attributes")
        constraints = [
            models.UniqueConstraint(fields=["service_code", "code"], name="open311_attribute_code")
        ]

    def __str__(self) -> str:
        return f"{self.service_code}/{self.code}"

    def localized_description(self, language: str) -> str:
        return self.description_en if language.startswith("en") else self.description_zh

    def localized_datatype_description(self, language: str) -> str:
        if language.startswith("en"):
            return self.datatype_description_en
        return self.datatype_description_zh


class AttributeValue(LocalizedNameMixin, models.Model):
    """One allowed answer of a list attribute."""

    attribute = models.ForeignKey(ServiceAttribute, on_delete=models.CASCADE, related_name="values")
    key = models.CharField(_("key"), max_length=64)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        ordering = ["attribute", "order", "id"]
        verbose_name = _("allowed value")
        verbose_name_plural = _("allowed values")
        constraints = [
            models.UniqueConstraint(fields=["attribute", "key"], name="open311_value_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.name_zh}"


class Address(models.Model):
    """An entry of the local address register, for clients that send address_id or a string."""

    address_id = models.CharField(_("address id"), max_length=64, unique=True)
    text = models.CharField(_("address"), max_length=300, db_index=True)
    zipcode = models.CharField(_("postal code"), max_length=12, blank=True)
    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        ordering = ["address_id"]
        verbose_name = _("Open311 address")
        verbose_name_plural = _("Open311 addresses")

    def __str__(self) -> str:
        return f"{self.address_id} {self.text}"


class ServiceRequest(models.Model):
    """What Open311 intake knows about a case beyond the case itself (never personal data)."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="open311_request"
    )
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="requests")
    description = models.TextField(blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    media_urls = models.JSONField(default=list, blank=True)
    address_id = models.CharField(max_length=64, blank=True)
    zipcode = models.CharField(max_length=12, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 service request")
        verbose_name_plural = _("Open311 service requests")

    def __str__(self) -> str:
        return f"open311:{self.case_id}"


class ServiceRequestToken(models.Model):
    """The token a batch-mode service returns; GET tokens/{token} turns it into the request id."""

    token = models.CharField(max_length=64, unique=True)
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="tokens")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 token")
        verbose_name_plural = _("Open311 tokens")

    def __str__(self) -> str:
        return self.token


class PostedUpdate(models.Model):
    """Which key posted an update (a resident-information event) and the media it linked."""

    event = models.OneToOneField("core.Event", on_delete=models.PROTECT, related_name="+")
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="updates")
    media_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 posted update")
        verbose_name_plural = _("Open311 posted updates")

    def __str__(self) -> str:
        return f"update {self.event_id}"
