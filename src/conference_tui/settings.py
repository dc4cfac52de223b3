"""The teacher's settings, from config.toml; a broken file never stops the app."""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from conference_tui import paths

DEFAULT_CONFIG = """\
# conference-tui settings. Delete a line to go back to its default.

# How long a conference should take, in minutes: the timer turns when it is up.
target_minutes = 5

# A student is "due" when not seen for this many days (or their follow-up date passed).
due_after_days = 14

# The form a new conference uses (a file in the forms folder, without .toml).
default_form = "writing-conference"

# Any Textual theme name, e.g. "textual-dark", "textual-light", "nord", "gruvbox".
theme = "textual-dark"

# The roster's order: "family" (family name), "first" (first name) or "overdue".
roster_order = "family"

# Where exports go unless you choose another folder.
export_folder = "~/conference-notes"

# Hide every student's notes after this many minutes without a key (0: never).
lock_after_minutes = 10

# A passphrase to type to unlock (optional; this file is readable by you only).
# lock_passphrase = ""
"""


# The orders the roster can show, in the order its key cycles through them.
ROSTER_ORDERS = ("family", "first", "overdue")


@dataclass(frozen=True)
class Settings:
    target_minutes: float = 5.0
    due_after_days: int = 14
    default_form: str = "writing-conference"
    theme: str = "textual-dark"
    roster_order: str = "family"
    export_folder: str = "~/conference-notes"
    lock_after_minutes: float = 10.0
    lock_passphrase: str = field(default="", repr=False)
    problems: tuple[str, ...] = field(default=(), compare=False)

    @property
    def target_seconds(self) -> int:
        return int(self.target_minutes * 60)

    @property
    def export_path(self) -> Path:
        return Path(self.export_folder).expanduser()


def _problem(path: Path, key: str, why: str) -> str:
    return f"{path}: {key}: {why}; using the default."


def load_settings(path: Path | None = None) -> Settings:
    """Settings from config.toml; every bad value is reported and replaced by its default."""
    path = path or paths.config_file()
    defaults = Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return defaults
    except (OSError, UnicodeDecodeError) as exc:
        return replace(defaults, problems=(f"{path}: cannot be read ({exc}); using defaults.",))
    except tomllib.TOMLDecodeError as exc:
        return replace(defaults, problems=(f"{path}: {exc}; using defaults.",))

    problems: list[str] = []
    values: dict[str, object] = {}
    minutes = raw.get("target_minutes", defaults.target_minutes)
    if isinstance(minutes, int | float) and not isinstance(minutes, bool) and 0.5 <= minutes <= 60:
        values["target_minutes"] = float(minutes)
    else:
        problems.append(_problem(path, "target_minutes", "must be a number from 0.5 to 60"))
    days = raw.get("due_after_days", defaults.due_after_days)
    if isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= 365:
        values["due_after_days"] = days
    else:
        problems.append(_problem(path, "due_after_days", "must be a whole number from 1 to 365"))
    for key in ("default_form", "theme", "export_folder"):
        value = raw.get(key, getattr(defaults, key))
        if isinstance(value, str) and value.strip():
            values[key] = value.strip()
        else:
            problems.append(_problem(path, key, "must be a non-empty text"))
    order = raw.get("roster_order", defaults.roster_order)
    if order in ROSTER_ORDERS:
        values["roster_order"] = order
    else:
        problems.append(_problem(path, "roster_order", 'must be "family", "first" or "overdue"'))
    lock = raw.get("lock_after_minutes", defaults.lock_after_minutes)
    if isinstance(lock, int | float) and not isinstance(lock, bool) and 0 <= lock <= 240:
        values["lock_after_minutes"] = float(lock)
    else:
        problems.append(_problem(path, "lock_after_minutes", "must be a number from 0 to 240"))
    passphrase = raw.get("lock_passphrase", "")
    if isinstance(passphrase, str):
        values["lock_passphrase"] = passphrase
    else:
        problems.append(_problem(path, "lock_passphrase", "must be a text in quotes"))
    known = {
        "target_minutes",
        "due_after_days",
        "default_form",
        "theme",
        "roster_order",
        "export_folder",
        "lock_after_minutes",
        "lock_passphrase",
    }
    problems.extend(_problem(path, key, "is not a setting") for key in sorted(set(raw) - known))
    return replace(defaults, problems=tuple(problems), **values)  # type: ignore[arg-type]


def save_setting(key: str, value: str, path: Path | None = None) -> Path:
    """Set one text setting in config.toml, keeping every other line and comment."""
    path = path or paths.config_file()
    private_folder(path.parent)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = DEFAULT_CONFIG.splitlines()
    line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for index, existing in enumerate(lines):
        if pattern.match(existing):
            lines[index] = line
            break
    else:
        lines.append(line)
    write_private(path, "\n".join(lines) + "\n")
    return path


def write_default_config(path: Path | None = None) -> Path:
    """Create config.toml with every setting documented, unless it exists."""
    path = path or paths.config_file()
    private_folder(path.parent)
    if not path.exists():
        write_private(path, DEFAULT_CONFIG)
    return path


def private_folder(folder: Path) -> None:
    """The settings folder, readable by the teacher only, like the notes (0700)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)


def write_private(path: Path, text: str) -> None:
    """Write the settings readable by the teacher only (0600): they may hold the
    screen lock's passphrase and say where the notes are."""
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    os.chmod(path, 0o600)
