"""Residents' pages: sign in or sign up with a phone code, "My matters", and the account page
(profile, verification, export, deletion). Each view parses, calls one action and renders."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from concord.core.errors import ConcordError, InvalidInput
from concord.core.ratelimit import client_address
from concord.notifications.resident_messages import messages_for
from concord.notifications.selectors import preference_for
from concord.participation import actions as participation
from concord.places.models import Place
from concord.safety import actions as safety_actions
from concord.safety import selectors as safety_selectors

from . import actions, selectors
from .phones import masked, normalise_mobile

PHONE_KEY = "resident_signin_phone"
PROOF_KEY = "resident_signin_proof"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _errors(exc: ConcordError) -> dict:
    return {k: str(v) for k, v in exc.fields.items()} or {"__all__": exc.message}


def _sign_in(request: HttpRequest, user, *, how: str) -> HttpResponse:
    request.session.pop(PROOF_KEY, None)
    request.session.pop(PHONE_KEY, None)
    login(request, user, backend=BACKEND)
    actions.resident_signed_in(user=user, how=how)
    translation.activate(user.language)
    response = redirect("residents:matters")
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
    return response


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step 1: a mainland mobile number gets a code. Step 2: the code signs in (or leads to
    sign-up when the number has no account yet)."""
    if selectors.resident_of(request.user) is not None:
        return redirect("residents:matters")
    errors: dict = {}
    phone = request.session.get(PHONE_KEY, "")
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step == "phone":
                typed = request.POST.get("phone", "")
                actions.sign_in_code_request(phone=typed, client=client_address(request))
                request.session[PHONE_KEY] = normalise_mobile(typed)
                messages.success(request, _("A code was sent to your phone."))
                return redirect("residents:signin")
            if step == "code" and phone:
                proof = actions.sign_in_code_confirm(phone=phone, code=request.POST.get("code", ""))
                user = actions.resident_for_proof(proof)
                if user is not None:
                    return _sign_in(request, user, how="phone_code")
                request.session[PROOF_KEY] = proof
                return redirect("residents:signup")
            if step == "restart":
                request.session.pop(PHONE_KEY, None)
                return redirect("residents:signin")
            errors = {"__all__": _("Start again with your phone number.")}
        except ConcordError as exc:
            errors = _errors(exc)
            if step == "phone":
                phone = ""
    return render(
        request,
        "residents/sign_in.html",
        {"phone": phone, "masked": masked(phone) if phone else "", "errors": errors},
        status=400 if errors else 200,
    )


def _place(code: str) -> Place | None:
    return Place.objects.filter(code=code).first() if code else None


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    """Step 3 for a new number: a name, the home place, the language and (optionally) e-mail."""
    proof = request.session.get(PROOF_KEY)
    if not proof:
        return redirect("residents:signin")
    errors: dict = {}
    values = {"language": translation.get_language() or "zh-hans"}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("display_name", "home", "language", "email")}
        try:
            user = actions.resident_sign_up(
                proof=proof,
                display_name=values["display_name"],
                home_place=_place(values["home"]),
                language=values["language"],
                email=values["email"],
            )
        except ConcordError as exc:
            errors = _errors(exc)
            if "code" in errors:  # the proof went stale: back to the first step
                request.session.pop(PROOF_KEY, None)
                messages.error(request, errors["code"])
                return redirect("residents:signin")
        else:
            messages.success(request, _("Welcome to Concord. Your account is ready."))
            return _sign_in(request, user, how="sign_up")
    return render(
        request,
        "residents/sign_up.html",
        {
            "places": selectors.home_places(),
            "values": values,
            "errors": errors,
            "tiles": settings.CONCORD_MAP_TILES,
        },
        status=400 if errors else 200,
    )


def _resident_or_sign_in(request: HttpRequest):
    row = selectors.resident_of(request.user)
    if row is None:
        return None, redirect(reverse("residents:signin"))
    return row, None


@require_http_methods(["GET", "POST"])
def matters(request: HttpRequest) -> HttpResponse:
    """My matters: what the resident filed while signed in, and what they claimed."""
    row, away = _resident_or_sign_in(request)
    if away:
        return away
    errors: dict = {}
    if request.method == "POST":
        try:
            case = actions.case_claim(
                actor=request.user,
                code=request.POST.get("code", ""),
                token=request.POST.get("token", ""),
            )
        except ConcordError as exc:
            errors = _errors(exc)
        else:
            messages.success(
                request, _("%(code)s is now in My matters.") % {"code": case.receipt_code}
            )
            return redirect("residents:matters")
    return render(
        request,
        "residents/matters.html",
        {
            "resident": row,
            "items": selectors.my_matters(request.user),
            "errors": errors,
            "inbox": messages_for(request.user),
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The account page: profile, verification levels (census check), export and deletion."""
    row, away = _resident_or_sign_in(request)
    if away:
        return away
    errors: dict = {}
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step == "profile":
                actions.resident_update(
                    actor=request.user,
                    display_name=request.POST.get("display_name", ""),
                    home_place=_place(request.POST.get("home", "")),
                    language=request.POST.get("language", ""),
                    email=request.POST.get("email", ""),
                )
                messages.success(request, _("Your account was saved."))
            elif step == "warnings":
                # The same action as POST /api/v1/safety/me/profile.
                place = _place(request.POST.get("warning_place", ""))
                if place is None:
                    raise InvalidInput(
                        _("Choose a place."), fields={"warning_place": _("Choose a place.")}
                    )
                safety_actions.resident_profile_update(
                    actor=request.user,
                    place=place,
                    address=request.POST.get("address", "")[:300],
                    email=request.POST.get("by_email") == "on",
                    sms=request.POST.get("by_sms") == "on",
                    opted_out=request.POST.get("opted_out") == "on",
                )
                messages.success(request, _("Your warning settings were saved."))
            elif step == "census":
                participation.verification_by_census(
                    actor=request.user,
                    place=row.home_place,
                    id_number=request.POST.get("id_number", ""),
                )
                messages.success(request, _("You are verified on the village's census list."))
            else:
                errors = {"__all__": _("Unknown step.")}
        except ConcordError as exc:
            errors = _errors(exc)
        if not errors:
            return redirect("residents:account")
    return render(
        request,
        "residents/account.html",
        {
            "resident": row,
            "places": selectors.home_places(),
            "tiles": settings.CONCORD_MAP_TILES,
            "levels": selectors.verification_levels(request.user),
            "masked": masked(request.user.phone),
            "values": {
                "display_name": request.user.display_name,
                "home": row.home_place.code if row.home_place else "",
                "language": request.user.language,
                "email": request.user.email,
            },
            "errors": errors,
            "warning_profile": safety_selectors.resident_profile_of(request.user),
            "warning_preference": preference_for(request.user),
        },
        status=400 if errors else 200,
    )


def export(request: HttpRequest) -> HttpResponse:
    """Download everything held about the signed-in resident as one JSON file."""
    row, away = _resident_or_sign_in(request)
    if away:
        return away
    data = selectors.resident_export(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="concord-my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def delete(request: HttpRequest) -> HttpResponse:
    """Delete the account once the resident ticks the confirmation; then sign them out."""
    row, away = _resident_or_sign_in(request)
    if away:
        return away
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that the account should be deleted."))
        return redirect("residents:account")
    actions.resident_delete(actor=request.user)
    logout(request)
    messages.success(
        request,
        _("Your account was deleted. Matters you filed stay with the units answering them."),
    )
    return redirect("web:home")
