"""The status of a class: the weeks grid, who waited longest, habits and goals met."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from typing import TYPE_CHECKING

from conference_tui.store import Store
from conference_tui.store.roster_records import ClassInfo

if TYPE_CHECKING:
    from tests.conftest import FakeClock
    from tests.store.conftest import ConferenceMaker


def test_weeks_grid_waiting_order_habits_and_goals_by_month(
    store: Store, clock: FakeClock, klass: ClassInfo, finished_conference: ConferenceMaker
) -> None:
    other_class = store.add_class("Year 8", "")
    amara = store.add_student(klass.id, "Amara Okafor")
    ben = store.add_student(klass.id, "Ben Adeyemi")
    never = store.add_student(klass.id, "Zoë Never")
    gone = store.add_student(klass.id, "Archived Ann")
    elsewhere = store.add_student(other_class.id, "Other Olu")
    start = clock()  # a Monday at noon UTC

    clock.set(start - timedelta(weeks=10))  # before the window: counts for "last seen"
    finished_conference(ben.id, goal="Use dialogue", habits=("Persisting",))
    clock.set(start - timedelta(weeks=2))
    finished_conference(amara.id, goal="Show feelings", habits=("Persisting",))
    clock.set(start - timedelta(weeks=2, days=-1))
    finished_conference(amara.id, habits=("Questioning",))
    finished_conference(elsewhere.id, habits=("Persisting",))
    finished_conference(gone.id)
    clock.set(start)
    latest = finished_conference(amara.id, habits=("Persisting", "Questioning"))
    finished_conference(amara.id, complete=False)  # a draft is not a conference held
    [goal] = store.active_goals(amara.id)
    store.update_goal_status(goal.id, "met", latest.id)
    store.archive_student(gone.id)

    status = store.class_status(klass.id, weeks=4, months=3)

    assert status.week_starts[-1] == clock.local_today() - timedelta(
        days=clock.local_today().weekday()
    )
    assert [b - a for a, b in pairwise(status.week_starts)] == [timedelta(weeks=1)] * 3
    by_name = {s.roster.student.name: s.per_week for s in status.students}
    assert by_name == {
        "Zoë Never": (0, 0, 0, 0),
        "Ben Adeyemi": (0, 0, 0, 0),
        "Amara Okafor": (0, 2, 0, 1),
    }
    # Never seen first, then the longest wait.
    assert [s.roster.student.name for s in status.students] == [
        "Zoë Never",
        "Ben Adeyemi",
        "Amara Okafor",
    ]
    assert [s.roster.student.name for s in status.not_seen] == ["Zoë Never", "Ben Adeyemi"]
    assert status.per_week == (0, 2, 0, 1)
    assert [(h.habit, h.times, h.students) for h in status.habits] == [
        ("Persisting", 3, 2),
        ("Questioning", 2, 1),
    ]
    # Set in February, met in March; Ben's goal was set before the window.
    assert [(m.month.month, m.set, m.met) for m in status.months] == [
        (1, 0, 0),
        (2, 1, 0),
        (3, 0, 1),
    ]
    assert never.id == status.students[0].roster.student.id


def test_an_empty_class_has_an_empty_status(store: Store, klass: ClassInfo) -> None:
    status = store.class_status(klass.id)
    assert status.students == () and status.habits == ()
    assert len(status.week_starts) == 8 and len(status.months) == 6
    assert status.per_week == ()
