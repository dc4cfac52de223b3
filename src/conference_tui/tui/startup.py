"""What the app does once its first frame is up: waits for the store (painted from a
first look meanwhile), makes today's backup, loads the other screens' modules and
styles, and once all that has settled warms the first reads up."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from conference_tui.tui.background import run_in_background

if TYPE_CHECKING:
    from conference_tui.store import Store
    from conference_tui.tui.app import ConferenceApp

# The other screens' styles, parsed after the first frame (see load_later_styles).
LATER_CSS = tuple(
    f"screens/{name}.tcss"
    for name in (
        "conference",
        "group_conference",
        "history",
        "search",
        "export",
        "groups",
        "class_status",
        "profile_dialog",
        "lock",
    )
)


def finish_opening(app: ConferenceApp) -> None:
    """Once the first frame is up: wait for the store (still opening when the roster
    was painted from a first look), say if the file is open only to read, and make
    today's backup in the background."""
    from conference_tui.store.opening_store import OpeningStore

    app.forms_read()

    opening = app.store
    if isinstance(opening, OpeningStore):
        # Here, not in the worker below: a worker's thread starts only once the styles
        # below have been parsed (20 ms).
        opening.start()

    def wait() -> Store:
        return opening.wait() if isinstance(opening, OpeningStore) else opening

    def store_tried() -> None:
        if isinstance(opening, OpeningStore):
            opening.until_tried()

    def opened(store: Store) -> None:
        app.store = store
        part_settled(app, "store")
        if store.read_only_because:
            app.notify(store.read_only_because, severity="warning", timeout=10)
            app.set_current_class(app.current_class_id, app.current_class_name)
        elif app.background_startup is not None:
            # Not a "save": the teacher's saves never wait for it, nor does quitting
            # (the copy is made at the next start instead).
            run_in_background(app, app.background_startup, warn, group="startup-backup")

    def warn(warning: str) -> None:
        if warning:
            app.notify(warning, severity="warning", timeout=10)

    async def end(message: str) -> None:
        # A screen still opening (an `n` at the first paint opens a new conference
        # without the store) is let finish: Textual's exit takes its widgets away under
        # their own setting up, which failed as an "unexpected error" in place of this.
        await app.key_gate.wait_settled()
        await app.key_gate.until_quiet()
        app.exit(return_code=1, message=f"conference-tui: {message}")

    def failed(message: str) -> None:
        app.run_worker(end(message), group="open-store-failed", exit_on_error=False)

    run_in_background(app, wait, opened, group="open-store", failed=failed)
    # Meanwhile (keys wait for the store anyway), the screens the teacher goes to next;
    # one that cannot be loaded now is loaded (and its problem shown) when visited.
    run_in_background(
        app,
        partial(import_screens, store_tried),
        lambda _: part_settled(app, "screens"),
        group="import-screens",
        failed=lambda _: part_settled(app, "screens"),
    )
    app.call_later(load_later_styles, app)


def load_later_styles(app: ConferenceApp) -> None:
    """The other screens' styles, parsed while the store opens in its thread (a key
    typed meanwhile waits the 20 to 40 ms): the roster's first frame is drawn without
    parsing them or matching its widgets against their rules."""
    here = Path(__file__).parent
    for path in LATER_CSS:
        app.stylesheet.read(here / path)
    # Parsed in place, not with reparse(): that parses into a new stylesheet and
    # throws its cache of parsed sources away, so the next widget class met (the
    # conference's fields at the first n) made Textual parse every source again,
    # these files too (5 ms, 25 on a busy machine).
    app.stylesheet.parse()
    app.stylesheet.update(app)


def part_settled(app: ConferenceApp, part: str) -> None:
    if part not in app.settling:
        return
    app.settling.discard(part)
    if app.settling:
        return
    if app.key_gate.waiting or app.key_gate.holds:
        # Typed while the app opened (an `n` at the first paint), or a screen opening
        # for one (an enter's history, read once the store is open): the keys come first.
        # The collection and the warm reads before them were 0.2 s of the wait for
        # that `n` at 25,000 conferences, and its own reads warm what they would.
        app.settling.add("keys")
        app.run_worker(keys_handled(app), group="settle", exit_on_error=False)
        return
    if app.settled is not None:
        settled, app.settled = app.settled, None
        settled()
    warm_first_reads(app)


async def keys_handled(app: ConferenceApp) -> None:
    """Once the keys typed while the app opened are handled, and what they opened is on
    screen: the gate lets go as a screen is pushed, before it is built and painted."""
    gate = app.key_gate
    while True:
        await gate.wait_settled()
        await gate.until_quiet()
        if gate.settled.is_set():
            break
    app.call_after_refresh(part_settled, app, "keys")


def warm_first_reads(app: ConferenceApp) -> None:
    """Once the app has settled, the reads of a conference's opening and of a history's,
    for the highlighted student, in a thread: the teacher's first `n` and first enter
    then read as fast as the next (SQLAlchemy builds each statement's SQL on its first
    use: 30 against 15 ms for `n`, 21 against 15 for the history), and the writes of a
    conference rehearsed and rolled back. Nothing is kept, and nothing is said if they
    fail: the key says it then."""
    from conference_tui.tui.screens.roster import RosterScreen

    roster = app.screen
    student_id = roster.selected_student_id() if isinstance(roster, RosterScreen) else None
    if student_id is None:
        return
    store, forms, default, editor_id = app.store, dict(app.forms), app.form, app.editor_id

    def warm() -> None:
        # In the thread: a screen's module that failed to load fails here, unseen.
        from conference_tui.tui.screens.conference_opening import FormChoice, warm_opening

        warm_opening(store, FormChoice(forms, default), student_id, editor_id)

    run_in_background(app, warm, group="warm-reads", failed=lambda _: None)
    app.history_prefetch.read(student_id)


def import_screens(store_tried: Callable[[], None]) -> None:
    """Load the modules of the other screens, and the code that opens them, so that the
    first visit to each does not wait for Python to read them: first the ones an `n` or
    an enter typed at the first paint needs; the others once the store has opened (or
    failed to). Python loads one module at a time, so these loaded beside SQLAlchemy
    made the store, and that `n`, wait for them."""
    # A student's `n` may reopen a group's draft: it needs the group screen too.
    for name in ("navigation", "screens.conference", "screens.group_conference", "screens.history"):
        importlib.import_module(f"conference_tui.tui.{name}")
    store_tried()
    for name in ("search", "export", "groups", "class_status", "help"):
        importlib.import_module(f"conference_tui.tui.screens.{name}")
