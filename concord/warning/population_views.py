"""Populations by year of the places, the denominators of population offsets (mounted at
/staff/alerts/populations/). Thin: the same action as the API, read through a selector."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.core.errors import ConcordError
from concord.places.actions import place_population_set
from concord.places.selectors import population_places


def _number(text: str | None) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None


@login_required
def populations(request):
    places = population_places(request.user)
    if not places.exists():
        raise DjangoPermissionDenied
    code = request.POST.get("place") or request.GET.get("place") or ""
    place = places.filter(code=code).first() if code else None
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        year, population = (
            _number(request.POST.get("year")),
            _number(request.POST.get("population")),
        )
        if place is None:
            errors["place"] = _("Choose a place.")
        elif year is None:
            errors["year"] = _("The year must lie between 1900 and 2200.")
        elif population is None:
            errors["population"] = _("The population must be a positive whole number.")
        else:
            try:
                place_population_set(
                    actor=request.user, place=place, year=year, population=population
                )
            except ConcordError as exc:
                errors["form"] = str(exc.message)
            else:
                messages.success(
                    request,
                    _("Population of %(place)s in %(year)s recorded.")
                    % {"place": place.localized_name(), "year": year},
                )
                return redirect(f"{request.path}?place={place.code}")
        status = 400
    rows = list(place.populations.order_by("-year")) if place else []
    return render(
        request,
        "warning/populations.html",
        {
            "places": list(places.only("code", "name_zh", "name_en", "level", "path")[:500]),
            "place": place,
            "rows": rows,
            "errors": errors,
            "data": request.POST if request.method == "POST" else {},
            "this_year": timezone.localdate().year,
            "may_manage": bool(perms.place_paths_with(request.user, Cap.ALERT_MANAGE)),
            "tab": "populations",
        },
        status=status,
    )
