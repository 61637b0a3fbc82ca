"""The inbox page (mounted at /notifications/): a person's notices, marked read as they are
opened, their channels and language, and, for those who answer for them, failed deliveries to
retry or acknowledge. Thin: the same actions as the API."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from concord.core.errors import ConcordError, NotFound, PermissionDenied

from . import actions, follows, selectors


@login_required
def inbox(request):
    user = request.user
    watcher = selectors.may_watch_deliveries(user)
    failed = (
        list(selectors.failed_deliveries_for(user).select_related("notification__recipient")[:100])
        if watcher
        else []
    )
    for d in failed:
        d.masked = selectors.mask_address(d.address)
    return render(
        request,
        "notifications/inbox.html",
        {
            "items": selectors.inbox_items(user, limit=100),
            "unread": selectors.unread_count(user),
            "pref": selectors.preference_for(user),
            "languages": settings.LANGUAGES,
            "failed": failed,
            "watcher": watcher,
        },
    )


@login_required
@require_POST
def read(request, notification_id: int):
    """Mark a notice read and open its page."""
    try:
        row = actions.notification_mark_read(actor=request.user, notification_id=notification_id)
    except NotFound:
        raise Http404() from None
    link = selectors.opened_link(row)
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def preferences(request):
    data = request.POST
    try:
        actions.preference_set(
            actor=request.user,
            email=data.get("email") == "on",
            sms=data.get("sms") == "on",
            language=data.get("language", ""),
            phone=data.get("phone", ""),
        )
    except ConcordError as exc:
        fields = getattr(exc, "fields", None) or {}
        messages.error(request, "; ".join(str(v) for v in fields.values()) or str(exc.message))
    else:
        messages.success(request, _("Preferences saved."))
    return redirect("notifications:inbox")


@login_required
@require_POST
def failed_step(request, delivery_id: int, step: str):
    user = request.user
    try:
        watched = selectors.failed_deliveries_for(user, include_acknowledged=True)
    except PermissionDenied:
        raise Http404() from None  # no failure list to act on: nothing here for this account
    delivery = watched.filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404()
    try:
        if step == "retry":
            actions.delivery_retry(actor=user, delivery=delivery)
            messages.success(request, _("Sending again."))
        else:
            actions.delivery_acknowledge(actor=user, delivery=delivery)
            messages.success(request, _("Failure acknowledged."))
    except ConcordError as exc:
        messages.error(request, str(exc.message))
    return redirect("notifications:inbox")


@login_required
@require_POST
def follow(request):
    """Follow one suggestion, consultation or policy notice, or stop following it (the public
    pages' button); back to the page it was pressed on."""
    target, raw = request.POST.get("target", ""), request.POST.get("id", "")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    if target not in follows.FOLLOWABLE or not (raw.isascii() and raw.isdigit() and len(raw) < 13):
        messages.error(request, _("Unknown request."))
        return redirect(back)
    try:
        if request.POST.get("unfollow"):
            follows.unfollow_thing(actor=request.user, target=target, object_id=int(raw))
            messages.success(request, _("You no longer follow this."))
        else:
            follows.follow(actor=request.user, target=target, object_id=int(raw))
            messages.success(request, _("You will get a message when this is answered."))
    except ConcordError as exc:
        messages.error(request, str(exc.message))
    return redirect(back)
