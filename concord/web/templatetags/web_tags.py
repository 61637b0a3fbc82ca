"""Template helpers of the web app: the navigation for the signed-in person's roles."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.core.bilingual import in_language

register = template.Library()


def nav_links(user) -> list[tuple[str, str]]:
    """Return (url, label) pairs for what this person may open, every module their roles use."""
    links = [(reverse("web:home"), _("Get help")), (reverse("web:track_lookup"), _("Track"))]
    if not getattr(user, "is_authenticated", False):
        links += [
            (reverse("participation:dashboard"), _("Public results")),
            (reverse("assessments:public_list"), _("Consultations")),
            (reverse("safety:public"), _("Warnings and notices")),
        ]
        return links
    if getattr(user, "kind", "") == "resident":
        return links + [
            (reverse("residents:matters"), _("My matters")),
            (reverse("participation:suggestions"), _("Suggestions")),
            (reverse("participation:polls"), _("Polls")),
            (reverse("participation:volunteers"), _("Volunteers")),
            (reverse("assessments:public_list"), _("Consultations")),
            (reverse("safety:public"), _("Warnings and notices")),
            (reverse("residents:account"), _("My account")),
        ]
    can = {cap: perms.can(user, cap) for cap in Cap.values}
    if can[Cap.CASE_FILE]:
        links.append((reverse("web:file"), _("File for a resident")))
    if can[Cap.CASE_VIEW]:
        links.append((reverse("web:queue"), _("Queue")))
        links.append((reverse("web:map"), _("Map")))
    if can[Cap.STATS_VIEW]:
        links.append((reverse("web:dashboard"), _("Dashboard")))
    if can[Cap.ALERT_MANAGE]:
        links.append((reverse("warning:alerts"), _("Early warning")))
    if can[Cap.CASE_VIEW] or can[Cap.CASE_SUPERVISE]:
        links.append((reverse("safety:dashboard"), _("Safety")))
        links.append((reverse("safety:incidents"), _("Incidents")))
    if can[Cap.CASE_VIEW] or can[Cap.STATS_VIEW]:
        links.append((reverse("assessments:staff_list"), _("Risk assessments")))
    if can[Cap.CASE_HANDLE]:
        links.append((reverse("participation:staff"), _("Participation work")))
    if can[Cap.STATS_VIEW]:
        links.append((reverse("participation:dashboard"), _("Open data")))
    if can[Cap.WELLBEING]:
        links.append((reverse("wellbeing:queue"), _("Counselling queue")))
        links.append((reverse("wellbeing:network"), _("Counselling network")))
        links.append((reverse("wellbeing:exports"), _("Exports")))
    if perms.grants(user):
        links.append((reverse("notifications:inbox"), _("Notifications")))
    if can[Cap.PLATFORM_ADMIN]:
        if not can[Cap.ALERT_MANAGE]:  # early-warning staff reach it from the alert tabs
            links.append((reverse("warning:populations"), _("Populations")))
        links.append((reverse("admin:index"), _("Administration")))
        links.append((reverse("wellbeing:grants"), _("Counsellor grants")))
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
def in_page_language(text: str) -> str:
    """Show the reader's half of a text stored in both languages ("中文 / English")."""
    return in_language(text)


@register.filter
def percent(value) -> str:
    """Format a share (0.8123) as a percentage ("81.2%"); "—" when there is none."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"
