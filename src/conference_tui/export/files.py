"""Safe file names, and private files that never replace one already there.

Every file lands directly inside the folder the teacher chose: names are slugs
(letters, digits and dashes of any script, nothing else), checked again after the
path is resolved. Files are created with O_CREAT|O_EXCL and mode 0600, so an
existing file (or a symlink planted in its place) is never written through; a
taken name gets a -2, -3 ... suffix instead.
"""

from __future__ import annotations

import contextlib
import errno
import os
import unicodedata
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TextIO

MAX_SLUG_BYTES = 80
MAX_SUFFIX = 999
WRITE_BUFFER = 1 << 20
# Names Windows refuses whatever the extension (a shared drive may be FAT or NTFS).
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{n}" for n in range(1, 10)}
    | {f"lpt{n}" for n in range(1, 10)}
)


class ExportError(Exception):
    """An export, backup or import that cannot go ahead, worded for the teacher."""


def slugify(text: str, fallback: str) -> str:
    """A file-name-safe form of a name: lowercase letters and digits of any script,
    joined by single dashes. Empty (all punctuation, emoji) becomes `fallback`."""
    pieces: list[str] = []
    word: list[str] = []
    for char in unicodedata.normalize("NFC", text).casefold():
        if unicodedata.category(char)[0] in "LNM":
            word.append(char)
        elif word:
            pieces.append("".join(word))
            word = []
    if word:
        pieces.append("".join(word))
    slug = ""
    for piece in pieces:
        candidate = f"{slug}-{piece}" if slug else piece
        if len(candidate.encode("utf-8")) > MAX_SLUG_BYTES:
            break
        slug = candidate
    if not slug and pieces:
        # One very long word: cut it on a character boundary.
        slug = pieces[0].encode("utf-8")[:MAX_SLUG_BYTES].decode("utf-8", "ignore")
    if not slug:
        slug = fallback
    if slug in WINDOWS_RESERVED:
        slug = f"{slug}-{fallback}"
    return slug


def describe_os_error(exc: OSError, where: Path) -> str:
    """One line that says what went wrong with a file and what to do."""
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write in {where}: the folder is not writable. Choose another folder."
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk holding {where} is full. Free some space, or choose another folder."
    if exc.errno == errno.ENOTDIR:
        return f"{where} is not a folder. Choose a folder."
    return f"cannot write in {where}: {exc.strerror or exc}."


def prepare_folder(folder: Path) -> Path:
    """Create the folder (0700 when new) and return its resolved path."""
    folder = folder.expanduser()
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is not a folder. Choose a folder.")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        resolved = folder.resolve(strict=True)
    except OSError as exc:
        raise ExportError(describe_os_error(exc, folder)) from exc
    if not resolved.is_dir():
        raise ExportError(f"{folder} is not a folder. Choose a folder.")
    return resolved


def _inside(folder: Path, name: str) -> Path:
    if not name or "/" in name or "\\" in name or "\0" in name or name in (".", ".."):
        raise ExportError(f"refusing the file name {name!r}: it would leave {folder}.")
    target = folder / name
    if target.parent.resolve() != folder.resolve():
        raise ExportError(f"refusing the file name {name!r}: it would leave {folder}.")
    return target


def _create_private(folder: Path, stem: str, suffix: str) -> tuple[Path, int]:
    """A new file stem+suffix (or stem-2+suffix, ...) directly in `folder`, mode 0600,
    opened for writing: never an existing file, never through a symlink."""
    no_follow = getattr(os, "O_NOFOLLOW", 0)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | no_follow | getattr(os, "O_BINARY", 0)
    for attempt in range(1, MAX_SUFFIX + 1):
        name = f"{stem}{suffix}" if attempt == 1 else f"{stem}-{attempt}{suffix}"
        target = _inside(folder, name)
        try:
            fd = os.open(target, flags, 0o600)
        except FileExistsError:
            continue
        except OSError as exc:
            raise ExportError(describe_os_error(exc, folder)) from exc
        try:
            # The umask can only take bits away; fchmod makes it exactly 0600 all the same.
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)
        except OSError as exc:
            os.close(fd)
            with contextlib.suppress(OSError):
                target.unlink()
            raise ExportError(describe_os_error(exc, folder)) from exc
        return target, fd
    raise ExportError(
        f"{folder} already holds {MAX_SUFFIX} files named {stem}{suffix}; choose another folder."
    )


class BackgroundSync:
    """Syncs each finished file to disk on a thread of its own while the next file is
    made: an export of many files otherwise waits on the disk once per file. One file
    at a time is left to sync, so files do not stay open in numbers; `finish()` waits
    for the last. A failed sync is raised (as an ExportError) by the next `hand_over`
    or `finish`. Use it in a `with` block: no file is left open when it ends."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-sync")
        self._syncing: Future[None] | None = None

    def __enter__(self) -> BackgroundSync:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._pool.shutdown(wait=True)

    def hand_over(self, file: TextIO) -> None:
        """Sync and close `file` (written and flushed) once the one before is synced."""
        self.finish()
        self._syncing = self._pool.submit(_sync_and_close, file)

    def finish(self) -> None:
        """Wait until every file handed over is synced."""
        syncing, self._syncing = self._syncing, None
        if syncing is None:
            return
        try:
            syncing.result()
        except OSError as exc:
            raise ExportError(describe_os_error(exc, self._folder)) from exc


def _sync_and_close(file: TextIO) -> None:
    try:
        os.fsync(file.fileno())
    finally:
        file.close()


@contextlib.contextmanager
def private_text_file(
    folder: Path, stem: str, suffix: str, sync: BackgroundSync | None = None
) -> Iterator[tuple[Path, TextIO]]:
    """A new private file (as `write_private_file` makes it) to write UTF-8 text into
    piece by piece. It is synced when the block ends, or handed to `sync` to be synced
    while the caller goes on; any failure, or an exception raised inside the block,
    removes it, so a half-written file is never left."""
    target, fd = _create_private(folder, stem, suffix)
    file = open(fd, "w", encoding="utf-8", newline="\n", buffering=WRITE_BUFFER)  # noqa: SIM115
    try:
        yield target, file
        file.flush()
        if sync is None:
            os.fsync(file.fileno())
            file.close()
        else:
            sync.hand_over(file)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            file.close()
        with contextlib.suppress(OSError):
            target.unlink()
        if isinstance(exc, OSError):
            raise ExportError(describe_os_error(exc, folder)) from exc
        raise


def write_private_file(folder: Path, stem: str, suffix: str, content: bytes) -> Path:
    """Write `content` to a new file stem+suffix (or stem-2+suffix, ...) directly in
    `folder`, mode 0600, never replacing anything. A failed write leaves no file."""
    target, fd = _create_private(folder, stem, suffix)
    try:
        view = memoryview(content)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except OSError as exc:
        os.close(fd)
        with contextlib.suppress(OSError):
            target.unlink()
        raise ExportError(describe_os_error(exc, folder)) from exc
    os.close(fd)
    return target
