"""Disclosure control: small counts never show, and no hidden count can be worked out."""

import itertools

import pytest

from surveys.disclosure import (
    CONFIDENTIAL,
    NOT_AVAILABLE,
    ORGANISER_OPERATIONAL,
    SPONSOR,
    Flag,
    Kind,
    Policy,
    can_compare,
    count_cell,
    count_table,
    group_statistics,
    interval_cell,
    round_count,
    statistic_cell,
)

# --- Rounding ----------------------------------------------------------------------------------


def test_rounding_goes_to_the_nearest_multiple_of_five():
    for count in range(500):
        rounded = round_count(count)
        assert rounded % 5 == 0
        assert abs(rounded - count) <= 2  # nearest: 5 is odd, so a count is never half-way
    assert [round_count(c) for c in (10, 12, 13, 17, 18, 1234)] == [10, 10, 15, 15, 20, 1235]


def test_a_tie_rounds_up_with_an_even_base():
    assert round_count(15, 10) == 20 and round_count(14, 10) == 10


@pytest.mark.parametrize("count", [-1, 2.5, True, "3"])
def test_only_whole_numbers_of_people_are_counts(count):
    with pytest.raises(ValueError):
        round_count(count)


def test_a_policy_cannot_round_a_shown_count_to_zero():
    with pytest.raises(ValueError):
        Policy(count_threshold=5, round_to=10)


# --- Single counts -----------------------------------------------------------------------------


def test_small_counts_show_as_below_ten_and_zero_shows():
    assert count_cell(0) == count_cell(0, total=40)
    assert (count_cell(0).text, count_cell(0).value, count_cell(0).flag) == ("0", 0, None)
    for count in range(1, 10):
        cell = count_cell(count)
        assert (cell.text, cell.value, cell.flag) == ("<10", None, Flag.PRIMARY)
    assert (count_cell(10).text, count_cell(10).value) == ("10", 10)
    assert (count_cell(13).text, count_cell(13).value) == ("15", 15)
    assert count_cell(12_345).text == "12,345"


def test_a_count_with_a_small_complement_is_hidden():
    for count in range(91, 100):
        cell = count_cell(count, total=100)
        assert (cell.text, cell.value, cell.flag) == (CONFIDENTIAL, None, Flag.COMPLEMENT)
    assert count_cell(90, total=100).value == 90
    assert count_cell(100, total=100).value == 100  # everyone: the complement is zero


def test_organiser_operational_counts_use_five():
    assert count_cell(4, policy=ORGANISER_OPERATIONAL).text == "<5"
    assert count_cell(5, policy=ORGANISER_OPERATIONAL).value == 5
    assert count_cell(7, policy=ORGANISER_OPERATIONAL).value == 5
    assert count_cell(8, policy=ORGANISER_OPERATIONAL).value == 10
    assert count_cell(96, total=100, policy=ORGANISER_OPERATIONAL).flag is Flag.COMPLEMENT
    assert count_cell(95, total=100, policy=ORGANISER_OPERATIONAL).value == 95
    assert count_cell(7).flag is Flag.PRIMARY  # the sponsor threshold is still 10


def test_a_count_above_its_total_is_refused():
    with pytest.raises(ValueError):
        count_cell(11, total=10)


# --- Breakdown tables --------------------------------------------------------------------------


def _texts(table):
    return {row.label: row.cell.text for row in table.rows}


def test_one_small_cell_takes_the_next_smallest_with_it():
    table = count_table("country", {"AT": 3, "DE": 40, "FR": 25, "IT": 0})
    assert _texts(table) == {"AT": "<10", "DE": "40", "FR": CONFIDENTIAL, "IT": "0"}
    assert [row.cell.flag for row in table.rows] == [Flag.PRIMARY, None, Flag.SECONDARY, None]
    assert table.total.value == 70 and not table.rolled_up


def test_two_small_cells_protect_each_other():
    table = count_table("role", [("athlete", 4), ("coach", 6), ("volunteer", 30)])
    assert _texts(table) == {"athlete": "<10", "coach": "<10", "volunteer": "30"}


def test_small_cells_that_add_up_to_their_bound_take_another_cell():
    # "<10" + "<10" = 2 pins both at 1; adding the 12 makes them uncertain.
    table = count_table("age band", [("16-17", 1), ("18-24", 1), ("25-44", 12), ("45+", 40)])
    assert _texts(table) == {"16-17": "<10", "18-24": "<10", "25-44": CONFIDENTIAL, "45+": "40"}


