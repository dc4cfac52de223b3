"""A program in a real pseudo-terminal, its screen read through a terminal emulator (pyte).

The benchmarks time what the teacher sees: from a keypress (or the launch) to the
first moment a piece of text is on the emulated screen. Nothing here knows how
the app is built, only what it draws.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pyte

COLUMNS, LINES = 100, 30
KEYS = {
    "enter": b"\r",
    "escape": b"\x1b",
    "tab": b"\t",
    "ctrl+s": b"\x13",
    "ctrl+q": b"\x11",
    "f1": b"\x1bOP",
    "pagedown": b"\x1b[6~",
}


class ScreenTimeout(Exception):
    """The text waited for never appeared: says what was on the screen instead."""


class Terminal:
    """One program under a pty of a fixed size, with an emulated screen kept in step."""

    def __init__(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        *,
        columns: int = COLUMNS,
        lines: int = LINES,
        cwd: Path | None = None,
    ) -> None:
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self.master = master
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**env, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(lines)},
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def pump(self, timeout: float) -> bool:
        """Read what the program wrote within `timeout` seconds; False once it has closed."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: the program has exited and the pty closed
            return False
        if not data:
            return False
        self.stream.feed(data)
        return True

    def read_for(self, seconds: float) -> None:
        """Keep the screen in step for `seconds`, whatever the program draws meanwhile."""
        deadline = time.perf_counter() + seconds
        while (left := deadline - time.perf_counter()) > 0:
            if not self.pump(left):
                return

    def wait_until(
        self, arrived: Callable[[str], bool], what: str, *, since: float, timeout: float = 120.0
    ) -> float:
        """Seconds from `since` to the first screen for which `arrived` holds."""
        deadline = time.perf_counter() + timeout
        while not arrived(self.text()):
            if time.perf_counter() > deadline:
                raise ScreenTimeout(f"no {what} after {timeout} s; the screen:\n{self.text()}")
            if not self.pump(0.05) and not arrived(self.text()):
                raise ScreenTimeout(f"the program ended before {what}; the screen:\n{self.text()}")
        return time.perf_counter() - since

    def press(self, key: str) -> float:
        """Send one key (a name from KEYS or literal text); returns when it was sent."""
        os.write(self.master, KEYS.get(key, key.encode()))
        return time.perf_counter()

    def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Read until the program has drawn nothing for `quiet` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([self.master], [], [], quiet)
            if not ready or not self.pump(0):
                return

    def peak_rss_kib(self) -> int:
        """The program's high-water resident memory so far (Linux: VmHWM)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        raise RuntimeError("no VmHWM in /proc: peak memory is measured on Linux only")

    def close(self, quit_key: str = "ctrl+q", timeout: float = 15.0) -> int:
        """Quit the way the teacher does; kill the program only if it will not go."""
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self.press(quit_key)
            deadline = time.perf_counter() + timeout
            while self.process.poll() is None and time.perf_counter() < deadline:
                if not self.pump(0.05):
                    break
            try:
                code = self.process.wait(timeout=max(0.1, deadline - time.perf_counter()))
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                code = self.process.wait()
        else:
            code = self.process.returncode
        os.close(self.master)
        return code

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
