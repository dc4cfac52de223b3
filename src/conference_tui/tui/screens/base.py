"""Typed access to the running ConferenceApp for screens and dialogs."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from conference_tui.tui.app import ConferenceApp

ResultType = TypeVar("ResultType")


class AppScreen(Screen[ResultType]):
    @property
    def conference_app(self) -> ConferenceApp:
        return cast("ConferenceApp", self.app)


class AppModal(ModalScreen[ResultType]):
    @property
    def conference_app(self) -> ConferenceApp:
        return cast("ConferenceApp", self.app)
