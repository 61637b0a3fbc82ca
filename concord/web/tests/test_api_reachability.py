"""Every state change a staff member can make through the API can be made from a page.

For each API operation that needs a signed-in caller and changes state (POST), the actions it
calls (found by reading its code: concord.web.reachability) must each be called by some page's
view too, so the page and the API share the one write path. Operations without a page yet are
listed below with the reason; the list may only shrink (an entry whose page now exists fails).
"""

from __future__ import annotations

import pytest
from ninja.constants import NOT_SET

from concord.api import api
from concord.web.reachability import actions_of, api_operations, page_views, view_actions

PARTICIPATION = (
    "Resident participation: the staff page moderates and answers suggestions, creates polls "
    "and volunteer teams, enters and checks paper ballots, keeps volunteers' hours and "
    "publishes conventions; social organisations and in-person verification have no staff form "
    "yet (the resident side is being built on the 'residents' branch)."
)

API_ONLY: dict[str, str] = {
    "POST /participation/verify/in-person": PARTICIPATION,
    "POST /participation/organisations": PARTICIPATION,
    "POST /participation/organisations/{pk}/cases": PARTICIPATION,
}


def _page_actions() -> dict[str, list[str]]:
    reached: dict[str, list[str]] = {}
    for route, view in page_views():
        for action in view_actions(view):
            reached.setdefault(action, []).append(route)
    return reached


def _staff_writes() -> dict[str, frozenset[str]]:
    """Every POST operation that needs a signed-in caller, with the actions it calls."""
    out = {}
    for method, path, _opid, view, auth in api_operations(api):
        if method == "POST" and auth is NOT_SET:  # the API's default: a signed-in caller
            out[f"{method} {path}"] = actions_of(view)
    return out


@pytest.fixture(scope="module")
def found():
    return _staff_writes(), _page_actions()


def test_the_reading_finds_the_shared_actions_of_known_pairs(found):
    """The mechanism itself: operations known to share an action with a page are found."""
    writes, pages = found
    accept = writes["POST /cases/{int:case_id}/accept"]
    assert accept == {"concord.cases.actions.lifecycle.case_accept"}
    assert "staff/cases/<int:case_id>/<slug:action>/" in " ".join(pages[next(iter(accept))])
    assert writes["POST /warning/populations"] == {"concord.places.actions.place_population_set"}
    assert any(
        "populations" in route for route in pages[next(iter(writes["POST /warning/populations"]))]
    )
    assert any(
        "staff/safety/warnings/new/" in r
        for r in pages[next(iter(writes["POST /safety/warnings"]))]
    )
    # An action called only by the API is not counted as reached.
    assert any(writes[op] and not writes[op] & set(pages) for op in API_ONLY)


def test_every_staff_api_write_is_on_a_page_or_listed_with_a_reason(found):
    writes, pages = found
    assert len(writes) > 80
    missing = []
    for op, acts in sorted(writes.items()):
        if op in API_ONLY:
            continue
        if not acts:
            missing.append(f"{op}: no action found in its code")
        for action in sorted(acts - set(pages)):
            missing.append(f"{op}: no page calls {action}")
    assert not missing, "\n".join(missing)


def test_the_api_only_list_names_real_operations_that_still_lack_a_page(found):
    writes, pages = found
    stale = [op for op in API_ONLY if op not in writes]
    assert not stale, f"not an operation any more: {stale}"
    reached = [op for op in API_ONLY if writes[op] and writes[op] <= set(pages)]
    assert not reached, (
        f"now on a page: remove from API_ONLY in concord/web/tests/test_api_reachability.py: {reached}"
    )
    assert all(len(reason) > 40 for reason in API_ONLY.values())