def test_a_breakdown_whose_total_pins_every_cell_rolls_up():
    # Two cells of 9 shown as "<10" with a total of 18: both must be 9.
    table = count_table("gender", {"women": 9, "men": 9})
    assert table.rolled_up
    assert all(row.cell.flag is Flag.TOO_FEW and row.cell.value is None for row in table.rows)
    assert table.total.value == 20


def test_a_breakdown_of_fewer_than_ten_shows_nothing_but_below_ten():
    table = count_table("country", {"AT": 3, "DE": 0, "FR": 4})
    assert table.rolled_up and table.total.text == "<10" and table.total.value is None
    assert all(row.cell.value is None for row in table.rows)  # not even the zero


def test_an_empty_breakdown_shows_zeros():
    table = count_table("country", {"AT": 0, "DE": 0})
    assert table.total.text == "0" and _texts(table) == {"AT": "0", "DE": "0"}


def test_a_table_has_one_breakdown_dimension():
    with pytest.raises(ValueError, match="one breakdown dimension"):
        count_table("country and gender", [(("AT", "women"), 12), (("AT", "men"), 15)])


def _public_range(flag, total, t):
    """What the flag tells a reader, written independently of the module."""
    if flag is Flag.PRIMARY:
        return range(1, t)
    if flag is Flag.COMPLEMENT:
        return [x for x in range(t, total) if 1 <= total - x < t]
    if flag is Flag.SECONDARY:
        return [x for x in range(t, total + 1) if total - x >= t]
    return range(total + 1)  # rolled up: anything


def _possible_values(ranges, hidden_sum):
    """For each hidden cell, every value it can take with the others summing to the rest."""
    possible = []
    for i, own in enumerate(ranges):
        sums = {0}
        for j, other in enumerate(ranges):
            if j != i:
                sums = {s + x for s in sums for x in other if s + x <= hidden_sum}
        possible.append({x for x in own if hidden_sum - x in sums})
    return possible


def _assert_safe(counts, policy):
    t = policy.count_threshold
    table = count_table("dimension", [(str(i), c) for i, c in enumerate(counts)], policy=policy)
    total = sum(counts)
    for count, row in zip(counts, table.rows, strict=True):
        cell = row.cell
        if cell.value is not None:
            assert cell.value == round_count(count)
            assert not 0 < count < t, counts
            assert not 0 < total - count < t or count == total, counts
    if 0 < total < t:
        assert table.total.value is None
        return
    assert table.total.value == round_count(total)
    hidden = [i for i, row in enumerate(table.rows) if row.cell.value is None]
    if not hidden:
        return
    # The strongest reader we guard against: exact total, exact shown cells, every flag.
    hidden_sum = total - sum(c for i, c in enumerate(counts) if i not in hidden)
    ranges = [_public_range(table.rows[i].cell.flag, total, t) for i in hidden]
    for i, values in zip(hidden, _possible_values(ranges, hidden_sum), strict=True):
        assert counts[i] in values, (counts, i)
        assert len(values) >= 2, f"cell {i} of {counts} is recoverable: {values}"


@pytest.mark.parametrize("policy", [SPONSOR, ORGANISER_OPERATIONAL], ids=["sponsor", "organiser"])
def test_no_hidden_cell_is_recoverable_in_any_small_table(policy):
    t = policy.count_threshold
    for size in (1, 2, 3):
        for counts in itertools.product(range(3 * t + 3), repeat=size):
            _assert_safe(counts, policy)
    interesting = sorted({0, 1, 2, t - 2, t - 1, t, t + 1, t + 2, 2 * t - 1, 2 * t, 3 * t, 50})
    for counts in itertools.product(interesting, repeat=4):
        _assert_safe(counts, policy)


def test_the_recoverability_check_can_fail():
    # Without secondary suppression, "<10" next to 40 and a total of 43 gives the 3 away.
    ranges = [_public_range(Flag.PRIMARY, 43, 10)]
    assert _possible_values(ranges, 3) == [{3}]
    assert _possible_values([range(1, 10), range(1, 10)], 18) == [{9}, {9}]


# --- Statistics --------------------------------------------------------------------------------


def test_statistics_need_ten_people():
    assert statistic_cell(61.2, n=9, kind=Kind.MEAN).flag is Flag.TOO_FEW
    assert statistic_cell(61.2, n=9, kind=Kind.MEAN).text == CONFIDENTIAL
    cell = statistic_cell(61.24, n=10, kind=Kind.MEAN)
    assert (cell.text, cell.value, cell.flag) == ("61.2", 61.24, None)
    # Organisers' lower count threshold does not lower it for statistics.
    assert statistic_cell(61.2, n=9, kind="mean", policy=ORGANISER_OPERATIONAL).value is None


