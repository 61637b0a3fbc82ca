"""The wellbeing panel on the staff case page: the crisis button for whoever sees the case,
and for the counsellors of the referral's team, marking a missed or false crisis signal.

The panel shows no sealed content: a counsellor sees the referral's reference and risk level
(which the team already sees in its queue) and the mark they gave; the text stays sealed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from concord.cases.selectors import get_case_for_user
from concord.core.errors import ConcordError, NotFound

from . import actions
from .models import Referral, SignalMark, SignalMarkKind


def case_panel(request: HttpRequest, case) -> dict:
    """Return the panel for the staff case page (registered in CASE_PANELS by the app)."""
    user = request.user
    referrals = [
        r
        for r in Referral.objects.filter(case=case).order_by("-id")
        if actions.is_team_counsellor(user, team_id=r.team_id, place_path=r.place_path)
    ]
    marks = (
        {m.referral_id: m for m in SignalMark.objects.filter(referral__in=referrals, by=user)}
        if referrals
        else {}
    )
    for r in referrals:
        r.my_mark = marks.get(r.pk)
    return {
        "template": "wellbeing/case_panel.html",
        "case": case,
        "referrals": referrals,
        "mark_kinds": SignalMarkKind.choices,
    }


@login_required
@require_POST
def case_mark_signal(request: HttpRequest, case_id: int) -> HttpResponse:
    """Mark a missed or false crisis signal from the case page (the referral page's action)."""
    try:
        case = get_case_for_user(request.user, case_id)
    except NotFound as exc:
        raise Http404 from exc
    referral = Referral.objects.filter(pk=request.POST.get("referral") or 0, case=case).first()
    if referral is None:
        raise Http404
    try:
        actions.referral_mark_signal(
            actor=request.user,
            referral=referral,
            kind=request.POST.get("kind", ""),
            note=request.POST.get("note", ""),
        )
    except NotFound as exc:
        raise Http404 from exc
    except ConcordError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your mark on the crisis detector is recorded."))
    return redirect("web:case", case.pk)
