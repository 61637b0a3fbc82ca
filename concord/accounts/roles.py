"""Roles and the capabilities each one carries (DESIGN.md, "People and roles")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker")
    MEDIATOR = "mediator", _("Mediator")
    CASEWORKER = "caseworker", _("Caseworker")
    DEPARTMENT_OFFICER = "department_officer", _("Department officer")
    COUNSELLOR = "counsellor", _("Counsellor")
    SUPERVISOR = "supervisor", _("Supervisor")
    ANALYST = "analyst", _("Analyst")
    ADMINISTRATOR = "administrator", _("Administrator")


class Cap(models.TextChoices):
    """Capabilities. A membership grants its role's capabilities within its place."""

    CASE_VIEW = "case.view", _("See cases")
    CASE_VIEW_SENSITIVE = "case.view_sensitive", _("See sensitive cases of other units")
    CASE_FILE = "case.file", _("File a case for a resident")
    CASE_HANDLE = "case.handle", _("Accept, assign, handle and resolve cases of the own unit")
    CASE_ESCALATE = "case.escalate", _("Escalate cases of the own unit to the next level")
    CASE_ROUTE = "case.route", _("Transfer and merge cases")
    CASE_SUPERVISE = "case.supervise", _("Decide bounced transfers and oversee deadlines")
    PARTY_CONTACT = "party.contact", _("See parties' contact details")
    MEDIATE = "mediation.conduct", _("Conduct mediation")
    STATS_VIEW = "stats.view", _("See aggregate statistics")
    ALERT_MANAGE = "alert.manage", _("Handle early-warning alerts")
    WELLBEING = "wellbeing.counsel", _("Work on counselling referrals")
    PLATFORM_ADMIN = "platform.admin", _("Administer places, units, users and categories")


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset(
        {Cap.CASE_VIEW, Cap.CASE_FILE, Cap.CASE_HANDLE, Cap.CASE_ESCALATE, Cap.PARTY_CONTACT}
    ),
    Role.MEDIATOR: frozenset(
        {
            Cap.CASE_VIEW,
            Cap.CASE_FILE,
            Cap.CASE_HANDLE,
            Cap.CASE_ESCALATE,
            Cap.PARTY_CONTACT,
            Cap.MEDIATE,
        }
    ),
    Role.CASEWORKER: frozenset(
        {
            Cap.CASE_VIEW,
            Cap.CASE_FILE,
            Cap.CASE_HANDLE,
            Cap.CASE_ESCALATE,
            Cap.CASE_ROUTE,
            Cap.PARTY_CONTACT,
        }
    ),
    Role.DEPARTMENT_OFFICER: frozenset(
        {Cap.CASE_VIEW, Cap.CASE_HANDLE, Cap.CASE_ESCALATE, Cap.CASE_ROUTE, Cap.PARTY_CONTACT}
    ),
    Role.COUNSELLOR: frozenset({Cap.WELLBEING}),
    Role.SUPERVISOR: frozenset(
        {
            Cap.CASE_VIEW,
            Cap.CASE_VIEW_SENSITIVE,
            Cap.CASE_HANDLE,
            Cap.CASE_ESCALATE,
            Cap.CASE_ROUTE,
            Cap.CASE_SUPERVISE,
            Cap.STATS_VIEW,
            Cap.ALERT_MANAGE,
        }
    ),
    Role.ANALYST: frozenset({Cap.STATS_VIEW, Cap.ALERT_MANAGE}),
    Role.ADMINISTRATOR: frozenset({Cap.PLATFORM_ADMIN}),
}

# Roles that read sealed counselling records: granted only through `wellbeing.grants` (two
# administrators, a ledger event), never through the admin's generic forms.
SEALED_ROLES: frozenset[str] = frozenset(
    role for role, caps in ROLE_CAPABILITIES.items() if Cap.WELLBEING in caps
)
