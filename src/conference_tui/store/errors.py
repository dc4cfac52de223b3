"""Errors the store raises, each with a message a teacher can act on."""

from __future__ import annotations


class StoreError(Exception):
    """A problem with the database, worded for the person at the keyboard. `fault` names
    what is wrong with the database itself (see diagnosis.Fault), when something is.
    `for_command_line` is the wording for a command, where the app's words do not fit
    (there is no note on screen to keep); the message itself when they do."""

    def __init__(self, message: str, fault: str = "", for_command_line: str = "") -> None:
        super().__init__(message)
        self.fault = fault
        self.for_command_line = for_command_line or message


class SchemaTooNewError(StoreError):
    """The database was written by a newer conference-tui; it is left untouched."""


class DatabaseLockedError(StoreError):
    """Another program holds the write lock for longer than we are willing to wait."""


class DatabaseUnavailableError(StoreError):
    """The file cannot be opened or written: read-only folder, full disk, corrupt file."""


class NotFoundError(StoreError):
    """A record asked for by id does not exist."""


class InvalidInputError(StoreError):
    """Input the store refuses, such as an empty student name."""


class RecordsClashError(InvalidInputError):
    """Records brought in clash with records already in the database; nothing was written."""
