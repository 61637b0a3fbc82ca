"""Cases API: intake, lists, detail, events, every lifecycle step, and resident tracking."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from concord.accounts import permissions as perms
from concord.accounts.api_auth import optional_auth
from concord.accounts.models import Unit, User
from concord.accounts.roles import Cap
from concord.core import conf
from concord.core.errors import InvalidInput, NotFound, PayloadTooLarge
from concord.core.refcache import remembered
from concord.places.models import Place

from . import actions, selectors
from .models import Case, Category, TransferRequest
from .schemas import (
    CASE_RESPONSES,
    LIVE_CLOCKS,
    CaseDetailOut,
    CaseIn,
    CaseListOut,
    ErrorOut,
    EventOut,
    SubmissionOut,
    TrackOut,
    case_out,
    reloaded_case_out,
    track_out,
)

router = Router(tags=["cases"])


ANONYMOUS_KEY_MIN_CHARS = 16
IDEMPOTENCY_KEY_MAX_CHARS = 128


def _idempotency(request: HttpRequest, user) -> tuple[str | None, str]:
    """Return the request's Idempotency-Key and the scope it counts in.

    Keys are scoped per client: the API token, else the signed-in user. Anonymous callers share
    one scope, so their keys must be long enough not to be guessed or reused by chance.
    """
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if getattr(request, "api_token_id", None):
        scope = f"token:{request.api_token_id}"
    elif getattr(user, "is_authenticated", False):
        scope = f"user:{user.pk}"
    else:
        scope = "anonymous"
    if key is None:
        return None, scope
    shortest = ANONYMOUS_KEY_MIN_CHARS if scope == "anonymous" else 1
    if not (shortest <= len(key) <= IDEMPOTENCY_KEY_MAX_CHARS) or not all(
        "!" <= c <= "~" for c in key
    ):
        msg = _(
            "The Idempotency-Key must be %(min)d to %(max)d visible ASCII characters "
            "(send a random value, such as a UUID)."
        ) % {"min": shortest, "max": IDEMPOTENCY_KEY_MAX_CHARS}
        raise InvalidInput(msg, fields={"Idempotency-Key": msg})
    return key, scope


# --- intake --------------------------------------------------------------------------------


@router.post(
    "",
    auth=optional_auth,
    response={201: SubmissionOut, 200: SubmissionOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    summary="Submit a case",
)
def create_case(request: HttpRequest, payload: CaseIn):
    """File a case. Send an `Idempotency-Key` header so that a retry returns the same case."""
    user = request.auth
    place = None
    if payload.place:
        place = remembered(("place", payload.place), Place.objects.filter(code=payload.place).first)
        if place is None:
            raise InvalidInput(_("Unknown place."), fields={"place": _("Unknown place.")})
    category = None
    if payload.category:
        category = remembered(
            ("category", payload.category),
            Category.objects.filter(code=payload.category, is_active=True).first,
        )
        if category is None:
            raise InvalidInput(_("Unknown category."), fields={"category": _("Unknown category.")})
    key, scope = _idempotency(request, user)
    submission = actions.case_submit(
        actor=user if user.is_authenticated else None,
        kind=payload.kind,
        title=payload.title,
        description=payload.description,
        place=place,
        category=category,
        lat=payload.lat,
        lng=payload.lng,
        address=payload.address,
        language=payload.language,
        intake_channel=payload.intake_channel,
        urgency=payload.urgency,
        parties=[p.dict() for p in payload.parties],
        contact_consent=payload.contact_consent,
        is_anonymous=payload.is_anonymous,
        on_behalf_consent=payload.on_behalf_consent,
        idempotency_key=key,
        idempotency_scope=scope,
    )
    case = submission.case
    if not submission.created:
        case = Case.objects.select_related("category", "place", "owner_unit").get(pk=case.pk)
    body = case_out(case) | {
        "tracking_token": submission.token,
        "tracking_url": reverse(
            "web:track", kwargs={"code": case.receipt_code, "token": submission.token}
        ),
    }
    return Status(201 if submission.created else 200, body)


# --- staff reads ---------------------------------------------------------------------------


# Counting every match over a million-case history costs a full scan; beyond this many the
# list reports the cap and `count_capped` (page on with offset, or narrow the filters).
LIST_COUNT_CAP = 10_000


@router.get("", response=CaseListOut, summary="List cases in my jurisdiction")
def list_cases(
    request: HttpRequest,
    status: str | None = None,
    place: str | None = None,
    category: str | None = None,
    channel: str | None = None,
    level: str | None = None,
    kind: str | None = None,
    owner_unit: str | None = None,
    created_from: date | None = None,
    created_to: date | None = None,
    q: str | None = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    filters = selectors.CaseFilters(
        status=status.split(",") if status else None,
        place=place,
        category=category,
        channel=channel,
        level=level,
        kind=kind,
        owner_unit=owner_unit,
        created_from=created_from,
        created_to=created_to,
        q=q,
    )
    qs = selectors.case_list(request.auth, filters)
    items = list(qs.prefetch_related(LIVE_CLOCKS)[offset : offset + limit])
    count, capped = selectors.count_up_to(qs, LIST_COUNT_CAP)
    return {
        "count": count,
        "count_capped": capped,
        "limit": limit,
        "offset": offset,
        "items": [case_out(c) for c in items],
    }


def _party_out(party, visible: bool) -> dict:
    return {
        "id": party.pk,
        "role": party.role,
        "name": party.name,
        "is_organisation": party.is_organisation,
        "phone": party.phone if visible else selectors.mask_phone(party.phone),
        "email": party.email if visible else selectors.mask_email(party.email),
        "address": party.address if visible else ("***" if party.address else ""),
        "masked": not visible,
    }


@router.get("/{int:case_id}", response=CaseDetailOut, summary="One case with parties and events")
def get_case(request: HttpRequest, case_id: int):
    case = selectors.get_case_for_user(request.auth, case_id)
    visible = selectors.may_see_contacts(request.auth, case)
    return case_out(case) | {
        "parties": [_party_out(p, visible) for p in case.parties.all()],
        "events": list(selectors.case_events(case, public_only=False, user=request.auth)),
    }


@router.get("/{int:case_id}/events", response=list[EventOut], summary="The case's event chain")
def get_case_events(request: HttpRequest, case_id: int):
    case = selectors.get_case_for_user(request.auth, case_id)
    return list(selectors.case_events(case, public_only=False, user=request.auth))


# --- staff transitions ---------------------------------------------------------------------


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class ReasonIn(Schema):
    reason: str


class DeclineIn(Schema):
    reason: str
    route: str
    route_deadline: str = ""


class AssignIn(Schema):
    assignee_id: int


class ResolveIn(Schema):
    outcome: str
    text: str


class EscalateIn(Schema):
    reason_code: str
    note: str


class TransferIn(Schema):
    to_unit: str
    reason: str


class MergeIn(Schema):
    into_id: int
    note: str = ""


class CaseNoteIn(Schema):
    text: str
    public: bool = False


@router.post("/{int:case_id}/accept", response=CASE_RESPONSES)
def accept(request, case_id: int, payload: NoteIn):
    return reloaded_case_out(
        actions.case_accept(
            actor=request.auth,
            case=selectors.get_case_for_user(request.auth, case_id),
            note=payload.note,
        )
    )


@router.post("/{int:case_id}/decline", response=CASE_RESPONSES, summary="Not accepted: redirect")
def decline(request, case_id: int, payload: DeclineIn):
    return reloaded_case_out(
        actions.case_not_accept(
            actor=request.auth,
            case=selectors.get_case_for_user(request.auth, case_id),
            reason=payload.reason,
            route=payload.route,
            route_deadline=payload.route_deadline,
        )
    )


@router.post("/{int:case_id}/assign", response=CASE_RESPONSES)
def assign(request, case_id: int, payload: AssignIn):
    assignee = User.objects.filter(pk=payload.assignee_id, is_active=True).first()
    if assignee is None:
        raise InvalidInput(_("Unknown user."), fields={"assignee_id": _("Unknown user.")})
    return reloaded_case_out(
        actions.case_assign(
            actor=request.auth,
            case=selectors.get_case_for_user(request.auth, case_id),
            assignee=assignee,
        )
    )


@router.post("/{int:case_id}/start", response=CASE_RESPONSES)
def start(request, case_id: int):
    return reloaded_case_out(
        actions.case_start(
            actor=request.auth, case=selectors.get_case_for_user(request.auth, case_id)
        )
    )


@router.post("/{int:case_id}/pause", response=CASE_RESPONSES)
def pause(request, case_id: int, payload: ReasonIn):
    return reloaded_case_out(
        actions.case_pause(
            actor=request.auth,
            case=selectors.get_case_for_user(request.auth, case_id),
            reason=payload.reason,
        )
    )


@router.post("/{int:case_id}/resume", response=CASE_RESPONSES)
def resume(request, case_id: int):
    return reloaded_case_out(
        actions.case_resume(
            actor=request.auth, case=selectors.get_case_for_user(request.auth, case_id)
        )
    )


@router.post("/{int:case_id}/resolve", response=CASE_RESPONSES)
def resolve(request, case_id: int, payload: ResolveIn):
    return reloaded_case_out(
        actions.case_resolve(
            actor=request.auth,
            case=selectors.get_case_for_user(request.auth, case_id),
            outcome=payload.outcome,
            text=payload.text,
        )
    )


@router.post("/{int:case_id}/close", response=CASE_RESPONSES)
def close(request, case_id: int, payload: NoteIn):
    return reloaded_case_out(
        actions.case_close(
            actor=request.auth,
            case=selectors.get_case_for_user(request.auth, case_id),
            note=payload.note,
        )
    )


@router.post("/{int:case_id}/reopen", response=CASE_RESPONSES)
def reopen(request, case_id: int, payload: ReasonIn):
    return reloaded_case_out(
        actions.case_reopen(
            actor=request.auth,
            case=selectors.get_case_for_user(request.auth, case_id),
            reason=payload.reason,
        )
    )


@router.post("/{int:case_id}/withdraw", response=CASE_RESPONSES)
def withdraw(request, case_id: int, payload: ReasonIn):
    return reloaded_case_out(
        actions.case_withdraw(
            actor=request.auth,
            case=selectors.get_case_for_user(request.auth, case_id),
            reason=payload.reason,
        )
    )


@router.post("/{int:case_id}/escalate", response=CASE_RESPONSES)
def escalate(request, case_id: int, payload: EscalateIn):
    return reloaded_case_out(
        actions.case_escalate(
            actor=request.auth,
            case=selectors.get_case_for_user(request.auth, case_id),
            reason_code=payload.reason_code,
            note=payload.note,
        )
    )


@router.post("/{int:case_id}/merge", response=CASE_RESPONSES)
def merge(request, case_id: int, payload: MergeIn):
    into = selectors.get_case_for_user(request.auth, payload.into_id)
    return reloaded_case_out(
        actions.case_merge(
            actor=request.auth,
            case=selectors.get_case_for_user(request.auth, case_id),
            into=into,
            note=payload.note,
        )
    )


@router.post("/{int:case_id}/notes", response=CASE_RESPONSES)
def add_note(request, case_id: int, payload: CaseNoteIn):
    return reloaded_case_out(
        actions.case_add_note(
            actor=request.auth,
            case=selectors.get_case_for_user(request.auth, case_id),
            text=payload.text,
            public=payload.public,
        )
    )


class TransferOut(Schema):
    id: int
    case_id: int
    from_unit: str
    to_unit: str
    reason: str
    state: str
    response_reason: str
    objection_due: date | None


def _transfer_out(t: TransferRequest) -> dict:
    return {
        "id": t.pk,
        "case_id": t.case_id,
        "from_unit": t.from_unit.code,
        "to_unit": t.to_unit.code,
        "reason": t.reason,
        "state": t.state,
        "response_reason": t.response_reason,
        "objection_due": t.objection_due,
    }


@router.post(
    "/{int:case_id}/transfers",
    response={201: TransferOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def request_transfer(request, case_id: int, payload: TransferIn):
    unit = Unit.objects.filter(code=payload.to_unit).select_related("place").first()
    if unit is None:
        raise InvalidInput(_("Unknown unit."), fields={"to_unit": _("Unknown unit.")})
    transfer = actions.case_transfer_request(
        actor=request.auth,
        case=selectors.get_case_for_user(request.auth, case_id),
        to_unit=unit,
        reason=payload.reason,
    )
    return Status(201, _transfer_out(transfer))


def _transfer_for_receiver(request, transfer_id: int) -> TransferRequest:

    transfer = (
        TransferRequest.objects.select_related("from_unit", "to_unit__place")
        .filter(pk=transfer_id)
        .first()
    )
    if transfer is None or not (
        perms.can(request.auth, Cap.CASE_HANDLE, unit_id=transfer.to_unit_id)
        or perms.can(request.auth, Cap.CASE_VIEW, unit_id=transfer.from_unit_id)
    ):
        raise NotFound()
    return transfer


@router.post("/transfers/{int:transfer_id}/accept", response=CASE_RESPONSES)
def accept_transfer(request, transfer_id: int):
    return reloaded_case_out(
        actions.case_transfer_accept(
            actor=request.auth, transfer=_transfer_for_receiver(request, transfer_id)
        )
    )


@router.post("/transfers/{int:transfer_id}/refuse", response=CASE_RESPONSES)
def refuse_transfer(request, transfer_id: int, payload: ReasonIn):
    return reloaded_case_out(
        actions.case_transfer_refuse(
            actor=request.auth,
            transfer=_transfer_for_receiver(request, transfer_id),
            reason=payload.reason,
        )
    )


class AttachmentOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    sha256: str


@router.post(
    "/{int:case_id}/attachments",
    response={201: AttachmentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 413: ErrorOut},
)
def add_attachment(request, case_id: int, file: UploadedFile = File(...)):
    case = selectors.get_case_for_user(request.auth, case_id)
    data = _read_upload(file)
    return Status(
        201,
        actions.case_attach(case=case, data=data, name=file.name, actor=request.auth, public=False),
    )


def _read_upload(file: UploadedFile) -> bytes:

    limit = conf.concord().attachment_max_bytes
    if file.size and file.size > limit:
        raise PayloadTooLarge(
            _("Attachments may be at most %(mb)d MB.") % {"mb": limit // (1024 * 1024)}
        )
    return file.read(limit + 1)


# --- resident tracking (code + token) ------------------------------------------------------


class TrackInfoIn(Schema):
    token: str
    text: str


class TrackFeedbackIn(Schema):
    token: str
    resolved: str
    satisfaction: int
    comment: str = ""


class TrackReasonIn(Schema):
    token: str
    reason: str


def _tracked(code: str, token: str) -> Case:
    # Guessing tokens is slowed down: tracking lookups are limited per address
    # (concord.web.ratelimit).
    return selectors.get_case_by_receipt(code, token)


@router.get(
    "/track/{code}",
    auth=optional_auth,
    response={200: TrackOut, 404: ErrorOut},
    summary="Track a case by receipt code and token",
)
def track(request, code: str, token: str = Query(..., max_length=64)):
    # Reading it here serves a petition's written opinion, as on the tracking page.
    case = _tracked(code, token)
    if actions.case_read_by_resident(case=case):
        case = _tracked(code, token)
    return track_out(case)


@router.post(
    "/track/{code}/information",
    auth=optional_auth,
    response={200: TrackOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def track_add_information(request, code: str, payload: TrackInfoIn):
    case = actions.case_add_information(case=_tracked(code, payload.token), text=payload.text)
    return track_out(case)


@router.post(
    "/track/{code}/feedback",
    auth=optional_auth,
    response={200: TrackOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def track_feedback(request, code: str, payload: TrackFeedbackIn):
    case = _tracked(code, payload.token)
    actions.case_feedback(
        case=case,
        resolved=payload.resolved,
        satisfaction=payload.satisfaction,
        comment=payload.comment,
    )
    return track_out(_tracked(code, payload.token))


@router.post(
    "/track/{code}/review",
    auth=optional_auth,
    response={200: TrackOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Ask for a review",
)
def track_review(request, code: str, payload: TrackReasonIn):
    # The channel decides the route: a petition goes to review by the body above (复查).
    case = actions.case_request_review(case=_tracked(code, payload.token), reason=payload.reason)
    return track_out(case)


@router.post(
    "/track/{code}/withdraw",
    auth=optional_auth,
    response={200: TrackOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def track_withdraw(request, code: str, payload: TrackReasonIn):
    case = actions.case_withdraw(
        case=_tracked(code, payload.token), reason=payload.reason, by_resident=True
    )
    return track_out(case)


@router.post(
    "/track/{code}/attachments",
    auth=optional_auth,
    response={201: AttachmentOut, 400: ErrorOut, 404: ErrorOut, 413: ErrorOut},
)
def track_attach(
    request, code: str, token: str = Query(..., max_length=64), file: UploadedFile = File(...)
):
    case = _tracked(code, token)
    return Status(
        201, actions.case_attach(case=case, data=_read_upload(file), name=file.name, public=True)
    )


class CategoryOut(Schema):
    code: str
    parent: str | None
    depth: int
    name_zh: str
    name_en: str
    name: str
    default_kind: str
    default_level: str
    default_channel: str
    handling_days: int
    open311_public: bool


categories_router = Router(tags=["categories"])


@categories_router.get("", auth=optional_auth, response=list[CategoryOut])
def list_categories(request, depth: int | None = None, parent: str | None = None):
    qs = selectors.categories_active().select_related("parent")
    if depth:
        qs = qs.filter(depth=depth)
    if parent:
        qs = qs.filter(parent__code=parent)
    return [
        {
            "code": c.code,
            "parent": c.parent.code if c.parent_id else None,
            "depth": c.depth,
            "name_zh": c.name_zh,
            "name_en": c.name_en,
            "name": c.localized_name(),
            "default_kind": c.default_kind,
            "default_level": c.default_level,
            "default_channel": c.default_channel,
            "handling_days": c.handling_days,
            "open311_public": c.open311_public,
        }
        for c in qs
    ]
