"""Pages: the crisis button, the counsellor's queue and referral page, exports, the network.

Thin: parse, call an action or selector, render. Sealed pages demand a reason ("why") and every
render is a logged read; after a form is posted the page is shown again with the same reason.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from concord.accounts.models import User
from concord.cases.selectors import get_case_for_user
from concord.core import conf
from concord.core.errors import ConcordError, NotFound
from concord.places.models import Place

from . import actions, grants, selectors
from .models import (
    ActivityKind,
    ClosureOutcome,
    CommunityActivity,
    ContactMode,
    PartnerKind,
    Risk,
    SignalMarkKind,
)
from .protocol import AssessmentAnswers

# The value (English) goes into the audit record; the label is shown in the user's language.
READ_REASONS = [
    ("Making first contact", gettext_lazy("Making first contact")),
    ("Assessment", gettext_lazy("Assessment")),
    ("Follow-up", gettext_lazy("Follow-up")),
    ("Handover to another service", gettext_lazy("Handover to another service")),
    ("On-duty crisis response", gettext_lazy("On-duty crisis response")),
    ("Team lead review of a missed clock", gettext_lazy("Team lead review of a missed clock")),
]


def policy_lines() -> list[tuple[str, str]]:
    """Return (risk label, what the policy asks) for display, labelled as policy."""
    risks = conf.wellbeing().risks

    def hours(level):
        return ", ".join(str(h) for h in risks[level].get("follow_up_hours", [])) or "—"

    return [
        (
            Risk.IMMINENT.label,
            _(
                "Call 110/120 and stay with the person; on-duty counsellor alerted at once; "
                "contact within %(m)s minutes; safety plan; follow-ups at %(h)s hours."
            )
            % {"m": risks["imminent"].get("contact_minutes"), "h": hours("imminent")},
        ),
        (
            Risk.HIGH.label,
            _("Counsellor contact the same day and a safety plan; follow-ups at %(h)s hours.")
            % {"h": hours("high")},
        ),
        (
            Risk.MODERATE.label,
            _("Contact within %(d)s days.") % {"d": risks["moderate"].get("contact_days")},
        ),
        (Risk.LOW.label, _("Information and an offer of support.")),
    ]


def _deny_unless(condition: bool) -> None:
    if not condition:
        raise DjangoPermissionDenied


def _error(request: HttpRequest, exc: ConcordError) -> None:
    details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
    messages.error(request, f"{exc.message} {details}".strip())


# --- the crisis button ---------------------------------------------------------------------


@login_required
def crisis(request: HttpRequest, case_id: int) -> HttpResponse:
    """Confirm and press "crisis" on a case; show what to do now (imminent: in large text)."""
    try:
        case = get_case_for_user(request.user, case_id)
    except NotFound as exc:
        raise Http404 from exc
    if request.method == "POST":
        try:
            opened = actions.case_mark_crisis(
                actor=request.user,
                case=case,
                risk=request.POST.get("risk", Risk.HIGH),
                reason=request.POST.get("reason", ""),
            )
        except ConcordError as exc:
            _error(request, exc)
        else:
            return render(
                request,
                "wellbeing/crisis_done.html",
                {
                    "case": case,
                    "imminent": opened.referral.risk == Risk.IMMINENT,
                    "instructions": opened.instructions,
                    "hotline": selectors.hotline_context(case.place),
                },
            )
    return render(
        request,
        "wellbeing/crisis_form.html",
        {"case": case, "risks": Risk.choices, "policy": policy_lines()},
    )


def hotline(request: HttpRequest) -> HttpResponse:
    """Show residents the hotline panel for their place (?place=CODE)."""
    place = Place.objects.filter(code=request.GET.get("place", "")).first()
    return render(request, "wellbeing/hotline.html", {"hotline": selectors.hotline_context(place)})


# --- the counsellor's queue and referral page ----------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _deny_unless(selectors.may_counsel(request.user))
    rows = list(selectors.referral_queue(request.user))
    now = timezone.now()
    return render(
        request,
        "wellbeing/queue.html",
        {
            "rows": rows,
            "now": now,
            "policy": policy_lines(),
            "reasons": READ_REASONS,
            "failed": selectors.team_notices_failed(request.user),
        },
    )


def _why(request: HttpRequest) -> str:
    return (request.GET.get("why") or request.POST.get("why") or "").strip()


def _back(referral_id: int, why: str) -> HttpResponse:
    url = reverse("wellbeing:referral", args=[referral_id])
    return redirect(f"{url}?{urlencode({'why': why})}")


@login_required
def referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Show a sealed referral to a counsellor of its team, after a reason is given."""
    _deny_unless(selectors.may_counsel(request.user))
    why = _why(request)
    if not why:
        return render(
            request,
            "wellbeing/why.html",
            {"referral_id": referral_id, "reasons": READ_REASONS},
        )
    try:
        r = selectors.referral_for_counsellor(request.user, referral_id, why=why)
    except NotFound as exc:
        raise Http404 from exc
    except ConcordError as exc:
        _error(request, exc)
        return redirect("wellbeing:queue")
    return render(
        request,
        "wellbeing/referral.html",
        {
            "r": r,
            "why": why,
            "now": timezone.now(),
            "imminent": r.risk == Risk.IMMINENT and r.is_open,
            "plan": getattr(r, "safety_plan", None),
            "risks": Risk.choices,
            "modes": ContactMode.choices,
            "outcomes": ClosureOutcome.choices,
            "partners": selectors.partners_for(r.team),
            "policy": policy_lines(),
            "scale": range(5),
            "reads": selectors.referral_reads(r.pk).select_related("actor"),
            "mark_kinds": SignalMarkKind.choices,
            "marks": r.signal_marks.select_related("by"),
        },
    )


