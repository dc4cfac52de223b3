"""What an export covers, and reading it through the store.

The scope says which conferences (one, a student's, a class's, everything); the
audience says which notes (the teacher's: all; shareable: private ones left out);
`per` says how they are cut into files. Reading is done here, into plain
`StudentNotes` a batch of students at a time, so that rendering never touches the
database and memory does not grow with the scope.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from conference_tui.export.files import ExportError
from conference_tui.field_kinds import Kind
from conference_tui.store import NotFoundError
from conference_tui.store.export_sql import StudentTally
from conference_tui.store.records import ExportConference, GoalInfo
from conference_tui.store.roster_records import ClassInfo, RosterRow, StudentInfo

if TYPE_CHECKING:
    from conference_tui.store import Store

# Conferences read at once: a few thousand keep memory small and queries few.
BATCH_CONFERENCES = 2000


class Audience(StrEnum):
    """Who the export is for. TEACHER: every note, private ones marked "(private)".
    SHAREABLE: private notes left out, fit for the student and family."""

    TEACHER = "teacher"
    SHAREABLE = "shareable"


# Shown before the teacher confirms an export (the dialog, the command's prompt).
DISCLOSURE_WARNING = (
    "An export is a disclosure of student records. Notes you keep for your own memory "
    "are yours alone; once a file leaves this laptop (shared, emailed, printed, uploaded) "
    "it becomes part of the student's education record, which the student and family may "
    "inspect. Share it only with people entitled to see it, and keep the file safe. The "
    "shareable audience leaves private notes out; the teacher audience includes them."
)


class Per(StrEnum):
    """One file per conference, per student (the default) or per class."""

    CONFERENCE = "conference"
    STUDENT = "student"
    CLASS = "class"


class Format(StrEnum):
    """Markdown (the default) to keep or edit; HTML, a page to open and print."""

    MARKDOWN = "markdown"
    HTML = "html"

    @property
    def suffix(self) -> str:
        return ".md" if self is Format.MARKDOWN else ".html"


class ScopeKind(StrEnum):
    CONFERENCE = "conference"
    STUDENT = "student"
    CLASS = "class"
    ALL = "all"


@dataclass(frozen=True)
class ExportScope:
    """Which conferences to export: build one with the class methods."""

    kind: ScopeKind
    id: str = ""

    @classmethod
    def conference(cls, conference_id: str) -> ExportScope:
        return cls(ScopeKind.CONFERENCE, conference_id)

    @classmethod
    def student(cls, student_id: str) -> ExportScope:
        return cls(ScopeKind.STUDENT, student_id)

    @classmethod
    def school_class(cls, class_id: str) -> ExportScope:
        return cls(ScopeKind.CLASS, class_id)

    @classmethod
    def everything(cls) -> ExportScope:
        return cls(ScopeKind.ALL)


class NotesSource(Protocol):
    """What an export reads: the store, or a file read with the sqlite3 module alone
    (store/export_file_reads.py), which spares a command SQLAlchemy's loading."""

    def today(self) -> date: ...

    def list_classes(self, include_archived: bool = False) -> list[ClassInfo]: ...

    def get_class(self, class_id: str) -> ClassInfo: ...

    def get_student(self, student_id: str) -> StudentInfo: ...

    def roster(
        self, class_id: str | None, *, include_archived: bool = False
    ) -> list[RosterRow]: ...

    def conference_tallies(
        self, student_ids: Sequence[str], *, include_drafts: bool = False
    ) -> dict[str, StudentTally]: ...

    def conferences_of_students(
        self, student_ids: Sequence[str], *, include_drafts: bool = False
    ) -> dict[str, list[ExportConference]]: ...

    def conferences_by_id(self, conference_ids: Sequence[str]) -> dict[str, ExportConference]: ...

    def goal_chains(self, student_ids: Sequence[str]) -> dict[str, list[GoalInfo]]: ...


@dataclass(frozen=True)
class StudentNotes:
    """One student's part of an export: conferences oldest first, and their goal chain."""

    student: StudentInfo
    school_class: ClassInfo
    conferences: tuple[ExportConference, ...]
    goals: tuple[GoalInfo, ...]
    private_goal_ids: frozenset[str] = frozenset()


def find_student(store: Store, id_or_name: str) -> StudentInfo:
    """The one student with this id, or this name or preferred name (ignoring case)."""
    try:
        return store.get_student(id_or_name.strip())
    except NotFoundError:
        pass
    found = store.students_named(id_or_name)
    if not found:
        raise ExportError(f"no student has the id or name “{id_or_name}”.")
    if len(found) > 1:
        classes = {c.id: c.name for c in store.list_classes(include_archived=True)}
        choices = "; ".join(f"{s.name} in {classes.get(s.class_id, '?')}: {s.id}" for s in found)
        raise ExportError(
            f"{len(found)} students are named “{id_or_name}”; give one by id: {choices}."
        )
    return found[0]


def find_class(store: Store, id_or_name: str) -> ClassInfo:
    """The one class with this id or name (ignoring case)."""
    try:
        return store.get_class(id_or_name.strip())
    except NotFoundError:
        pass
    found = store.classes_named(id_or_name)
    if not found:
        raise ExportError(f"no class has the id or name “{id_or_name}”.")
    if len(found) > 1:
        choices = "; ".join(f"{c.name}{' (archived)' if c.archived else ''}: {c.id}" for c in found)
        raise ExportError(
            f"{len(found)} classes are named “{id_or_name}”; give one by id: {choices}."
        )
    return found[0]


