"""Pages of the safety app: the supervisor dashboard, a grid worker's warning checklist and the
public policy notices. Thin: fetch through selectors, call actions, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.core.errors import ConcordError, NotFound
from concord.notifications import selectors as notification_selectors

from . import actions, selectors


def _require_staff(user) -> None:
    if not any(Cap.CASE_VIEW in g.caps or Cap.CASE_SUPERVISE in g.caps for g in perms.grants(user)):
        raise DjangoPermissionDenied


@login_required
def dashboard(request):
    _require_staff(request.user)
    today = timezone.localdate()
    overdue = list(selectors.inspections_overdue_for(request.user, today=today)[:100])
    warnings = [
        (w, selectors.warning_reach_count(w, user=request.user))
        for w in selectors.warnings_in_force()
    ]
    failed = []
    if notification_selectors.may_watch_deliveries(request.user):
        failed = list(notification_selectors.failed_deliveries_for(request.user)[:50])
    return render(
        request,
        "safety/dashboard.html",
        {"overdue": overdue, "warnings": warnings, "failed": failed, "today": today},
    )


@login_required
def warning_checklist(request, warning_id: int):
    try:
        warning = selectors.warning_public(warning_id)
    except NotFound as exc:
        raise Http404 from exc
    checks = list(selectors.warning_checklist_for(request.user, warning))
    count = selectors.warning_reach_count(warning, user=request.user)
    return render(
        request,
        "safety/checklist.html",
        {"warning": warning, "checks": checks, "count": count},
    )


@login_required
def warning_count(request, warning_id: int):
    try:
        warning = selectors.warning_public(warning_id)
    except NotFound as exc:
        raise Http404 from exc
    return JsonResponse(selectors.warning_reach_count(warning, user=request.user).__dict__)


@login_required
@require_POST
def check_mark(request, check_id: int):
    try:
        check = selectors.get_check_for_user(request.user, check_id)
        actions.warning_check_mark(
            actor=request.user,
            check=check,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Saved."))
    except NotFound as exc:
        raise Http404 from exc
    except ConcordError as exc:
        messages.error(request, exc.message)
        return redirect("safety:dashboard")
    return redirect("safety:checklist", warning_id=check.warning_id)


def policy_list(request):
    notices = selectors.policies_public(on=timezone.localdate())
    return render(request, "safety/policies.html", {"notices": notices})


def policy_detail(request, notice_id: int):
    try:
        notice = selectors.policy_public(notice_id)
    except NotFound as exc:
        raise Http404 from exc
    if request.method == "POST":
        try:
            actions.policy_question_ask(
                notice=notice,
                text=request.POST.get("text", ""),
                actor=request.user,
                language=request.LANGUAGE_CODE,
            )
            messages.success(request, _("Your question was sent. Answers are published here."))
        except ConcordError as exc:
            messages.error(request, exc.message)
        return redirect("safety:policy", notice_id=notice.pk)
    answers = selectors.policy_answers_public(notice)
    return render(request, "safety/policy.html", {"notice": notice, "answers": answers})
