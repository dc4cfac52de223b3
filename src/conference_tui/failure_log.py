"""What the private log keeps of a failure: where it happened, never what it was about.

An exception's message can quote a student's note (SQLite's "Could not decode ...
with text '...'"), a name, or an answer. The log keeps the error's type, the driver's
error code, and the stack (files, lines and functions): enough to find the fault,
nothing a family could object to.
"""

from __future__ import annotations

import logging
import traceback


def failure_summary(error: BaseException) -> str:
    """The error's type and code, and the stack it came through, without its message."""
    parts = [type(error).__qualname__]
    code = getattr(error, "sqlite_errorname", None) or getattr(error, "sqlstate", None)
    cause = error.__cause__ or error.__context__
    if code is None and cause is not None:
        code = getattr(cause, "sqlite_errorname", None) or getattr(cause, "sqlstate", None)
        parts.append(f"from {type(cause).__qualname__}")
    if code:
        parts.append(f"[{code}]")
    stack = "".join(
        f"  {frame.filename}:{frame.lineno} in {frame.name}\n"
        for frame in traceback.extract_tb(error.__traceback__)
    )
    return " ".join(parts) + ("\n" + stack if stack else "")


def log_failure(logger: logging.Logger, what: str, error: BaseException) -> None:
    logger.error("%s: %s", what, failure_summary(error))
