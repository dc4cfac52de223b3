"""Small-group conferences: one conference per member, joined by a group id.

Each member keeps a conference of their own, so that their history, the roster's last
seen, search, exports and archives read a group conference as any other. What the
group shares (the teaching point, the group's notes) is written to every member's
conference; each member's own goal, next step and follow-up to theirs alone, so that
one student's export holds no other member's own notes, by construction.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from conference_tui.store.base import StoreBase, require
from conference_tui.store.conferences import conference_infos
from conference_tui.store.errors import InvalidInputError, NotFoundError
from conference_tui.store.models import (
    Answer,
    Conference,
    Goal,
    HabitObservation,
    Student,
    new_id,
)
from conference_tui.store.names import family_name_key
from conference_tui.store.records import GroupConferenceInfo, GroupMember
from conference_tui.store.roster import student_info
from conference_tui.store.roster_records import ConferenceStatus

# A small group: more is a lesson to the class, fewer a conference with one student.
GROUP_SIZE_MIN = 2
GROUP_SIZE_MAX = 8


def group_size_problem(count: int) -> str:
    """Why `count` students cannot meet as a small group; "" when they can."""
    if GROUP_SIZE_MIN <= count <= GROUP_SIZE_MAX:
        return ""
    return (
        f"A small-group conference is for {GROUP_SIZE_MIN} to {GROUP_SIZE_MAX} students, "
        f"not {count}."
    )


class GroupConferenceStore(StoreBase):
    def start_group_conference(
        self,
        student_ids: Sequence[str],
        form_id: str,
        form_version: int,
        first_stage: str = "",
    ) -> GroupConferenceInfo:
        """Open a small-group draft of this form: one conference per student, all with
        one group id. The same students' open group draft of this form is returned
        instead. Refused (InvalidInputError, worded for the teacher) for fewer than 2 or
        more than 8 students, an archived student, or a student who has another draft of
        this form open (one draft per student and form)."""
        wanted = list(dict.fromkeys(student_ids))
        problem = group_size_problem(len(wanted))
        if problem:
            raise InvalidInputError(problem)
        now = self.clock()
        with self._write() as session:
            students = [require(session.get(Student, sid), "student", sid) for sid in wanted]
            for student in students:
                if student.archived:
                    raise InvalidInputError(
                        f"{student_info(student).display_name} is archived: bring them back "
                        "(D on the roster) or leave them out of the group."
                    )
            drafts = {
                row.student_id: row
                for row in session.scalars(
                    select(Conference).where(
                        Conference.student_id.in_(wanted),
                        Conference.form_id == form_id,
                        Conference.status == ConferenceStatus.DRAFT,
                    )
                )
            }
            group_ids = {row.group_id for row in drafts.values()}
            if len(drafts) == len(wanted) and len(group_ids) == 1 and None not in group_ids:
                (group_id,) = group_ids
                assert group_id is not None
                if set(self._member_ids(session, group_id)) == set(wanted):
                    return self._group(session, group_id)
            for student in students:
                draft = drafts.get(student.id)
                if draft is not None:
                    name = student_info(student).display_name
                    where = "another small group's draft" if draft.group_id else "a draft"
                    raise InvalidInputError(
                        f"{name} has {where} of this form open: n on the roster reopens it. "
                        "Complete it (ctrl+s) or leave it empty, then start the group."
                    )
            group_id = new_id()
            session.add_all(
                Conference(
                    student_id=student.id,
                    form_id=form_id,
                    form_version=form_version,
                    status=ConferenceStatus.DRAFT,
                    started_at=now,
                    updated_at=now,
                    current_stage=first_stage,
                    group_id=group_id,
                )
                for student in students
            )
            session.flush()
            return self._group(session, group_id)

    def group_conference(self, group_id: str) -> GroupConferenceInfo:
        """Every member's conference of a small group, members by family name."""
        with self._read() as session:
            return self._group(session, group_id)

    def _group(self, session: Session, group_id: str) -> GroupConferenceInfo:
        rows = list(
            session.scalars(
                select(Conference).where(Conference.group_id == group_id).order_by(Conference.id)
            )
        )
        if not rows:
            raise NotFoundError("This small-group conference is not in the database any more.")
        students = {
            row.id: student_info(row)
            for row in session.scalars(
                select(Student).where(Student.id.in_([row.student_id for row in rows]))
            )
        }
        members = [
            GroupMember(students[conference.student_id], conference)
            for conference in conference_infos(session, rows)
        ]
        members.sort(key=lambda member: family_name_key(member.student.name))
        return GroupConferenceInfo(group_id, tuple(members))

    @staticmethod
    def _member_ids(session: Session, group_id: str) -> list[str]:
        return list(
            session.scalars(select(Conference.student_id).where(Conference.group_id == group_id))
        )

    def group_member_names(self, conference_id: str) -> list[str]:
        """The other members of the small group a conference was held with, by family
        name (for the teacher's history); empty for a conference with one student."""
        with self._read() as session:
            row = require(session.get(Conference, conference_id), "conference", conference_id)
            if row.group_id is None:
                return []
            others = session.scalars(
                select(Student)
                .join(Conference, Conference.student_id == Student.id)
                .where(Conference.group_id == row.group_id, Conference.id != row.id)
            )
            names = [student_info(student) for student in others]
        names.sort(key=lambda student: family_name_key(student.name))
        return [student.display_name for student in names]

    def complete_group_conference(self, group_id: str) -> GroupConferenceInfo:
        """Complete every member's draft of the group in one transaction (a member
        archived meanwhile too: their notes are kept, as any archived student's)."""
        now = self.clock()
        with self._write() as session:
            rows = session.scalars(
                select(Conference).where(
                    Conference.group_id == group_id,
                    Conference.status == ConferenceStatus.DRAFT,
                )
            )
            for row in rows:
                row.status = ConferenceStatus.COMPLETE
                row.ended_at = now
                row.updated_at = now
                row.editor_id = ""
                row.editor_seen_at = None
            session.flush()
            return self._group(session, group_id)

    def leave_group_conference(self, group_id: str, editor_id: str) -> bool:
        """The teacher left the group's draft: deleted if nothing at all was written in
        any member's conference (returns True), else kept whole for `n` to reopen."""
        with self._write() as session:
            rows = list(
                session.scalars(
                    select(Conference).where(
                        Conference.group_id == group_id,
                        Conference.status == ConferenceStatus.DRAFT,
                    )
                )
            )
            ids = [row.id for row in rows]
            if not ids:
                return False
            written = session.scalar(
                select(func.count())
                .select_from(Answer)
                .where(Answer.conference_id.in_(ids), Answer.value != "")
            )
            habits = session.scalar(
                select(func.count())
                .select_from(HabitObservation)
                .where(HabitObservation.conference_id.in_(ids))
            )
            closed = session.scalar(
                select(func.count()).select_from(Goal).where(Goal.closed_by_conference_id.in_(ids))
            )
            if written or habits or closed:
                for row in rows:
                    if row.editor_id == editor_id:
                        row.editor_id = ""
                        row.editor_seen_at = None
                return False
            session.execute(delete(Answer).where(Answer.conference_id.in_(ids)))
            session.execute(delete(Goal).where(Goal.set_by_conference_id.in_(ids)))
            for row in rows:
                session.delete(row)
            return True
