"""The App: global keys, the command palette, the key gate, notices.

What the App does at a given moment lives beside it, each module imported only when it is
first needed, so that none is loaded before the first frame: startup.py (after the first
frame: the store, the backup, the other screens), navigation.py (opening the screens the
teacher goes to), ending.py (ctrl+q, the terminal going away) and keymap.py (the teacher's
own keys). The App keeps the names the screens call.
"""

from __future__ import annotations

import logging
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

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
from conference_tui.store.text_rules import visible
from conference_tui.tui.history_prefetch import HistoryPrefetch
from conference_tui.tui.key_gate import KeyGate
from conference_tui.tui.readable_colours import readable_text_variables
from conference_tui.tui.unused_keys import refuse_if_unused, refuse_unused_paste

if TYPE_CHECKING:
    from conference_tui.forms import Form
    from conference_tui.store import Store
    from conference_tui.store.first_look import FirstLook
    from conference_tui.tui.hangup import TerminalGone
    from conference_tui.tui.screens.conference import ConferenceScreen
    from conference_tui.tui.screens.history import HistoryScreen
    from conference_tui.tui.screens.student_turn import StudentTurnScreen

log = logging.getLogger(__name__)

LOCK_CHECK_SECONDS = 5
# Clicks, wheel turns and drags: what could change a field with no key pressed.
POINTER_EDITS = (events.MouseDown, events.MouseUp, events.Click, events.MouseScrollDown,
                 events.MouseScrollUp, events.MouseMove)  # fmt: skip


class ConferenceApp(App[None]):
    """conference-tui. Screens reach the data through `self.app.store` in workers."""

    TITLE = "conference-tui"
    # The roster's styles for the first frame; every other screen's as soon as it is up
    # (see startup.load_later_styles), not at its first visit: Textual re-parses the whole
    # stylesheet and restyles every widget when a screen brings new styles (0.1 s).
    CSS_PATH = ["app.tcss", "screens/roster.tcss"]
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
        self.history_prefetch = HistoryPrefetch(self)
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

    def on_paste(self, event: events.Paste) -> None:
        refuse_unused_paste(self, self.key_gate, event)

    def on_key(self, event: events.Key) -> None:
        # Here only if no widget took the key: a character nothing takes is refused out
        # loud (Textual would drop it without a word).
        refuse_if_unused(self, self.key_gate, event)

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
            from conference_tui.tui.keymap import use_teachers_keys

            use_teachers_keys(self)
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

    def finish_opening(self) -> None:
        """Once the first frame is up: the store, today's backup, the other screens
        (startup.py, loaded only now)."""
        from conference_tui.tui.startup import finish_opening

        finish_opening(self)

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
        mark = self.nothing_kept_mark()
        self.sub_title = f"{name}{mark}" if name else mark.strip()

    def nothing_kept_mark(self) -> str:
        """Said in every screen's header while nothing typed is kept."""
        if self.store.read_only_because:
            return "  [READ-ONLY: damaged file, nothing is saved]"
        return "  [demo: nothing is kept]" if self.demo else ""

    # -- navigation ----------------------------------------------------------------

    def open_conference(
        self,
        student_id: str,
        conference_id: str | None = None,
        *,
        stage_key: str | None = None,
        field_key: str | None = None,
        amend: bool = False,
        form: Form | None = None,
    ) -> None:
        """Start (or resume) a conference, or open an existing one (navigation.py)."""
        from conference_tui.tui.navigation import open_conference

        open_conference(
            self,
            student_id,
            conference_id,
            stage_key=stage_key,
            field_key=field_key,
            amend=amend,
            form=form,
        )

    def open_group_conference(
        self, student_ids: list[str], started: Callable[[], object] | None = None
    ) -> None:
        """Start (or resume) a small-group conference (navigation.py)."""
        from conference_tui.tui.navigation import open_group_conference

        open_group_conference(self, student_ids, started)

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
        from conference_tui.tui.navigation import open_history

        open_history(self, student_id, conference_id)

    def open_class_status(self) -> None:
        from conference_tui.tui.navigation import open_class_status

        open_class_status(self)

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

    async def action_quit(self) -> None:
        """Quit, but first write any note typed in the last fraction of a second
        (ending.py)."""
        from conference_tui.tui.ending import quit_after_saving, quit_once_keys_land

        if self.key_gate.waiting and not self.quit_without_saving:
            # Keys typed before it wait for a screen still opening (`n` and a title at
            # the first paint): they land first. In a worker: the app handles them.
            self.run_worker(
                quit_once_keys_land(self), group="quit", exclusive=True, exit_on_error=False
            )
            return
        await quit_after_saving(self)

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
        from conference_tui.tui.ending import end_for

        self.run_worker(end_for(self, gone), group="terminal-gone", exit_on_error=False)

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
