"""One typed surface for Concord's policy settings.

Six namespaces of `settings` hold policy (defaults from PROCESS_RULES.md; grade C values are
configurable): CONCORD, CONCORD_NOTIFICATIONS, CONCORD_SAFETY, TRIAGE, WARNING and
WELLBEING_POLICY. Product code reads them only through the functions below, each returning a
frozen dataclass of the defaults with the settings' values laid on top. They are read at call
time, so a test's `settings` fixture (or a deployment's override) takes effect at once.

A key a namespace does not know is refused (ImproperlyConfigured): a misspelt policy must not
fall back to its default silently.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


@dataclass(frozen=True)
class Concord:
    """CONCORD: cases, attachments, public limits, clocks, participation."""

    attachment_max_bytes: int = 10 * 1024 * 1024
    # Per case, for the files residents attach (at filing and later while tracking).
    attachments_max_count: int = 10
    attachments_max_total_bytes: int = 25 * 1024 * 1024
    # Any request body other than file uploads (JSON, forms); larger ones get 413.
    request_body_max_bytes: int = 2 * 1024 * 1024
    parties_max: int = 20
    title_max_chars: int = 200
    description_max_chars: int = 10_000
    # Public counts below this are suppressed.
    public_min_cell: int = 5
    auto_escalate_on_breach: bool = True
    # What a resident's "not resolved" does: "reopen" or "escalate".
    feedback_no_action: str = "reopen"
    transfer_bounce_limit: int = 2
    # Personal data of cases finished this many days ago is erased by `concord retention apply`.
    retention_days: int = 3 * 365
    # Anonymous submissions and tracking lookups per client address per minute (0: no limit).
    public_rate_per_minute: int = 60
    # Residents' sign-in codes per hour, per phone number and per client address (0: no limit).
    sign_in_codes_per_number: int = 5
    sign_in_codes_per_address: int = 20
    # How long a process may reuse places, units and categories it has read.
    reference_cache_seconds: int = 60
    # The one "due soon" horizon: staff queues, counts and deadline notices alike.
    due_soon_days: int = 3
    # Cases resolved this long ago without the resident's rating get a revisit task.
    revisit_after_days: int = 7
    # Whether a passed policy clock reminds its owner, per channel ("*": every other channel).
    policy_clock_reminders: dict = field(default_factory=dict)
    # Shortest comment period of a social-stability assessment (PROCESS_RULES 1d).
    consultation_min_days: int = 10
    suggestion_support_threshold: int = 20
    suggestion_response_working_days: int = 15
    suggestion_similar_threshold: float = 0.5
    open_data_licence: str = "CC BY 4.0"
    # The front door offers a category only when the classifier is at least this sure.
    suggest_min_confidence: float = 0.7

    @property
    def due_soon(self) -> timedelta:
        return timedelta(days=self.due_soon_days)

    @property
    def revisit_after(self) -> timedelta:
        return timedelta(days=self.revisit_after_days)


@dataclass(frozen=True)
class Notifications:
    """CONCORD_NOTIFICATIONS: delivery retries."""

    max_attempts: int = 5
    backoff_seconds: tuple = (60, 300, 1800, 7200)
    stale_seconds: int = 600


@dataclass(frozen=True)
class Safety:
    """CONCORD_SAFETY: hazards, orders and inspections."""

    # How far outside the place's boundary an on-site verification may be taken: GPS on a
    # phone is often 20–100 m off, and a hazard on a boundary road belongs to both sides.
    verify_tolerance_m: float = 200.0
    redispatch_days: int = 7
    schedule_max_per_plan: int = 12


@dataclass(frozen=True)
class Triage:
    """TRIAGE: routing and duplicate detection."""

    auto_route_confidence: float = 0.6
    # The similarity at which two submissions are offered as duplicates.
    duplicate_threshold: float = 0.6
    incident_min_reports: int = 5


@dataclass(frozen=True)
class Warning:
    """WARNING: the early-warning runs."""

    weeks: int = 104  # history used by the weekly detectors (more when a method needs it)
    lookback_weeks: int = 12  # recent weeks evaluated on each run
    # Detectors of the weekly run, by name from the registry (detectors.METHODS), each
    # optionally with R control overrides: "farrington" or
    # {"method": "farrington-noufaily", "params": {"populationOffset": True}}.
    methods: tuple = ("ears-c2",)
    min_alert_count: int = 5  # an alarm on fewer cases than this is not worth an alert
    scan_days: int = 90
    scan_min_cases: int = 30
    scan_replications: int = 199
    scan_p: float = 0.05


def _default_risks() -> dict[str, dict[str, Any]]:
    return {
        # Imminent: the person who sees it calls 110/120 and stays with the person; the
        # on-duty counsellor is alerted at once and must make contact within the hour.
        "imminent": {
            "alert_immediately": True,
            "contact_minutes": 60,
            "safety_plan": True,
            "follow_up_hours": [24, 72, 168],
        },
        # High: counsellor contact the same day and a safety plan.
        "high": {
            "alert_immediately": True,
            "contact_same_day": True,
            "safety_plan": True,
            "follow_up_hours": [24, 168],
        },
        # Moderate: contact within 3 days.
        "moderate": {"contact_days": 3, "follow_up_hours": []},
        # Low: information and an offer of support.
        "low": {"follow_up_hours": []},
    }


@dataclass(frozen=True)
class Wellbeing:
    """WELLBEING_POLICY: the crisis protocol (every number a Concord design choice, W7).

    `risks` overrides merge per level: {"risks": {"high": {"contact_same_day": False}}} keeps
    the other rules of the high level.
    """

    risks: dict = field(default_factory=_default_risks)
    # A crisis signal in a submission is treated as high until a counsellor assesses it…
    signal_risk: str = "high"
    # …unless the detector gives its level (W7): an act in progress or a plan with a time is
    # imminent, a plan or method high, ideation without a plan the normal (moderate) level.
    signal_risks: dict = field(
        default_factory=lambda: {"imminent": "imminent", "plan": "high", "ideation": "moderate"}
    )
    same_day_min_hours: int = 4
    # Aggregates below this are hidden (small-count suppression).
    suppress_below: int = 5
    # An approved export can be downloaded once within this many hours.
    export_valid_hours: int = 24


def _coerce(value: Any, default: Any, name: str) -> Any:
    """Return `value` as the type of the field's default (tuples from lists, numbers)."""
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")
    if isinstance(default, tuple):
        return tuple(value)
    if isinstance(default, int | float):
        try:
            return type(default)(value)
        except (TypeError, ValueError) as exc:
            raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from exc
    if isinstance(default, str) and not isinstance(value, str):
        raise ImproperlyConfigured(f"{name} must be text, not {value!r}")
    return value


