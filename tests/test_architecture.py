"""The layering the layout promises, and the code-quality gates CI enforces.

- `store`, `forms` and `export` never import the UI toolkit (import-linter, and a
  fresh interpreter that checks sys.modules);
- importing the command line or the store touches no disk;
- ruff and strict mypy pass (marked `lint`: `pytest -m "not lint"` skips them).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """A command installed next to this Python (the project's venv), else on PATH."""
    beside = BIN / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return found


def run_python(code: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


# -- layering --------------------------------------------------------------------


@pytest.mark.lint
def test_import_linter_contracts_are_kept() -> None:
    done = subprocess.run(
        [tool("lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "broken" in done.stdout and "0 broken" in done.stdout


@pytest.mark.parametrize(
    "modules",
    [
        [
            "conference_tui.store",
            "conference_tui.forms",
            "conference_tui.export.notes",
            "conference_tui.export.copying",
            "conference_tui.export.archive",
            "conference_tui.export.roster_csv",
        ],
        ["conference_tui.cli"],
    ],
    ids=["store-forms-export", "cli"],
)
def test_non_ui_modules_do_not_load_textual(modules: list[str]) -> None:
    """The CLI loads the TUI only when it opens the app, so scripts start fast."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules\n"
        "                if m.split('.')[0] == 'textual' or m.startswith('conference_tui.tui'))\n"
        "print(json.dumps(loaded))\n"
    )
    assert json.loads(run_python(code)) == []


# What only an export or a copy runs: both renderers, and the standard library's
# table of HTML entities that html.py brings (about 2,000 names).
EXPORT_RENDERERS = [
    "conference_tui.export.notes",
    "conference_tui.export.markdown",
    "conference_tui.export.html",
    "conference_tui.export.copying",
    "html.entities",
]


def test_tui_modules_load_the_export_renderers_only_when_they_run() -> None:
    """Every screen offering an export or a copy imports the renderers in the worker
    that uses them: most sessions never export, and each module loaded at start-up
    stays in the TUI's peak memory (the target is under 100 MiB at 250,000
    conferences)."""
    code = (
        "import importlib, json, pkgutil, sys\n"
        "import conference_tui.tui\n"
        "prefix = 'conference_tui.tui.'\n"
        "for found in pkgutil.walk_packages(conference_tui.tui.__path__, prefix):\n"
        "    importlib.import_module(found.name)\n"
        f"print(json.dumps([name for name in {EXPORT_RENDERERS!r} if name in sys.modules]))\n"
    )
    assert json.loads(run_python(code)) == []


def test_importing_the_cli_and_store_touches_no_disk(tmp_path: Path) -> None:
    home = tmp_path / "home"
    work = tmp_path / "cwd"
    home.mkdir()
    work.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CONFERENCE_TUI_", "XDG_")) and key != "HOME"
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    code = (
        "import conference_tui.cli, conference_tui.store, conference_tui.paths\n"
        "import conference_tui.store.engine, conference_tui.settings\n"
        "from conference_tui import paths\n"
        "print(paths.default_database())\n"
    )
    printed = run_python(code, env=env, cwd=work).strip()
    assert printed.startswith(str(home))  # the default place is in that home...
    assert list(home.iterdir()) == []  # ...but nothing was created there
    assert list(work.iterdir()) == []


# -- code quality ----------------------------------------------------------------


@pytest.mark.lint
def test_ruff_check_passes() -> None:
    done = subprocess.run(
        [tool("ruff"), "check", "--no-cache", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.lint
def test_mypy_strict_passes_on_store_forms_and_export() -> None:
    """The files and strictness come from [tool.mypy] in pyproject.toml."""
    done = subprocess.run(
        [tool("mypy")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_app_opens_without_loading_click() -> None:
    """click and the commands' modules load only for a command: 5 ms of every launch."""
    code = (
        "import sys\n"
        "import conference_tui.launch, conference_tui.cli_app, conference_tui.tui.app\n"
        "import conference_tui.tui.screens.roster\n"
        "print(sorted(m for m in sys.modules\n"
        "             if m == 'click' or m.startswith('conference_tui.cli')))\n"
    )
    assert run_python(code).strip() == "['conference_tui.cli_app']"


def test_the_command_takes_the_terminal_before_importing_anything_heavy() -> None:
    """Keys typed before launch.py takes the terminal are read in line mode (ctrl+s and
    ctrl+q kept by the terminal): the package and launch.py import nothing that is slow
    to load, such as logging or dataclasses (9 and 7 ms)."""
    code = (
        "import re, sys\n"  # as the installed command's script does
        "import conference_tui.launch\n"
        "print(sorted(m for m in ('logging', 'dataclasses', 'inspect') if m in sys.modules))\n"
    )
    assert run_python(code).strip() == "[]"