@dataclass(frozen=True)
class PlannedStudent:
    """A student whose conferences an export covers, before they are read."""

    student: StudentInfo
    school_class: ClassInfo
    conferences: int
    form_ids: tuple[str, ...]


@dataclass(frozen=True)
class ScopePlan:
    """Who an export covers, by class then name, read before any conference is: enough
    to count the files and to head a class's file. `only_conference` for one."""

    students: tuple[PlannedStudent, ...]
    include_drafts: bool
    only_conference: ExportConference | None = None

    @property
    def conferences(self) -> int:
        return sum(planned.conferences for planned in self.students)


def plan_scope(
    store: NotesSource, scope: ExportScope, *, include_drafts: bool = False
) -> ScopePlan:
    """Every student in the scope who has conferences in it, by class then name.
    One conference is exported whatever its status; otherwise drafts only when asked."""
    try:
        if scope.kind is ScopeKind.CONFERENCE:
            conference = _the_conference(store, scope.id)
            student = store.get_student(conference.student_id)
            planned = PlannedStudent(
                student, store.get_class(student.class_id), 1, (conference.form_id,)
            )
            return ScopePlan((planned,), include_drafts or conference.is_draft, conference)
        if scope.kind is ScopeKind.STUDENT:
            student = store.get_student(scope.id)
            members = [(store.get_class(student.class_id), student)]
        else:
            if scope.kind is ScopeKind.CLASS:
                classes = [store.get_class(scope.id)]
            else:
                classes = store.list_classes(include_archived=True)
            members = [
                (school_class, row.student)
                for school_class in classes
                for row in store.roster(school_class.id, include_archived=True)
            ]
    except NotFoundError as exc:
        raise ExportError(str(exc)) from exc
    tallies = store.conference_tallies(
        [student.id for _, student in members], include_drafts=include_drafts
    )
    return ScopePlan(
        tuple(
            PlannedStudent(student, school_class, tally.conferences, tally.form_ids)
            for school_class, student in members
            if (tally := tallies.get(student.id)) is not None
        ),
        include_drafts,
    )


def _the_conference(store: NotesSource, conference_id: str) -> ExportConference:
    found = store.conferences_by_id([conference_id]).get(conference_id)
    if found is None:
        raise NotFoundError(f"No conference with id {conference_id}: it may have been removed.")
    return found


def _batches(plan: ScopePlan) -> Iterator[list[PlannedStudent]]:
    """Students in runs of about BATCH_CONFERENCES conferences: each run is read at once."""
    batch: list[PlannedStudent] = []
    size = 0
    for planned in plan.students:
        if batch and size + planned.conferences > BATCH_CONFERENCES:
            yield batch
            batch, size = [], 0
        batch.append(planned)
        size += planned.conferences
    if batch:
        yield batch


def _goals(
    chain: Sequence[GoalInfo], setters: Mapping[str, ExportConference], include_drafts: bool
) -> tuple[tuple[GoalInfo, ...], frozenset[str]]:
    """The student's goal chain, without goals set by drafts left out of the export, and
    which goals are private: those whose conference noted its goal answer as private."""
    kept: list[GoalInfo] = []
    private: set[str] = set()
    for goal in chain:
        setter = setters.get(goal.set_by_conference_id or "")
        if setter is not None and setter.is_draft and not include_drafts:
            continue
        answer = setter.answer_of_kind(Kind.GOAL) if setter is not None else None
        if answer is not None and answer.private:
            private.add(goal.id)
        kept.append(goal)
    return tuple(kept), frozenset(private)


def _touching(goals: Sequence[GoalInfo], conference_id: str) -> tuple[GoalInfo, ...]:
    return tuple(
        goal
        for goal in goals
        if conference_id in (goal.set_by_conference_id, goal.closed_by_conference_id)
    )


def read_notes(store: NotesSource, plan: ScopePlan) -> Iterator[StudentNotes]:
    """The planned students' notes, in plan order, read a batch of students at a time
    with a few set-based queries per batch: memory holds one batch, whatever the scope."""
    only = plan.only_conference
    for batch in _batches(plan):
        ids = [planned.student.id for planned in batch]
        if only is not None:
            conferences = {only.student_id: [only]}
        else:
            conferences = store.conferences_of_students(ids, include_drafts=plan.include_drafts)
        chains = store.goal_chains(ids)
        setters = {c.id: c for loaded in conferences.values() for c in loaded}
        missing = {
            goal.set_by_conference_id
            for chain in chains.values()
            for goal in chain
            if goal.set_by_conference_id is not None and goal.set_by_conference_id not in setters
        }
        setters.update(store.conferences_by_id(sorted(missing)))
        for planned in batch:
            found = tuple(conferences.get(planned.student.id, ()))
            if not found:
                continue  # its conferences went between planning and reading
            goals, private = _goals(chains[planned.student.id], setters, plan.include_drafts)
            if only is not None:
                goals = _touching(goals, only.id)
            yield StudentNotes(
                planned.student,
                planned.school_class,
                found,
                goals,
                private & {goal.id for goal in goals},
            )
