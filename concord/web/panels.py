"""Panels that apps built on cases add to the staff case page (the arrow stays one-way).

CASE_PANELS: callables(request, case) -> dict or None. A dict carries ``template`` (rendered
with the dict as ``panel``); None shows nothing. A panel checks its own permissions and may not
raise for a reader who sees nothing.
"""

from __future__ import annotations

CASE_PANELS: list = []


def case_panels(request, case) -> list[dict]:
    out = []
    for panel in CASE_PANELS:
        found = panel(request, case)
        if found:
            out.append(found)
    return out
