"""The sample classes behind `conference-tui --demo`, written through the store.

data/demo/classes.toml holds the students and, for each, when they were conferred
with (days before today) and the chain of goals they worked through. This module
turns that into a term of conferences: each one on a day the class meets, at a
believable time, its notes written from data/demo/phrases.toml, and saved field by
field the way the conference screen saves them, with a clock moved along so that
every started, saved and ended time reads like a real school day.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import random
import sqlite3
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

import conference_tui.store as store_package
from conference_tui import __version__, paths, sample_data
from conference_tui.field_kinds import Kind
from conference_tui.forms import Form, load_form
from conference_tui.sample_data import (
    Moment,
    PhraseBook,
    builtin_form,
    compose_compliment,
    compose_notes,
    compose_rubric_check,
    draft_fields,
    load_phrase_book,
    local_time,
    parse_goal_chain,
    plan_student,
    school_day_after,
    school_year,
)
from conference_tui.store import Store
from conference_tui.store.location import head_revision
from conference_tui.store.records import AnswerEdit

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_FOLLOW_UP_DAYS = (7, 7, 10, 14)
# The short conferences beside the writing conferences, by the form they are held with.
COMPLIMENT = "quick-compliment"
RUBRIC_CHECK = "writing-rubric"
GROUP_FORM_FILE = "small-group.toml"
AMENDMENT_NOTE = " Added after class: wants to try this at home over the weekend too."


class DemoClock:
    """The store's clock while the demo is written: set to each moment being replayed."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> None:
        self.now = now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class DemoStudent:
    name: str
    preferred_name: str
    interests: str
    strengths: str
    needs: str
    joined: date
    starting_goal: str
    amended: bool
    rng: random.Random
    id: str = ""
    open_goal_id: str = ""


@dataclass(frozen=True)
class Visit:
    """One conference to replay: who, when, and what it is about."""

    student: DemoStudent
    day: date
    started: datetime
    seconds: int
    moment: Moment
    follow_up_on: date | None
    draft: bool
    amend_at: datetime | None
    # A short conference held with another form (COMPLIMENT, RUBRIC_CHECK), not a
    # writing conference; its place among the student's others of that form.
    held_with: str = ""
    number: int = 0


@dataclass
class DemoClass:
    name: str
    students: list[DemoStudent] = field(default_factory=list)
    id: str = ""


@dataclass(frozen=True)
class GroupVisit:
    """One small-group conference to replay: its members, when, and its notes."""

    members: tuple[DemoStudent, ...]
    started: datetime
    seconds: int
    teaching_point: str
    group_notes: str
    next_steps: tuple[str, ...]


def build_demo_database(path: Path, today: date | None = None, *, cache: bool = True) -> None:
    """Create the demo database at `path` (which must not exist yet).

    The same `today` always gives the same notes, times and goals. Replaying a term
    through the store takes a few seconds, so the result is kept (in this process,
    and in the data folder's demo-cache) and later builds for the same day, zone and
    code are a file copy. `cache=False` always replays.
    """
    if path.exists():
        raise FileExistsError(f"{path} already exists; the demo is always built fresh")
    today = today or date.today()
    if not cache:
        _replay_into(path, today)
        return
    key = demo_fingerprint(today)
    image = _MEMO.get(key) or _read_cache(key)
    if image is None:
        _replay_into(path, today)
        image = path.read_bytes()
        _write_cache(key, image)
    else:
        _write_private(path, image)
    _MEMO[key] = image


def _replay_into(path: Path, today: date) -> None:
    book = load_phrase_book()
    form = builtin_form()
    data = tomllib.loads((paths.demo_dir() / "classes.toml").read_text(encoding="utf-8"))
    classes, visits = plan_demo(data, book, today)
    term_start = min(s.joined for c in classes for s in c.students)
    clock = DemoClock(local_time(term_start, time(7, 45)))
    store = Store.open(str(path), clock=clock)
    try:
        _skip_fsync(store)
        replay = _Replay(store, clock, form)
        with store.in_one_transaction():
            replay.run(classes, visits, today)
            for group in plan_groups(data, classes, today):
                replay.group(group)
    finally:
        store.close()


