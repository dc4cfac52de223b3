"""The teacher's own keys ([keys] in config.toml), checked before Textual is given them.

Textual's keymap replaces a binding's keys by its id; a key it is given twice on one
screen silently takes the other binding's place. So every entry is checked first,
against every binding of every screen (with the widgets on it and the app's own): an
unknown id, a key that is not a key, or a key another binding of the same screen uses
is reported once, by its line of config.toml, and that binding keeps its default.
"""

from __future__ import annotations

import importlib
import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, partial
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.keys import KEY_NAME_REPLACEMENTS, Keys

from conference_tui.settings import KeyChoice
from conference_tui.tui.background import run_in_background

if TYPE_CHECKING:
    from conference_tui.tui.app import ConferenceApp

# Each place the teacher can be, as the classes whose bindings are live there together.
PLACES: dict[str, tuple[str, ...]] = {
    "Roster": ("screens.roster:RosterScreen", "widgets.tables:RowTable"),
    "Conference": (
        "screens.conference:ConferenceScreen",
        "widgets.spiral:GoalList",
        "widgets.rubric:RubricGrid",
    ),
    "Group conference": ("screens.group_conference:GroupConferenceScreen",),
    "History": (
        "screens.history:HistoryScreen",
        "widgets.tables:RowTable",
        "widgets.tab_bar:TabBar",
    ),
    "Search": ("screens.search:SearchScreen", "screens.search:Results"),
    "Groups": ("screens.groups:GroupsScreen", "screens.groups:GroupTree"),
    "Class status": ("screens.class_status:ClassStatusScreen",),
    "Archived students": ("screens.archived_dialog:ArchivedDialog",),
    "Form picker": ("screens.form_dialog:FormDialog",),
    "Student's turn": ("screens.student_turn:StudentTurnScreen",),
    "Keep or discard an amendment": ("screens.amend_dialog:KeepOrDiscardDialog",),
    "Export": ("screens.export:ExportScreen", "screens.export:Choices"),
    "Help": ("screens.help:HelpScreen",),
    "Student dialog": ("screens.student_dialog:StudentDialog",),
    "Class dialog": ("screens.class_dialog:ClassDialog",),
    "Profile dialog": ("screens.profile_dialog:ProfileDialog",),
    "Yes/no question": ("widgets.dialogs:ConfirmDialog",),
}
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")


@dataclass(frozen=True)
class CheckedKeymap:
    """The entries to give Textual, by id, and one message per entry left out."""

    keymap: dict[str, str]
    problems: tuple[str, ...]


def check_keymap(
    choices: Sequence[KeyChoice], app_class: type[App[Any]], config_name: str
) -> CheckedKeymap:
    """The [keys] entries that can be used as they are; the others keep their default."""
    places = {name: [*class_bindings(app_class), *place_bindings(name)] for name in PLACES}
    known = {b.id for bindings in places.values() for b in bindings if b.id}
    problems: dict[KeyChoice, str] = {}
    wanted: dict[str, KeyChoice] = {}
    for choice in choices:
        bad_key = next((k for k in choice.keys.split(",") if not is_key(k)), None)
        enter = next((k for k in choice.keys.split(",") if key_name(k) == "ctrl+j"), None)
        if choice.binding_id not in known:
            problems[choice] = (
                f"{choice.binding_id} is not the id of a key (`conference-tui keys` lists them)"
            )
        elif bad_key is not None:
            problems[choice] = f"“{bad_key}” is not a key Textual knows (e.g. ctrl+f, f2, /)"
        elif enter is not None:
            # See escape_keys.py: an enter typed as the app starts arrives as ctrl+j.
            problems[choice] = f"“{enter}” is read as enter here"
        elif choice.binding_id in wanted:
            earlier = wanted[choice.binding_id].line
            problems[choice] = f"{choice.binding_id} was given keys already, on line {earlier}"
        else:
            wanted[choice.binding_id] = choice
    # A clash is judged against the keys as they will be, so two bindings may swap keys;
    # leaving an entry out puts its default back, which may clash in turn: until none do.
    while clash := _first_clash(wanted, places):
        choice, why = clash
        problems[choice] = why
        del wanted[choice.binding_id]
    messages = tuple(
        f"{config_name} line {choice.line}: [keys] {why}; it keeps its default key."
        for choice, why in sorted(problems.items(), key=lambda item: item[0].line)
    )
    keymap = {binding_id: choice.keys for binding_id, choice in wanted.items()}
    return CheckedKeymap(keymap, messages)


