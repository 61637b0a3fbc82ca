"""The demo county's injected surges raise alerts (the same detectors as in production)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from concord.demo.generator import build_demo, surge_definitions
from concord.places.models import Place
from concord.warning.models import Alert
from concord.warning.run import surveillance_run

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 15, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_every_recent_injected_surge_raises_an_explained_alert(settings):
    settings.WARNING = {"SCAN_REPLICATIONS": 99}
    build_demo(size="tiny", seed=7, now=NOW, progress=False)
    today = NOW.date()
    run = surveillance_run(today=today)
    assert run.alerts_created > 0
    surges = [
        s
        for s in surge_definitions(size="tiny", seed=7, today=today)
        if s.end >= today - timedelta(weeks=11)
    ]
    assert surges, "the tiny demo injects recent surges"
    for surge in surges:
        roots = {code.split(".")[0] for code in surge.category_codes}
        grids = list(Place.objects.filter(code__in=surge.place_codes))
        ancestors = {p for g in grids for p in g.ancestors_paths()}
        matching = [
            a
            for a in Alert.objects.filter(category_root__in=roots).select_related("place")
            if a.place.path in ancestors
            and a.period_start <= surge.end
            and a.period_end >= surge.start
        ]
        assert matching, f"no alert for surge {surge.key}"
        best = max(matching, key=lambda a: a.observed)
        assert best.observed > (best.expected or 0)
        members = set(best.cases.values_list("place__code", flat=True))
        assert members & set(surge.place_codes), "the alert names the surge's cases"
