"""Adding a whole roster at once, in one transaction, without duplicating anyone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from conference_tui.store.base import StoreBase
from conference_tui.store.clock import Clock
from conference_tui.store.errors import InvalidInputError
from conference_tui.store.models import SchoolClass, Student
from conference_tui.store.names import name_key
from conference_tui.store.text_rules import check_text, clean_name, clean_optional_name


@dataclass(frozen=True)
class RosterEntry:
    """One student to add, with the line of the file it came from (for messages)."""

    line: int
    class_name: str
    name: str
    preferred_name: str = ""
    school_year: str = ""
    interests: str = ""
    strengths: str = ""
    needs: str = ""


@dataclass(frozen=True)
class SkippedEntry:
    entry: RosterEntry
    reason: str


@dataclass
class RosterImportReport:
    """Who was (or, in a dry run, would be) added, who was already there, which classes are new."""

    dry_run: bool
    added: list[RosterEntry] = field(default_factory=list)
    skipped: list[SkippedEntry] = field(default_factory=list)
    new_classes: list[str] = field(default_factory=list)


class RosterImportStore(StoreBase):
    def import_roster(self, entries: Sequence[RosterEntry], *, dry_run: bool) -> RosterImportReport:
        """Add the students, creating classes by name as needed. A student already in
        the class under the same name (archived or not), or twice in `entries`, is
        added once. All or nothing: one transaction."""
        report = RosterImportReport(dry_run=dry_run)
        session_scope = self._read() if dry_run else self._write()
        with session_scope as session:
            classes = _classes_by_name(session)
            names: dict[str, dict[str, int | None]] = {}
            for entry in entries:
                class_name = clean_name(entry.class_name, "class name")
                name = clean_name(entry.name)
                class_key = name_key(class_name)
                school_class = classes.get(class_key)
                if school_class is None:
                    school_class = SchoolClass(
                        name=class_name,
                        school_year=clean_optional_name(entry.school_year, "school year"),
                        created_at=self.clock(),
                        updated_at=self.clock(),
                    )
                    classes[class_key] = school_class
                    report.new_classes.append(class_name)
                    if not dry_run:
                        session.add(school_class)
                        session.flush()
                in_class = names.get(class_key)
                if in_class is None:
                    in_class = _student_names(session, school_class.id)
                    names[class_key] = in_class
                key = name_key(name)
                if key in in_class:
                    earlier = in_class[key]
                    where = f"line {earlier} of this file" if earlier else "the database"
                    report.skipped.append(
                        SkippedEntry(entry, f"already in {school_class.name} ({where})")
                    )
                    continue
                in_class[key] = entry.line
                report.added.append(entry)
                if not dry_run:
                    session.add(_student(entry, name, school_class.id, self.clock))
            if not dry_run:
                session.flush()
        return report


def _classes_by_name(session: Session) -> dict[str, SchoolClass]:
    """Classes by name; a current class wins over an archived one of the same name."""
    found: dict[str, SchoolClass] = {}
    rows = session.scalars(select(SchoolClass).order_by(SchoolClass.archived.desc()))
    for row in rows:
        key = name_key(row.name)
        if key in found and not found[key].archived and not row.archived:
            raise InvalidInputError(
                f"Two classes are named “{row.name}”: rename one before importing into it."
            )
        found[key] = row
    return found


def _student_names(session: Session, class_id: str) -> dict[str, int | None]:
    rows = session.scalars(select(Student.name).where(Student.class_id == class_id))
    return {name_key(name): None for name in rows}


def _student(entry: RosterEntry, name: str, class_id: str, clock: Clock) -> Student:
    now = clock()
    return Student(
        class_id=class_id,
        name=name,
        preferred_name=clean_optional_name(entry.preferred_name, "preferred name"),
        interests=check_text(entry.interests),
        strengths=check_text(entry.strengths),
        needs=check_text(entry.needs),
        created_at=now,
        updated_at=now,
    )
