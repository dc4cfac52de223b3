"""The records the roster is drawn from, apart from the rest (records.py): the first
frame is painted from a first look (first_look.py) before Python has built the other
twenty records' classes, 10 ms of the launch (each frozen dataclass is made from six
generated functions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class ConferenceStatus(StrEnum):
    DRAFT = "draft"
    COMPLETE = "complete"


class GoalStatus(StrEnum):
    ACTIVE = "active"
    MET = "met"
    REVISED = "revised"
    DROPPED = "dropped"


GOAL_CLOSING_STATUSES = (GoalStatus.MET, GoalStatus.REVISED, GoalStatus.DROPPED)


@dataclass(frozen=True)
class ClassInfo:
    id: str
    name: str
    school_year: str
    archived: bool
    student_count: int = 0
    # The form `n` starts for this class; "" for the app's default.
    default_form: str = ""


@dataclass(frozen=True)
class StudentInfo:
    id: str
    class_id: str
    name: str
    preferred_name: str
    interests: str
    strengths: str
    needs: str
    archived: bool

    @property
    def display_name(self) -> str:
        if self.preferred_name and self.preferred_name != self.name:
            return f"{self.name} ({self.preferred_name})"
        return self.name


@dataclass(frozen=True)
class RosterRow:
    """One line of the roster: a student and where their conferring stands."""

    student: StudentInfo
    conference_count: int
    last_conference_at: datetime | None
    days_since_last_conference: int | None
    active_goal: str
    last_next_step: str
    follow_up_on: date | None
    draft_conference_id: str | None
    is_due: bool
    due_reason: str
