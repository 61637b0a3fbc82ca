"""Panels that apps built on cases add to the staff case page (the arrow stays one-way: cases
and the pages never import the apps that register panels).

CASE_PANELS: callables(request, case) -> dict or None, added with `register_case_panel`. A dict
carries ``template`` (rendered with the dict as ``panel``); None shows nothing. A panel checks
its own permissions and may not raise for a reader who sees nothing.
"""

from __future__ import annotations

CASE_PANELS: list = []


def register_case_panel(panel) -> None:
    """Show ``panel(request, case)`` on the staff case page."""
    if panel not in CASE_PANELS:
        CASE_PANELS.append(panel)


def case_panels(request, case) -> list[dict]:
    out = []
    for panel in CASE_PANELS:
        found = panel(request, case)
        if found:
            out.append(found)
    return out
