"""The command's entry point: the keyboard is the app's from the moment it is asked for.

Until Textual starts (a quarter of a second or more: Python, then its imports), the
terminal is in its ordinary line mode: a key typed then is echoed onto the shell's
screen, ctrl+s stops the terminal's output instead of reaching the app, and enter
arrives as another key. The teacher types `conference-tui`, enter, and at once `n`.
So the terminal is put in the mode Textual will set before anything is imported,
and put back as it was when the command ends. What comes in the 10 to 20 ms before
(Python starting) the terminal has already read in line mode: an enter there is a line
feed, which the app reads as enter (escape_keys.py); a ctrl+s or ctrl+q there the
terminal keeps for itself, and nothing can bring it back.
"""

from __future__ import annotations

import contextlib
import os
import sys

# Set by the shell's completion script (click's): the command then only prints words.
COMPLETION_ENV = "_CONFERENCE_TUI_COMPLETE"


# What opens the app: the database asked for (None for the default) and whether it is
# the demo. A plain tuple: launch imports nothing it need not before the terminal is
# taken (dataclasses alone is 7 ms).
AppOptions = tuple[str | None, bool]


def app_options(args: list[str]) -> AppOptions | None:
    """The --db and --demo of arguments that open the app; None for a command, --help,
    --version, or a mistake (which click then explains). The app opens without loading
    click and the commands' modules: 5 ms of every launch."""
    database, demo = None, False
    remaining = iter(args)
    for arg in remaining:
        if arg == "--db":
            database = next(remaining, None)
            if database is None:
                return None
        elif arg.startswith("--db="):
            database = arg.removeprefix("--db=")
        elif arg == "--demo":
            demo = True
        else:
            return None
    return database or None, demo


def keys_for_the_app(fd: int) -> list[object] | None:
    """Take the terminal at `fd` out of line mode as Textual's driver does (no echo, no
    line editing, no signals, no flow control, enter as typed); returns how it was, or
    None when it is no terminal."""
    import termios
    import tty

    try:
        before = termios.tcgetattr(fd)
    except (termios.error, OSError):
        return None
    raw = termios.tcgetattr(fd)
    raw[tty.LFLAG] &= ~(termios.ECHO | termios.ICANON | termios.IEXTEN | termios.ISIG)
    raw[tty.IFLAG] &= ~(
        termios.IXON | termios.IXOFF | termios.ICRNL | termios.INLCR | termios.IGNCR
    )
    raw[tty.CC][termios.VMIN] = 1
    try:
        # TCSANOW: what was typed already stays to be read.
        termios.tcsetattr(fd, termios.TCSANOW, raw)
    except termios.error:
        return None
    return before


def give_back(fd: int, before: list[object]) -> None:
    import termios

    # An error: the terminal has gone, and there is nobody to give it back to.
    with contextlib.suppress(termios.error):
        termios.tcsetattr(fd, termios.TCSANOW, before)


def main() -> None:
    options = None if COMPLETION_ENV in os.environ else app_options(sys.argv[1:])
    before = keys_for_the_app(sys.stdin.fileno()) if options else None
    try:
        if options is None:
            from conference_tui.cli import main as run_command

            run_command()
        else:
            from conference_tui.cli_app import run_app

            database, demo = options
            run_app(database, demo)
    finally:
        if before is not None:
            give_back(sys.stdin.fileno(), before)
