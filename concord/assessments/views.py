"""Pages: staff list and detail of assessments; the public consultation and comment follow-up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from concord.accounts import permissions as perms
from concord.core.errors import ConcordError, NotFound

from . import actions, selectors
from .documents import LANGUAGES, report_pdf
from .models import Stance


def _staff_only(request: HttpRequest) -> None:
    if not any(perms.place_paths_with(request.user, cap) for cap in selectors.VIEW_CAPS):
        raise DjangoPermissionDenied


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    decisions = list(selectors.decision_list(request.user))
    return render(request, "assessments/staff_list.html", {"decisions": decisions})


@login_required
def staff_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    try:
        a = selectors.get_assessment_for_user(request.user, assessment_id)
    except NotFound as exc:
        raise Http404 from exc
    a = selectors.assessment_detail(a)
    return render(
        request,
        "assessments/staff_detail.html",
        {
            "a": a,
            "decision": a.decision,
            "consultation": getattr(a, "consultation", None),
            "points": sorted(a.risk_points.all(), key=lambda p: (-p.score, p.pk)),
            "responses": selectors.you_said_we_did(a),
            "may_review": actions.may_review(request.user, a.decision),
        },
    )


@login_required
def staff_report(request: HttpRequest, assessment_id: int, lang: str) -> HttpResponse:
    if lang not in LANGUAGES:
        raise Http404
    try:
        a = selectors.get_assessment_for_user(request.user, assessment_id)
    except NotFound as exc:
        raise Http404 from exc
    response = HttpResponse(
        report_pdf(a, language=lang, reader=request.user), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="assessment-{a.pk}-{lang}.pdf"'
    return response


def public_list(request: HttpRequest) -> HttpResponse:
    items = list(selectors.public_consultations())
    return render(
        request,
        "assessments/public_list.html",
        {"items": items, "today": timezone.localdate()},
    )


def public_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    try:
        c = selectors.get_public_consultation(assessment_id)
    except NotFound as exc:
        raise Http404 from exc
    receipt = None
    if request.method == "POST":
        answers = {
            q["id"]: request.POST.get(f"answer_{q['id']}", "")
            for q in c.questions
            if request.POST.get(f"answer_{q['id']}", "").strip()
        }
        try:
            comment, token = actions.comment_submit(
                consultation=c,
                body=request.POST.get("body", ""),
                stance=request.POST.get("stance", ""),
                answers=answers,
                display_name=request.POST.get("display_name", ""),
                author=request.user,
            )
            receipt = {"code": comment.code, "token": token}
        except ConcordError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "assessments/public_detail.html",
        {
            "c": c,
            "decision": c.assessment.decision,
            "comments": list(selectors.public_comments(c)),
            "is_open": c.is_open_on(timezone.localdate()) and c.assessment.stage == "consulting",
            "responses": selectors.you_said_we_did(c.assessment),
            "stances": Stance.choices,
            "receipt": receipt,
        },
    )


@require_GET
def public_document(request: HttpRequest, assessment_id: int, number: int) -> HttpResponse:
    """Show one published document of a consultation (its text, kept with the decision)."""
    try:
        c = selectors.get_public_consultation(assessment_id)
    except NotFound as exc:
        raise Http404 from exc
    documents = c.assessment.decision.documents or []
    if not 1 <= number <= len(documents) or not documents[number - 1].get("text"):
        raise Http404
    return render(
        request,
        "assessments/public_document.html",
        {"c": c, "decision": c.assessment.decision, "doc": documents[number - 1]},
    )


def comment_page(request: HttpRequest, code: str) -> HttpResponse:
    token = request.GET.get("token", "") or request.POST.get("token", "")
    try:
        info = selectors.comment_follow_up(selectors.get_comment_by_token(code, token))
    except NotFound:
        if token:
            messages.error(request, _("No comment matches this code and token."))
        return render(request, "assessments/comment_lookup.html", {"code": code}, status=200)
    return render(request, "assessments/comment.html", {"info": info})


def comment_lookup(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    if code:
        return redirect(f"/assessments/comments/{code}?token={request.GET.get('token', '')}")
    return render(request, "assessments/comment_lookup.html", {"code": ""})