def _checkbox(request: HttpRequest, name: str) -> bool:
    return request.POST.get(name) in {"on", "1", "true", "yes"}


def _run(request: HttpRequest, referral_id: int, step: str) -> None:
    referral = selectors.get_referral_for_user(request.user, referral_id)
    post = request.POST
    if step == "take":
        actions.referral_take(actor=request.user, referral=referral)
    elif step == "assess":
        answers = AssessmentAnswers(
            ideation=int(post.get("ideation", 0)),
            hopelessness=int(post.get("hopelessness", 0)),
            has_plan=_checkbox(request, "has_plan"),
            has_means=_checkbox(request, "has_means"),
            act_in_progress=_checkbox(request, "act_in_progress"),
        )
        actions.referral_assess(
            actor=request.user,
            referral=referral,
            answers=answers,
            protective_factors=post.get("protective_factors", ""),
            notes=post.get("notes", ""),
            risk=post.get("risk") or None,
            override_reason=post.get("override_reason", ""),
        )
    elif step == "safety-plan":
        actions.referral_set_safety_plan(
            actor=request.user,
            referral=referral,
            **{name: post.get(name, "") for name in actions.SAFETY_PLAN_FIELDS},
        )
    elif step == "contact":
        actions.referral_log_contact(
            actor=request.user,
            referral=referral,
            mode=post.get("mode", ""),
            reached=_checkbox(request, "reached"),
            note=post.get("note", ""),
        )
    elif step == "follow-up":
        due = parse_datetime(post.get("due_at", ""))
        if due is None:
            raise ConcordError(_("Give a date and time."), fields={"due_at": _("Required.")})
        actions.follow_up_schedule(
            actor=request.user, referral=referral, due_at=due, note=post.get("note", "")
        )
    elif step == "follow-up-done":
        f = selectors.get_follow_up_for_user(request.user, referral, post.get("follow_up"))
        actions.follow_up_complete(actor=request.user, follow_up=f, note=post.get("note", ""))
    elif step == "handover":
        partner = None
        if post.get("partner"):
            partner = selectors.partner_active(post["partner"])
        actions.referral_hand_over(
            actor=request.user,
            referral=referral,
            summary=post.get("summary", ""),
            partner=partner,
            to_other=post.get("to_other", ""),
        )
    elif step == "mark-signal":
        actions.referral_mark_signal(
            actor=request.user,
            referral=referral,
            kind=post.get("kind", ""),
            note=post.get("note", ""),
        )
    elif step == "close":
        actions.referral_close(
            actor=request.user,
            referral=referral,
            outcome=post.get("outcome", ""),
            note=post.get("note", ""),
        )
    else:
        raise Http404


@login_required
@require_POST
def referral_step(request: HttpRequest, referral_id: int, step: str) -> HttpResponse:
    _deny_unless(selectors.may_counsel(request.user))
    try:
        _run(request, referral_id, step)
    except NotFound as exc:
        raise Http404 from exc
    except (ConcordError, ValueError) as exc:
        if isinstance(exc, ConcordError):
            _error(request, exc)
        else:
            messages.error(request, _("Some of the input is not valid."))
    else:
        messages.success(request, _("Saved."))
    return _back(referral_id, _why(request) or "Continuing work after saving")


# --- exports -------------------------------------------------------------------------------


