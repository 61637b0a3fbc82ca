"""Pages: staff list and detail of assessments; the public consultation and comment follow-up."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from concord.accounts import permissions as perms
from concord.core.errors import ConcordError, InvalidInput, NotFound
from concord.notifications import follows

from . import actions, selectors
from .documents import LANGUAGES, report_pdf
from .models import DecisionType, Outcome, Stance
from .workbench import assessment_step, proposing_units, user_places, workbench_context


def _staff_only(request: HttpRequest) -> None:
    if not any(perms.place_paths_with(request.user, cap) for cap in selectors.VIEW_CAPS):
        raise DjangoPermissionDenied


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    decisions = list(selectors.decision_list(request.user))
    units = proposing_units(request.user)
    return render(
        request,
        "assessments/staff_list.html",
        {
            "decisions": decisions,
            "units": units,
            "types": list(DecisionType.objects.filter(is_active=True)) if units else [],
            "places": user_places(request.user) if units else [],
        },
    )


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
            "may_manage": actions.may_manage(request.user, a.decision),
            "unanswered": actions.unanswered_themes(a),
            "outcomes": Outcome.choices,
            "today": timezone.localdate(),
            **workbench_context(request.user, a),
        },
    )


@login_required
@require_POST
def staff_answer_theme(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Write what the decision did with one theme residents raised ("you said, we did")."""
    return assessment_step(
        request,
        assessment_id,
        lambda a: actions.theme_response_set(
            actor=request.user,
            assessment=a,
            theme=request.POST.get("theme", ""),
            response=request.POST.get("response", ""),
            changed_decision=bool(request.POST.get("changed_decision")),
        ),
    )


@login_required
@require_POST
def staff_decide(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Record the collective decision (with the published reason if themes are unanswered)."""

    def decide(a):
        try:
            decided_on = date.fromisoformat(request.POST.get("decided_on", ""))
        except ValueError:
            raise InvalidInput(_("Give the date of the decision.")) from None
        actions.assessment_decide(
            actor=request.user,
            assessment=a,
            outcome=request.POST.get("outcome", ""),
            decided_on=decided_on,
            body=request.POST.get("body", ""),
            minutes=request.POST.get("minutes", ""),
            unanswered_reason=request.POST.get("unanswered_reason", ""),
        )

    return assessment_step(request, assessment_id, decide)


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
            "followed": follows.followed_ids(request.user, "consultation", [c.assessment.pk]),
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
