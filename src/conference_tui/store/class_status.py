"""The status of a class: who was conferred with in each of the last weeks, who has
waited longest, the habits noticed across the class and the goals met month by month.

Weeks and months are the teacher's local ones (times are stored in UTC). Everything is
read in four small queries bounded by the class and the window, whatever the size of
the database.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from conference_tui.store.base import StoreBase
from conference_tui.store.models import Conference, Goal, HabitObservation, Student
from conference_tui.store.roster_reads import DEFAULT_DUE_AFTER_DAYS, read_roster
from conference_tui.store.roster_records import ConferenceStatus, GoalStatus, RosterRow

DEFAULT_WEEKS = 8
DEFAULT_MONTHS = 6


@dataclass(frozen=True)
class StudentWeeks:
    """One student's row of the grid: completed conferences in each week, oldest first."""

    roster: RosterRow
    per_week: tuple[int, ...]


@dataclass(frozen=True)
class ClassHabit:
    habit: str
    times: int
    students: int


@dataclass(frozen=True)
class MonthOfGoals:
    month: date  # the first day of the month
    set: int
    met: int


@dataclass(frozen=True)
class ClassStatus:
    class_id: str
    week_starts: tuple[date, ...]  # Mondays, oldest first; the last is this week
    students: tuple[StudentWeeks, ...]  # longest waiting first (never seen at the top)
    habits: tuple[ClassHabit, ...]  # most often noticed first
    months: tuple[MonthOfGoals, ...]  # oldest first; the last is this month

    @property
    def per_week(self) -> tuple[int, ...]:
        """Conferences held in each week across the class."""
        return tuple(
            sum(column) for column in zip(*(s.per_week for s in self.students), strict=True)
        )

    @property
    def not_seen(self) -> tuple[StudentWeeks, ...]:
        """Students with no conference in the whole window, longest waiting first."""
        return tuple(s for s in self.students if not any(s.per_week))


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def months_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def local_day(moment: datetime) -> date:
    return moment.astimezone().date()


def utc_midnight(day: date) -> datetime:
    """The UTC moment the teacher's local `day` begins."""
    return datetime.combine(day, time()).astimezone().astimezone(UTC)


def waiting_order(row: RosterRow) -> tuple[int, str]:
    days = row.days_since_last_conference
    return (-(days if days is not None else 10**6), row.student.display_name.casefold())


class ClassStatusStore(StoreBase):
    def class_status(
        self,
        class_id: str,
        *,
        weeks: int = DEFAULT_WEEKS,
        months: int = DEFAULT_MONTHS,
        due_after_days: int = DEFAULT_DUE_AFTER_DAYS,
    ) -> ClassStatus:
        """The class's picture for spreading time fairly: see the module docstring."""
        today = self.today()
        week_starts = tuple(week_start(today) - timedelta(weeks=n) for n in range(weeks))[::-1]
        month_starts = tuple(months_back(month_start(today), n) for n in range(months))[::-1]
        since_week = utc_midnight(week_starts[0])
        since_month = utc_midnight(month_starts[0])
        in_class = select(Student.id).where(
            Student.class_id == class_id, Student.archived.is_(False)
        )
        held = select(Conference.student_id, Conference.started_at).where(
            Conference.student_id.in_(in_class),
            Conference.status == ConferenceStatus.COMPLETE,
            Conference.started_at >= since_week,
        )
        habits = (
            select(
                HabitObservation.habit,
                func.count(),
                func.count(func.distinct(Conference.student_id)),
            )
            .join(Conference, Conference.id == HabitObservation.conference_id)
            .where(
                Conference.student_id.in_(in_class),
                Conference.status == ConferenceStatus.COMPLETE,
            )
            .group_by(HabitObservation.habit)
        )
        goals = select(Goal.set_at, Goal.status, Goal.closed_at).where(
            Goal.student_id.in_(in_class),
            (Goal.set_at >= since_month) | (Goal.closed_at >= since_month),
        )
        with self._read() as session:
            roster = read_roster(
                self._run_sql(session), class_id, today, due_after_days=due_after_days
            )
            held_rows = session.execute(held).all()
            habit_rows = session.execute(habits).all()
            goal_rows = session.execute(goals).all()

        counts: dict[str, Counter[date]] = defaultdict(Counter)
        for student_id, started_at in held_rows:
            counts[student_id][week_start(local_day(started_at))] += 1
        students = tuple(
            StudentWeeks(row, tuple(counts[row.student.id][week] for week in week_starts))
            for row in sorted(roster, key=waiting_order)
        )
        set_in: Counter[date] = Counter()
        met_in: Counter[date] = Counter()
        for set_at, status, closed_at in goal_rows:
            set_in[month_start(local_day(set_at))] += 1
            if status == GoalStatus.MET and closed_at is not None:
                met_in[month_start(local_day(closed_at))] += 1
        return ClassStatus(
            class_id=class_id,
            week_starts=week_starts,
            students=students,
            habits=tuple(
                ClassHabit(habit, int(times), int(students))
                for habit, times, students in sorted(habit_rows, key=lambda r: (-r[1], r[0]))
            ),
            months=tuple(MonthOfGoals(m, set_in[m], met_in[m]) for m in month_starts),
        )
