"""Staff forms of the safety app that write what the API writes, through the same actions:
issuing a public warning, publishing a policy notice, registering key sites with their
inspection plans, and recording a due inspection. Thin: fetch through selectors, call actions,
show the action's own error, render."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.models import Unit
from concord.accounts.roles import Cap
from concord.core.errors import ConcordError, InvalidInput, NotFound

from . import actions, selectors
from .models import HazardSource, HazardType, SiteKind, WarningColour
from .views import _supervised_places


def _error(exc: ConcordError) -> str:
    """The action's own message, with the field messages it names."""
    fields = getattr(exc, "fields", None) or {}
    details = "; ".join(str(v) for v in fields.values() if str(v) != exc.message)
    return f"{exc.message} {details}".strip()


def _moment(value: str | None, label: str) -> datetime | None:
    if not value:
        return None
    try:
        return timezone.make_aware(datetime.fromisoformat(value))
    except ValueError:
        raise InvalidInput(_("Give a valid date and time: %(field)s.") % {"field": label}) from None


def _day(value: str | None, label: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_("Give a valid date: %(field)s.") % {"field": label}) from None


def _chosen_places(request, places: list) -> list:
    codes = set(request.POST.getlist("places"))
    chosen = [p for p in places if p.code in codes]
    if not chosen:
        raise InvalidInput(_("Choose a place."))
    return chosen


# --- issuing a public warning ---------------------------------------------------------------


@login_required
def warning_new(request):
    """A supervisor (an emergency officer) issues a public warning for places they supervise."""
    places = _supervised_places(request.user)
    if not places:
        raise DjangoPermissionDenied
    if request.method == "POST":
        data = request.POST
        try:
            warning = actions.warning_issue(
                actor=request.user,
                colour=data.get("colour", ""),
                hazard_type=data.get("hazard_type", ""),
                title_zh=data.get("title_zh", ""),
                title_en=data.get("title_en", ""),
                instructions_zh=data.get("instructions_zh", ""),
                instructions_en=data.get("instructions_en", ""),
                places=_chosen_places(request, places),
                starts_at=_moment(data.get("starts_at"), _("Starts")),
                ends_at=_moment(data.get("ends_at"), _("Valid until")),
            )
        except ConcordError as exc:
            messages.error(request, _error(exc))
        else:
            messages.success(request, _("The warning was issued; everyone it concerns is told."))
            return redirect("safety:warning", warning_id=warning.pk)
    return render(
        request,
        "safety/warning_new.html",
        {
            "places": places,
            "colours": WarningColour.choices,
            "hazard_types": HazardType.choices,
            "form": request.POST if request.method == "POST" else {},
            "chosen": set(request.POST.getlist("places")),
        },
    )


# --- reporting a hazard found on patrol ----------------------------------------------------


def _filing_places(user) -> list:
    """The places where the user may file cases (a grid worker: their grid)."""
    from concord.places.models import Place

    q = Q(pk__in=[])
    for path in perms.place_paths_with(user, Cap.CASE_FILE):
        q |= Q(path__startswith=path)
    return list(Place.objects.filter(q).order_by("path")[:300])


@login_required
def hazard_new(request):
    """A grid worker reports a hazard found on patrol, from the phone: the API's hazard report,
    with the grid worker as its source (no resident's consent is involved)."""
    places = _filing_places(request.user)
    if not places:
        raise DjangoPermissionDenied
    data = request.POST
    if request.method == "POST":
        place = next((p for p in places if p.code == data.get("place")), None)
        try:
            submission = actions.hazard_report(
                actor=request.user,
                hazard_type=data.get("hazard_type", ""),
                title=data.get("title", ""),
                description=data.get("description", ""),
                place=place,
                address=data.get("address", ""),
                source=HazardSource.GRID_WORKER,
                language=request.LANGUAGE_CODE,
            )
        except ConcordError as exc:
            messages.error(request, _error(exc))
        else:
            messages.success(
                request,
                _("Hazard reported: %(code)s.") % {"code": submission.case.receipt_code},
            )
            return redirect("safety:hazard", case_id=submission.case.pk)
    return render(
        request,
        "safety/hazard_new.html",
        {
            "places": places,
            "hazard_types": HazardType.choices,
            "form": data if request.method == "POST" else {},
        },
    )


# --- publishing a policy notice -------------------------------------------------------------


def _units_spoken_for(user) -> list[Unit]:
    """The units whose policies the user may publish: their own handling units, and the units
    of places they supervise."""
    q = Q(pk__in=[])
    for g in perms.grants(user):
        if Cap.CASE_HANDLE in g.caps and g.unit_id:
            q |= Q(pk=g.unit_id)
    for path in perms.place_paths_with(user, Cap.CASE_SUPERVISE):
        q |= Q(place__path__startswith=path)
    return list(Unit.objects.filter(q, is_active=True).select_related("place").order_by("code"))


