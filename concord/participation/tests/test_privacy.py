"""Suppression and screening, as pure functions."""

import numpy as np

from concord.participation import moderation, privacy

# A 2×3 table with row totals, column totals and a grand total.
BODY = [10, 3, 12, 8, 9, 7]
VALUES = [*BODY, 25, 24, 18, 12, 19, 49]
RELATIONS = [
    (6, [0, 1, 2]),
    (7, [3, 4, 5]),
    (8, [0, 3]),
    (9, [1, 4]),
    (10, [2, 5]),
    (11, [6, 7]),
    (11, [8, 9, 10]),
]


def published(values, mask):
    return [None if m else v for v, m in zip(values, mask, strict=True)]


def test_hiding_only_the_small_cell_lets_a_reader_subtract_it_back():
    naive = [None if v < 5 else v for v in VALUES]
    assert privacy.leaks(naive, RELATIONS, true_values=VALUES) == [1]


def test_protect_hides_complements_so_no_small_cell_can_be_derived():
    mask = privacy.protect(VALUES, RELATIONS)
    assert mask[1]
    assert mask.sum() >= 4  # a suppressed cell in a 2-D table needs a rectangle of partners
    assert privacy.leaks(published(VALUES, mask), RELATIONS, true_values=VALUES) == []


def test_complements_are_the_smallest_cells_available():
    mask = privacy.protect(VALUES, RELATIONS)
    # Row 1 gives up its smallest other cell (10, not 12); the columns then need row 2's
    # cells under them, and every margin stays published.
    assert mask.tolist() == [True, True, False, True, True, False] + [False] * 6


def test_a_hidden_remainder_is_protected_too():
    # total = a + b + hidden remainder 2: publishing a, b and total would give the 2 away.
    values = [20, 9, 9, 2]
    mask = privacy.protect(values, [(0, [1, 2, 3])], hidden=[False, False, False, True])
    assert mask[3] and mask.sum() >= 2
    assert privacy.leaks(published(values, mask), [(0, [1, 2, 3])], true_values=values) == []


def test_zero_counts_are_suppressed_like_any_count_below_the_threshold():
    values = [12, 0, 6, 6]
    mask = privacy.protect(values, [(0, [1, 2, 3])])
    assert mask[1] and mask.sum() == 2


def test_a_table_without_small_cells_is_published_whole():
    values = [30, 10, 20]
    assert not privacy.protect(values, [(0, [1, 2])]).any()


def test_derivable_sees_chains_across_tables():
    # a = b + c and b = d + e; with c hidden alone in the first relation it is derivable.
    m = privacy.relation_matrix(5, [(0, [1, 2]), (1, [3, 4])])
    suppressed = np.array([False, True, True, False, False])
    assert privacy.derivable(m, suppressed).tolist() == [False, True, True, False, False]


def test_places_are_coarsened_to_a_depth():
    assert privacy.coarsen_path("/C/T1/V11/G111/", depth=2) == "/C/T1/"
    assert privacy.coarsen_path("/C/T1/", depth=4) == "/C/T1/"
    assert privacy.coarsen_path("/C/T1/V11/G111/", depth=privacy.COUNTY_DEPTH) == "/C/"


def test_a_share_needs_a_base_of_at_least_the_threshold():
    assert privacy.share(3, 4) is None
    assert privacy.share(5, 10) == 0.5


def test_a_share_is_held_when_its_numerator_or_the_remainder_is_small():
    # 5 received, 4 answered: a rate of 0.8 would reveal the 1 unanswered case.
    assert privacy.share(4, 5) is None
    assert privacy.share(1, 50) is None  # the numerator
    assert privacy.share(46, 50) is None  # the remainder: 4 not answered
    assert privacy.share(0, 50) is None and privacy.share(50, 50) is None
    assert privacy.share(45, 50) == 0.9


def test_screen_names_the_reason_for_holding_text():
    assert moderation.screen("路灯坏了，请尽快修理") == []
    assert moderation.screen("加微信 领补贴") == ["spam"]
    assert moderation.screen("打13812345678联系我") == ["personal_data"]
    assert moderation.screen("you idiot") == ["abuse"]
    assert moderation.screen("see http://a.example and http://b.example") == ["links"]
    assert moderation.screen("!!!!!!!!!!!!!!!!") == ["repetition"]
