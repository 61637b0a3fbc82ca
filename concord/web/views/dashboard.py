"""The supervisor dashboard: tier shares, overdue cases, bounced transfers, rates and trends."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.core.calendars import platform_calendar
from concord.web import selectors
from concord.web.forms import DashboardForm

DEFAULT_DAYS = 90


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Show aggregates for a place and period the user may see statistics of."""
    user = request.user
    if not perms.can(user, Cap.STATS_VIEW):
        raise DjangoPermissionDenied
    places = selectors.stats_places(user)
    form = DashboardForm(request.GET or None)
    form.fields["place"].choices = [(p.code, p.localized_name()) for p in places]
    d = form.cleaned_data if form.is_valid() else {}
    by_code = {p.code: p for p in places}
    place = by_code.get(d.get("place") or "") or places[0]
    end = d.get("end") or timezone.localdate()
    start = d.get("start") or end - timedelta(days=DEFAULT_DAYS)
    if start > end:
        start, end = end, start
    tiers, units, trend, summary = selectors.dashboard_aggregates(user, place, start, end)
    chart = {
        "tiers": {
            "labels": [t["name"] for t in tiers],
            "village": [t["village"] for t in tiers],
            "town": [t["town"] for t in tiers],
            "county": [t["county"] for t in tiers],
            "upward": [t["pushed_upward"] for t in tiers],
        },
        "trend": {
            "labels": [t["month"] for t in trend],
            "received": [t["received"] for t in trend],
            "response": [t["response_rate"] for t in trend],
            "resolution": [t["resolution_rate"] for t in trend],
            "satisfaction": [t["satisfaction_rate"] for t in trend],
        },
    }
    return render(
        request,
        "web/staff/dashboard.html",
        {
            "form": form,
            "place": place,
            "start": start,
            "end": end,
            "tiers": tiers,
            "units": units,
            "trend": trend,
            "summary": summary,
            "overdue": selectors.overdue_cases(user, place),
            "bounced": selectors.bounced(user),
            "alerts": selectors.alerts(user),
            "may_manage_alerts": perms.can(user, Cap.ALERT_MANAGE),
            "chart": chart,
            "schedule_missing": next_year_schedule_missing(),
        },
    )


def next_year_schedule_missing() -> int | None:
    """Return next year when, from 1 November, its official holiday schedule is not loaded."""
    today = timezone.localdate()
    if today.month < 11 or (today.year + 1) in platform_calendar().years:
        return None
    return today.year + 1
