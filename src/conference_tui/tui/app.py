"""The App: global keys, the command palette, navigation between screens."""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from textual import events
from textual._styles_cache import StylesCache
from textual.app import App, SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.content import Content
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.screen import Screen

from conference_tui import paths
from conference_tui.failure_log import log_failure
from conference_tui.settings import Settings
from conference_tui.store.clock import utc_now
from conference_tui.store.diagnosis import Fault
from conference_tui.store.errors import StoreError
from conference_tui.store.location import BUSY_TIMEOUT_MS
from conference_tui.store.text_rules import visible
from conference_tui.tui.background import run_in_background
from conference_tui.tui.key_gate import KeyGate
from conference_tui.tui.readable_colours import readable_text_variables
from conference_tui.tui.unused_keys import UnusedKeys

if TYPE_CHECKING:
    from conference_tui.forms import Form
    from conference_tui.store import Store
    from conference_tui.store.first_look import FirstLook
    from conference_tui.store.records import ConferenceInfo
    from conference_tui.tui.hangup import TerminalGone
    from conference_tui.tui.screens.conference import ConferenceScreen
    from conference_tui.tui.screens.conference_opening import Opened
    from conference_tui.tui.screens.history import Detail, HistoryScreen, Story
    from conference_tui.tui.screens.student_turn import StudentTurnScreen

log = logging.getLogger(__name__)
T = TypeVar("T")

LOCK_CHECK_SECONDS = 5
# How long a terminal that went away waits for the last save: an autosave under way and
# the last batch may each wait out a database another program holds locked.
ENDING_SAVE_SECONDS = 2 * BUSY_TIMEOUT_MS / 1000 + 2
# Before that save, the keys typed before the end are let land: read from the terminal,
# taken and handled, until none has come for ENDING_QUIET_SECONDS.
ENDING_KEYS_SECONDS = 2.0
ENDING_QUIET_SECONDS = 0.05
ENDING_POLL_SECONDS = 0.01
KEPT_HISTORY = "history"
KEPT_CONFERENCE = "conference"
# Clicks, wheel turns and drags: what could change a field with no key pressed.
POINTER_EDITS = (events.MouseDown, events.MouseUp, events.Click, events.MouseScrollDown,
                 events.MouseScrollUp, events.MouseMove)  # fmt: skip


