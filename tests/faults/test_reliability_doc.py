"""docs/reliability.md says what the app does for each fault, and cannot drift from it."""

from __future__ import annotations

from pathlib import Path

from conference_tui.store.diagnosis import Fault
from faults.reliability_doc import CASES, reliability_table

TESTS = Path(__file__).parents[1]
DOC = TESTS.parent / "docs" / "reliability.md"


def test_every_fault_has_a_row_and_the_table_is_current() -> None:
    assert set(CASES) == set(Fault)
    assert reliability_table() in DOC.read_text(encoding="utf-8"), (
        "docs/reliability.md is out of date: paste `python tests/faults/reliability_doc.py`"
    )


def test_every_test_the_table_names_exists() -> None:
    for _made, _untouched, tests in CASES.values():
        for test in tests:
            module, name = test.split("::")
            assert f"def {name}(" in (TESTS / module).read_text(encoding="utf-8"), test
