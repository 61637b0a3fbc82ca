"""The residents' front door: guide, filing, receipt and tracking. No login needed."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap, Role
from concord.cases import actions as case_actions
from concord.cases import tokens
from concord.cases.models import (
    OPEN_STATUSES,
    Category,
    ClockState,
    IntakeChannel,
    PartyRole,
    Status,
)
from concord.cases.selectors import get_case_by_receipt, resident_timeline
from concord.channels.models import Petition
from concord.core.errors import ConcordError, NotFound
from concord.notifications.resident_messages import (
    contact_preference_for,
    contact_preference_set,
)
from concord.places.models import MapFeature, Place
from concord.places.selectors import place_locate
from concord.web import assist, guide, wording
from concord.web.forms import (
    AddInformationForm,
    FeedbackForm,
    ReviewRequestForm,
    SubmissionForm,
    TrackLookupForm,
)

RECEIPT_SESSION_KEY = "web_receipt"


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def may_file_for_residents(user) -> bool:
    return bool(perms.place_paths_with(user, Cap.CASE_FILE))


def usual_intake_channel(user) -> str:
    """Return how this staff member's filings usually arrive: grid workers meet residents on
    their rounds, everyone else at the office."""
    roles = {g.role for g in perms.grants(user)}
    return IntakeChannel.GRID_WORKER if roles == {Role.GRID_WORKER} else IntakeChannel.WALK_IN


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Show the guided front door, and the suggestion once a topic is chosen."""
    topic = request.GET.get("topic", "")
    suggestion = None
    if topic in guide.BY_CODE:
        suggestion = guide.suggest(
            topic,
            tried_talking=_yes_no(request.GET.get("tried_talking")),
            in_court=_yes_no(request.GET.get("in_court")),
        )
    context = {
        "topics": guide.TOPICS,
        "selected": topic,
        "tried_talking": request.GET.get("tried_talking", ""),
        "in_court": request.GET.get("in_court", ""),
        "suggestion": suggestion,
        "lookup": TrackLookupForm(),
    }
    if suggestion and suggestion.topic.crisis:
        context["hotline"] = assist.hotline(None)
    return render(request, "web/home.html", context)


def _apply_form_errors(form, exc: ConcordError) -> None:
    names = set(form.fields)
    for field, message in exc.fields.items():
        form.add_error(field if field in names else None, message)
    if not exc.fields:
        form.add_error(None, exc.message)


@require_http_methods(["GET", "POST"])
def file_case(request: HttpRequest) -> HttpResponse:
    """Show and accept the submission form (residents, or staff filing for a resident)."""
    staff_filing = request.user.is_authenticated and may_file_for_residents(request.user)
    staff_places = perms.place_paths_with(request.user, Cap.CASE_FILE) if staff_filing else None
    topic = guide.BY_CODE.get(request.GET.get("topic") or request.POST.get("topic") or "")
    if request.method == "POST":
        form = SubmissionForm(request.POST, request.FILES, staff_places=staff_places)
        if form.is_valid():
            submission = _submit(request, form, staff_filing=staff_filing)
            if submission is not None:
                request.session[RECEIPT_SESSION_KEY] = {
                    "code": submission.case.receipt_code,
                    "token": submission.token,
                }
                return redirect("web:receipt")
    else:
        initial = {}
        if topic:
            initial = {"kind": topic.kind, "category": topic.category, "topic": topic.code}
        if getattr(request.user, "kind", "") == "resident":
            # A signed-in resident's own name and number, ready to change or remove.
            initial.update(name=request.user.display_name, phone=request.user.phone)
        form = SubmissionForm(
            initial=initial,
            staff_places=staff_places,
            staff_channel=usual_intake_channel(request.user) if staff_filing else "",
        )
    data = form.data if form.is_bound else {}
    level = assist.crisis_level(data.get("title", ""), data.get("description", ""))
    crisis = level is not None
    return render(
        request,
        "web/file.html",
        {
            "form": form,
            "staff_filing": staff_filing,
            "topic": topic,
            "crisis": crisis or bool(topic and topic.crisis),
            "hotline": assist.hotline(None, level),
            "places_url": reverse("web:places_geojson"),
            "tiles": getattr(settings, "CONCORD_MAP_TILES", ""),
        },
    )


