"""docs/reliability.md's table, made from the app's own messages and the tests that
show each fault. `python tests/faults/reliability_doc.py` prints the table;
test_reliability_doc.py fails when the document and this disagree."""

from __future__ import annotations

from conference_tui.store.diagnosis import Fault, describe

# Each fault: how it was made, whether the file is left byte for byte as it was, and
# the tests (in tests/) that show it.
CASES: dict[Fault, tuple[str, str, tuple[str, ...]]] = {
    Fault.DISK_FULL: (
        "a 512 KiB tmpfs filled before start; a 1 MiB tmpfs filled mid-conference",
        "only written by the store's own saves",
        (
            "faults/test_faults.py::test_a_disk_full_before_start_is_full_not_damaged",
            "tui/test_disk_full.py::test_a_full_disk_mid_conference_keeps_the_note_and_saves_it_later",
        ),
    ),
    Fault.READ_ONLY: (
        "a read-only bind mount (root ignores file modes); a damaged file opened to read",
        "yes (sha256)",
        (
            "faults/test_faults.py::test_a_read_only_mount_is_read_only_not_an_index_out_of_step",
            "tui/test_damaged_file.py::test_a_read_only_store_keeps_the_note_on_screen_and_the_file_as_it_was",
        ),
    ),
    Fault.NO_FILE: (
        "check of a path with no file",
        "nothing created",
        ("cli/test_transfer_commands.py::test_check_of_no_database",),
    ),
    Fault.NOT_A_FILE: (
        "a folder at the --db path",
        "yes (nothing created in it)",
        ("faults/test_faults.py::test_a_folder_where_the_file_should_be",),
    ),
    Fault.EMPTY_FILE: (
        "a 0-byte file where backups exist",
        "yes (still 0 bytes, never made a backup)",
        (
            "faults/test_faults.py::test_an_empty_file_with_backups_is_reported_not_made_into_a_new_database",
        ),
    ),
    Fault.NOT_A_DATABASE: (
        "a text file at the database path",
        "yes",
        ("export/test_backup_and_check.py::test_a_file_that_is_not_a_database",),
    ),
    Fault.NOT_OURS: (
        "another program's SQLite file",
        "yes",
        ("export/test_backup_and_check.py::test_a_file_that_is_not_a_database",),
    ),
    Fault.SCHEMA_TOO_NEW: (
        "alembic_version set to a revision this version does not know",
        "yes (sha256)",
        (
            "faults/test_faults.py::test_a_database_from_a_newer_version_is_not_called_healthy",
            "store/test_migrations.py::test_a_database_from_a_newer_version_is_refused_untouched",
        ),
    ),
    Fault.DAMAGED: (
        "two pages of bytes flipped mid-file; a note whose bytes are not UTF-8",
        "yes (sha256); opened read-only, never backed up",
        (
            "faults/test_faults.py::test_damaged_pages_get_safe_advice_and_the_file_is_untouched",
            "faults/test_faults.py::test_a_damaged_file_is_opened_read_only_and_export_says_so",
            "faults/test_faults.py::test_a_note_from_a_damaged_page_is_never_quoted_in_a_message_or_the_log",
        ),
    ),
    Fault.DAMAGED_SEARCH_INDEX: (
        "the full-text index emptied behind the notes' back",
        "only the index, and only with --repair",
        ("cli/test_transfer_commands.py::test_check_offers_to_repair_the_search_index",),
    ),
    Fault.LOCKED: (
        "another connection holding the write lock",
        "yes",
        (
            "tui/test_conference.py::test_locked_database_keeps_the_note_on_screen_and_saves_when_free",
        ),
    ),
    Fault.SERVER_UNREACHABLE: (
        "a PostgreSQL URL with no server behind it",
        "n/a",
        ("faults/test_faults.py::test_a_server_that_is_not_there_is_unreachable_not_damaged",),
    ),
    Fault.NOT_ALLOWED: (
        "a teacher's role opening a school server's database that needs an update",
        "yes (the schema update is refused whole)",
        (
            "store/test_school_server.py::test_a_teacher_opening_a_database_to_update_is_told_who_may",
        ),
    ),
    Fault.CANNOT_OPEN: ("a path SQLite cannot open for another reason", "n/a", ()),
    Fault.DISK_ERROR: ("an I/O error on a disk with room to spare", "n/a", ()),
    Fault.UNKNOWN: ("any other error", "n/a", ()),
}


def reliability_table() -> str:
    lines = [
        "| fault | how it was made | what the teacher is told (DB: the database) "
        "| the one safe thing to do | file untouched | shown by |",
        "|---|---|---|---|---|---|",
    ]
    for fault in Fault:
        made, untouched, tests = CASES[fault]
        told = describe(fault, "DB")
        shown_by = "<br>".join(f"`{test}`" for test in tests) or "not yet made in a test"
        lines.append(
            f"| {fault.value} | {made} | {told.what} | {told.advice} | {untouched} | {shown_by} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(reliability_table(), end="")
