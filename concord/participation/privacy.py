"""Statistical disclosure control for the public dashboard and open data. No Django here.

A publication is a flat vector of counts ("cells") plus linear relations between them, each
saying ``total = part_1 + … + part_k`` (a row or column margin, a place and its children, a
category and its sensitive remainder). Publishing is safe when:

1. every cell below the threshold (zeros included) is suppressed (primary suppression), and
2. no primary-suppressed cell can be worked out exactly from the published cells through the
   relations (complementary suppression).

Rule 2 is checked exactly, not by a rule of thumb: with the published values substituted, the
relations form a linear system in the suppressed cells, and a suppressed cell is determined
exactly when the null space of that system has no component along it. Suppressed cells are
split into independent groups (connected through shared relations) so each null space is small.
Interval attacks that use non-negativity are not modelled; suppressing zeros and picking the
smallest complements keeps the intervals wide in practice.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Relation = tuple[int, Sequence[int]]

# Singular values below this count as zero when finding the null space (relations have
# coefficients ±1, so rank decisions are far from this boundary).
_RANK_TOL = 1e-9

COUNTY_DEPTH = 1
GRID_DEPTH = 4


def relation_matrix(n_cells: int, relations: Sequence[Relation]) -> np.ndarray:
    """Return the r×n matrix M with M·x = 0 for every relation ``total = Σ parts``."""
    m = np.zeros((len(relations), n_cells), dtype=np.float64)
    for row, (total, parts) in enumerate(relations):
        m[row, total] += 1.0
        m[row, list(parts)] -= 1.0
    return m


def _groups(matrix: np.ndarray, unknown: np.ndarray) -> list[np.ndarray]:
    """Return index arrays of unknown cells connected through shared relations."""
    idx = np.flatnonzero(unknown)
    parent = {int(i): int(i) for i in idx}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    sub = matrix[:, idx] != 0
    for row in sub:
        members = idx[row]
        for other in members[1:]:
            a, b = find(int(members[0])), find(int(other))
            if a != b:
                parent[b] = a
    groups: dict[int, list[int]] = {}
    for i in idx:
        groups.setdefault(find(int(i)), []).append(int(i))
    return [np.array(g) for g in groups.values()]


def derivable(matrix: np.ndarray, suppressed: np.ndarray) -> np.ndarray:
    """Return a mask of suppressed cells whose value the published cells determine exactly."""
    out = np.zeros(matrix.shape[1], dtype=bool)
    for group in _groups(matrix, suppressed):
        sub = matrix[:, group]
        sub = sub[np.any(sub != 0, axis=1)]
        if sub.shape[0] == 0:
            continue
        _u, s, vt = np.linalg.svd(sub, full_matrices=True)
        rank = int(np.sum(s > _RANK_TOL * max(1.0, s.max(initial=0.0))))
        null = vt[rank:]
        if null.shape[0] == 0:
            out[group] = True
        else:
            out[group] = np.all(np.abs(null) < 1e-7, axis=0)
    return out


def _smallest_open(values: np.ndarray, suppressed: np.ndarray, cells: np.ndarray) -> int | None:
    open_cells = cells[~suppressed[cells]]
    if open_cells.size == 0:
        return None
    return int(open_cells[np.argmin(values[open_cells])])


def protect(
    values: Sequence[int] | np.ndarray,
    relations: Sequence[Relation],
    *,
    threshold: int = 5,
    hidden: Sequence[bool] | np.ndarray | None = None,
) -> np.ndarray:
    """Return the suppression mask that makes publishing `values` safe.

    `hidden` marks cells that are never published (internal remainders such as "sensitive
    cases of this category"); they take part in the relations as unknowns and, when small, must
    not be derivable either.
    """
    vals = np.asarray(values, dtype=np.float64)
    n = vals.size
    matrix = relation_matrix(n, relations)
    hidden_mask = np.zeros(n, dtype=bool) if hidden is None else np.asarray(hidden, dtype=bool)
    small = vals < threshold
    suppressed = small | hidden_mask
    members = [np.array([total, *parts], dtype=int) for total, parts in relations]
    cell_relations: list[list[int]] = [[] for _ in range(n)]
    for r, cells in enumerate(members):
        for c in cells:
            cell_relations[int(c)].append(r)

    for _round in range(n + 1):
        # A relation with exactly one unknown gives it away by subtraction: hide a second cell.
        changed = True
        while changed:
            changed = False
            for cells in members:
                if int(suppressed[cells].sum()) == 1:
                    parts = cells[1:]
                    pick = _smallest_open(vals, suppressed, parts)
                    if pick is None:
                        pick = _smallest_open(vals, suppressed, cells)
                    if pick is not None:
                        suppressed[pick] = True
                        changed = True
        exposed = np.flatnonzero(derivable(matrix, suppressed) & small)
        if exposed.size == 0:
            return suppressed
        progress = False
        for cell in exposed:
            related = np.unique(np.concatenate([members[r] for r in cell_relations[cell]]))
            pick = _smallest_open(vals, suppressed, related)
            if pick is None:
                # Every neighbour is hidden already: widen to the neighbours' relations.
                wider = [r for c in related for r in cell_relations[int(c)]]
                if wider:
                    pick = _smallest_open(
                        vals, suppressed, np.unique(np.concatenate([members[r] for r in wider]))
                    )
            if pick is not None:
                suppressed[pick] = True
                progress = True
        if not progress:
            # Nothing left to hide around the exposed cells: hide everything rather than leak.
            suppressed[:] = True
            return suppressed
    return suppressed


def leaks(
    values: Sequence[int | None] | np.ndarray,
    relations: Sequence[Relation],
    *,
    threshold: int = 5,
    true_values: Sequence[int] | np.ndarray | None = None,
) -> list[int]:
    """Return the cells a reader could learn to be below the threshold from a publication.

    `values` is what was published (None for a suppressed cell). A published value below the
    threshold is a leak; so is a suppressed cell the published cells determine whose true value
    (when `true_values` is given) is below the threshold, or, without true values, any
    determined suppressed cell.
    """
    published = list(values)
    n = len(published)
    suppressed = np.array([v is None for v in published], dtype=bool)
    shown = np.array([(-1 if v is None else v) for v in published], dtype=np.float64)
    bad = set(np.flatnonzero(~suppressed & (shown < threshold)).tolist())
    det = derivable(relation_matrix(n, relations), suppressed)
    if true_values is None:
        bad |= set(np.flatnonzero(det).tolist())
    else:
        truth = np.asarray(true_values, dtype=np.float64)
        bad |= set(np.flatnonzero(det & (truth < threshold)).tolist())
    return sorted(int(i) for i in bad)


def coarsen_path(path: str, *, depth: int) -> str:
    """Return the ancestor of a materialised place path at `depth` levels (the path if shallower).

    ``coarsen_path("/C/T1/V11/G111/", depth=2) == "/C/T1/"``.
    """
    parts = [p for p in path.split("/") if p]
    return "/" + "/".join(parts[:depth]) + "/" if parts else "/"


def share(numerator: int, denominator: int, *, threshold: int = 5) -> float | None:
    """Return a rounded share, or None when publishing it would reveal a small count.

    The base alone is not enough: with 5 received and a response rate of 0.8, 1 unanswered
    follows. So the numerator, the denominator and their difference must each reach the
    threshold (a share of exactly 0 or 1 then never appears for small groups either).
    """
    if min(numerator, denominator, denominator - numerator) < threshold:
        return None
    return round(numerator / denominator, 4)
