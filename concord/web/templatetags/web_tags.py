"""Template helpers of the web app: the navigation for the signed-in person's roles."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap

register = template.Library()


def nav_links(user) -> list[tuple[str, str]]:
    """Return (url, label) pairs for what this person may open."""
    links = [(reverse("web:home"), _("Get help")), (reverse("web:track_lookup"), _("Track"))]
    if not getattr(user, "is_authenticated", False):
        return links
    if perms.can(user, Cap.CASE_FILE):
        links.append((reverse("web:file"), _("File for a resident")))
    if perms.can(user, Cap.CASE_VIEW):
        links.append((reverse("web:queue"), _("Queue")))
        links.append((reverse("web:map"), _("Map")))
    if perms.can(user, Cap.STATS_VIEW):
        links.append((reverse("web:dashboard"), _("Dashboard")))
    if perms.can(user, Cap.WELLBEING):
        links.append(("/wellbeing/queue/", _("Counselling")))
    links.append((reverse("web:inbox"), _("Inbox")))
    return links


@register.inclusion_tag("web/_nav.html", takes_context=True)
def main_nav(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    path = getattr(request, "path", "")
    links = [
        {"url": url, "label": label, "current": url != "/" and path.startswith(url) or url == path}
        for url, label in nav_links(user)
    ]
    return {"links": links, "user": user, "request": request}


@register.filter
def percent(value) -> str:
    """Format a share (0.8123) as a percentage ("81.2%"); "—" when there is none."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"
