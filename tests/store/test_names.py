"""Names from school files, and the order the roster puts them in."""

from __future__ import annotations

import pytest

from conference_tui.store.names import (
    family_name_key,
    first_name_key,
    given_name_first,
    not_a_student,
)


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("Okafor, Amara", "Amara Okafor"),
        ("  van der Berg ,  Lotte Anne ", "Lotte Anne van der Berg"),
        ("Amara Okafor", "Amara Okafor"),
        ("King, Jr.", "King, Jr."),
        ("Martin Luther King, Jr", "Martin Luther King, Jr"),
        ("Henry Ford, III", "Henry Ford, III"),
        ("Lee, Ann, Marie", "Lee, Ann, Marie"),
        ("Okafor,", "Okafor,"),
        (", Amara", ", Amara"),
    ],
)
def test_family_name_first_is_read_given_name_first(written: str, read: str) -> None:
    assert given_name_first(written) == read


@pytest.mark.parametrize(
    "name", ["Class Average", "points possible", "TOTAL", "Total:", "Max Points", " ", "42", "7.5"]
)
def test_rows_that_are_no_student(name: str) -> None:
    assert not_a_student(name)


@pytest.mark.parametrize("name", ["Amara Okafor", "Max Ruiz", "Tot", "Mo", "李小龙", "O'Neil"])
def test_names_that_are_students(name: str) -> None:
    assert not_a_student(name) == ""


def test_family_name_order_ignores_case_and_accents_then_uses_the_given_name() -> None:
    names = ["Zoë Adams", "ben okafor", "Amara Okafor", "José Ávila", "Eli Avila", "Cher"]
    assert sorted(names, key=family_name_key) == [
        "Zoë Adams", "Eli Avila", "José Ávila", "Cher", "Amara Okafor", "ben okafor",
    ]  # fmt: skip
    assert sorted(names, key=first_name_key)[:2] == ["Amara Okafor", "ben okafor"]
