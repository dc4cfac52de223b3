"""Files the tests build once per run and share across the xdist workers: a database
that takes seconds to make is made by the first worker that needs it."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def exclusive(lock_path: Path) -> Iterator[None]:
    """Held by one process at a time: the xdist workers take turns."""
    try:
        import fcntl
    except ImportError:  # Windows: no workers share a folder there in practice
        yield
        return
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every xdist worker of this run shares (each has its own base temp
    folder inside one parent)."""
    folder = tmp_path_factory.getbasetemp()
    return folder.parent if os.environ.get("PYTEST_XDIST_WORKER") else folder


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]
) -> Path:
    """The file (or folder) `name`, made by `build(path)` by the first worker that asks
    for it in this run; the others wait for it and share it (read it, or copy it to
    change it)."""
    folder = run_folder(tmp_path_factory)
    path = folder / name
    done = folder / f"{name}.done"
    with exclusive(folder / f"{name}.lock"):
        if not done.exists():
            # What a build that failed earlier in this run left behind.
            if path.is_dir():
                shutil.rmtree(path)
            path.unlink(missing_ok=True)
            build(path)
            done.touch()
    return path