@login_required
def policy_new(request):
    units = _units_spoken_for(request.user)
    if not units:
        raise DjangoPermissionDenied
    places = _supervised_places(request.user) or _places_of_units(units)
    if request.method == "POST":
        data = request.POST
        try:
            unit = next((u for u in units if u.code == data.get("issuing_unit")), None)
            if unit is None:
                raise InvalidInput(_("Choose the issuing unit."))
            notice = actions.policy_publish(
                actor=request.user,
                title_zh=data.get("title_zh", ""),
                title_en=data.get("title_en", ""),
                body=data.get("body", ""),
                interpretation_zh=data.get("interpretation_zh", ""),
                interpretation_en=data.get("interpretation_en", ""),
                issuing_unit=unit,
                places=[p for p in places if p.code in set(data.getlist("places"))],
                effective_from=_day(data.get("effective_from"), _("Takes effect")),
                effective_to=_day(data.get("effective_to"), _("Ends")),
            )
        except ConcordError as exc:
            messages.error(request, _error(exc))
        else:
            messages.success(request, _("The policy notice was published."))
            return redirect("safety:policy", notice_id=notice.pk)
    return render(
        request,
        "safety/policy_new.html",
        {
            "units": units,
            "places": places,
            "form": request.POST if request.method == "POST" else {},
            "chosen": set(request.POST.getlist("places")),
        },
    )


def _places_of_units(units: list[Unit]) -> list:
    from concord.places.models import Place

    q = Q(pk__in=[])
    for u in units:
        q |= Q(path__startswith=u.place.path)
    return list(Place.objects.filter(q).order_by("path")[:300])


# --- key sites, their inspection plans, and due inspections ---------------------------------


def _managed_places(user) -> list:
    from concord.places.models import Level, Place

    q = Q(pk__in=[])
    for cap in (Cap.CASE_HANDLE, Cap.CASE_SUPERVISE):
        for path in perms.place_paths_with(user, cap):
            q |= Q(path__startswith=path)
    return list(Place.objects.filter(q).exclude(level=Level.GRID).order_by("path")[:300])


def _sites_post(request, places: list) -> str:
    data = request.POST
    op = data.get("op", "")
    if op == "site":
        place = next((p for p in places if p.code == data.get("place")), None)
        if place is None:
            raise InvalidInput(_("Choose a place."))
        actions.site_register(
            actor=request.user,
            name=data.get("name", ""),
            kind=data.get("kind", ""),
            place=place,
            address=data.get("address", ""),
            responsible_party=data.get("responsible_party", ""),
        )
        return _("Site registered.")
    if op == "plan":
        site = selectors.get_site_for_user(request.user, _int(data.get("site")))
        unit = Unit.objects.filter(code=data.get("supervising_unit"), is_active=True).first()
        if unit is None:
            raise InvalidInput(_("Unknown unit."))
        actions.inspection_plan_create(
            actor=request.user,
            site=site,
            supervising_unit=unit,
            interval_days=_int(data.get("interval_days")),
            starts_on=_day(data.get("starts_on"), _("First inspection")),
            checklist=data.get("checklist", "").splitlines()[:100],
        )
        return _("Inspection plan saved.")
    if op == "record":
        inspection = (
            selectors.inspections_due_for(request.user)
            .filter(pk=_int(data.get("inspection")))
            .first()
        )
        if inspection is None:
            raise NotFound()
        items = inspection.plan.checklist
        actions.inspection_record(
            actor=request.user,
            inspection=inspection,
            results={item: data.get(f"item-{n}", "") for n, item in enumerate(items)},
            findings=data.get("findings", "")[:5000],
            hazard_type=data.get("hazard_type") or None,
        )
        return _("Inspection recorded.")
    raise InvalidInput(_("Unknown request."))


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise InvalidInput(_("Give a whole number.")) from None


@login_required
def sites(request):
    """Key sites of the staff's places, their inspection plans, and the inspections due."""
    places = _managed_places(request.user)
    due = list(
        selectors.inspections_due_for(request.user)
        .select_related("plan", "site__place")
        .order_by("due_on", "id")[:100]
    )
    if not places and not due:
        raise DjangoPermissionDenied
    if request.method == "POST":
        try:
            messages.success(request, _sites_post(request, places))
        except NotFound:
            messages.error(request, _("Not found, or not yours to act on."))
        except ConcordError as exc:
            messages.error(request, _error(exc))
        return redirect("safety:sites")
    site_list = list(selectors.sites_for(request.user).prefetch_related("plans")[:300])
    units = list(Unit.objects.filter(is_active=True).order_by("code")[:300]) if places else []
    return render(
        request,
        "safety/sites.html",
        {
            "sites": site_list,
            "due": due,
            "places": places,
            "kinds": SiteKind.choices,
            "units": units,
            "hazard_types": HazardType.choices,
            "today": timezone.localdate(),
        },
    )
