"""A synthetic county: the place tree with nested irregular boundaries and households, a river
and main roads.

Pure module (no Django import): the same seed always gives the same tree, so tests, the
surge definitions and the duplicate list can be recomputed without a database.

Every level is cut out of its parent by a guillotine partition (columns of random widths, each
cut into rows of random heights), so children tile their parent exactly and never overlap.
The boxes are then bent into irregular outlines by one smooth warp of the plane (`Warp`): each
edge is cut at fixed steps and at every corner lying on it, so two neighbours share exactly the
same bent edge, and the warp is one-to-one, so the tiling survives. Cases are placed by the
same warp, inside their grid's outline.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

# The county sits in the hills of south-east China (a plausible inland county).
COUNTY_BOX = (116.10, 27.80, 116.70, 28.30)  # min_lng, min_lat, max_lng, max_lat
COUNTY_CODE = "DEMO"


@dataclass(frozen=True)
class SizeSpec:
    """How big a demo county is and how many cases it gets."""

    towns: int
    villages: int
    grids: int
    cases: int  # expected number of background cases over the whole period
    days: int = 730


SIZES: dict[str, SizeSpec] = {
    # "tiny" keeps the test suite fast; it is not offered on the command line.
    "tiny": SizeSpec(towns=2, villages=4, grids=8, cases=500, days=120),
    "small": SizeSpec(towns=3, villages=15, grids=45, cases=4_000),
    "medium": SizeSpec(towns=8, villages=120, grids=600, cases=40_000),
    "large": SizeSpec(towns=12, villages=240, grids=1_400, cases=250_000),
}


# Edges are cut every STEP degrees before warping (about 300 m), so bends show at every zoom.
STEP = 0.003


@dataclass(frozen=True)
class Warp:
    """A smooth one-to-one bend of the plane: x moves by a sum of waves along y, y by waves
    along x. With |dx/dy| * |dy/dx| < 1 everywhere the Jacobian stays positive, so the warp
    never folds and tiles stay tiles (`max_slope` reports the bound)."""

    along_y: tuple[tuple[float, float, float], ...] = ()  # (amplitude, wavelength, phase)
    along_x: tuple[tuple[float, float, float], ...] = ()

    def __call__(self, x: float, y: float) -> tuple[float, float]:
        dx = sum(a * math.sin(2 * math.pi * y / w + p) for a, w, p in self.along_y)
        dy = sum(a * math.sin(2 * math.pi * x / w + p) for a, w, p in self.along_x)
        return x + dx, y + dy

    def max_slope(self) -> float:
        sx = sum(2 * math.pi * a / w for a, w, _p in self.along_y)
        sy = sum(2 * math.pi * a / w for a, w, _p in self.along_x)
        return sx * sy


def make_warp(seed: int) -> Warp:
    """Return the county's warp for a seed: a broad, a middle and a fine wave each way."""
    rng = random.Random(f"shape:{seed}")
    base = ((0.04, 0.6), (0.003, 0.07), (0.0006, 0.017))

    def waves():
        return tuple(
            (a * rng.uniform(0.8, 1.0), w * rng.uniform(0.95, 1.1), rng.uniform(0, 2 * math.pi))
            for a, w in base
        )

    warp = Warp(along_y=waves(), along_x=waves())
    assert warp.max_slope() < 1, "the warp would fold the map"
    return warp


@dataclass
class PlacePlan:
    code: str
    level: str
    name_zh: str
    name_en: str
    box: tuple[float, float, float, float]
    parent_code: str | None = None
    households: int = 0
    population: int = 0
    is_community: bool = False  # urban community rather than rural village
    children: list[PlacePlan] = field(default_factory=list)
    outline: list[tuple[float, float]] | None = None  # the bent ring, set by `plan_county`
    warp: Warp | None = None

    @property
    def boundary(self) -> dict:
        """Return the GeoJSON polygon of the outline (counter-clockwise outer ring); the box
        itself when no outline was drawn."""
        if self.outline is not None:
            ring = self.outline
        else:
            x0, y0, x1, y1 = self.box
            ring = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
        return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}

    def point(self, x: float, y: float) -> tuple[float, float]:
        """Return where a point of the box lies in the bent outline (lng, lat)."""
        return self.warp(x, y) if self.warp is not None else (x, y)

    @property
    def centre(self) -> tuple[float, float]:
        x0, y0, x1, y1 = self.box
        return (x0 + x1) / 2, (y0 + y1) / 2


