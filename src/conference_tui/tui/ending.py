"""How the app ends: ctrl+q saves first, and the terminal going away lets the keys
typed before it land, saves, and ends whatever came of it."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from conference_tui.failure_log import log_failure
from conference_tui.store.location import BUSY_TIMEOUT_MS

if TYPE_CHECKING:
    from conference_tui.tui.app import ConferenceApp
    from conference_tui.tui.hangup import TerminalGone

log = logging.getLogger(__name__)

# How long a terminal that went away waits for the last save: an autosave under way and
# the last batch may each wait out a database another program holds locked.
ENDING_SAVE_SECONDS = 2 * BUSY_TIMEOUT_MS / 1000 + 2
# Before that save, the keys typed before the end are let land: read from the terminal,
# taken and handled, until none has come for ENDING_QUIET_SECONDS.
ENDING_KEYS_SECONDS = 2.0
ENDING_QUIET_SECONDS = 0.05
ENDING_POLL_SECONDS = 0.01


async def save_everything(app: ConferenceApp) -> bool:
    """Write what every open screen holds unsaved (the note typed in the last fraction
    of a second); False when the database would not take some of it."""
    all_saved = True
    for screen in app.screen_stack:
        save_now = getattr(screen, "save_now", None)
        if save_now is not None and not await save_now():
            all_saved = False
    return all_saved


async def quit_after_saving(app: ConferenceApp) -> None:
    """Quit, but first write any note typed in the last fraction of a second. If the
    database will not take it, say so and quit only on a second ctrl+q."""
    all_saved = await save_everything(app)
    if not all_saved and not app.quit_without_saving:
        app.quit_without_saving = True
        app.notify(
            "Some of what you typed is not saved yet: the message before this one, or "
            "the one under the field, says why. It is still on screen and saving goes "
            "on. Press ctrl+q again to quit without it.",
            title="Not quitting yet",
            severity="error",
            timeout=12,
        )
        return
    app.exit()


async def quit_once_keys_land(app: ConferenceApp) -> None:
    """ctrl+q typed after keys that wait for a screen still opening: they land where
    they were going, then everything is saved and the app quits. Found in a teacher's
    check: `n`, a title and ctrl+q typed at the first paint quit at once, and the title
    was never typed in, nor saved, nor said to be lost."""
    gate = app.key_gate
    try:
        await asyncio.wait_for(gate.wait_settled(), ENDING_KEYS_SECONDS)
    except TimeoutError:
        app.quit_without_saving = True
        app.notify(
            "Keys typed before ctrl+q are still waiting for a screen to open; they land "
            "there when it does. Press ctrl+q again to quit without them.",
            title="Not quitting yet",
            severity="warning",
            timeout=12,
        )
        return
    await gate.until_quiet()
    await quit_after_saving(app)


async def keys_typed_before_the_end(app: ConferenceApp) -> None:
    """Until every key typed before the end is read, taken and handled: none for a
    short while, and the key gate settled; at most ENDING_KEYS_SECONDS."""
    from conference_tui.tui.hangup import HangupDriver

    driver = app._driver
    deadline = time.monotonic() + ENDING_KEYS_SECONDS
    taken, quiet_since = app.key_gate.taken_total, time.monotonic()
    while time.monotonic() < deadline:
        await asyncio.sleep(ENDING_POLL_SECONDS)
        if app.key_gate.taken_total != taken or (
            isinstance(driver, HangupDriver) and driver.has_unread_input()
        ):
            taken, quiet_since = app.key_gate.taken_total, time.monotonic()
        elif (
            time.monotonic() - quiet_since >= ENDING_QUIET_SECONDS and app.key_gate.settled.is_set()
        ):
            return


async def end_for(app: ConferenceApp, gone: TerminalGone) -> None:
    all_saved = False
    not_taken = 0
    try:
        await keys_typed_before_the_end(app)
        # Keys typed faster than the app takes them (a burst of thousands) may still
        # wait: none delivered now would be saved, and "everything" would be untrue.
        not_taken = app.key_gate.drop_waiting()
        all_saved = await asyncio.wait_for(save_everything(app), ENDING_SAVE_SECONDS)
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
    app.exit(return_code=gone.return_code, message=f"conference-tui ended by {gone.why}: {said}")