def _submit(request: HttpRequest, form: SubmissionForm, *, staff_filing: bool):
    d = form.cleaned_data
    place = Place.objects.filter(code=d["place"]).first() if d.get("place") else None
    if place is not None and d.get("lat") is not None and d.get("lng") is not None:
        # A point clicked on the map inside the chosen village also names its grid.
        place = place_locate(lng=d["lng"], lat=d["lat"], within=place) or place
    category = Category.objects.filter(code=d["category"]).first() if d.get("category") else None
    parties = []
    if not d["is_anonymous"] and (d.get("name") or d.get("phone")):
        parties.append({"role": PartyRole.COMPLAINANT, "name": d["name"], "phone": d["phone"]})
    elif d["is_anonymous"] and d.get("contact_consent") and d.get("phone"):
        parties.append({"role": PartyRole.COMPLAINANT, "name": "", "phone": d["phone"]})
    actor = request.user if request.user.is_authenticated else None
    try:
        submission = case_actions.case_submit(
            actor=actor,
            kind=d["kind"],
            title=d["title"],
            description=d["description"],
            place=place,
            category=category,
            lat=d.get("lat"),
            lng=d.get("lng"),
            address=d.get("address", ""),
            language=get_language() or "zh-hans",
            intake_channel=d["intake_channel"] if staff_filing else IntakeChannel.WEB,
            parties=parties,
            contact_consent=d["contact_consent"],
            is_anonymous=d["is_anonymous"],
            on_behalf_consent=d.get("on_behalf_consent", "") if staff_filing else "",
        )
    except ConcordError as exc:
        _apply_form_errors(form, exc)
        return None
    for upload in d.get("attachments") or []:
        try:
            case_actions.case_attach(
                case=submission.case, data=upload.read(), name=upload.name, actor=actor
            )
        except ConcordError as exc:
            messages.warning(
                request,
                _("The file %(name)s was not attached: %(reason)s")
                % {"name": upload.name, "reason": exc.message},
            )
    return submission


@require_POST
def suggest(request: HttpRequest) -> HttpResponse:
    """Return the typing help (category suggestions, hotline panel) as an htmx fragment."""
    title = request.POST.get("title", "")[:200]
    body = request.POST.get("description", "")[:10_000]
    level = assist.crisis_level(title, body)
    suggestions = assist.category_suggestions(
        title=title, body=body, kind=request.POST.get("kind", "")
    )
    return render(
        request,
        "web/_assist.html",
        {
            "suggestions": suggestions,
            "crisis": level is not None,
            "hotline": assist.hotline(None, level),
        },
    )


@require_GET
def receipt(request: HttpRequest) -> HttpResponse:
    data = request.session.get(RECEIPT_SESSION_KEY)
    if not data:
        return redirect("web:home")
    track_url = request.build_absolute_uri(
        reverse("web:track", kwargs={"code": data["code"], "token": data["token"]})
    )
    try:
        case = get_case_by_receipt(data["code"], data["token"])
    except NotFound:
        return redirect("web:home")
    deadlines = [_deadline(case, clock) for clock in _live_visible_clocks(case)]
    return render(
        request,
        "web/receipt.html",
        {
            "code": data["code"],
            "token": data["token"],
            "track_url": track_url,
            "case": case,
            "deadline": deadlines[0] if deadlines else None,
            "next_step": wording.next_step(case),
        },
    )


@require_GET
def track_lookup(request: HttpRequest) -> HttpResponse:
    form = TrackLookupForm(request.GET or None)
    if form.is_valid():
        code = form.cleaned_data["code"].strip().upper()
        token = form.cleaned_data["token"].strip().lower()
        try:
            get_case_by_receipt(code, token)
        except NotFound:
            form.add_error(None, _("No matter matches this receipt code and key."))
        else:
            return redirect("web:track", code=code, token=token)
    return render(request, "web/track_lookup.html", {"form": form})


def _live_visible_clocks(case) -> list:
    return sorted(
        (
            c
            for c in case.clocks.all()
            if c.resident_visible and c.state in (ClockState.RUNNING, ClockState.PAUSED)
        ),
        key=lambda c: c.due_on,
    )


