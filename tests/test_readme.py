"""The README's promises: two set-up commands first, the same test command as CI,
and every key of every screen."""

from __future__ import annotations

import re
from pathlib import Path

from textual.binding import Binding

from conference_tui.tui.app import ConferenceApp
from conference_tui.tui.screens.help import SCREENS, screen_bindings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def first_code_block() -> list[str]:
    match = re.search(r"```[a-z]*\n(.*?)```", README, re.S)
    assert match, "README has no code block"
    return [line for line in match.group(1).splitlines() if line.strip()]


def test_readme_starts_with_exactly_two_setup_commands() -> None:
    install_and_open, install_and_test = first_code_block()
    assert README.index("```") < README.index("\n## "), "the commands come first"
    assert install_and_open.startswith("python3 -m venv .venv && ")
    assert install_and_open.endswith(".venv/bin/conference-tui")
    assert install_and_test.startswith("python3 -m venv .venv && ")
    assert install_and_test.endswith(".venv/bin/pytest")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f'TEST_COMMAND="{first_code_block()[1]}"' in ci


def test_every_key_is_in_the_readme() -> None:
    keys = README[README.index("## Keys") : README.index("## Command line")]
    bindings = list(Binding.make_bindings(ConferenceApp.BINDINGS))
    for _title, module, name in SCREENS:
        bindings.extend(screen_bindings(module, name))
    assert len(bindings) > 20
    for binding in bindings:
        assert binding.description in keys, f"{binding.key}: {binding.description}"