def test_statistic_texts():
    assert statistic_cell(0.456, n=40, kind=Kind.EFFECT_SIZE).text == "+0.46"
    assert statistic_cell(-3.25, n=40, kind=Kind.CHANGE).text == "-3.3"  # half away from 0
    assert statistic_cell(-0.04, n=40, kind=Kind.CHANGE).text == "0.0"
    assert statistic_cell(8.0, n=40, kind=Kind.CHANGE).text == "+8.0"
    assert statistic_cell(0.0004, n=40, kind=Kind.P_VALUE).text == "< 0.001"
    assert statistic_cell(0.0705, n=40, kind=Kind.P_VALUE).text == "0.071"
    assert statistic_cell(99.6, n=40, kind=Kind.PERCENT).text == "100 %"
    assert statistic_cell(12.5, n=40, kind=Kind.PERCENTAGE_POINTS).text == "+12.5 points"
    interval = interval_cell(2.04, 7.9, n=40, kind=Kind.CHANGE)
    assert (interval.text, interval.value) == ("+2.0 to +7.9", (2.04, 7.9))


def test_a_percentage_of_people_obeys_the_count_rule():
    assert statistic_cell(25.0, n=40, count=10, kind=Kind.PERCENT).text == "25 %"
    assert statistic_cell(7.5, n=40, count=3, kind=Kind.PERCENT).flag is Flag.PRIMARY
    assert statistic_cell(95.0, n=40, count=38, kind=Kind.PERCENT).flag is Flag.COMPLEMENT
    assert interval_cell(2.0, 20.0, n=40, count=3, kind=Kind.PERCENT).value is None
    assert statistic_cell(0.0, n=40, count=0, kind=Kind.PERCENT).value == 0.0


def test_a_statistic_that_cannot_be_computed_says_so():
    cell = statistic_cell(None, n=40, kind=Kind.EFFECT_SIZE)
    assert (cell.text, cell.value, cell.flag) == (NOT_AVAILABLE, None, Flag.NOT_COMPUTABLE)
    assert interval_cell(None, None, n=40, kind=Kind.CHANGE).flag is Flag.NOT_COMPUTABLE
    # Too few people wins: the reader must not learn why a small group has no figure.
    assert statistic_cell(None, n=3, kind=Kind.MEAN).flag is Flag.TOO_FEW


@pytest.mark.parametrize("kind", ["min", "max", "minimum", "maximum"])
def test_minimum_and_maximum_are_never_published(kind):
    with pytest.raises(ValueError, match="never published"):
        statistic_cell(100.0, n=500, kind=kind)


def test_group_statistics_hide_small_groups_and_the_next_smallest():
    table = group_statistics(
        "gender",
        [("women", 30, 8.1), ("men", 25, 4.0), ("non-binary", 4, 12.0)],
        total=(59, 6.5),
        kind=Kind.CHANGE,
    )
    flags = [row.cell.flag for row in table.rows]
    # 4 people hidden alone would follow from the total and the two shown means.
    assert flags == [None, Flag.SECONDARY, Flag.TOO_FEW]
    assert table.rows[0].cell.text == "+8.1" and table.total.text == "+6.5"


def test_group_statistics_where_hidden_groups_reach_ten_together():
    table = group_statistics(
        "age band",
        [("16-24", 6, 1.0), ("25-44", 5, 3.0), ("45+", 40, 2.0)],
        total=(51, 2.0),
        kind=Kind.CHANGE,
    )
    assert [row.cell.value for row in table.rows] == [None, None, 2.0]


def test_group_statistics_roll_up_into_the_total():
    table = group_statistics(
        "role", [("athlete", 6, 1.0), ("coach", 3, 2.0)], total=(9, 1.3), kind="change"
    )
    assert table.rolled_up and table.total.value is None
    table = group_statistics(
        "role", [("athlete", 6, 1.0), ("coach", 5, 2.0)], total=(11, 1.5), kind="change"
    )
    assert table.rolled_up and table.total.value == 1.5


def test_subgroups_are_compared_only_when_both_reach_ten():
    assert can_compare(10, 10)
    assert not can_compare(10, 9)
    assert not can_compare(200, 3, policy=ORGANISER_OPERATIONAL)
