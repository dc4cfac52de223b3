"""The teacher's own keys from [keys] in config.toml: a remapped key works at full
speed, the old key no longer does that, footer, help and palette show the new key;
an entry that cannot be used is reported once, by line, and keeps the default."""

from __future__ import annotations

import re
from pathlib import Path

from textual.binding import Binding
from textual.widgets import Input

from conference_tui.settings import KeyChoice, load_settings
from conference_tui.store import Store
from conference_tui.tui.app import ConferenceApp
from conference_tui.tui.keymap import PLACES, CheckedKeymap, check_keymap
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.help import HelpScreen
from conference_tui.tui.screens.roster import RosterScreen
from conference_tui.tui.screens.search import SearchScreen
from conference_tui.tui.widgets.footer import KeysFooter

from .conftest import SettableClock, make_test_app, one_student, told, type_ahead

CONFIG = """\
# my keys
theme = "textual-dark"

[keys]
"roster.search" = "ctrl+f"       # as in a browser
conference.complete = "ctrl+d"   # an id without quotes works too
"roster.export" = "n"            # n starts a conference: a clash
"roster.nothing" = "z"           # no such id
"roster.filter" = "ctrl+f"       # given to roster.search on line 5
"roster.groups" = "ctrl+shift+banana"
"""


def footer_text(app: object) -> str:
    footer = app.screen.query_one(KeysFooter)  # type: ignore[attr-defined]
    return " | ".join(footer.shown_keys())


async def test_remapped_keys_work_fast_and_show_everywhere(
    app_store: Store, fixed_clock: SettableClock, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock, settings=load_settings(config))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        # Typed the moment the app appears, while the keys are still being checked.
        await type_ahead(pilot, "ctrl+f", "Kite")
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one(Input).value == "Kite"
        await type_ahead(pilot, "escape")
        reported = [n.message for n in told(app) if n.title == "Keys"]
        assert [message.split(": ", 1)[0] for message in reported] == [
            f"{config} line {line}" for line in (7, 8, 9, 10)
        ]
        assert "roster.export: n is taken on Roster by roster.new_conference" in reported[0]
        assert "roster.nothing is not the id of a key" in reported[1]
        assert "roster.filter: ctrl+f is taken on Roster by roster.search" in reported[2]
        assert "given it on line 5" in reported[2]
        assert "“ctrl+shift+banana” is not a key" in reported[3]
        assert all(m.endswith("it keeps its default key.") for m in reported)

        # The roster: the footer and the palette say ^f for Search, x still exports.
        footer = footer_text(app)
        assert "^f Search" in footer and "s Search" not in footer and "x Export" in footer
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert commands["Search"].endswith("(key: ^f)")
        assert commands["Filter"].endswith("(key: /)")

        # The old key no longer searches.
        await type_ahead(pilot, "s")
        assert isinstance(app.screen, RosterScreen)

        # The conference: ctrl+s no longer completes; ctrl+d does, and the keys after it
        # reach the roster.
        await type_ahead(pilot, "n", "Owl", "ctrl+s")
        assert isinstance(app.screen, ConferenceScreen)
        assert "^d Complete" in footer_text(app)
        await type_ahead(pilot, "ctrl+d", "ctrl+f", "Ow")
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one(Input).value == "Ow"
        (done,) = app_store.history(student_id)
        assert done.status == "complete"

        await type_ahead(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        rows = {description: keys for keys, description in app.screen.key_rows}
        assert rows["Search"] == "^f" and rows["Complete"] == "^d"
        assert rows["Filter"] == "/" and rows["Groups"] == "g"  # defaults kept
    assert len([n for n in told(app) if n.title == "Keys"]) == 4  # said once


def check(*entries: tuple[str, str]) -> CheckedKeymap:
    choices = [KeyChoice(binding_id, keys, line) for line, (binding_id, keys) in enumerate(entries)]
    return check_keymap(choices, ConferenceApp, "config.toml")


def test_two_bindings_may_swap_keys_and_a_left_out_entry_takes_its_default_back() -> None:
    swapped = check(("roster.search", "n"), ("roster.new_conference", "s"))
    assert swapped.keymap == {"roster.search": "n", "roster.new_conference": "s"}
    assert not swapped.problems
    # The swap's other half is refused (bad key): search keeps s, so n stays with it.
    half = check(("roster.new_conference", "s"), ("roster.search", "n,ctrl+nope"))
    assert half.keymap == {}
    assert [p.split(":")[0] for p in half.problems] == ["config.toml line 0", "config.toml line 1"]


def test_clashes_count_widget_and_app_keys_and_spellings_of_one_key() -> None:
    # goal.met lives in the goal list, an option list: down moves its cursor.
    assert "is taken on Conference by" in check(("goal.met", "down")).problems[0]
    assert "ctrl+q is taken on Roster by quit" in check(("roster.groups", "ctrl+q")).problems[0]
    assert "is taken on Roster by roster.filter" in check(("roster.groups", "slash")).problems[0]
    assert "taken on Roster by roster.groups" in check(("roster.filter", "g")).problems[0]
    fine = check(("roster.filter", "question_mark"), ("conference.complete", "ctrl+d,f10"))
    assert fine.keymap == {"roster.filter": "question_mark", "conference.complete": "ctrl+d,f10"}
    assert not fine.problems


def test_one_id_twice_and_keys_that_are_not_keys() -> None:
    twice = check(("roster.search", "f2"), ("roster.search", "f3"))
    assert twice.keymap == {"roster.search": "f2"}
    assert "given keys already, on line 0" in twice.problems[0]
    for bad in ("ctrl+", "hyper+ctrl+xx", "f99", "ctrl+shift"):
        assert "is not a key" in check(("roster.search", bad)).problems[0], bad
    # An enter typed as the app starts comes as ctrl+j (see escape_keys.py).
    assert "“ctrl+j” is read as enter here" in check(("roster.search", "f2,ctrl+j")).problems[0]


def test_every_binding_has_an_id_and_every_screen_is_checked_for_clashes() -> None:
    import importlib
    import inspect
    import pkgutil

    import conference_tui.tui as tui

    checked = {path for paths in PLACES.values() for path in paths}
    for module_info in pkgutil.walk_packages(tui.__path__, "conference_tui.tui."):
        module = importlib.import_module(module_info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or "BINDINGS" not in vars(cls):
                continue
            for binding in Binding.make_bindings(vars(cls)["BINDINGS"]):
                assert binding.id and re.fullmatch(r"[a-z_0-9]+(\.[a-z_0-9]+)*", binding.id), (
                    binding
                )
            where = f"{module.__name__.removeprefix('conference_tui.tui.')}:{name}"
            assert cls is ConferenceApp or where in checked, f"{where} is not in keymap.PLACES"
