"""From the moment the app is asked for, keys are kept for it as typed."""

from __future__ import annotations

import os
import pty
import termios

import pytest

from conference_tui.launch import AppOptions, app_options, give_back, keys_for_the_app


@pytest.mark.parametrize(
    ("args", "app"),
    [
        ([], (None, False)),
        (["--db", "notes.db"], ("notes.db", False)),
        (["--db=notes.db", "--demo"], ("notes.db", True)),
        (["--demo"], (None, True)),
        (["--db", "notes.db", "import", "roster.csv"], None),
        (["export", "--all"], None),
        (["--help"], None),
        (["--version"], None),
        (["--db"], None),  # click says what is missing
        (["--db", "--demo"], ("--demo", False)),  # a file named --demo, as click reads it
    ],
)
def test_only_opening_the_app_takes_the_keyboard(args: list[str], app: AppOptions | None) -> None:
    assert app_options(args) == app


def test_keys_typed_before_the_app_starts_arrive_as_typed_and_the_terminal_is_given_back() -> None:
    main, secondary = pty.openpty()
    try:
        before = termios.tcgetattr(secondary)
        os.write(main, b"n")  # typed while the terminal is still in line mode
        taken = keys_for_the_app(secondary)
        assert taken == before
        # ctrl+s, enter and escape arrive as themselves; nothing typed from now is
        # echoed (the "n" may have been, if the terminal saw it before the change).
        os.write(main, b"Kite\x13\r\x1b")
        expected = b"nKite\x13\r\x1b"
        received = b""
        while len(received) < len(expected):  # the terminal may hand them over in parts
            received += os.read(secondary, 100)
        assert received == expected
        os.set_blocking(main, False)
        try:
            echoed = os.read(main, 100)
        except BlockingIOError:
            echoed = b""
        assert echoed in (b"", b"n")
        give_back(secondary, before)
        assert termios.tcgetattr(secondary) == before
    finally:
        os.close(main)
        os.close(secondary)


def test_no_terminal_is_left_alone() -> None:
    read_end, write_end = os.pipe()
    try:
        assert keys_for_the_app(read_end) is None
    finally:
        os.close(read_end)
        os.close(write_end)
