"""Classes and students: the roster and who is due for a conference."""

from __future__ import annotations

from sqlalchemy import select

from conference_tui.store.base import StoreBase, require
from conference_tui.store.models import SchoolClass, Student
from conference_tui.store.names import family_name_key, name_key
from conference_tui.store.roster_reads import DEFAULT_DUE_AFTER_DAYS, read_classes, read_roster
from conference_tui.store.roster_records import ClassInfo, RosterRow, StudentInfo
from conference_tui.store.text_rules import check_text, clean_name, clean_optional_name


def class_info(row: SchoolClass, student_count: int = 0) -> ClassInfo:
    return ClassInfo(
        row.id, row.name, row.school_year, row.archived, student_count, row.default_form
    )


def student_info(row: Student) -> StudentInfo:
    return StudentInfo(
        id=row.id,
        class_id=row.class_id,
        name=row.name,
        preferred_name=row.preferred_name,
        interests=row.interests,
        strengths=row.strengths,
        needs=row.needs,
        archived=row.archived,
    )


class RosterStore(StoreBase):
    # -- classes -----------------------------------------------------------------

    def add_class(self, name: str, school_year: str = "") -> ClassInfo:
        now = self.clock()
        row = SchoolClass(
            name=clean_name(name, "class name"),
            school_year=clean_optional_name(school_year, "school year"),
            created_at=now,
            updated_at=now,
        )
        with self._write() as session:
            session.add(row)
            session.flush()
            return class_info(row)

    def rename_class(self, class_id: str, name: str, school_year: str | None = None) -> ClassInfo:
        with self._write() as session:
            row = require(session.get(SchoolClass, class_id), "class", class_id)
            row.name = clean_name(name, "class name")
            if school_year is not None:
                row.school_year = clean_optional_name(school_year, "school year")
            row.updated_at = self.clock()
            session.flush()
            return class_info(row)

    def archive_class(self, class_id: str, archived: bool = True) -> None:
        with self._write() as session:
            row = require(session.get(SchoolClass, class_id), "class", class_id)
            row.archived = archived
            row.updated_at = self.clock()

    def set_class_form(self, class_id: str, form_id: str) -> ClassInfo:
        """The form `n` starts for this class from now on ("" for the app's default)."""
        with self._write() as session:
            row = require(session.get(SchoolClass, class_id), "class", class_id)
            row.default_form = form_id
            row.updated_at = self.clock()
            session.flush()
            return class_info(row)

    def list_classes(self, include_archived: bool = False) -> list[ClassInfo]:
        """Classes by name, with how many current students each holds."""
        with self._read() as session:
            return read_classes(self._run_sql(session), include_archived)

    def get_class(self, class_id: str) -> ClassInfo:
        with self._read() as session:
            return class_info(require(session.get(SchoolClass, class_id), "class", class_id))

    # -- students ----------------------------------------------------------------

    def add_student(
        self,
        class_id: str,
        name: str,
        preferred_name: str = "",
        *,
        interests: str = "",
        strengths: str = "",
        needs: str = "",
    ) -> StudentInfo:
        now = self.clock()
        row = Student(
            class_id=class_id,
            name=clean_name(name),
            preferred_name=clean_optional_name(preferred_name, "preferred name"),
            interests=check_text(interests),
            strengths=check_text(strengths),
            needs=check_text(needs),
            created_at=now,
            updated_at=now,
        )
        with self._write() as session:
            require(session.get(SchoolClass, class_id), "class", class_id)
            session.add(row)
            session.flush()
            return student_info(row)

    def add_student_to_class_named(
        self, class_name: str, name: str, preferred_name: str = ""
    ) -> StudentInfo:
        """Add a student to the current class of this name (ignoring case and spacing),
        creating the class when there is none: a teacher's first student and first
        class in one step. One transaction: both or neither."""
        class_name = clean_name(class_name, "class name")
        now = self.clock()
        student = Student(
            class_id="",
            name=clean_name(name),
            preferred_name=clean_optional_name(preferred_name, "preferred name"),
            created_at=now,
            updated_at=now,
        )
        with self._write() as session:
            current = session.scalars(select(SchoolClass).where(~SchoolClass.archived))
            school_class = next(
                (c for c in current if name_key(c.name) == name_key(class_name)), None
            )
            if school_class is None:
                school_class = SchoolClass(name=class_name, created_at=now, updated_at=now)
                session.add(school_class)
                session.flush()
            student.class_id = school_class.id
            session.add(student)
            session.flush()
            return student_info(student)

    def update_student(
        self,
        student_id: str,
        *,
        name: str | None = None,
        preferred_name: str | None = None,
        class_id: str | None = None,
        interests: str | None = None,
        strengths: str | None = None,
        needs: str | None = None,
    ) -> StudentInfo:
        """Change only the fields given."""
        with self._write() as session:
            row = require(session.get(Student, student_id), "student", student_id)
            if name is not None:
                row.name = clean_name(name)
            if preferred_name is not None:
                row.preferred_name = clean_optional_name(preferred_name, "preferred name")
            if class_id is not None:
                require(session.get(SchoolClass, class_id), "class", class_id)
                row.class_id = class_id
            if interests is not None:
                row.interests = check_text(interests)
            if strengths is not None:
                row.strengths = check_text(strengths)
            if needs is not None:
                row.needs = check_text(needs)
            row.updated_at = self.clock()
            session.flush()
            return student_info(row)

    def archive_student(self, student_id: str, archived: bool = True) -> None:
        """Hide a student from the roster; their notes stay (never hard-deleted from the UI)."""
        with self._write() as session:
            row = require(session.get(Student, student_id), "student", student_id)
            row.archived = archived
            row.updated_at = self.clock()

    def archived_students(self, class_id: str | None) -> list[StudentInfo]:
        """The archived students of a class (of every class when None), by family name:
        the ones `archive_student(id, archived=False)` can bring back."""
        query = select(Student).where(Student.archived)
        if class_id is not None:
            query = query.where(Student.class_id == class_id)
        with self._read() as session:
            rows = [student_info(row) for row in session.scalars(query)]
        return sorted(rows, key=lambda student: family_name_key(student.name))

    def get_student(self, student_id: str) -> StudentInfo:
        with self._read() as session:
            return student_info(require(session.get(Student, student_id), "student", student_id))

    def roster(
        self,
        class_id: str | None,
        *,
        include_archived: bool = False,
        due_after_days: int = DEFAULT_DUE_AFTER_DAYS,
    ) -> list[RosterRow]:
        """One row per student of a class (all classes when None), sorted by name."""
        with self._read() as session:
            return read_roster(
                self._run_sql(session),
                class_id,
                self.today(),
                include_archived=include_archived,
                due_after_days=due_after_days,
            )
