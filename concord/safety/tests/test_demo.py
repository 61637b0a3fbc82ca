from datetime import date

from concord.demo.extra_safety import populate
from concord.safety.models import Hazard, Incident, Inspection, PublicWarning


def test_demo_adds_hazards_inspections_an_incident_and_a_warning(world, at):
    at("2026-07-01 09:00")
    counts = populate(seed=1, today=date(2026, 7, 1))
    assert counts["hazards"] == Hazard.objects.count() == 4
    assert Inspection.objects.count() == counts["inspections"] > 0
    assert Incident.objects.count() == 1 and PublicWarning.objects.count() == 1
    assert Hazard.objects.filter(case__verifications__passed=False).exists()
