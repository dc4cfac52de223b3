"""The teacher's settings, from config.toml; a broken file never stops the app.

The file is the teacher's: it is read with tomllib, and written (a theme picked in
the palette) with tomlkit, which keeps every comment, blank line and table where the
teacher put them. A file that does not parse is never written: the app runs on the
defaults and says on which line the file is broken.
"""

from __future__ import annotations

import os
import tempfile
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

# Your own keys, by the id of what they do (`conference-tui keys` lists them all).
# Several keys for one: "f2,ctrl+n".
# [keys]
# "roster.search" = "ctrl+f"
# "conference.complete" = "ctrl+d"
"""


# The orders the roster can show, in the order its key cycles through them.
ROSTER_ORDERS = ("family", "first", "overdue")


class SettingsError(Exception):
    """config.toml cannot be written: it does not parse, so writing would lose the
    teacher's text. The message says where it is broken."""


@dataclass(frozen=True)
class KeyChoice:
    """One line of the [keys] table: a binding's id, the keys the teacher gave it, and
    the line of config.toml it is on (for messages)."""

    binding_id: str
    keys: str
    line: int


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
    keys: tuple[KeyChoice, ...] = ()
    config_name: str = "config.toml"
    problems: tuple[str, ...] = field(default=(), compare=False)

    @property
    def target_seconds(self) -> int:
        return int(self.target_minutes * 60)

    @property
    def export_path(self) -> Path:
        return Path(self.export_folder).expanduser()


KNOWN_SETTINGS = frozenset(
    {
        "target_minutes", "due_after_days", "default_form", "theme", "roster_order",
        "export_folder",
        "lock_after_minutes", "lock_passphrase", "keys",
    }
)  # fmt: skip


def load_settings(path: Path | None = None) -> Settings:
    """Settings from config.toml; every bad value is reported, by line, and replaced by
    its default."""
    path = path or paths.config_file()
    defaults = Settings(config_name=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return defaults
    except (OSError, UnicodeDecodeError) as exc:
        return replace(defaults, problems=(f"{path}: cannot be read ({exc}); using defaults.",))
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return replace(
            defaults,
            problems=(
                f"{path}: {exc}. Using the defaults until it is fixed (the app writes "
                "nothing to it meanwhile).",
            ),
        )
    lines = _KeyLines(text)
    problems: list[str] = []
    values: dict[str, object] = {}

    def problem(key: str, why: str) -> None:
        problems.append(f"{path} line {lines.of(key)}: {key} {why}; using the default.")

    minutes = raw.get("target_minutes", defaults.target_minutes)
    if isinstance(minutes, int | float) and not isinstance(minutes, bool) and 0.5 <= minutes <= 60:
        values["target_minutes"] = float(minutes)
    else:
        problem("target_minutes", "must be a number from 0.5 to 60")
    days = raw.get("due_after_days", defaults.due_after_days)
    if isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= 365:
        values["due_after_days"] = days
    else:
        problem("due_after_days", "must be a whole number from 1 to 365")
    for key in ("default_form", "theme", "export_folder"):
        value = raw.get(key, getattr(defaults, key))
        if isinstance(value, str) and value.strip():
            values[key] = value.strip()
        else:
            problem(key, "must be a non-empty text")
    order = raw.get("roster_order", defaults.roster_order)
    if order in ROSTER_ORDERS:
        values["roster_order"] = order
    else:
        problem("roster_order", 'must be "family", "first" or "overdue"')
    lock = raw.get("lock_after_minutes", defaults.lock_after_minutes)
    if isinstance(lock, int | float) and not isinstance(lock, bool) and 0 <= lock <= 240:
        values["lock_after_minutes"] = float(lock)
    else:
        problem("lock_after_minutes", "must be a number from 0 to 240")
    passphrase = raw.get("lock_passphrase", "")
    if isinstance(passphrase, str):
        values["lock_passphrase"] = passphrase
    else:
        problem("lock_passphrase", "must be a text in quotes")
    for key in sorted(set(raw) - KNOWN_SETTINGS):
        problems.append(f"{path} line {lines.of(key)}: {key} is not a setting; it is ignored.")
    keys_table = raw.get("keys", {})
    if isinstance(keys_table, dict):
        values["keys"] = tuple(_key_choices(keys_table, lines, path, problems))
    else:
        problem("keys", 'must be a table: a line [keys], then one id = "key" a line')
    return replace(defaults, problems=tuple(problems), **values)  # type: ignore[arg-type]


def _key_choices(
    table: dict[str, object], lines: _KeyLines, path: Path, problems: list[str]
) -> list[KeyChoice]:
    """The [keys] entries; an id written without quotes (roster.search = "f") is a
    nested table in TOML, and means the same as the quoted one."""
    choices: list[KeyChoice] = []
    for binding_id, value in _flatten(table):
        line = lines.of(f"keys.{binding_id}")
        keys = [key.strip() for key in value.split(",")] if isinstance(value, str) else []
        if not keys or not all(keys) or any(len(key.split()) > 1 for key in keys):
            problems.append(
                f"{path} line {line}: [keys] {binding_id} must be keys in quotes, e.g. "
                '"ctrl+f" or "f2,ctrl+n"; the default key is kept.'
            )
            continue
        choices.append(KeyChoice(binding_id, ",".join(keys), line))
    return choices


def _flatten(table: dict[str, object], prefix: str = "") -> list[tuple[str, object]]:
    flat: list[tuple[str, object]] = []
    for key, value in table.items():
        if isinstance(value, dict):
            flat.extend(_flatten(value, f"{prefix}{key}."))
        else:
            flat.append((f"{prefix}{key}", value))
    return flat


class _KeyLines:
    """The line each key is set on. TOML parsers keep no positions, so the file is parsed
    line by line growing: the first prefix that holds a key is the line that set it. Only
    done for a file with a problem or a [keys] table: a few dozen small parses."""

    def __init__(self, text: str) -> None:
        self.text_lines = text.splitlines()
        self.found: dict[str, int] | None = None

    def of(self, dotted_key: str) -> int:
        if self.found is None:
            self.found = self._first_lines()
        return self.found.get(dotted_key, 0)

    def _first_lines(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for number in range(1, len(self.text_lines) + 1):
            try:
                partial = tomllib.loads("\n".join(self.text_lines[:number]))
            except tomllib.TOMLDecodeError:
                continue  # inside a multi-line value: its key appears once it closes
            for key, _value in _flatten(partial):
                found.setdefault(key, number)
                head = key.split(".", 1)[0]
                found.setdefault(head, number)
        return found


def save_setting(key: str, value: str, path: Path | None = None) -> Path:
    """Set one top-level text setting in config.toml, keeping every other line, comment
    and table as the teacher wrote them. Raises SettingsError, writing nothing, when
    the file does not parse."""
    # Only writing needs tomlkit: the app's start, which reads, does not wait for it.
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    path = path or paths.config_file()
    private_folder(path.parent)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = DEFAULT_CONFIG
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{path} is not UTF-8 text; it was left as it is.") from exc
    try:
        document = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise SettingsError(f"{path}: {exc}; it was left as it is.") from exc
    document[key] = value
    # tomlkit puts a new top-level key before the first table, not inside the last one.
    write_private(path, tomlkit.dumps(document))
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
    """Write the settings readable by the teacher only (0600): they may hold the screen
    lock's passphrase and say where the notes are. Written beside, then moved over the
    old file, so that a full disk or a crash never leaves half a config.toml."""
    descriptor, temporary = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