@dataclass
class CountyPlan:
    county: PlacePlan
    towns: list[PlacePlan]
    villages: list[PlacePlan]
    grids: list[PlacePlan]

    def by_code(self) -> dict[str, PlacePlan]:
        return {p.code: p for p in [self.county, *self.towns, *self.villages, *self.grids]}

    def all_places(self) -> list[PlacePlan]:
        return [self.county, *self.towns, *self.villages, *self.grids]

    lines: list[dict] = field(default_factory=list)  # rivers and main roads, GeoJSON lines


# Name parts with their pinyin: the English name of a place spells its proper part in pinyin
# (李口社区 is "Likou Community"), as Chinese places are named in English.
_PREFIXES = [
    ("清", "qing"),
    ("青", "qing"),
    ("白", "bai"),
    ("红", "hong"),
    ("黄", "huang"),
    ("金", "jin"),
    ("石", "shi"),
    ("松", "song"),
    ("柳", "liu"),
    ("桃", "tao"),
    ("李", "li"),
    ("杏", "xing"),
    ("梅", "mei"),
    ("竹", "zhu"),
    ("枫", "feng"),
    ("云", "yun"),
    ("龙", "long"),
    ("凤", "feng"),
    ("新", "xin"),
    ("长", "chang"),
    ("大", "da"),
    ("小", "xiao"),
    ("高", "gao"),
    ("平", "ping"),
    ("安", "an"),
    ("福", "fu"),
    ("永", "yong"),
    ("东", "dong"),
    ("西", "xi"),
    ("南", "nan"),
    ("北", "bei"),
    ("上", "shang"),
    ("下", "xia"),
    ("前", "qian"),
    ("后", "hou"),
    ("三", "san"),
    ("双", "shuang"),
    ("古", "gu"),
    ("兴", "xing"),
    ("和", "he"),
    ("丰", "feng"),
    ("泉", "quan"),
    ("荷", "he"),
    ("茶", "cha"),
    ("杨", "yang"),
    ("樟", "zhang"),
    ("花", "hua"),
    ("月", "yue"),
    ("鹤", "he"),
    ("燕", "yan"),
]
_FEATURES = [
    ("河", "he"),
    ("湖", "hu"),
    ("山", "shan"),
    ("岭", "ling"),
    ("坪", "ping"),
    ("塘", "tang"),
    ("桥", "qiao"),
    ("溪", "xi"),
    ("湾", "wan"),
    ("岗", "gang"),
    ("口", "kou"),
    ("田", "tian"),
    ("源", "yuan"),
    ("林", "lin"),
    ("洲", "zhou"),
    ("坑", "keng"),
    ("垅", "long"),
    ("埠", "bu"),
    ("冲", "chong"),
    ("岩", "yan"),
    ("渡", "du"),
    ("圩", "wei"),
    ("港", "gang"),
    ("坳", "ao"),
    ("铺", "pu"),
]


def pinyin_name(*syllables: str) -> str:
    """Join syllables into one capitalised pinyin word, with the apostrophe that separates a
    syllable starting with a, o or e ("Shi'ao")."""
    word = syllables[0]
    for syllable in syllables[1:]:
        word += ("'" if syllable[0] in "aoe" else "") + syllable
    return word.capitalize()


class _Namer:
    """Draw unique two-character place names with their pinyin English names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def draw(self) -> tuple[str, str]:
        for _ in range(10_000):
            (pz, pe), (fz, fe) = self.rng.choice(_PREFIXES), self.rng.choice(_FEATURES)
            if pz + fz not in self.used:
                self.used.add(pz + fz)
                return pz + fz, pinyin_name(pe, fe)
        # More than the 1,250 combinations: fall back to numbered names.
        n = len(self.used) + 1
        self.used.add(f"#{n}")
        return f"第{n}片区", f"Area {n}"


def _split_counts(total: int, parts: int, rng: random.Random, minimum: int = 1) -> list[int]:
    """Return `parts` positive integers summing to `total`, varied but not extreme."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    scale = (total - minimum * parts) / sum(weights)
    counts = [minimum + int(w * scale) for w in weights]
    i = 0
    while sum(counts) < total:
        counts[i % parts] += 1
        i += 1
    return counts