def _read(cls: type[T], namespace: str, given: dict | None = None) -> T:
    if given is None:
        given = getattr(settings, namespace, None) or {}
    defaults = cls()
    known = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in given.items():
        name = key.lower()
        if name not in known:
            raise ImproperlyConfigured(f"settings.{namespace} has no setting {key!r}")
        values[name] = _coerce(value, getattr(defaults, name), f"{namespace}[{key!r}]")
    return dataclasses.replace(defaults, **values)


def concord() -> Concord:
    return _read(Concord, "CONCORD")


def notifications() -> Notifications:
    return _read(Notifications, "CONCORD_NOTIFICATIONS")


def safety() -> Safety:
    return _read(Safety, "CONCORD_SAFETY")


def triage() -> Triage:
    return _read(Triage, "TRIAGE")


def warning() -> Warning:
    return _read(Warning, "WARNING")


def wellbeing() -> Wellbeing:
    given = dict(getattr(settings, "WELLBEING_POLICY", None) or {})
    risk_overrides = given.pop("risks", {}) or {}
    read = _read(Wellbeing, "WELLBEING_POLICY", given)
    defaults = _default_risks()
    unknown = set(risk_overrides) - set(defaults)
    if unknown:
        raise ImproperlyConfigured(f"settings.WELLBEING_POLICY['risks'] has no level {unknown}")
    risks = {level: {**rule, **risk_overrides.get(level, {})} for level, rule in defaults.items()}
    return dataclasses.replace(read, risks=risks)


def due_soon() -> timedelta:
    """Return the one "due soon" horizon (CONCORD["DUE_SOON_DAYS"], 3 days by default)."""
    return concord().due_soon


def revisit_after() -> timedelta:
    """Return how long after resolution an unrated case gets a revisit (the one schedule)."""
    return concord().revisit_after