# -- the cache: a built demo is reused while nothing it depends on has changed -----

_MEMO: dict[str, bytes] = {}
CACHE_FOLDER = "demo-cache"


def demo_fingerprint(today: date) -> str:
    """A digest of everything the demo database depends on: the day, this computer's
    time zone over the term, the demo data and form, and the code that writes them."""
    digest = hashlib.sha256()
    digest.update(today.isoformat().encode())
    for days in range(0, 150, 7):
        offset = datetime.combine(today - timedelta(days=days), time(12)).astimezone().utcoffset()
        digest.update(str(offset).encode())
    sources = [
        paths.demo_dir() / "classes.toml",
        paths.demo_dir() / "phrases.toml",
        *sorted(paths.builtin_forms_dir().glob("*.toml")),
        Path(__file__),
        Path(sample_data.__file__),
        *sorted(Path(store_package.__file__).parent.glob("**/*.py")),
    ]
    for source in sources:
        digest.update(source.read_bytes())
    digest.update(f"{__version__} {head_revision()} {sqlite3.sqlite_version}".encode())
    return digest.hexdigest()[:32]


def _cache_folder() -> Path:
    return paths.data_dir() / CACHE_FOLDER


def _read_cache(key: str) -> bytes | None:
    try:
        return (_cache_folder() / f"{key}.db").read_bytes()
    except OSError:
        return None


def _write_cache(key: str, image: bytes) -> None:
    """Keep the newest build only; a cache that cannot be written is simply skipped."""
    folder = _cache_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for old in folder.glob("*.db"):
            old.unlink()
        partial = folder / f"{key}.partial"
        _write_private(partial, image)
        os.replace(partial, folder / f"{key}.db")
    except OSError:
        return


def _write_private(path: Path, image: bytes) -> None:
    fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(image)