def _partition(box, n: int, rng: random.Random) -> list[tuple[float, float, float, float]]:
    """Return `n` boxes that tile `box` exactly (columns of rows with jittered cut lines)."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    cols = max(1, min(n, round((n * width / height) ** 0.5)))
    per_col = _split_counts(n, cols, rng)
    col_w = [rng.uniform(0.7, 1.3) * k for k in per_col]  # wider columns for more rows
    total_w = sum(col_w)
    boxes = []
    cx = x0
    for c, rows in enumerate(per_col):
        nx = x1 if c == cols - 1 else cx + width * col_w[c] / total_w
        row_h = [rng.uniform(0.7, 1.3) for _ in range(rows)]
        total_h = sum(row_h)
        cy = y0
        for r in range(rows):
            ny = y1 if r == rows - 1 else cy + height * row_h[r] / total_h
            boxes.append((cx, cy, nx, ny))
            cy = ny
        cx = nx
    return boxes


def plan_county(size: str | SizeSpec, seed: int) -> CountyPlan:
    """Return the place tree of the demo county for a size and seed."""
    spec = SIZES[size] if isinstance(size, str) else size
    rng = random.Random(f"geo:{seed}")
    namer = _Namer(rng)
    county = PlacePlan(
        code=COUNTY_CODE,
        level="county",
        name_zh="云溪县",
        name_en="Yunxi County",
        box=COUNTY_BOX,
    )
    towns: list[PlacePlan] = []
    villages: list[PlacePlan] = []
    grids: list[PlacePlan] = []
    village_counts = _split_counts(spec.villages, spec.towns, rng)
    for t, box in enumerate(_partition(county.box, spec.towns, rng)):
        zh, en = namer.draw()
        # The first town is the county seat: a street office with urban communities.
        is_street = t == 0 or (spec.towns >= 8 and t == 1)
        town = PlacePlan(
            code=f"{COUNTY_CODE}T{t + 1:02d}",
            level="town",
            parent_code=county.code,
            box=box,
            name_zh=zh + ("街道" if is_street else "镇"),
            name_en=en + (" Subdistrict" if is_street else " Town"),
        )
        towns.append(town)
        county.children.append(town)
        for v, vbox in enumerate(_partition(box, village_counts[t], rng)):
            vzh, ven = namer.draw()
            community = is_street or v == 0  # each town's seat is a community
            village = PlacePlan(
                code=f"{town.code}V{v + 1:02d}",
                level="village",
                parent_code=town.code,
                box=vbox,
                name_zh=vzh + ("社区" if community else "村"),
                name_en=ven + (" Community" if community else " Village"),
                is_community=community,
            )
            villages.append(village)
            town.children.append(village)
    grid_counts = _split_counts(spec.grids, len(villages), rng)
    # A per-town household density (the per-region parameter): urban streets have larger grids.
    town_means = {
        town.code: rng.uniform(300, 380)
        if town.name_en.endswith("Subdistrict")
        else rng.uniform(220, 320)
        for town in towns
    }
    for village, n in zip(villages, grid_counts, strict=True):
        mean = town_means[village.parent_code]
        for g, gbox in enumerate(_partition(village.box, n, rng)):
            households = int(min(400, max(200, rng.gauss(mean, 40))))
            grid = PlacePlan(
                code=f"{village.code}G{g + 1:02d}",
                level="grid",
                parent_code=village.code,
                box=gbox,
                name_zh=f"{village.name_zh}第{g + 1}网格",
                name_en=f"{village.name_en} Grid {g + 1}",
                households=households,
                population=int(households * rng.uniform(2.6, 3.3)),
            )
            grids.append(grid)
            village.children.append(grid)
    # Households and population add up the tree.
    for level in (villages, towns, [county]):
        for place in level:
            place.households = sum(c.households for c in place.children)
            place.population = sum(c.population for c in place.children)
    plan = CountyPlan(county=county, towns=towns, villages=villages, grids=grids)
    warp = make_warp(seed)
    _bend(plan, warp)
    plan.lines = _lines(plan, warp, random.Random(f"lines:{seed}"))
    return plan


def _key(v: float) -> float:
    return round(v, 9)


def _bend(plan: CountyPlan, warp: Warp) -> None:
    """Give every place its bent outline: edges cut at fixed steps and at every corner on them
    (so neighbours share identical vertices), then warped."""
    on_x: dict[float, set[float]] = {}  # x of a vertical line → ys of corners on it
    on_y: dict[float, set[float]] = {}
    for p in plan.all_places():
        x0, y0, x1, y1 = p.box
        for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1)):
            on_x.setdefault(_key(x), set()).add(y)
            on_y.setdefault(_key(y), set()).add(x)
    sorted_x = {k: sorted(v) for k, v in on_x.items()}
    sorted_y = {k: sorted(v) for k, v in on_y.items()}

    def cuts(a: float, b: float, corners: list[float]) -> list[float]:
        lo, hi = min(a, b), max(a, b)
        inner = corners[bisect_right(corners, lo + 1e-12) : bisect_left(corners, hi - 1e-12)]
        steps = [k * STEP for k in range(math.floor(lo / STEP) + 1, math.ceil(hi / STEP))]
        points = sorted({*inner, *(s for s in steps if lo + 1e-9 < s < hi - 1e-9)})
        return points if a < b else points[::-1]

    for p in plan.all_places():
        x0, y0, x1, y1 = p.box
        ring: list[tuple[float, float]] = [(x0, y0)]
        ring += [(x, y0) for x in cuts(x0, x1, sorted_y[_key(y0)])] + [(x1, y0)]
        ring += [(x1, y) for y in cuts(y0, y1, sorted_x[_key(x1)])] + [(x1, y1)]
        ring += [(x, y1) for x in cuts(x1, x0, sorted_y[_key(y1)])] + [(x0, y1)]
        ring += [(x0, y) for y in cuts(y1, y0, sorted_x[_key(x0)])] + [(x0, y0)]
        p.outline = [warp(x, y) for x, y in ring]
        p.warp = warp


def _line(points: list[tuple[float, float]], warp: Warp) -> dict:
    dense: list[tuple[float, float]] = []
    for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
        n = max(1, int(math.hypot(bx - ax, by - ay) / STEP))
        dense += [(ax + (bx - ax) * i / n, ay + (by - ay) * i / n) for i in range(n)]
    dense.append(points[-1])
    return {
        "type": "LineString",
        "coordinates": [[round(x, 6), round(y, 6)] for x, y in (warp(x, y) for x, y in dense)],
    }


def _lines(plan: CountyPlan, warp: Warp, rng: random.Random) -> list[dict]:
    """Return a river meandering across the county and main roads from the county seat to the
    other towns, as map features {kind, name_zh, name_en, geometry}."""
    x0, y0, x1, y1 = plan.county.box
    height = y1 - y0
    y = y0 + height * rng.uniform(0.35, 0.65)
    bend, phase = height * rng.uniform(0.06, 0.12), rng.uniform(0, 2 * math.pi)
    river = [
        (x0 + (x1 - x0) * i / 40, y + bend * math.sin(phase + i / 40 * 3 * math.pi))
        for i in range(41)
    ]
    out = [
        {
            "kind": "river",
            "name_zh": "云溪",
            "name_en": "Yunxi River",
            "geometry": _line(river, warp),
        }
    ]
    seat = plan.towns[0].centre
    for n, town in enumerate(plan.towns[1:], start=1):
        cx, cy = town.centre
        # A dog-leg through a point off the straight line: roads follow valleys, not rulers.
        mx = (seat[0] + cx) / 2 + rng.uniform(-0.02, 0.02)
        my = (seat[1] + cy) / 2 + rng.uniform(-0.02, 0.02)
        number = 200 + 7 * n
        out.append(
            {
                "kind": "road",
                "name_zh": f"县道X{number:03d}",
                "name_en": f"County Road X{number:03d}",
                "geometry": _line([seat, (mx, my), (cx, cy)], warp),
            }
        )
    return out


def neighbours(plan: CountyPlan, grid: PlacePlan) -> list[PlacePlan]:
    """Return grids whose boxes share an edge segment with `grid`'s box."""
    x0, y0, x1, y1 = grid.box
    eps = 1e-9
    found = []
    for other in plan.grids:
        if other.code == grid.code:
            continue
        a0, b0, a1, b1 = other.box
        touch_x = (abs(a0 - x1) < eps or abs(a1 - x0) < eps) and min(b1, y1) - max(b0, y0) > eps
        touch_y = (abs(b0 - y1) < eps or abs(b1 - y0) < eps) and min(a1, x1) - max(a0, x0) > eps
        if touch_x or touch_y:
            found.append(other)
    return found
