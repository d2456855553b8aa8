"""The arithmetic of traffic splits: what people type, and shares in whole percents."""

from __future__ import annotations

import pytest

from bundlegen.errors import InputError, RefusedEdit
from bundlegen.traffic.splits import parse_assignments, parse_steps, require_total, with_share


def test_assignments_are_names_with_whole_percentages():
    assert parse_assignments(["champion=80", "challenger=20"]) == {"champion": 80, "challenger": 20}
    assert parse_assignments(["shadow=0"]) == {"shadow": 0}


@pytest.mark.parametrize("arg,message", [
    ("champion", "'champion' is not NAME=PCT"),
    ("champion=10.5", "'10.5' is not a whole number"),
    ("champion=-5", "'-5' is negative"),
    ("champion=abc", "'abc' is not a percentage"),
    ("champion=", "'' is not a percentage"),
    ("champion=101", "101 is more than 100"),
    ("=5", "'=5' is not NAME=PCT"),
])
def test_a_bad_assignment_says_what_is_wrong(arg, message):
    with pytest.raises(InputError, match=message):
        parse_assignments([arg])


def test_a_variant_given_twice_or_nothing_given_is_refused():
    with pytest.raises(InputError, match="'a' is given twice"):
        parse_assignments(["a=50", "a=50"])
    with pytest.raises(InputError, match="give the new shares as NAME=PCT"):
        parse_assignments([])


def test_a_split_must_add_up_to_100_and_the_message_shows_the_sum():
    require_total({"a": 60, "b": 40}, "of x")
    with pytest.raises(RefusedEdit, match=r"would add up to 110% \(a 60 \+ b 50\), not 100%"):
        require_total({"a": 60, "b": 50}, "of x")


def test_ramp_steps_increase_strictly_and_end_at_100():
    assert parse_steps("5,25,50,100") == [5, 25, 50, 100]
    assert parse_steps(" 10, 100 ") == [10, 100]


@pytest.mark.parametrize("text,message", [
    ("5,25,25,100", "must increase strictly"),
    ("50,25,100", "must increase strictly"),
    ("5,25,50", "the last step must be 100"),
    ("100", "at least two steps"),
    ("0,100", "at least 1%"),
    ("5,x,100", "'x' is not a percentage"),
    ("5,25.5,100", "not a whole number"),
    ("", "is not a list of percentages"),
    ("5,,100", "is not a list of percentages"),
])
def test_bad_ramp_steps_are_refused(text, message):
    with pytest.raises(InputError, match=message):
        parse_steps(text)


def test_a_new_share_is_taken_from_the_others_in_proportion_by_largest_remainder():
    assert with_share({"champion": 90, "challenger": 10}, "challenger", 25) == {
        "champion": 75, "challenger": 25}
    # 95 shared 45:50 is 45.0 and 50.0; 90 shared so is 42.63 and 47.37: the .63 gets the 1.
    assert with_share({"a": 45, "b": 50, "c": 5}, "c", 10) == {"a": 43, "b": 47, "c": 10}
    assert with_share({"a": 50, "b": 50, "c": 0}, "c", 5) == {"a": 48, "b": 47, "c": 5}


def test_equal_remainders_go_to_the_variant_listed_first_and_zero_shares_stay_zero():
    assert with_share({"a": 30, "b": 30, "shadow": 0, "c": 40}, "c", 41) == {
        "a": 30, "b": 29, "shadow": 0, "c": 41}
    split = with_share({"a": 33, "b": 33, "c": 34}, "c", 1)
    assert split == {"a": 50, "b": 49, "c": 1} and sum(split.values()) == 100


def test_at_100_every_other_variant_has_0():
    assert with_share({"a": 70, "b": 20, "c": 10}, "c", 100) == {"a": 0, "b": 0, "c": 100}
