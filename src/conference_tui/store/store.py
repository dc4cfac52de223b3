"""`Store`: every store operation, on one engine."""

from __future__ import annotations

from conference_tui.store.amendments import AmendmentStore
from conference_tui.store.archive_io import ArchiveStore
from conference_tui.store.changes import ChangeStore
from conference_tui.store.class_status import ClassStatusStore
from conference_tui.store.clock import Clock, utc_now
from conference_tui.store.conferences import ConferenceStore
from conference_tui.store.engine import open_engine
from conference_tui.store.export_reads import ExportReadStore
from conference_tui.store.goals import GoalStore
from conference_tui.store.group_conferences import GroupConferenceStore
from conference_tui.store.history import HistoryStore
from conference_tui.store.roster import RosterStore
from conference_tui.store.roster_import import RosterImportStore
from conference_tui.store.search import SearchStore


class Store(
    RosterStore,
    ConferenceStore,
    GroupConferenceStore,
    AmendmentStore,
    GoalStore,
    HistoryStore,
    SearchStore,
    ArchiveStore,
    RosterImportStore,
    ExportReadStore,
    ClassStatusStore,
    ChangeStore,
):
    """Every store operation, on one engine. Thread-safe: each call has its own session."""

    @classmethod
    def open(cls, database: str, clock: Clock = utc_now) -> Store:
        """Open (creating and migrating as needed) the database at a path or URL."""
        engine, location = open_engine(database)
        return cls(engine, location, clock)

    @classmethod
    def open_to_read(cls, database: str, why: str, clock: Clock = utc_now) -> Store:
        """Open a database that must not be written (damaged): no migration, and every
        write refused with `why`, so that its notes can still be read and exported."""
        engine, location = open_engine(database, read_only=True)
        return cls(engine, location, clock, read_only_because=why)