class ConferenceApp(App[None]):
    """conference-tui. Screens reach the data through `self.app.store` in workers."""

    TITLE = "conference-tui"
    # The roster's styles for the first frame; every other screen's as soon as it is up
    # (see load_later_styles), not at its first visit: Textual re-parses the whole
    # stylesheet and restyles every widget when a screen brings new styles (0.1 s).
    CSS_PATH = ["app.tcss", "screens/roster.tcss"]
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
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "Help", id="help", tooltip="Every key of every screen"),
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            id="quit",
            priority=True,
            tooltip="Quit (whatever you typed is saved first)",
        ),
        Binding(
            "ctrl+l",
            "lock",
            "Lock",
            id="lock",
            tooltip="Hide every student's notes until a key is pressed (or the passphrase)",
        ),
    ]

    def __init__(
        self,
        store: Store,
        settings: Settings,
        form: Form | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
        demo: bool = False,
        startup_warnings: Iterable[str] = (),
        background_startup: Callable[[], str] | None = None,
        first_look: FirstLook | None = None,
        settled: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        # Work for once the store is open (today's backup): returns a warning, or "".
        self.background_startup = background_startup
        # Called once the store is open and the other screens' modules are loaded: what
        # the app keeps for its whole run is in memory by then (see cli.settle_memory).
        self.settled = settled
        self.settling = {"store", "screens"}
        # The roster read before the store opened, to paint the first frame with.
        self.first_look = first_look
        self.startup_warnings = list(startup_warnings)
        self.quit_without_saving = False
        # Ending because the terminal went away (see on_terminal_gone).
        self.ending = False
        # Conference timers read this; tests stop it so screens repeat exactly.
        self.monotonic = monotonic
        self.store = store
        self.settings = settings
        # A form given to use as the default (tests), else the one settings name.
        self.given_form = form
        self.read_forms: tuple[Form, dict[str, Form]] | None = None
        self.clock = clock
        self.demo = demo
        self.current_class_id: str | None = None
        self.current_class_name = ""
        self.key_gate = KeyGate(self)
        self.unused_keys = UnusedKeys(self, self.key_gate)
        # The teacher's own keys from [keys], as checked: binding id to keys.
        self.keymap: dict[str, str] = {}
        self.last_input_at = monotonic()
        # The teacher's notices that came while the student had the screen.
        self.held_notices: list[Callable[[], None]] = []
        # This copy of the app, as the drafts it has open know it.
        self.editor_id = uuid.uuid4().hex
        # The history screen, kept to be refilled (see history_screen).
        self.kept_history: HistoryScreen | None = None
        self.kept_conference: ConferenceScreen | None = None

    async def on_event(self, event: events.Event) -> None:
        """Keys and pastes from the terminal pass the key gate: one at a time, each once
        the app has settled from the one before (see key_gate.py)."""
        if isinstance(event, events.InputEvent | events.Paste) and not event.is_forwarded:
            self.last_input_at = self.monotonic()
        if (
            isinstance(event, events.Key | events.Paste)
            and not event.is_forwarded
            and self.key_gate.take(event)
        ):
            return
        if isinstance(event, POINTER_EDITS) and getattr(self.screen, "closing", False):
            return  # a conference being saved and closed takes no more edits
        await super().on_event(event)

    def on_key(self, event: events.Key) -> None:
        # Here only if no widget took the key: a character nothing takes is refused out
        # loud (Textual would drop it without a word).
        self.unused_keys.refuse_if_unused(event)

    def lock_if_idle(self) -> None:
        idle = self.monotonic() - self.last_input_at
        if idle >= self.settings.lock_after_minutes * 60:
            self.action_lock()

    def action_lock(self) -> None:
        """Hide every student's notes: a toast can quote one, so they go too."""
        from conference_tui.tui.screens.lock import LockScreen

        if isinstance(self.screen, LockScreen):
            return
        self.clear_notifications()
        self.push_screen(LockScreen(self.settings.lock_passphrase))

    def on_mount(self) -> None:
        if self.settings.lock_after_minutes > 0:
            self.set_interval(LOCK_CHECK_SECONDS, self.lock_if_idle)
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        for problem in self.settings.problems:
            self.notify(problem, title="Settings", severity="warning", timeout=10, markup=False)
        if self.settings.keys:
            self.use_teachers_keys()
        for warning in self.startup_warnings:
            self.notify(warning, severity="warning", timeout=10)
        self.call_after_refresh(self.finish_opening)

    def get_default_screen(self) -> Screen[None]:
        """The roster is the bottom of the stack, made as the app starts, as a plain
        app's widgets are: pushed from on_mount instead, its first frame was drawn while
        Textual still held the screen back for its own start, thrown away, and drawn
        again a frame later (50 ms of the launch)."""
        from conference_tui.tui.screens.roster import RosterScreen

        return RosterScreen(self.first_look)

    def use_teachers_keys(self) -> None:
        """The [keys] of config.toml, each checked first: one that cannot be used is said
        once, with its line, and its binding keeps the default. The check reads every
        screen's module (a fraction of a second), so it runs in a thread while the first
        frame shows; keys typed meanwhile wait, to act as the teacher's keys."""
        from conference_tui.tui.keymap import CheckedKeymap, check_keymap

        self.key_gate.hold(self, "your keys from config.toml", part="keymap")

        def use(checked: CheckedKeymap) -> None:
            for problem in checked.problems:
                self.notify(problem, title="Keys", severity="warning", timeout=15, markup=False)
            self.keymap = checked.keymap
            self.set_keymap(checked.keymap)
            self.key_gate.release(self, part="keymap")

        def failed(message: str) -> None:
            self.notify(
                f"Your keys from config.toml are not used: {message}",
                title="Keys",
                severity="warning",
                timeout=15,
                markup=False,
            )
            self.key_gate.release(self, part="keymap")

        keys, config_name = self.settings.keys, self.settings.config_name
        run_in_background(
            self,
            partial(check_keymap, keys, type(self), config_name),
            use,
            group="keymap",
            failed=failed,
        )

    def finish_opening(self) -> None:
        """Once the first frame is up: wait for the store (still opening when the roster
        was painted from a first look), say if the file is open only to read, and make
        today's backup in the background."""
        from conference_tui.store.opening_store import OpeningStore

        self.forms_read()

        opening = self.store

        def wait() -> Store:
            if not isinstance(opening, OpeningStore):
                return opening
            opening.start()
            return opening.wait()

        def opened(store: Store) -> None:
            self.store = store
            self.part_settled("store")
            if store.read_only_because:
                self.notify(store.read_only_because, severity="warning", timeout=10)
                self.set_current_class(self.current_class_id, self.current_class_name)
            elif self.background_startup is not None:
                # Not a "save": the teacher's saves never wait for it, nor does quitting
                # (the copy is made at the next start instead).
                run_in_background(self, self.background_startup, warn, group="startup-backup")

        def warn(warning: str) -> None:
            if warning:
                self.notify(warning, severity="warning", timeout=10)

        def failed(message: str) -> None:
            self.exit(return_code=1, message=f"conference-tui: {message}")

        run_in_background(self, wait, opened, group="open-store", failed=failed)
        # Meanwhile (keys wait for the store anyway), the screens the teacher goes to next;
        # one that cannot be loaded now is loaded (and its problem shown) when visited.
        run_in_background(
            self,
            import_screens,
            lambda _: self.part_settled("screens"),
            group="import-screens",
            failed=lambda _: self.part_settled("screens"),
        )
        # After those threads have started, so that the store opens as the styles parse.
        self.call_later(self.load_later_styles)

    def load_later_styles(self) -> None:
        """The other screens' styles, parsed while the store opens in its thread (a key
        typed meanwhile waits the 20 to 40 ms): the roster's first frame is drawn without
        parsing them or matching its widgets against their rules."""
        here = Path(__file__).parent
        for path in self.LATER_CSS:
            self.stylesheet.read(here / path)
        # Parsed in place, not with reparse(): that parses into a new stylesheet and
        # throws its cache of parsed sources away, so the next widget class met (the
        # conference's fields at the first n) made Textual parse every source again,
        # these files too (5 ms, 25 on a busy machine).
        self.stylesheet.parse()
        self.stylesheet.update(self)

    def part_settled(self, part: str) -> None:
        if part not in self.settling:
            return
        self.settling.discard(part)
        if self.settling:
            return
        if self.settled is not None:
            settled, self.settled = self.settled, None
            settled()
        self.warm_first_reads()

    def warm_first_reads(self) -> None:
        """Once the app has settled, the reads of a conference's opening and of a history's,
        for the highlighted student, in a thread: the teacher's first `n` and first enter
        then read as fast as the next (SQLAlchemy builds each statement's SQL on its first
        use: 30 against 15 ms for `n`, 21 against 15 for the history). Reads only; nothing
        is said if they fail: the key says it then."""
        from conference_tui.tui.screens.roster import RosterScreen

        roster = self.screen
        student_id = roster.selected_student_id() if isinstance(roster, RosterScreen) else None
        if student_id is None:
            return
        store, forms, default = self.store, dict(self.forms), self.form

        def warm() -> None:
            # In the thread: a screen's module that failed to load fails here, unseen.
            from conference_tui.tui.screens.conference_opening import FormChoice, warm_opening
            from conference_tui.tui.screens.history import read_opening

            warm_opening(store, FormChoice(forms, default), student_id)
            read_opening(store, student_id)

        run_in_background(self, warm, group="warm-reads", failed=lambda _: None)

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables, with its text colours made readable on its grounds."""
        variables = super().get_css_variables()
        variables.update(readable_text_variables(variables))
        return variables

    def watch_theme(self, theme: str) -> None:
        """A theme picked from the palette is kept for next time, in config.toml."""
        if self.is_mounted and theme != self.settings.theme:
            self.keep_setting("theme", theme)

    def keep_setting(self, key: str, value: str) -> None:
        """Use a setting from now on and keep it for next time in config.toml (not in
        the demo); written in a thread, and a failure to write it is told, not fatal."""
        self.settings = replace(self.settings, **{key: value})
        if self.demo:
            return
        from conference_tui.settings import SettingsError, save_setting

        def save() -> None:
            try:
                save_setting(key, value)
            except (OSError, SettingsError) as exc:
                self.call_from_thread(
                    self.notify,
                    f"The {key.replace('_', ' ')} could not be kept for next time: {exc}",
                    severity="warning",
                    markup=False,
                )

        self.run_worker(save, thread=True, group="save-settings", exit_on_error=False)

    def set_current_class(self, class_id: str | None, name: str) -> None:
        self.current_class_id = class_id
        self.current_class_name = name
        if self.store.read_only_because:
            demo = "  [READ-ONLY: damaged file, nothing is saved]"
        else:
            demo = "  [demo: nothing is kept]" if self.demo else ""
        self.sub_title = f"{name}{demo}" if name else demo.strip()

    # -- navigation ----------------------------------------------------------------

    def open_conference(
        self,
        student_id: str,
        conference_id: str | None = None,
        *,
        stage_key: str | None = None,
        amend: bool = False,
        form: Form | None = None,
    ) -> None:
        """Start (or resume) a conference, or open an existing one at a stage. Without a
        `form`, the student's open draft (of any form) reopens, or the class's default
        form starts. Escape before it opened (a busy database) calls it off; a draft it
        started meanwhile is discarded once the database lets it be made."""
        from conference_tui.tui.screens.conference_opening import (
            FormChoice,
            FormMissing,
            Opened,
            read_opened,
        )
        from conference_tui.tui.screens.group_conference import (
            GroupConferenceScreen,
            GroupOpened,
            read_group_opened,
        )

        store, editor_id = self.store, self.editor_id
        forms = FormChoice(dict(self.forms), self.form, form)

        def read() -> Opened | GroupOpened:
            try:
                if form is None:
                    existing = existing_conference()
                    if existing is not None and existing.is_draft and existing.group_id:
                        # A student's group draft reopens with the whole group.
                        group = store.group_conference(existing.group_id)
                        return read_group_opened(store, forms.forms, group)
                    return read_opened(
                        store,
                        forms,
                        student_id,
                        conference_id,
                        editor_id,
                        looked_up=True,
                        existing=existing,
                    )
                return read_opened(store, forms, student_id, conference_id, editor_id)
            except FormMissing as exc:
                raise StoreError(str(exc)) from exc
            except StoreError as exc:
                if exc.fault != Fault.LOCKED:
                    raise
                # The store's words are for a note on screen waiting to be saved.
                raise StoreError(
                    "The database is busy: another copy of conference-tui (or a backup) is "
                    "writing, so the conference did not open. Press n again in a moment; "
                    "close the other copy if it was left open.",
                    exc.fault,
                ) from exc

        def existing_conference() -> ConferenceInfo | None:
            """The conference asked for, or the student's draft: read once, for the
            group check and the opening alike."""
            if conference_id is not None:
                return store.get_conference(conference_id)
            return store.draft_for_student(student_id)

        def discard_started(opened: Opened | GroupOpened) -> None:
            if conference_id is None and isinstance(opened, Opened):
                draft_id = opened.conference.id
                run_in_background(self, lambda: store.discard_draft(draft_id), group="discard")

        def screen(opened: Opened | GroupOpened) -> Screen[object] | Awaitable[Screen[object]]:
            if isinstance(opened, GroupOpened):
                return GroupConferenceScreen(opened)
            return self.conference_screen(opened, stage_key=stage_key, amend=amend)

        self.read_then_push(
            read,
            screen,
            part="open-conference",
            what="the conference to open",
            cannot="Cannot open the conference",
            called_off=discard_started,
        )

    def open_group_conference(
        self, student_ids: list[str], started: Callable[[], object] | None = None
    ) -> None:
        """Start (or resume) a small-group conference with these students (2 to 8), with
        the small-group form; `started` runs once it is on screen. Refused with a word
        when the store will not start it (an archived student, another open draft)."""
        from conference_tui.forms import GROUP_FORM_ID
        from conference_tui.tui.screens.group_conference import (
            GroupConferenceScreen,
            GroupOpened,
            read_group_opened,
        )

        form = self.forms.get(GROUP_FORM_ID)
        if form is None:
            self.key_gate.refuse(
                "The small-group form is not among the forms (its file has a mistake, or "
                "was replaced: `conference-tui locate` shows the forms folder).",
                severity="error",
            )
            return
        store, forms, editor_id = self.store, dict(self.forms), self.editor_id

        def read() -> GroupOpened:
            group = store.start_group_conference(
                student_ids, form.id, form.version, form.stages[0].key
            )
            return read_group_opened(store, forms, group)

        def screen(opened: GroupOpened) -> Screen[object]:
            if started is not None:
                started()
            return GroupConferenceScreen(opened)

        def called_off(opened: GroupOpened) -> None:
            group_id = opened.group.group_id
            run_in_background(
                self,
                lambda: store.leave_group_conference(group_id, editor_id),
                group="discard",
            )

        self.read_then_push(
            read,
            screen,
            part="open-group-conference",
            what="the group conference to open",
            cannot="Cannot start the group conference",
            called_off=called_off,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The student's turn: the app's keys (help, quit, the palette) would leave it.
        student = self.student_turn()
        if student is not None and action not in student.APP_ACTIONS:
            return False
        return super().check_action(action, parameters)

    def student_turn(self) -> StudentTurnScreen | None:
        """The student's turn, when the student has the screen, also under the lock (the
        screen returns to the student when it is unlocked)."""
        # Asked for every key the footer lists, from the first frame on: a module not yet
        # loaded has no screen on the stack, and loading it then (with the conference's
        # field editors) would come before the roster's first frame.
        # The module may also be half read: the screens load in a thread (import_screens)
        # and Python lists a module as it starts reading it. Without its class defined,
        # no such screen exists either.
        loaded = sys.modules.get("conference_tui.tui.screens.student_turn")
        turn: type[StudentTurnScreen] | None = getattr(loaded, "StudentTurnScreen", None)
        if turn is None:
            return None
        return next((s for s in self.screen_stack if isinstance(s, turn)), None)

    @property
    def form(self) -> Form:
        """The form `n` starts where a class names none."""
        return self.forms_read()[0]

    @property
    def forms(self) -> dict[str, Form]:
        """Every form there is to pick, by id."""
        return self.forms_read()[1]

    def forms_read(self) -> tuple[Form, dict[str, Form]]:
        """The forms, read from their files the first time they are asked for: just after
        the first frame (finish_opening), or sooner by a key that needs them. Reading
        and checking them (and loading the code that does) takes 10 ms, which the first
        frame does not wait for. A form that cannot be used is told as it is read."""
        if self.read_forms is None:
            from conference_tui.forms import pick_forms

            form, forms, problems = pick_forms(self.settings.default_form, self.given_form)
            self.read_forms = (form, forms)
            for problem in problems:
                self.notify(problem, severity="warning", timeout=10)
        return self.read_forms

    def form_held_with(self, form_id: str) -> Form:
        """The form to show a conference held with `form_id` with: its own, or (its file
        gone) the default, under which its other fields show as other notes."""
        return self.forms.get(form_id, self.form)

    def open_history(self, student_id: str, conference_id: str | None = None) -> None:
        from conference_tui.tui.screens.history import read_opening

        store = self.store
        self.read_then_push(
            lambda: read_opening(store, student_id, conference_id),
            lambda read: self.history_screen(student_id, conference_id, read),
            part="open-history",
            what="the history",
            cannot="Cannot open the history",
        )

    def history_screen(
        self, student_id: str, conference_id: str | None, read: tuple[Story, Detail | None]
    ) -> HistoryScreen:
        """The history screen, filled with this student's story. One is kept (installed)
        after its first visit and refilled: the teacher goes from student to student,
        and building the screen's widgets again each time would double the wait. A
        history opened while that one is on the stack (from a search over it) is new."""
        from conference_tui.tui.screens.history import HistoryScreen

        kept = self.kept_history
        if kept is not None and kept not in self.screen_stack and kept.is_mounted:
            kept.refill(student_id, conference_id, read)
            return kept
        screen = HistoryScreen(student_id, conference_id, read)
        if kept is None:
            self.install_screen(screen, KEPT_HISTORY)
            self.kept_history = screen
        return screen

    def conference_screen(
        self, opened: Opened, *, stage_key: str | None, amend: bool
    ) -> ConferenceScreen | Awaitable[ConferenceScreen]:
        """The conference screen, filled with this conference. As with the history, one is
        kept (installed) after its first visit and refilled for the next student, held
        with the same form; one opened while it is on the stack, or with another form, is
        new."""
        from conference_tui.tui.screens.conference import ConferenceScreen

        kept = self.kept_conference
        if kept is not None and kept.can_refill(opened):
            return kept.refill(opened, stage_key=stage_key, amend=amend)
        screen = ConferenceScreen(opened, stage_key=stage_key, amend=amend)
        if kept is None:
            self.install_screen(screen, KEPT_CONFERENCE)
            self.kept_conference = screen
        return screen

    def open_class_status(self) -> None:
        from conference_tui.tui.screens.class_status import ClassStatusScreen

        store, class_id, name = self.store, self.current_class_id, self.current_class_name
        if class_id is None:
            self.key_gate.refuse("No class yet: press c to make one, then a to add students.")
            return
        due_after = self.settings.due_after_days
        self.read_then_push(
            lambda: store.class_status(class_id, due_after_days=due_after),
            lambda status: ClassStatusScreen(status, name),
            part="open-status",
            what="the class status",
            cannot="Cannot show the class status",
        )

    def read_then_push(
        self,
        read: Callable[[], T],
        screen: Callable[[T], Screen[object] | Awaitable[Screen[object]]],
        *,
        part: str,
        what: str,
        cannot: str,
        called_off: Callable[[T], object] | None = None,
    ) -> None:
        """Read in a thread, then push the screen made from what was read: drawn once,
        whole. Keys typed meanwhile wait for it; if it cannot be read, they are dropped
        and the teacher told why. With `called_off`, an escape typed before it is read
        calls it off: the screen never shows, and `called_off` gets what was read. `part`
        names the hold and the worker."""
        off = False

        def call_off() -> None:
            nonlocal off
            off = True
            self.key_gate.release(self, part=part)

        self.key_gate.hold(self, what, part=part, call_off=call_off if called_off else None)

        def show(result: T) -> None:
            made = None if off else screen(result)
            if made is None or isinstance(made, Screen):
                push(result, made)
            else:
                self.run_worker(
                    partial(show_when_ready, result, made), group=part, exit_on_error=False
                )

        async def show_when_ready(result: T, made: Awaitable[Screen[object]]) -> None:
            """A kept screen being refilled: pushed once it is whole."""
            try:
                ready = await made
            except Exception as exc:
                log_failure(log, f"could not show {what}", exc)
                failed(
                    "It could not be shown; nothing typed was lost. Details are in the log "
                    "(`conference-tui locate` shows where)."
                )
                return
            push(result, ready)

        def push(result: T, ready: Screen[object] | None) -> None:
            """Unless an escape called it off meanwhile (then nothing was made, or what
            was made is not shown)."""
            if off or ready is None:
                assert called_off is not None
                called_off(result)
                return
            self.push_screen(ready)
            self.key_gate.release(self, part=part)

        def failed(message: str) -> None:
            if off:
                return
            self.notify(message, title=cannot, severity="error", timeout=10)
            self.key_gate.release(self, part=part, deliver=False)

        run_in_background(self, read, show, group=part, failed=failed)

    def pop_screen(self) -> AwaitComplete:
        leaving = self.screen
        closed = super().pop_screen()
        if self.is_screen_installed(leaving):
            # A kept screen (the conference, the history) is drawn again with the next
            # student's notes: the lines it drew for this one are dropped now, not held
            # in memory while it waits (2.6 MiB of the app's peak, and fewer objects for
            # each full garbage collection to walk). Drawing the history's again adds
            # 5 to 30 ms to its second visit.
            for node in leaving.walk_children(with_self=True):
                node._styles_cache.clear()
        # Textual caches two colours per widget drawn, keyed by the widget's own cache of
        # its drawn lines, for its last 1,024 widgets: every closed screen's lines would
        # stay in memory (1.5 MiB a conference). The colours take no time to work out.
        StylesCache.get_inner_outer.cache_clear()
        return closed

    def open_search(self) -> None:
        from conference_tui.tui.screens.search import SearchScreen

        self.push_screen(SearchScreen())

    def open_export(
        self,
        *,
        student_id: str | None = None,
        conference_id: str | None = None,
        class_id: str | None = None,
    ) -> None:
        from conference_tui.tui.screens.export import ExportScreen

        self.push_screen(
            ExportScreen(student_id=student_id, conference_id=conference_id, class_id=class_id)
        )

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
        to_student: bool = False,
    ) -> None:
        """Notifications carry names and notes the teacher typed: never read them as markup,
        never let a control character in them reach the terminal. While the student has
        the screen, only what is meant for them shows (`to_student`: about the keys they
        typed); the teacher's notices (another student's name, the class's) wait until
        the teacher takes it back."""
        if self.student_turn() is not None and not to_student:
            self.held_notices.append(
                partial(self.notify, message, title=title, severity=severity, timeout=timeout)
            )
            return
        super().notify(
            visible(message),
            title=visible(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header shows a student's or class's name: as its own characters. The
        subtitle is in the theme's muted text colour (Textual dims it, which some themes
        leave unreadable)."""
        if not sub_title:
            return Content(visible(title))
        return Content.assemble(
            visible(title), (" — ", "$text-muted"), (visible(sub_title), "$text-muted")
        )

    async def save_everything(self) -> bool:
        """Write what every open screen holds unsaved (the note typed in the last fraction
        of a second); False when the database would not take some of it."""
        all_saved = True
        for screen in self.screen_stack:
            save_now = getattr(screen, "save_now", None)
            if save_now is not None and not await save_now():
                all_saved = False
        return all_saved

    async def action_quit(self) -> None:
        """Quit, but first write any note typed in the last fraction of a second. If the
        database will not take it, say so and quit only on a second ctrl+q."""
        all_saved = await self.save_everything()
        if not all_saved and not self.quit_without_saving:
            self.quit_without_saving = True
            self.notify(
                "Some of what you typed is not saved yet: the message before this one, or "
                "the one under the field, says why. It is still on screen and saving goes "
                "on. Press ctrl+q again to quit without it.",
                title="Not quitting yet",
                severity="error",
                timeout=12,
            )
            return
        self.exit()

    def get_driver_class(self) -> type[Driver]:
        """Textual's terminal driver; on Linux and macOS, the one that also ends the app
        well when the terminal goes away (see hangup.py)."""
        chosen = super().get_driver_class()
        if sys.platform == "win32":
            return chosen
        from textual.drivers.linux_driver import LinuxDriver

        from conference_tui.tui.hangup import HangupDriver

        return HangupDriver if chosen is LinuxDriver else chosen

    def on_terminal_gone(self, gone: TerminalGone) -> None:
        """The terminal went away, or the system is ending the app: the keys already
        typed land where they were going, then the app saves as ctrl+q does, waiting no
        longer than a locked database may take, and ends whatever came of it (nobody is
        left to answer a question). In a worker: the app goes on handling those keys."""
        if self.ending:
            return
        self.ending = True
        self.run_worker(self.end_for(gone), group="terminal-gone", exit_on_error=False)

    async def keys_typed_before_the_end(self) -> None:
        """Until every key typed before the end is read, taken and handled: none for a
        short while, and the key gate settled; at most ENDING_KEYS_SECONDS."""
        from conference_tui.tui.hangup import HangupDriver

        driver = self._driver
        deadline = time.monotonic() + ENDING_KEYS_SECONDS
        taken, quiet_since = self.key_gate.taken_total, time.monotonic()
        while time.monotonic() < deadline:
            await asyncio.sleep(ENDING_POLL_SECONDS)
            if self.key_gate.taken_total != taken or (
                isinstance(driver, HangupDriver) and driver.has_unread_input()
            ):
                taken, quiet_since = self.key_gate.taken_total, time.monotonic()
            elif (
                time.monotonic() - quiet_since >= ENDING_QUIET_SECONDS
                and self.key_gate.settled.is_set()
            ):
                return

    async def end_for(self, gone: TerminalGone) -> None:
        all_saved = False
        not_taken = 0
        try:
            await self.keys_typed_before_the_end()
            # Keys typed faster than the app takes them (a burst of thousands) may still
            # wait: none delivered now would be saved, and "everything" would be untrue.
            not_taken = self.key_gate.drop_waiting()
            all_saved = await asyncio.wait_for(self.save_everything(), ENDING_SAVE_SECONDS)
        except TimeoutError:
            pass
        except Exception as exc:  # the app must end all the same: nobody is there
            log_failure(log, "could not save before ending", exc)
        if all_saved and not_taken:
            said = (
                f"what you typed was saved, but for the last {not_taken:,} "
                f"key{'s' if not_taken != 1 else ''}: typed faster than the app could take "
                "them before it ended. Open it again to see what was kept."
            )
            log.warning("ended by %s with %d keys typed not yet taken", gone.why, not_taken)
        elif all_saved:
            said = "everything you typed was saved."
        else:
            said = "the database did not take what you typed last (it was busy, or failed)."
            log.warning("ended by %s before the last of what was typed was saved", gone.why)
        self.exit(
            return_code=gone.return_code, message=f"conference-tui ended by {gone.why}: {said}"
        )

    def _fatal_error(self) -> None:
        """Textual would print the traceback over the terminal on its way out. Instead:
        save what is typed, log the details, and leave a message that says where.
        (Textual's own hook; the version is pinned. Tests still see the exception.)"""
        error = self._exception
        if error is not None:
            log_failure(log, "unexpected error", error)
        for screen in self.screen_stack:
            save_pending = getattr(screen, "save_pending_blocking", None)
            if save_pending is not None:
                save_pending()
        self._exit_renderables.append(
            "conference-tui stopped after an unexpected error. Everything you typed was "
            f"saved. Details are in {paths.log_file()}; open the app again to go on."
        )
        self._close_messages_no_wait()

    def action_help(self) -> None:
        from conference_tui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # -- command palette: every key of the current screen is a command too --------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in seen or not active.enabled:
                continue
            seen.add(binding.action)
            yield SystemCommand(
                binding.description,
                f"{binding.tooltip or binding.description} (key: {self.get_key_display(binding)})",
                partial(self.run_action, binding.action, active.node),
            )
        yield from super().get_system_commands(screen)


def import_screens() -> None:
    """Load the modules of the other screens, so that the first visit to each does not
    wait for Python to read them."""
    for name in (
        "conference",
        "group_conference",
        "history",
        "search",
        "export",
        "groups",
        "class_status",
        "help",
    ):
        importlib.import_module(f"conference_tui.tui.screens.{name}")


def make_app(
    store: Store,
    *,
    settings: Settings | None = None,
    form: Form | None = None,
    clock: Callable[[], datetime] = utc_now,
    monotonic: Callable[[], float] = time.monotonic,
    demo: bool = False,
    startup_warnings: Iterable[str] = (),
    background_startup: Callable[[], str] | None = None,
    first_look: FirstLook | None = None,
    settled: Callable[[], None] | None = None,
) -> ConferenceApp:
    """The one factory behind the CLI and the tests."""
    return ConferenceApp(
        store,
        settings or Settings(),
        form,
        clock=clock,
        monotonic=monotonic,
        demo=demo,
        startup_warnings=startup_warnings,
        background_startup=background_startup,
        first_look=first_look,
        settled=settled,
    )