@login_required
def exports(request: HttpRequest) -> HttpResponse:
    _deny_unless(selectors.may_counsel(request.user))
    if request.method == "POST":
        try:
            if request.POST.get("decide"):
                actions.export_decide(
                    actor=request.user,
                    export=selectors.get_export(request.user, int(request.POST["decide"])),
                    approve=request.POST.get("approve") == "1",
                    note=request.POST.get("note", ""),
                )
            else:
                team = (
                    selectors.teams_of(request.user).filter(code=request.POST.get("team")).first()
                )
                if team is None:
                    raise NotFound()
                actions.export_request(
                    actor=request.user,
                    team=team,
                    date_from=date.fromisoformat(request.POST.get("date_from", "")),
                    date_to=date.fromisoformat(request.POST.get("date_to", "")),
                    reason=request.POST.get("reason", ""),
                )
            messages.success(request, _("Saved."))
        except ConcordError as exc:
            _error(request, exc)
        except ValueError:
            messages.error(request, _("Some of the input is not valid."))
        return redirect("wellbeing:exports")
    return render(
        request,
        "wellbeing/exports.html",
        {"exports": selectors.exports_for(request.user), "teams": selectors.teams_of(request.user)},
    )


@login_required
def export_download(request: HttpRequest, export_id: int) -> HttpResponse:
    _deny_unless(selectors.may_counsel(request.user))
    try:
        text = actions.export_download(
            actor=request.user, export=selectors.get_export(request.user, export_id)
        )
    except NotFound as exc:
        raise Http404 from exc
    except ConcordError as exc:
        _error(request, exc)
        return redirect("wellbeing:exports")
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="referrals-{export_id}.csv"'
    return response


# --- the counselling network ---------------------------------------------------------------


@login_required
def network(request: HttpRequest) -> HttpResponse:
    _deny_unless(selectors.may_see_network(request.user))
    return render(
        request, "wellbeing/network.html", {"teams": selectors.network_teams(request.user)}
    )


def _parse_dt(value: str) -> datetime:
    parsed = parse_datetime(value or "")
    if parsed is None:
        raise ValueError(value)
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@login_required
def team(request: HttpRequest, code: str) -> HttpResponse:
    try:
        t = selectors.get_team(request.user, code)
    except NotFound as exc:
        raise Http404 from exc
    if request.method == "POST":
        post = request.POST
        try:
            if post.get("form") == "shift":
                counsellor = User.objects.filter(username=post.get("counsellor")).first()
                if counsellor is None:
                    raise NotFound()
                actions.duty_shift_add(
                    actor=request.user,
                    team=t,
                    counsellor=counsellor,
                    starts_at=_parse_dt(post.get("starts_at", "")),
                    ends_at=_parse_dt(post.get("ends_at", "")),
                )
            elif post.get("form") == "activity":
                actions.activity_add(
                    actor=request.user,
                    team=t,
                    kind=post.get("kind", ""),
                    title=post.get("title", ""),
                    place=Place.objects.get(code=post.get("place", "")),
                    starts_at=_parse_dt(post.get("starts_at", "")),
                )
            elif post.get("form") == "participation":
                activity = selectors.activities_for(t).get(pk=post.get("activity"))
                actions.activity_record_participation(
                    actor=request.user, activity=activity, participants=int(post["participants"])
                )
            elif post.get("form") == "partner":
                actions.partner_add(
                    actor=request.user,
                    team=t,
                    name_zh=post.get("name_zh", ""),
                    name_en=post.get("name_en", ""),
                    kind=post.get("kind", ""),
                    place=t.place,
                    phone=post.get("phone", ""),
                )
            messages.success(request, _("Saved."))
        except ConcordError as exc:
            _error(request, exc)
        except (ValueError, KeyError, Place.DoesNotExist, CommunityActivity.DoesNotExist):
            messages.error(request, _("Some of the input is not valid."))
        return redirect("wellbeing:team", code=t.code)
    return render(
        request,
        "wellbeing/team.html",
        {
            "team": t,
            "may_edit": actions.is_team_counsellor(request.user, team_id=t.pk),
            "may_see_grants": grants.may_see_team_grants(request.user, t),
            "on_duty": actions.on_duty(t.pk),
            "roster": selectors.duty_roster(t),
            "partners": selectors.partners_for(t),
            "activities": selectors.activities_for(t),
            "activity_kinds": ActivityKind.choices,
            "partner_kinds": PartnerKind.choices,
            "signal_marks": selectors.signal_marks_by_month(t),
        },
    )
