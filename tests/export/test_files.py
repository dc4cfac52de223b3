"""Private files synced on a thread of their own while the next one is made."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TextIO

import pytest

from conference_tui.export.files import BackgroundSync, ExportError, private_text_file


def test_files_handed_to_the_background_sync_are_whole_private_and_closed(
    tmp_path: Path,
) -> None:
    handed: list[tuple[Path, TextIO]] = []
    with BackgroundSync(tmp_path) as sync:
        for number in range(3):
            with private_text_file(tmp_path, f"note-{number}", ".md", sync) as (path, file):
                file.write(f"note {number}\n")
                handed.append((path, file))
        sync.finish()
    for number, (path, file) in enumerate(handed):
        assert path.read_text(encoding="utf-8") == f"note {number}\n"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert file.closed  # by the sync, not left open


def test_a_sync_that_fails_is_an_export_error_and_the_file_is_closed_all_the_same(
    tmp_path: Path,
) -> None:
    # A pipe cannot be synced (EINVAL): a real failure of fsync, without a broken disk.
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as reader, BackgroundSync(tmp_path) as sync:
        sync.hand_over(os.fdopen(write_end, "w", encoding="utf-8"))
        with pytest.raises(ExportError, match=str(tmp_path)):
            sync.finish()
        assert reader.read() == b""  # end of file: the writing end was closed