def _first_clash(
    wanted: dict[str, KeyChoice], places: dict[str, list[Binding]]
) -> tuple[KeyChoice, str] | None:
    for choice in sorted(wanted.values(), key=lambda c: -c.line):  # the later line gives way
        mine = {key_name(k) for k in choice.keys.split(",")}
        for place, bindings in places.items():
            if not any(b.id == choice.binding_id for b in bindings):
                continue
            for other in reversed(bindings):  # name the screen's own before the app's
                if other.id == choice.binding_id:
                    continue
                keys = wanted[other.id].keys if other.id in wanted else other.key
                taken = mine & {key_name(k) for k in keys.split(",")}
                if taken:
                    by = f"{other.id} ({other.description})" if other.id else other.description
                    if other.id in wanted:
                        by += f", given it on line {wanted[other.id].line}"
                    key = ", ".join(sorted(taken))
                    return choice, f"{choice.binding_id}: {key} is taken on {place} by {by}"
    return None


def key_ids(app_class: type[App[Any]]) -> list[tuple[str, list[Binding]]]:
    """Every binding that has an id, by place, the app's own first, each once with all
    its keys (Textual splits "down,right" into one binding a key): for `keys`."""
    places = [("Everywhere", class_bindings(app_class))]
    places += [(place, place_bindings(place)) for place in PLACES]
    listed: list[tuple[str, list[Binding]]] = []
    for place, bindings in places:
        by_id: dict[str, Binding] = {}
        for binding in bindings:
            if binding.id in by_id:
                earlier = by_id[binding.id]
                by_id[binding.id] = earlier.with_key(f"{earlier.key},{binding.key}")
            elif binding.id:
                by_id[binding.id] = binding
        listed.append((place, list(by_id.values())))
    return listed


def keys_for(binding: Binding, keymap: dict[str, str]) -> str:
    """The keys a binding answers to, the teacher's own where given."""
    return keymap.get(binding.id or "", binding.key)


def place_bindings(place: str) -> list[Binding]:
    return [b for path in PLACES[place] for b in _bindings_at(path)]


@cache
def _bindings_at(path: str) -> tuple[Binding, ...]:
    module_name, class_name = path.split(":")
    module = importlib.import_module(f"conference_tui.tui.{module_name}")
    return tuple(class_bindings(getattr(module, class_name)))


def class_bindings(cls: type) -> list[Binding]:
    """Every binding a class has, its bases' too (as Textual merges them)."""
    found: list[Binding] = []
    for base in reversed(cls.__mro__):
        if "BINDINGS" in vars(base):
            found.extend(Binding.make_bindings(vars(base)["BINDINGS"]))
    if issubclass(cls, App) and cls.ENABLE_COMMAND_PALETTE:
        found.append(Binding(cls.COMMAND_PALETTE_BINDING, "command_palette", "Command palette"))
    return found


def key_name(key: str) -> str:
    """A key as Textual names it: "/" and "slash" are one key, as are "?" and
    "question_mark"."""
    *modifiers, base = key.strip().split("+") if key.strip() != "+" else ["+"]
    if len(base) == 1 and not base.isalnum():
        base = unicodedata.name(base, base).lower().replace("-", "_").replace(" ", "_")
        base = KEY_NAME_REPLACEMENTS.get(base, base)
    return "+".join([*modifiers, base])


@cache
def _key_names() -> frozenset[str]:
    named = {key.value.rsplit("+", 1)[-1] for key in Keys}
    printable = {key_name(c) for c in string.printable if not c.isspace() or c == " "}
    return frozenset(named | printable | set(string.ascii_letters + string.digits))


def is_key(key: str) -> bool:
    *modifiers, base = key_name(key).split("+")
    return bool(base) and base in _key_names() and all(m in MODIFIERS for m in modifiers)


def use_teachers_keys(app: ConferenceApp) -> None:
    """The [keys] of config.toml, each checked first: one that cannot be used is said
    once, with its line, and its binding keeps the default. The check reads every
    screen's module (a fraction of a second), so it runs in a thread while the first
    frame shows; keys typed meanwhile wait, to act as the teacher's keys."""
    app.key_gate.hold(app, "your keys from config.toml", part="keymap")

    def use(checked: CheckedKeymap) -> None:
        for problem in checked.problems:
            app.notify(problem, title="Keys", severity="warning", timeout=15, markup=False)
        app.keymap = checked.keymap
        app.set_keymap(checked.keymap)
        app.key_gate.release(app, part="keymap")

    def failed(message: str) -> None:
        app.notify(
            f"Your keys from config.toml are not used: {message}",
            title="Keys",
            severity="warning",
            timeout=15,
            markup=False,
        )
        app.key_gate.release(app, part="keymap")

    keys, config_name = app.settings.keys, app.settings.config_name
    run_in_background(
        app,
        partial(check_keymap, keys, type(app), config_name),
        use,
        group="keymap",
        failed=failed,
    )