def _deadline(case, clock) -> dict:
    yours = wording.clock_binds_resident(clock)
    return {
        "label": wording.clock_label(clock),
        "due_on": clock.due_on,
        "due_at": clock.due_at,
        "owner": _("You") if yours else case.owner_unit.localized_name(),
        "yours": yours,
        "basis": clock.basis,
        "paused": clock.state == ClockState.PAUSED,
        "provisional": wording.provisional_note(clock),
    }


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest, code: str, token: str) -> HttpResponse:
    """Show a resident their case, and take added information, ratings and review requests."""
    try:
        case = get_case_by_receipt(code, token)
    except NotFound:
        raise Http404() from None
    info_form, feedback_form, review_form = (
        AddInformationForm(),
        FeedbackForm(),
        ReviewRequestForm(),
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "info":
                info_form = AddInformationForm(request.POST)
                if info_form.is_valid():
                    case_actions.case_add_information(
                        case=case, text=info_form.cleaned_data["text"]
                    )
                    messages.success(request, _("Thank you. Your information was added."))
                    return redirect(request.path)
            elif action == "feedback":
                feedback_form = FeedbackForm(request.POST)
                if feedback_form.is_valid():
                    case_actions.case_feedback(case=case, **feedback_form.cleaned_data)
                    messages.success(request, _("Thank you for your rating."))
                    return redirect(request.path)
            elif action == "messages":
                contact_preference_set(
                    case=case, opted_out=request.POST.get("only_statutory") == "1"
                )
                messages.success(request, _("Your message settings were saved."))
                return redirect(request.path)
            elif action == "review":
                review_form = ReviewRequestForm(request.POST)
                if review_form.is_valid():
                    case_actions.case_request_review(
                        case=case, reason=review_form.cleaned_data["reason"]
                    )
                    messages.success(request, _("Your request for review was sent."))
                    return redirect(request.path)
        except ConcordError as exc:
            messages.error(request, exc.message)
    case = get_case_by_receipt(code, token)
    petition = Petition.objects.filter(case=case).first()
    if request.method == "GET" and petition is not None:
        # Reading the written opinion here serves it (信访工作条例 arts 35-36): the review
        # window starts today. A message merely sent does not. The tracking API does the same.
        if case_actions.case_read_by_resident(case=case):
            case = get_case_by_receipt(code, token)
            petition = Petition.objects.filter(case=case).first()
    language = get_language() or "zh-hans"
    events = [
        {
            "at": e.created_at,
            "label": wording.event_label(e),
            "text": wording.event_text(e, language),
        }
        for e in resident_timeline(case)
    ]
    rated = case.feedback.filter(created_at__gte=case.resolved_at or case.created_at).exists()
    level = assist.crisis_level(case.title, case.description)
    crisis = level is not None
    deadlines = [_deadline(case, clock) for clock in _live_visible_clocks(case)]
    return render(
        request,
        "web/track.html",
        {
            "case": case,
            "status_plain": wording.status_plain(case),
            "events": events,
            "deadline": deadlines[0] if deadlines else None,
            "other_deadlines": deadlines[1:],
            "service": wording.petition_service(petition),
            "may_add_info": case.status in OPEN_STATUSES or case.status == Status.RESOLVED,
            "may_rate": case.status in (Status.RESOLVED, Status.CLOSED) and not rated,
            "may_ask_review": case.status in (Status.RESOLVED, Status.CLOSED),
            "info_form": info_form,
            "feedback_form": feedback_form,
            "review_form": review_form,
            "crisis": crisis,
            "hotline": assist.hotline(case.place, level) if crisis else None,
            "token": tokens.tracking_token(case.token_salt),
            "only_statutory": contact_preference_for(case),
            "has_contact": any(p.phone or p.email for p in case.parties.all()),
        },
    )


@require_GET
def places_geojson(request: HttpRequest) -> JsonResponse:
    """Return the offline basemap (public data): every place's boundary with its name, parent
    and label point, then the rivers and main roads. Maps draw from this alone, no tiles."""
    rows = (
        Place.objects.exclude(boundary=None)
        .select_related("parent")
        .only(
            "code",
            "level",
            "name_zh",
            "name_en",
            "boundary",
            "centroid_lat",
            "centroid_lng",
            "parent__code",
        )
        .order_by("path")
    )
    features = [
        {
            "type": "Feature",
            "geometry": p.boundary,
            "properties": {
                "code": p.code,
                "name": p.localized_name(),
                "level": p.level,
                "parent": p.parent.code if p.parent else "",
                "label": [p.centroid_lat, p.centroid_lng],
            },
        }
        for p in rows
    ]
    features += [
        {
            "type": "Feature",
            "geometry": f.geometry,
            "properties": {"layer": f.kind, "name": f.localized_name()},
        }
        for f in MapFeature.objects.all()
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})
