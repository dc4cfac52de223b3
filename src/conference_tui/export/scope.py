"""What an export covers, and reading it through the store.

The scope says which conferences (one, a student's, a class's, everything); the
audience says which notes (the teacher's: all; shareable: private ones left out);
`per` says how they are cut into files. Reading is done here, once, into plain
`StudentNotes`, so that rendering never touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conference_tui.export.files import ExportError
from conference_tui.store import NotFoundError, Store
from conference_tui.store.records import ClassInfo, ConferenceInfo, GoalInfo, StudentInfo

GOAL_FIELD = "goal"


class Audience(StrEnum):
    """Who the export is for. TEACHER: every note, private ones marked "(private)".
    SHAREABLE: private notes left out, fit for the student and family."""

    TEACHER = "teacher"
    SHAREABLE = "shareable"


class Per(StrEnum):
    """One file per conference, per student (the default) or per class."""

    CONFERENCE = "conference"
    STUDENT = "student"
    CLASS = "class"


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


@dataclass(frozen=True)
class StudentNotes:
    """One student's part of an export: conferences oldest first, and their goal chain."""

    student: StudentInfo
    school_class: ClassInfo
    conferences: tuple[ConferenceInfo, ...]
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


def _goals(
    store: Store, student_id: str, conferences: tuple[ConferenceInfo, ...], include_drafts: bool
) -> tuple[tuple[GoalInfo, ...], frozenset[str]]:
    """The student's goal chain, without goals set by drafts left out of the export, and
    which goals are private: those whose conference noted its goal answer as private."""
    loaded = {conference.id: conference for conference in conferences}
    kept: list[GoalInfo] = []
    private: set[str] = set()
    for goal in store.goal_chain(student_id):
        setter = None
        if goal.set_by_conference_id is not None:
            setter = loaded.get(goal.set_by_conference_id)
            if setter is None:
                try:
                    setter = store.get_conference(goal.set_by_conference_id)
                except NotFoundError:
                    setter = None
        if setter is not None and setter.is_draft and not include_drafts:
            continue
        answer = setter.answers.get(GOAL_FIELD) if setter is not None else None
        if answer is not None and answer.private:
            private.add(goal.id)
        kept.append(goal)
    return tuple(kept), frozenset(private)


def _student_notes(
    store: Store,
    student: StudentInfo,
    school_class: ClassInfo,
    include_drafts: bool,
    only_conference: ConferenceInfo | None = None,
) -> StudentNotes | None:
    if only_conference is not None:
        conferences: tuple[ConferenceInfo, ...] = (only_conference,)
        include_drafts = include_drafts or only_conference.is_draft
    else:
        conferences = tuple(store.student_conferences(student.id, include_drafts=include_drafts))
    if not conferences:
        return None
    goals, private = _goals(store, student.id, conferences, include_drafts)
    if only_conference is not None:
        touching = {only_conference.id}
        goals = tuple(
            g
            for g in goals
            if g.set_by_conference_id in touching or g.closed_by_conference_id in touching
        )
    return StudentNotes(student, school_class, conferences, goals, private & {g.id for g in goals})


def gather(store: Store, scope: ExportScope, *, include_drafts: bool = False) -> list[StudentNotes]:
    """Every student in the scope who has conferences in it, by class then name.
    One conference is exported whatever its status; otherwise drafts only when asked."""
    try:
        if scope.kind is ScopeKind.CONFERENCE:
            conference = store.get_conference(scope.id)
            student = store.get_student(conference.student_id)
            notes = _student_notes(
                store, student, store.get_class(student.class_id), include_drafts, conference
            )
            return [notes] if notes else []
        if scope.kind is ScopeKind.STUDENT:
            student = store.get_student(scope.id)
            notes = _student_notes(
                store, student, store.get_class(student.class_id), include_drafts
            )
            return [notes] if notes else []
        if scope.kind is ScopeKind.CLASS:
            classes = [store.get_class(scope.id)]
        else:
            classes = store.list_classes(include_archived=True)
    except NotFoundError as exc:
        raise ExportError(str(exc)) from exc
    gathered: list[StudentNotes] = []
    for school_class in classes:
        for row in store.roster(school_class.id, include_archived=True):
            notes = _student_notes(store, row.student, school_class, include_drafts)
            if notes is not None:
                gathered.append(notes)
    return gathered
