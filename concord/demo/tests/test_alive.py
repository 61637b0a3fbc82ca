"""The small demo county is alive: every module holds records in the states a new user meets,
and the worker's first schedule pass turns it into alerts, delivered messages and a snapshot.

The county is built once for the module by `concord demo --size small` (inside a transaction
that is rolled back at the end); each test runs in its own savepoint on top of it.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone

from concord.accounts.models import User
from concord.cases.models import Case, Clock, ClockState, TransferRequest, TransferState
from concord.core.models import Event
from concord.demo.extra_channels import LEGAL_CHANNELS
from concord.places.models import Place

pytestmark = pytest.mark.slow

SEED = 2


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker, tmp_path_factory):
    """Build the small demo county once; return what `concord demo` printed."""
    isolated = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        # Tasks are queued in the database, as in `make demo`: the worker test runs them.
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}},
    )
    with django_db_blocker.unblock(), isolated:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = io.StringIO()
            # What the demo leaves for after its commit (a warning's delivery job) runs too.
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command(
                    "demo", "--size", "small", "--seed", str(SEED), "--no-progress", stdout=out
                )
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def today(county, db):
    return timezone.localdate()


def test_the_command_builds_the_small_county_and_prints_the_logins(county, db):
    assert "Demo logins (password for every account: concord-demo)" in county
    for name in ["admin", "caseworker", "gridworker", "officer"]:
        assert re.search(rf"^{name}\s", county, re.MULTILINE)
    assert 3_000 <= Case.objects.count() <= 5_500
    assert Place.objects.filter(level="grid").count() == 45
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("OK: ")


def _running(case, kind: str) -> Clock:
    return Clock.objects.get(case=case, kind=kind, state=ClockState.RUNNING)


def test_petitions_at_every_stage_with_live_clocks(county, today):
    from concord.channels.models import Petition

    by_stage = {p.stage: p for p in Petition.objects.select_related("case")}
    assert {"received", "handling", "replied", "review_requested", "final"} <= set(by_stage)
    # Each waiting petition has its statutory clock running into the future.
    assert _running(by_stage["received"].case, "petition:acceptance").due_on >= today
    assert _running(by_stage["handling"].case, "petition:decision").due_on >= today
    assert _running(by_stage["replied"].case, "petition:review_request").due_on >= today
    review = _running(by_stage["review_requested"].case, "petition:review_decision")
    assert today <= review.due_on <= today + timedelta(days=7)
    assert by_stage["review_requested"].case.level == "county"
    final = by_stage["final"].case
    assert final.status == "closed"
    kinds = list(final.events.order_by("seq").values_list("kind", flat=True))
    assert kinds.index("petition_registered") < kinds.index("petition_final")
    # The town caseworker's login registered them.
    assert Event.objects.filter(
        kind="petition_registered", actor__username="caseworker"
    ).count() >= len(by_stage)


def test_mediation_cases_with_sessions_agreements_and_follow_ups(county, today):
    from concord.channels.models import MediationAgreement, MediationSession

    mediator = User.objects.get(username="mediator")
    sessions = MediationSession.objects.filter(recorded_by=mediator)
    assert sessions.values("case").distinct().count() >= 3
    agreements = {a.performance: a for a in MediationAgreement.objects.select_related("case")}
    assert {"pending", "performed"} <= set(agreements)
    pending = agreements["pending"].case
    assert pending.status == "resolved"
    performance = _running(pending, "performance")
    assert today <= performance.due_on <= today + timedelta(days=7)
    assert _running(pending, "judicial_confirmation:filing_limit").due_on > today
    assert agreements["performed"].case.status == "closed"
    assert Event.objects.filter(kind="performance_followed_up", actor=mediator).exists()
    refused = Event.objects.get(kind="mediation_refused", actor=mediator)
    assert refused.data["routes"] and refused.case.is_open


def test_a_case_in_each_legal_channel_has_a_deadline_due_this_week_and_one_overdue(county, today):
    for channel, kind, _on_entry, _category in LEGAL_CHANNELS:
        dues = sorted(
            Clock.objects.filter(
                case__channel=channel, kind=f"{channel}:{kind}", state=ClockState.RUNNING
            ).values_list("due_on", flat=True)
        )
        assert any(today < d <= today + timedelta(days=7) for d in dues), (channel, dues)
        assert any(d < today for d in dues), (channel, dues)


def test_transfers_waiting_and_refused(county, db):
    officer = User.objects.get(username="officer")
    labour = officer.memberships.get().unit
    mine = TransferRequest.objects.filter(to_unit=labour, requested_by__username="caseworker")
    assert mine.filter(state=TransferState.PENDING).exists()
    refused = mine.get(state=TransferState.REFUSED)
    assert refused.responded_by == officer and refused.case.owner_unit == refused.from_unit
    assert refused.case.events.filter(kind="transfer_refused").exists()


def test_policy_notices_carry_residents_questions_and_answers(county, db):
    from concord.safety.models import PolicyNotice, PolicyQuestion

    assert PolicyNotice.objects.count() >= 2
    questions = PolicyQuestion.objects.all()
    assert questions.exclude(answer="").filter(answered_by__isnull=False).count() >= 3
    assert questions.filter(answer="").exists()  # one is waiting for the issuing unit


def test_every_theme_of_the_finished_consultation_is_answered(county, db):
    from concord.assessments.models import Consultation

    finished = Consultation.objects.exclude(summary={}).exclude(summary__isnull=True).get()
    themes = {t["theme"] for t in finished.summary["themes"]}
    answered = set(finished.assessment.theme_responses.values_list("theme", flat=True))
    assert themes and themes == answered


def test_an_active_warning_has_vulnerable_households_on_its_checklist(county, db):
    from concord.safety.models import PublicWarning

    warning = PublicWarning.objects.get(ends_at__gt=timezone.now(), lifted_at__isnull=True)
    checks = list(warning.checks.select_related("household"))
    assert len(checks) >= 3
    assert {c.status for c in checks} == {"pending", "reached"}
    assert all(c.household.consent_by and c.household.vulnerabilities for c in checks)


def test_counselling_referrals_at_every_risk_level(county, db):
    from concord.wellbeing.models import Referral, Risk

    assert set(Referral.objects.values_list("risk", flat=True)) == set(Risk.values)


def test_one_schedule_pass_of_the_worker_raises_alerts_delivers_and_stores_a_snapshot(
    county, today
):
    from concord.demo.generator import surge_definitions
    from concord.notifications.models import Delivery
    from concord.participation.models import OpenDataSnapshot
    from concord.warning.models import Alert

    assert not Alert.objects.exists() and not OpenDataSnapshot.objects.exists()
    out = io.StringIO()
    # The worker runs as `concord worker` does, on the database queue. (Its loop closes stale
    # connections between tasks; here that would end the test's transaction, so it is a no-op.)
    with (
        override_settings(
            TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
        ),
        mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"),
    ):
        call_command("worker", "--once", stdout=out)
    assert "surveillance_run" in out.getvalue() and "deadlines_tick" in out.getvalue()
    # The recent injected surge (foul odour in three neighbouring grids) is an alert.
    odour = next(s for s in surge_definitions(size="small", seed=SEED) if s.key == "odour_cluster")
    alerts = Alert.objects.all()
    assert alerts.count() > 0
    assert alerts.filter(places__code__in=odour.place_codes).exists()
    # Staff were told, and the messages were delivered to their inboxes.
    delivered = Delivery.objects.filter(status="sent")
    assert delivered.filter(notification__kind="alert").exists()
    assert delivered.filter(notification__kind="clock_due_soon").exists()
    assert delivered.filter(notification__kind="warning_checklist").exists()
    # The overdue channel deadlines were ticked over, and the open-data month stored.
    assert Clock.objects.filter(
        kind__in=[f"{c}:{k}" for c, k, *_ in LEGAL_CHANNELS], state=ClockState.BREACHED
    ).exists()
    assert OpenDataSnapshot.objects.exists()
    # The first pass asks for no revisit of cases the history already asked about.
    assert (
        Event.objects.filter(
            kind="revisit_due", created_at__gte=timezone.now() - timedelta(minutes=30)
        ).count()
        < 100
    )


def test_places_carry_populations_by_year_for_the_offsets(county, today):
    from concord.places.models import Level, PlacePopulation

    county_place = Place.objects.get(level=Level.COUNTY)
    years = dict(county_place.populations.values_list("year", "population"))
    assert set(years) == {today.year - 2, today.year - 1, today.year}
    assert years[today.year] == county_place.population
    towns = Place.objects.filter(level=Level.TOWN)
    assert PlacePopulation.objects.filter(place__in=towns).count() == 3 * towns.count()


LINK = re.compile(r'href="(/[^"#]*)')
SKIP = re.compile(
    r"^/(static|media|api|admin|i18n|accounts/logout|logout)|\.(pdf|csv|xlsx|json)(\?|$)"
)


def _crawl(client, start: list[str], limit: int) -> dict[str, int]:
    """Follow the links of the pages a person sees, from their navigation; return statuses."""
    seen: dict[str, int] = {}
    queue = list(dict.fromkeys(start))
    shapes: set[str] = set()
    while queue and len(seen) < limit:
        url = queue.pop(0).replace("&amp;", "&")
        if url in seen or SKIP.search(url):
            continue
        # One page of each shape (/staff/cases/<id>/ once, not every case).
        shape = re.sub(r"\d+", "N", url.split("?")[0])
        if shape in shapes:
            continue
        shapes.add(shape)
        response = client.get(url)  # a server error raises here
        seen[url] = response.status_code
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            queue += LINK.findall(response.content.decode())
    return seen


@pytest.mark.parametrize(
    ("role", "language"),
    [
        ("grid_worker", "zh-hans"),
        ("mediator", "en"),
        ("caseworker", "zh-hans"),
        ("department_officer", "en"),
        ("supervisor", "zh-hans"),
        ("analyst", "en"),
    ],
)
def test_every_page_a_staff_persona_reaches_opens_and_the_others_are_refused(
    county, db, client, role, language
):
    from concord.accounts.models import Membership
    from concord.web.templatetags.web_tags import nav_links

    user = Membership.objects.filter(role=role, is_active=True).order_by("pk").first().user
    client.force_login(user)
    client.cookies["django_language"] = language
    mine = [url for url, _label in nav_links(user)]
    seen = _crawl(client, ["/staff/", *mine], limit=45)
    assert len(seen) >= 8, seen
    # Every page reached by following the person's own links opens (or sends them on).
    broken = {url: status for url, status in seen.items() if status not in (200, 302)}
    assert not broken, broken
    # The navigation of the other roles: refused (403) or open to this person too, never an
    # error or a missing page.
    for other_role in ("grid_worker", "supervisor", "analyst", "administrator", "counsellor"):
        other = Membership.objects.filter(role=other_role, is_active=True).order_by("pk").first()
        for url, _label in nav_links(other.user):
            if url in mine or SKIP.search(url):
                continue
            status = client.get(url).status_code
            assert status in (200, 302, 403), (url, status)