def _skip_fsync(store: Store) -> None:
    """The demo file is thrown away after the session: nothing is lost if a power cut
    interrupts its building, so its writes need not wait for the disk."""

    def no_sync(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA synchronous = OFF")

    event.listen(store.engine, "connect", no_sync)
    store.engine.dispose()


# -- planning: dates and times from day offsets ------------------------------------


def plan_demo(
    data: dict[str, Any], book: PhraseBook, today: date
) -> tuple[list[DemoClass], list[Visit]]:
    """The classes and every conference to replay, oldest first."""
    earliest = max(
        (d for c in data["classes"] for s in c["students"] for d in s.get("conferences", ())),
        default=0,
    )
    term_start = _weekday_on_or_before(today - timedelta(days=earliest + 10), set(WEEKDAYS[:5]))
    classes: list[DemoClass] = []
    visits: list[Visit] = []
    for class_data in data["classes"]:
        meets = set(class_data["meets_on"])
        starts = time.fromisoformat(class_data["conferring_from"])
        demo_class = DemoClass(class_data["name"])
        classes.append(demo_class)
        unscheduled: list[Visit] = []
        for student_data in class_data["students"]:
            student = _student(student_data, today, term_start)
            demo_class.students.append(student)
            unscheduled.extend(_visits(student, student_data, book, today, meets))
        visits.extend(_schedule(demo_class.name, unscheduled, starts))
    visits.sort(key=lambda visit: visit.started)
    return classes, visits


def plan_groups(data: dict[str, Any], classes: list[DemoClass], today: date) -> list[GroupVisit]:
    """The small-group conferences of each class, on a day it meets, after the day's
    conferences with one student (their notes and times are not moved by them)."""
    groups = []
    for class_data, demo_class in zip(data["classes"], classes, strict=True):
        by_name = {student.name: student for student in demo_class.students}
        meets = set(class_data["meets_on"])
        starts = time.fromisoformat(class_data["conferring_from"])
        for group in class_data.get("group_conferences", []):
            day = _weekday_on_or_before(today - timedelta(days=group["days_ago"]), meets)
            rng = random.Random(f"demo:{demo_class.name}:group:{day.isoformat()}")
            groups.append(
                GroupVisit(
                    members=tuple(by_name[name] for name in group["students"]),
                    started=local_time(day, starts) + timedelta(minutes=40 + rng.randrange(0, 5)),
                    seconds=rng.randrange(420, 660),
                    teaching_point=group["teaching_point"],
                    group_notes=group["group_notes"],
                    next_steps=tuple(group["next_steps"]),
                )
            )
    return sorted(groups, key=lambda group: group.started)


def _schedule(class_name: str, visits: list[Visit], starts: time) -> list[Visit]:
    """Give each meeting's conferences their times, one after another, in an order
    that changes from day to day (nobody is always first)."""
    scheduled = []
    for day in sorted({visit.day for visit in visits}):
        rng = random.Random(f"demo:{class_name}:{day.isoformat()}")
        todays = [visit for visit in visits if visit.day == day]
        rng.shuffle(todays)
        # The mini-lesson comes first; conferring starts when the class is writing.
        at = local_time(day, starts) + timedelta(minutes=rng.randrange(0, 12))
        for visit in todays:
            at += timedelta(seconds=rng.randrange(0, 100))
            scheduled.append(dataclasses.replace(visit, started=at))
            at += timedelta(seconds=visit.seconds + rng.randrange(20, 60))
    return scheduled


def _student(data: dict[str, Any], today: date, term_start: date) -> DemoStudent:
    joined = data.get("joined_days_ago")
    return DemoStudent(
        name=data["name"],
        preferred_name=data.get("preferred_name", ""),
        interests=data.get("interests", ""),
        strengths=data.get("strengths", ""),
        needs=data.get("needs", ""),
        joined=today - timedelta(days=joined) if joined is not None else term_start,
        starting_goal=data.get("starting_goal", ""),
        amended=bool(data.get("amended")),
        rng=random.Random(f"demo:{data['name']}"),
    )


def _visits(
    student: DemoStudent,
    data: dict[str, Any],
    book: PhraseBook,
    today: date,
    meets: set[str],
) -> list[Visit]:
    """The student's conferences, each on its day; `_schedule` sets the times."""
    offsets = data.get("conferences", [])
    goals = parse_goal_chain(data.get("goals", []), book)
    pieces = [tuple(p) for p in data.get("pieces", [])]
    moments = plan_student(len(offsets), goals, pieces, book.kind_of_genre)
    rng = student.rng
    visits = []
    last_completed = len(offsets) - (2 if data.get("draft") else 1)
    for moment, offset in zip(moments, offsets, strict=True):
        day = _weekday_on_or_before(today - timedelta(days=offset), meets)
        draft = bool(data.get("draft")) and moment.index == len(offsets) - 1
        follow_days = data.get("follow_up_days") if moment.index == last_completed else None
        follow_up = school_day_after(day, follow_days or rng.choice(DEFAULT_FOLLOW_UP_DAYS))
        amend_at = None
        if student.amended and moment.index == last_completed:
            amend_day = min(school_day_after(day, 1), today)
            amend_at = local_time(amend_day, time(15, 40))
        visits.append(
            Visit(
                student=student,
                day=day,
                started=local_time(day, time(0)),
                seconds=rng.randrange(90, 150) if draft else rng.randrange(170, 400),
                moment=moment,
                follow_up_on=None if draft else follow_up,
                draft=draft,
                amend_at=amend_at,
            )
        )
    writing = list(visits)
    for form_id, setting, length in (
        (COMPLIMENT, "compliments", (70, 110)),
        (RUBRIC_CHECK, "rubric_checks", (200, 320)),
    ):
        for number, offset in enumerate(data.get(setting, [])):
            day = _weekday_on_or_before(today - timedelta(days=offset), meets)
            # About the piece and skill of the writing conference before it.
            before = [visit for visit in writing if visit.day <= day]
            moment = (before[-1] if before else writing[0]).moment
            # Its own generator: the writing conferences' notes stay as they were.
            rng_short = random.Random(f"demo:{student.name}:{form_id}:{offset}")
            visits.append(
                Visit(
                    student=student,
                    day=day,
                    started=local_time(day, time(0)),
                    seconds=rng_short.randrange(*length),
                    moment=moment,
                    follow_up_on=None,
                    draft=False,
                    amend_at=None,
                    held_with=form_id,
                    number=number,
                )
            )
    return visits


def _weekday_on_or_before(day: date, meets: set[str]) -> date:
    while WEEKDAYS[day.weekday()] not in meets:
        day -= timedelta(days=1)
    return day


# -- replay: the conferences, through the store ------------------------------------


class _Replay:
    def __init__(self, store: Store, clock: DemoClock, form: Form) -> None:
        self.store = store
        self.clock = clock
        self.form = form
        self.short_forms = {
            form_id: load_form(paths.builtin_forms_dir() / f"{form_id}.toml")
            for form_id in (COMPLIMENT, RUBRIC_CHECK)
        }
        self.draft_fields = draft_fields(form)
        self.book = load_phrase_book()

    def run(self, classes: list[DemoClass], visits: list[Visit], today: date) -> None:
        for demo_class in classes:
            self.clock.set(local_time(min(s.joined for s in demo_class.students), time(7, 45)))
            demo_class.id = self.store.add_class(demo_class.name, school_year(today)).id
            for student in demo_class.students:
                self.clock.set(local_time(student.joined, time(7, 50)))
                student.id = self.store.add_student(
                    demo_class.id,
                    student.name,
                    student.preferred_name,
                    interests=student.interests,
                    strengths=student.strengths,
                    needs=student.needs,
                ).id
                if student.starting_goal:
                    self.clock.advance(60)
                    self.store.set_goal(student.id, student.starting_goal)
        amendments = []
        for visit in visits:
            conference_id = self.conference(visit)
            if visit.amend_at is not None:
                amendments.append((visit.amend_at, conference_id))
        for when, conference_id in amendments:
            self.amend(when, conference_id)

    def short_conference(self, visit: Visit) -> str:
        """A quick compliment (a strength and a next step, about ninety seconds), or a
        rubric check (the writing rubric, the teacher's levels and the student's own)."""
        store, clock, form = self.store, self.clock, self.short_forms[visit.held_with]
        clock.set(visit.started)
        rng = random.Random(f"demo:{visit.student.name}:{form.id}:{visit.day.isoformat()}")
        if visit.held_with == COMPLIMENT:
            answers = compose_compliment(self.book, visit.moment, rng)
        else:
            answers = compose_rubric_check(self.book, visit.moment, rng, form, visit.number)
        conference_id = store.start_conference(
            visit.student.id, form.id, form.version, form.stages[0].key
        ).id
        clock.advance(visit.seconds / 2)
        fields = {
            key: (stage.key, field.private, kind)
            for stage in form.stages
            for field in stage.fields
            for key, kind in field.answer_keys()
        }
        edits = [
            AnswerEdit(stage_key, key, value, private, kind)
            for key, value in answers.items()
            for stage_key, private, kind in [fields[key]]
        ]
        store.save_answers(conference_id, edits)
        clock.set(visit.started + timedelta(seconds=visit.seconds))
        store.complete_conference(conference_id)
        return conference_id

    def group(self, visit: GroupVisit) -> None:
        """A small-group conference: the group's notes in every member's conference,
        each member's own next step in theirs."""
        store, clock = self.store, self.clock
        form = load_form(paths.builtin_forms_dir() / GROUP_FORM_FILE)
        clock.set(visit.started)
        group = store.start_group_conference(
            [member.id for member in visit.members], form.id, form.version, form.stages[0].key
        )
        clock.advance(visit.seconds / 2)
        own = dict(zip((m.id for m in visit.members), visit.next_steps, strict=True))
        shared = {"teaching_point": visit.teaching_point, "group_notes": visit.group_notes}
        for member in group.members:
            answers = {**shared, "next_step": own[member.student.id]}
            store.save_answers(
                member.conference.id,
                [
                    AnswerEdit(form.stage_of(key).key, key, value, field.private, field.kind)
                    for key, value in answers.items()
                    for field in [form.field(key)]
                ],
            )
        clock.set(visit.started + timedelta(seconds=visit.seconds))
        store.complete_group_conference(group.group_id)

    def conference(self, visit: Visit) -> str:
        if visit.held_with:
            return self.short_conference(visit)
        store, clock, student = self.store, self.clock, visit.student
        clock.set(visit.started)
        first_stage = self.form.stages[0].key
        conference_id = store.start_conference(
            student.id, self.form.id, self.form.version, first_stage
        ).id
        answers, habits = compose_notes(self.book, visit.moment, student.rng, visit.follow_up_on)
        if visit.draft:
            answers = {k: v for k, v in answers.items() if k in self.draft_fields}
            habits = []
        step = visit.seconds / (len(answers) + len(habits) + 2)
        where = (first_stage, "")
        # Saved in batches, as the conference screen's autosave does: a transaction a
        # field made the first launch of --demo wait seconds longer.
        batch: list[AnswerEdit] = []
        for stage in self.form.stages:
            for form_field in stage.fields:
                if form_field.kind == Kind.GOAL and not visit.draft:
                    self.close_goal(visit, conference_id)
                if form_field.kind == Kind.HABITS and habits:
                    clock.advance(step)
                    store.set_habits(conference_id, habits)
                value = answers.get(form_field.key)
                if not value:
                    continue
                clock.advance(step)
                batch.append(
                    AnswerEdit(
                        stage.key, form_field.key, value, form_field.private, form_field.kind
                    )
                )
                where = (stage.key, form_field.key)
                if form_field.kind == Kind.GOAL:
                    store.save_answers(conference_id, batch)
                    batch = []
                    student.open_goal_id = next(
                        g.id
                        for g in store.goals_touching(conference_id)
                        if g.set_by_conference_id == conference_id
                    )
        if batch:
            store.save_answers(conference_id, batch)
        clock.set(visit.started + timedelta(seconds=visit.seconds))
        if visit.draft:
            # Where the teacher stopped, so that the draft reopens there.
            store.save_progress(conference_id, where[0], where[1], visit.seconds)
        else:
            store.complete_conference(conference_id)
        return conference_id

    def close_goal(self, visit: Visit, conference_id: str) -> None:
        student = visit.student
        if visit.moment.closes_status and student.open_goal_id:
            self.clock.advance(5)
            self.store.update_goal_status(
                student.open_goal_id, visit.moment.closes_status, conference_id
            )
            student.open_goal_id = ""

    def amend(self, when: datetime, conference_id: str) -> None:
        """The teacher reopens a finished conference to add a thought after class."""
        self.clock.set(when)
        conference = self.store.begin_amendment(conference_id)
        self.clock.advance(40)
        field = self.form.field_of_kind(Kind.NEXT_STEP)
        assert field is not None  # the demo's own form has one
        value = (conference.value(field.key) + AMENDMENT_NOTE).strip()
        self.store.save_answer(
            conference_id,
            self.form.stage_of(field.key).key,
            field.key,
            value,
            field.private,
            field.kind,
        )


__all__ = ["DemoClock", "build_demo_database", "demo_fingerprint", "plan_demo"]
