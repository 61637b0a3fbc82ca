"""Resident accounts over the API: the same actions as the pages (sign-in codes, sign-up,
My matters, claims, export, deletion), with the web session as the resident's credential."""

from __future__ import annotations

from django.contrib.auth import login, logout
from ninja import Router, Schema

from concord.accounts.api_auth import optional_auth, resident_auth
from concord.core.ratelimit import client_address
from concord.places.models import Place

from . import actions, selectors

router = Router(tags=["residents"])
BACKEND = "django.contrib.auth.backends.ModelBackend"


class PhoneIn(Schema):
    phone: str


class SessionIn(Schema):
    phone: str
    code: str


class SignUpIn(Schema):
    proof: str
    display_name: str
    home_place: str
    language: str = "zh-hans"
    email: str = ""


class ClaimIn(Schema):
    code: str
    token: str


def _me(user) -> dict:
    row = selectors.resident_of(user)
    levels = selectors.verification_levels(user)
    return {
        "display_name": user.display_name,
        "language": user.language,
        "email": user.email,
        "home_place": row.home_place.code if row and row.home_place else None,
        "verified": {k: [p.code for p in v] for k, v in levels.items()},
    }


@router.post("/code", auth=optional_auth, response={202: dict})
def code_request(request, payload: PhoneIn):
    """Send a sign-in code to a mainland mobile number (limited per number and address)."""
    actions.sign_in_code_request(phone=payload.phone, client=client_address(request))
    return 202, {"sent": True}


@router.post("/session", auth=optional_auth)
def session_open(request, payload: SessionIn):
    """Check the code: sign in when the number has an account, else return the proof that
    sign-up (POST /residents/accounts) takes."""
    proof = actions.sign_in_code_confirm(phone=payload.phone, code=payload.code)
    user = actions.resident_for_proof(proof)
    if user is None:
        return {"signed_in": False, "proof": proof}
    login(request, user, backend=BACKEND)
    actions.resident_signed_in(user=user, how="api")
    return {"signed_in": True, "me": _me(user)}


@router.post("/accounts", auth=optional_auth, response={201: dict})
def account_create(request, payload: SignUpIn):
    place = Place.objects.filter(code=payload.home_place).first()
    user = actions.resident_sign_up(
        proof=payload.proof,
        display_name=payload.display_name,
        home_place=place,
        language=payload.language,
        email=payload.email,
    )
    login(request, user, backend=BACKEND)
    actions.resident_signed_in(user=user, how="sign_up")
    return 201, _me(user)


@router.get("/me", auth=resident_auth)
def me(request):
    return _me(request.auth)


@router.get("/me/matters", auth=resident_auth)
def my_matters(request):
    return [
        {
            "receipt_code": m["case"].receipt_code,
            "title": m["case"].title,
            "status": m["case"].status,
            "tracking_token": m["token"],
            "filed_while_signed_in": m["filed_here"],
            "created_at": m["case"].created_at.isoformat(),
        }
        for m in selectors.my_matters(request.auth)
    ]


@router.post("/me/claims", auth=resident_auth, response={201: dict})
def claim(request, payload: ClaimIn):
    case = actions.case_claim(actor=request.auth, code=payload.code, token=payload.token)
    return 201, {"receipt_code": case.receipt_code}


@router.get("/me/export", auth=resident_auth)
def export(request):
    return selectors.resident_export(request.auth)


@router.delete("/me", auth=resident_auth, response={204: None})
def delete(request):
    actions.resident_delete(actor=request.auth)
    logout(request)
    return 204, None
