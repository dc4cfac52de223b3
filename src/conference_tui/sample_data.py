"""Realistic conference notes, composed from data/demo/phrases.toml, for the demo class,
the tests and the benchmarks.

A student's year is planned as a chain of goals (the feedback spiral): each
conference reviews the goal before it, may close it (met, revised, dropped) and
set the next one, and its notes (teaching point, next step, quotes...) follow the
skill being worked on. `plan_student` lays that out, `compose_notes` writes one
conference's answers, and `generate_database` writes many thousands of them at
once for scale tests.

Everything here is deterministic: the same seed and "today" give the same text.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import operator
import pickle
import random
import subprocess
import sys
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Dialect

from conference_tui import paths
from conference_tui.field_kinds import RubricPart, rubric_answer_key
from conference_tui.forms import HABITS_OF_MIND, Form, load_form

FORM_FILE = "writing-conference.toml"
PROCESS_STAGES = ("rehearsal", "drafting", "revising", "editing", "publishing")
CLOSING_STATUSES = ("met", "revised", "dropped")
CRITERIA = ("focus", "structure", "detail", "voice", "conventions")
TAUGHT_HOW = (("one-to-one", 10), ("demonstration", 4), ("guided practice", 3), ("small group", 1))
# A draft left mid-conference stops after these stages.
DRAFT_STAGES = ("clarify", "plan", "act")


# -- the phrase book ---------------------------------------------------------------


@dataclass(frozen=True)
class Skill:
    """One writing skill a goal can be about, with what a teacher notes while teaching it."""

    key: str
    criterion: str
    goal: str
    revised_goal: str
    help_requests: tuple[str, ...]
    plans: tuple[str, ...]
    research_notes: tuple[str, ...]
    quotes: tuple[str, ...]
    teaching_points: tuple[str, ...]
    next_steps: tuple[str, ...]
    progress: tuple[str, ...]
    met: tuple[str, ...]
    evidence: tuple[str, ...]
    habits: tuple[str, ...]
    kinds: tuple[str, ...] = ()  # kinds of writing it belongs to; empty: any


@dataclass(frozen=True)
class PhraseBook:
    skills: dict[str, Skill]
    strengths: dict[str, tuple[str, ...]]
    self_assessment: dict[str, tuple[str, ...]]
    purposes: dict[str, tuple[str, ...]]
    goal_review: dict[str, tuple[str, ...]]
    teacher_notes: tuple[str, ...]
    quotes: tuple[str, ...]
    first_names: tuple[str, ...]
    family_names: tuple[str, ...]
    pieces: dict[str, tuple[str, ...]]
    kind_of_genre: dict[str, str]


def _texts(table: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    return {key: tuple(values) for key, values in table.items()}


@functools.cache
def load_phrase_book(path: Path | None = None) -> PhraseBook:
    """The phrase pools, checked: every skill's criterion and habits must be real ones."""
    source = path or paths.demo_dir() / "phrases.toml"
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    skills = {}
    for key, table in data["skills"].items():
        fields: dict[str, Any] = {
            name: tuple(v) if isinstance(v, list) else v for name, v in table.items()
        }
        skill = Skill(key=key, **fields)
        if skill.criterion not in CRITERIA:
            raise ValueError(f"{source}: skill {key!r} has unknown criterion {skill.criterion!r}")
        unknown = set(skill.habits) - set(HABITS_OF_MIND)
        if unknown:
            raise ValueError(f"{source}: skill {key!r} names unknown habits {sorted(unknown)}")
        if set(skill.kinds) - set(data["kinds"]):
            raise ValueError(f"{source}: skill {key!r} has unknown kinds {skill.kinds}")
        skills[key] = skill
    return PhraseBook(
        skills=skills,
        strengths=_texts(data["strengths"]),
        self_assessment=_texts(data["self_assessment"]),
        purposes=_texts(data["purposes"]),
        goal_review=_texts(data["goal_review"]),
        teacher_notes=tuple(data["teacher_notes"]["notes"]),
        quotes=tuple(data["quotes"]["general"]),
        first_names=tuple(data["names"]["first"]),
        family_names=tuple(data["names"]["family"]),
        pieces=_texts(data["pieces"]),
        kind_of_genre={g: kind for kind, genres in data["kinds"].items() for g in genres},
    )


@functools.cache
def builtin_form() -> Form:
    """The shipped writing-conference form (never a teacher's override): stages and privacy."""
    return load_form(paths.builtin_forms_dir() / FORM_FILE)


# -- a student's year: the goal chain and the pieces -------------------------------


@dataclass(frozen=True)
class Moment:
    """Where one conference sits in a student's story; its notes are written from this."""

    index: int
    skill: Skill  # the skill the conference teaches toward
    round: int  # how many conferences on this skill came before this one
    piece_title: str
    genre: str
    process_stage: str
    first_on_piece: bool
    review: str  # how the goal before is reviewed: first, progress, met, revised, dropped
    reviewed_skill: Skill | None
    sets_goal: str  # the goal this conference sets, "" for none
    closes_status: str  # the status the goal under review is closed with, "" if it stays open


def parse_goal_chain(chain: Sequence[str], book: PhraseBook) -> list[tuple[Skill, str]]:
    """`["lead:met", "heart"]` as (skill, closing status or "") pairs."""
    steps = []
    for entry in chain:
        key, _, status = entry.partition(":")
        if key not in book.skills:
            raise ValueError(f"unknown skill {key!r} in goal chain {list(chain)}")
        if status and status not in CLOSING_STATUSES:
            raise ValueError(f"unknown goal status {status!r} in {entry!r}")
        steps.append((book.skills[key], status))
    return steps


def _stage_for(position: int, span: int) -> str:
    if span <= 3:
        return ("drafting", "revising", "editing")[position]
    return PROCESS_STAGES[round(position * (len(PROCESS_STAGES) - 1) / (span - 1))]


def plan_student(
    conference_count: int,
    goals: Sequence[tuple[Skill, str]],
    pieces: Sequence[tuple[str, str]],
    kind_of_genre: Mapping[str, str] | None = None,
) -> list[Moment]:
    """Lay a student's conferences along their goal chain and their pieces of writing."""
    n, m = conference_count, len(goals)
    if n == 0:
        return []
    last_closes = bool(goals and goals[-1][1])
    slots = n - 1 if last_closes else n
    if m == 0 or slots < m or not pieces:
        raise ValueError(f"{n} conferences cannot carry {m} goals over {len(pieces)} pieces")
    set_at = [j * slots // m for j in range(m)]
    current_goal = [bisect.bisect_right(set_at, i) - 1 for i in range(n)]
    piece_of = _pieces_for(
        [goals[g][0] for g in current_goal], [genre for _, genre in pieces], kind_of_genre or {}
    )
    moments = []
    rounds: dict[str, int] = {}
    for i in range(n):
        current = current_goal[i]
        skill = goals[current][0]
        reviewed: Skill | None = skill
        review, closes, sets = "progress", "", ""
        if i == 0:
            review, reviewed, sets = "first", None, _goal_text(goals, 0)
        elif i == set_at[current]:
            reviewed, closes = goals[current - 1]
            review, sets = closes, _goal_text(goals, current)
        elif last_closes and i == n - 1:
            review = closes = goals[-1][1]
        first = bisect.bisect_left(piece_of, piece_of[i])
        span = bisect.bisect_right(piece_of, piece_of[i]) - first
        moments.append(
            Moment(
                index=i,
                skill=skill,
                round=rounds.get(skill.key, 0),
                piece_title=pieces[piece_of[i]][0],
                genre=pieces[piece_of[i]][1],
                process_stage=_stage_for(i - first, span),
                first_on_piece=i == first,
                review=review,
                reviewed_skill=reviewed,
                sets_goal=sets,
                closes_status=closes,
            )
        )
        rounds[skill.key] = rounds.get(skill.key, 0) + 1
    return moments


def _pieces_for(
    skills: Sequence[Skill], genres: Sequence[str], kind_of_genre: Mapping[str, str]
) -> list[int]:
    """Which piece each conference is about: pieces in order, spread evenly, except that a
    skill for stories (or nonfiction) moves on to the nearest piece of that kind."""
    n, count = len(skills), len(genres)
    chosen: list[int] = []
    for i, skill in enumerate(skills):
        earliest = chosen[-1] if chosen else 0
        piece = max(earliest, i * count // n)
        fitting = [p for p in range(earliest, count) if kind_of_genre.get(genres[p]) in skill.kinds]
        if skill.kinds and fitting:
            piece = min(fitting, key=lambda p: (abs(p - piece), p))
        chosen.append(piece)
    return chosen


def _goal_text(goals: Sequence[tuple[Skill, str]], index: int) -> str:
    skill = goals[index][0]
    before = goals[index - 1] if index > 0 else None
    if before is not None and before[0].key == skill.key and before[1] == "revised":
        return skill.revised_goal
    return skill.goal


# -- one conference's notes --------------------------------------------------------


def compose_notes(
    book: PhraseBook,
    moment: Moment,
    rng: random.Random,
    follow_up_on: date | None = None,
) -> tuple[dict[str, str], list[str]]:
    """The answers (field key -> text, in form order) and the habits of one conference."""
    skill = moment.skill

    def pick(options: Sequence[str]) -> str:
        # Rotate through a skill's phrases so consecutive conferences do not repeat.
        text = options[(moment.round + rng.randrange(len(options))) % len(options)]
        return with_title(text, moment.piece_title)

    def maybe(chance: float, options: Sequence[str]) -> str:
        return pick(options) if options and rng.random() < chance else ""

    reviewed = moment.reviewed_skill
    if moment.review == "first":
        goal_review = maybe(0.5, book.goal_review["first"])
    elif moment.review in ("revised", "dropped"):
        goal_review = pick(book.goal_review[moment.review])
    else:
        assert reviewed is not None
        goal_review = pick(reviewed.met if moment.review == "met" else reviewed.progress)
    level = {"met": "met", "progress": "progress", "revised": "progress"}.get(
        moment.review, "start"
    )
    praised = rng.choice([c for c in CRITERIA if c != skill.criterion])
    touched = {skill.criterion} | ({rng.choice(CRITERIA)} if rng.random() < 0.3 else set())
    quote_pool = skill.quotes if rng.random() < 0.7 else book.quotes
    answers = {
        "piece_title": moment.piece_title,
        "genre": moment.genre,
        "process_stage": moment.process_stage,
        "purpose": maybe(
            0.7 if moment.first_on_piece else 0.1, book.purposes.get(moment.genre, ())
        ),
        "goal_review": goal_review,
        "help_request": maybe(0.55, skill.help_requests),
        "plan": maybe(0.45, skill.plans),
        "research_notes": maybe(0.55, skill.research_notes),
        "quotes": maybe(0.45, quote_pool),
        "strength": maybe(0.9, book.strengths[praised]),
        "evidence": maybe(0.6, reviewed.evidence)
        if reviewed and moment.review != "dropped"
        else "",
        "criteria": "\n".join(c for c in CRITERIA if c in touched) if rng.random() < 0.8 else "",
        "self_assessment": maybe(0.5, book.self_assessment[level]),
        "teaching_point": pick(skill.teaching_points),
        "taught_how": _weighted(rng, TAUGHT_HOW) if rng.random() < 0.75 else "",
        "goal": with_title(moment.sets_goal, moment.piece_title),
        "next_step": maybe(0.95, skill.next_steps),
        "follow_up": follow_up_on.isoformat() if follow_up_on else "",
        "teacher_notes": maybe(0.3, book.teacher_notes),
    }
    habits = rng.sample(skill.habits, rng.choice((1, 1, 2)))
    if rng.random() < 0.3:
        habits.append(rng.choice(HABITS_OF_MIND))
    return {key: value for key, value in answers.items() if value}, sorted(set(habits))


def with_title(text: str, title: str) -> str:
    """A phrase with the piece's title, in quotation marks, where it says {piece}."""
    return text.replace("{piece}", f"“{title}”")


def _weighted(rng: random.Random, options: Sequence[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def compose_compliment(book: PhraseBook, moment: Moment, rng: random.Random) -> dict[str, str]:
    """The notes of a quick compliment conference held about the piece and skill of
    `moment`: one strength, one next step (the quick-compliment form's fields)."""
    strength = rng.choice(book.strengths[rng.choice(CRITERIA)])
    next_step = rng.choice(moment.skill.next_steps)
    return {
        "piece_title": moment.piece_title,
        "strength": with_title(strength, moment.piece_title),
        "next_step": with_title(next_step, moment.piece_title),
    }


def compose_rubric_check(
    book: PhraseBook, moment: Moment, rng: random.Random, form: Form, number: int
) -> dict[str, str]:
    """The notes of a rubric check (the writing-rubric form's rubric field): the
    teacher's level and the student's own for each criterion, rising a little from one
    check to the next, with the point taught and a next step."""
    rubric = next(field for stage in form.stages for field in stage.fields if field.criteria)
    top = len(rubric.levels)
    answers = {
        "piece_title": moment.piece_title,
        "teaching_point": with_title(rng.choice(moment.skill.teaching_points), moment.piece_title),
        "next_step": with_title(rng.choice(moment.skill.next_steps), moment.piece_title),
    }
    for criterion in rubric.criteria:
        teacher = max(1, min(top, 2 + number + rng.choice((-1, 0, 0, 1))))
        student = max(1, min(top, teacher + rng.choice((-1, 0, 1, 1))))
        answers[rubric_answer_key(rubric.key, criterion.key, RubricPart.TEACHER)] = str(teacher)
        answers[rubric_answer_key(rubric.key, criterion.key, RubricPart.STUDENT)] = str(student)
    return answers


def draft_fields(form: Form) -> set[str]:
    """The fields a conference left mid-way has reached."""
    return {f.key for key in DRAFT_STAGES for f in form.stage(key).fields}


def school_day_after(day: date, days: int) -> date:
    """`days` after `day`, moved forward off a weekend: when a follow-up is due."""
    due = day + timedelta(days=days)
    while due.weekday() >= 5:
        due += timedelta(days=1)
    return due


def school_year(today: date) -> str:
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def local_time(day: date, at: time) -> datetime:
    """A wall-clock time on `day` in this computer's zone, as the store wants it: aware UTC."""
    return datetime.combine(day, at).astimezone().astimezone(UTC)


# -- many conferences at once, for scale tests and benchmarks ----------------------

COMMON_WORD = "detail"
RARE_WORD = "marimba"
RARE_NOTE = "Mentioned practising the marimba for the winter concert."
RARE_CONFERENCES = 6
GOAL_STATUS_WEIGHTS = (("met", 6), ("revised", 3), ("dropped", 1))
# Conferences handed to the writing process at a time: about 13 answers each.
BATCH_CONFERENCES = 2_000
# The columns each table's rows give, in order; the others keep their defaults.
COLUMNS = {
    "school_class": ("id", "name", "school_year", "archived", "created_at", "updated_at"),
    "student": (
        "id", "class_id", "name", "preferred_name", "interests", "strengths", "needs",
        "archived", "created_at", "updated_at",
    ),
    "conference": (
        "id", "student_id", "form_id", "form_version", "status", "started_at", "ended_at",
        "updated_at", "amended_at", "piece_title", "genre", "process_stage", "follow_up_on",
        "current_stage", "current_field", "elapsed_seconds",
    ),
    "answer": (
        "id", "conference_id", "stage_key", "field_key", "value", "private", "updated_at",
        "kind",
    ),
    "goal": (
        "id", "student_id", "text", "status", "set_by_conference_id",
        "closed_by_conference_id", "set_at", "closed_at",
    ),
    "habit_observation": ("conference_id", "habit"),
    "search_doc": (
        "id", "kind", "ref_id", "student_id", "conference_id", "stage_key", "field_key", "body",
    ),
}  # fmt: skip
INSERTS = {
    table: f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    for table, names in COLUMNS.items()
}

Row = tuple[Any, ...]


@dataclass(frozen=True)
class SampleDatabase:
    """What `generate_database` wrote, for tests and benchmarks to aim at."""

    path: Path
    class_ids: tuple[str, ...]
    student_ids: tuple[str, ...]
    heavy_student_id: str
    conference_count: int
    answer_count: int
    common_word: str
    rare_word: str
    rare_word_conferences: int


def generate_database(
    path: Path | str,
    *,
    classes: int = 5,
    students_per_class: int = 33,
    conferences_per_student: int | None = None,
    total_conferences: int = 25_000,
    heavy_student_conferences: int = 300,
    seed: int = 0,
    today: date | None = None,
    years: int = 3,
) -> SampleDatabase:
    """Write a large, realistic database at `path` (which must not exist yet).

    The first student of the first class has `heavy_student_conferences`; the others
    have `conferences_per_student` each or, when that is None, share what is left of
    `total_conferences` as evenly as possible. Conferences fall on school days over
    the `years` before `today`; every tenth student has a draft open. The store makes
    the schema; the rows then go in through the sqlite3 module in one transaction,
    without a journal (the store's API, one transaction per answer, would take hours),
    written by a process of its own (see sample_load) while this one composes them.
    Each student's notes come from a generator seeded for that student, so the text
    does not depend on the order the conferences are written in: the order they
    started, across the whole school, as a teacher's would be.
    """
    from conference_tui.store import Store

    target = Path(path)
    if target.exists():
        raise FileExistsError(f"{target} already exists; sample databases are written fresh")
    store = Store.open(str(target))
    dialect = store.engine.dialect
    store.close()
    rng = random.Random(seed)
    counts = _conference_counts(
        classes * students_per_class,
        heavy_student_conferences,
        conferences_per_student,
        total_conferences,
    )
    rare = set(rng.sample(range(sum(counts)), min(RARE_CONFERENCES, sum(counts))))
    writing = _WritingProcess(target)
    try:
        school = _School(rng, today or date.today(), years, dialect)
        writing.send(school.roster(classes, students_per_class))
        answer_count = 0
        search_keys = _SearchKeys()
        batch = _Batch()
        for started, conference in heapq.merge(
            *school.conferences(counts, rare), key=operator.itemgetter(0)
        ):
            answers = conference["answer"]
            batch.add(conference)
            batch.rows["search_doc"].extend(search_keys.rows(started, answers, conference))
            answer_count += len(answers)
            if len(batch.rows["conference"]) == BATCH_CONFERENCES:
                writing.send(batch.statements())
                batch = _Batch()
        writing.send(batch.statements())
        writing.finish()
    except BaseException:
        writing.abandon()
        # Written without a journal, a half-made file is no database: leave none behind.
        for leftover in (target, target.with_name(target.name + "-wal")):
            leftover.unlink(missing_ok=True)
        raise
    return SampleDatabase(
        path=target,
        class_ids=tuple(school.class_ids),
        student_ids=tuple(school.student_ids),
        heavy_student_id=school.student_ids[0],
        conference_count=sum(counts),
        answer_count=answer_count,
        common_word=COMMON_WORD,
        rare_word=RARE_WORD,
        rare_word_conferences=len(rare),
    )


class _WritingProcess:
    """sample_load, running beside this process, fed pickled batches through a pipe."""

    def __init__(self, target: Path) -> None:
        from conference_tui import sample_load

        self.process = subprocess.Popen(
            [sys.executable, "-I", sample_load.__file__, str(target)],
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert self.process.stdin is not None
        self.pipe = self.process.stdin

    def send(self, batch: list[tuple[str, list[Row]]] | None) -> None:
        try:
            pickle.dump(batch, self.pipe, protocol=pickle.HIGHEST_PROTOCOL)
        except BrokenPipeError:
            self._wait()  # it stopped reading because it failed: raises why
            raise

    def finish(self) -> None:
        """Hand over the end of the rows and wait while the file is finished."""
        self.send(None)
        self._wait()

    def abandon(self) -> None:
        """Stop it, the file unfinished."""
        if self.process.returncode is None:
            self.process.kill()
            self.process.communicate()

    def _wait(self) -> None:
        _, errors = self.process.communicate()
        if self.process.returncode != 0:
            reason = errors.decode(errors="replace").strip()
            raise RuntimeError(
                f"writing the sample database failed: {reason or self.process.returncode}"
            )


class _SearchKeys:
    """The answers' rows in search_doc, under the keys trigger answer_search_ai gives them
    (migration 0005's `dated_key`) when answers are inserted in the order they are here:
    a conference's start in whole seconds times SEARCH_KEY_SPAN, plus the number of
    answers already keyed in that second. Written with the answers, in key order, so
    that search_doc only grows at its end; the test of sample_data checks them against
    the trigger's."""

    def __init__(self) -> None:
        from conference_tui.store.search_bulk import search_migration

        self.span: int = search_migration().SEARCH_KEY_SPAN
        self.next_key: dict[int, int] = {}

    def rows(
        self, started: datetime, answers: list[Row], conference: Mapping[str, list[Row]]
    ) -> list[Row]:
        second = max(0, int(started.timestamp()))
        first = self.next_key.get(second, second * self.span)
        self.next_key[second] = first + len(answers)
        student_id = conference["conference"][0][1]
        # An answer row starts (id, conference_id, stage_key, field_key, value).
        return [
            (key, "answer", answer[0], student_id, answer[1], answer[2], answer[3], answer[4])
            for key, answer in enumerate(answers, first)
        ]


class _Batch:
    """Rows of many conferences, gathered to be written with one statement per table."""

    def __init__(self) -> None:
        self.rows: dict[str, list[Row]] = {table: [] for table in COLUMNS}

    def add(self, rows: Mapping[str, list[Row]]) -> None:
        for table, more in rows.items():
            self.rows[table].extend(more)

    def statements(self) -> list[tuple[str, list[Row]]]:
        # Parents first: a conference is in its table before its answers' trigger reads it.
        return [(INSERTS[table], rows) for table, rows in self.rows.items() if rows]


def _conference_counts(students: int, heavy: int, per_student: int | None, total: int) -> list[int]:
    others = students - 1
    if per_student is not None:
        return [heavy] + [per_student] * others
    base, extra = divmod(max(0, total - heavy), others) if others else (0, 0)
    return [heavy] + [base + (1 if k < extra else 0) for k in range(others)]


def _new_id(rng: random.Random) -> str:
    """A random (version 4) UUID drawn from the seeded generator, so ids repeat too."""
    d = f"{rng.getrandbits(124):031x}"
    return f"{d[:8]}-{d[8:12]}-4{d[12:15]}-{'89ab'[int(d[15], 16) % 4]}{d[16:19]}-{d[19:]}"


class _School:
    """The classes and students of a sample database, and each student's conferences."""

    def __init__(self, rng: random.Random, today: date, years: int, dialect: Dialect) -> None:
        from conference_tui.store.models import Conference

        self.rng = rng
        self.today = today
        self.book = load_phrase_book()
        self.form = builtin_form()
        self.fields = {
            f.key: (s.key, f.private, f.kind or "") for s in self.form.stages for f in s.fields
        }
        self.draft_fields = draft_fields(self.form)
        first = today - timedelta(days=365 * years)
        days = (first + timedelta(days=k) for k in range((today - first).days))
        self.school_days = [d for d in days if d.weekday() < 5]
        self.created = local_time(first, time(8, 0))
        # Times and dates are stored as the store stores them, through its column types.
        columns = Conference.__table__.c  # type: ignore[attr-defined]
        self.stored_time = columns.started_at.type.dialect_impl(dialect).bind_processor(dialect)
        self.stored_day = columns.follow_up_on.type.dialect_impl(dialect).bind_processor(dialect)
        self.class_ids: list[str] = []
        self.student_ids: list[str] = []
        self.seeds: list[int] = []

    def roster(self, classes: int, size: int) -> list[tuple[str, list[Row]]]:
        """The classes and their students, each student given a seed of their own."""
        names = self.rng.sample(
            [(f, g) for f in self.book.first_names for g in self.book.family_names],
            classes * size,
        )
        created = self.stored_time(self.created)
        class_rows, student_rows = [], []
        for c in range(classes):
            class_id = _new_id(self.rng)
            self.class_ids.append(class_id)
            name = f"English {7 + c % 2} — Period {c + 1}"
            class_rows.append((class_id, name, school_year(self.today), False, created, created))
            for first_name, family in names[c * size : (c + 1) * size]:
                student_id = _new_id(self.rng)
                self.student_ids.append(student_id)
                strengths = self.rng.choice(self.book.strengths[self.rng.choice(CRITERIA)])
                student_rows.append(
                    (student_id, class_id, f"{first_name} {family}", "", "", strengths, "",
                     False, created, created)
                )  # fmt: skip
                self.seeds.append(self.rng.getrandbits(64))
        return [(INSERTS["school_class"], class_rows), (INSERTS["student"], student_rows)]

    def conferences(
        self, counts: list[int], rare: set[int]
    ) -> list[Iterator[tuple[datetime, dict[str, list[Row]]]]]:
        """Each student's conferences, in the order they started."""
        streams = []
        first = 0
        for number, (student_id, seed) in enumerate(zip(self.student_ids, self.seeds, strict=True)):
            count = counts[number]
            rare_here = {ordinal - first for ordinal in rare if first <= ordinal < first + count}
            streams.append(
                self.student(student_id, random.Random(seed), count, number % 10 == 9, rare_here)
            )
            first += count
        return streams

    def goal_chain(self, rng: random.Random, conferences: int) -> list[tuple[Skill, str]]:
        skills = list(self.book.skills.values())
        chain: list[tuple[Skill, str]] = []
        for _ in range(max(1, conferences // rng.randint(3, 5))):
            revising = bool(chain) and chain[-1][1] == "revised"
            skill = chain[-1][0] if revising else rng.choice(skills)
            chain.append((skill, _weighted(rng, GOAL_STATUS_WEIGHTS)))
        chain[-1] = (chain[-1][0], "")
        return chain

    def pieces(self, rng: random.Random, conferences: int) -> list[tuple[str, str]]:
        genres = sorted(self.book.pieces)
        chosen = []
        for _ in range(max(1, conferences // 4)):
            genre = rng.choice(genres)
            chosen.append((rng.choice(self.book.pieces[genre]), genre))
        return chosen

    def student(
        self, student_id: str, rng: random.Random, count: int, draft: bool, rare: set[int]
    ) -> Iterator[tuple[datetime, dict[str, list[Row]]]]:
        """One student's conferences, each with its answers, habits and the goals it
        finishes (closes, or leaves open as the student's last)."""
        dates = sorted(rng.sample(self.school_days, count))
        moments = plan_student(
            count, self.goal_chain(rng, count), self.pieces(rng, count), self.book.kind_of_genre
        )
        open_goal: dict[str, Any] | None = None
        for moment, day in zip(moments, dates, strict=True):
            last = moment.index == count - 1
            is_draft = draft and last
            started = local_time(day, time(8, 30)) + timedelta(minutes=rng.randrange(390))
            length = timedelta(seconds=rng.randrange(150, 420))
            conference_id = _new_id(rng)
            follow_up = school_day_after(day, rng.choice((5, 7, 7, 10, 14)))
            answers, habits = compose_notes(self.book, moment, rng, follow_up)
            if is_draft:
                answers = {k: v for k, v in answers.items() if k in self.draft_fields}
                habits = []
            if moment.index in rare:
                answers["research_notes"] = (
                    answers.get("research_notes", "") + " " + RARE_NOTE
                ).strip()
            started_text = self.stored_time(started)
            updated_text = self.stored_time(started + length)
            conference = (
                conference_id, student_id, self.form.id, self.form.version,
                "draft" if is_draft else "complete", started_text,
                None if is_draft else updated_text, updated_text, None, moment.piece_title,
                moment.genre, moment.process_stage,
                None if is_draft else self.stored_day(follow_up),
                "act" if is_draft else "modify", "", int(length.total_seconds()),
            )  # fmt: skip
            answer_rows = []
            for key, value in answers.items():
                stage_key, private, kind = self.fields[key]
                answer_rows.append(
                    (_new_id(rng), conference_id, stage_key, key, value, private, updated_text,
                     kind)
                )  # fmt: skip
            goals = []
            if not is_draft:
                if moment.closes_status and open_goal is not None:
                    open_goal.update(
                        status=moment.closes_status,
                        closed_at=started_text,
                        closed_by_conference_id=conference_id,
                    )
                    goals.append(open_goal)
                    open_goal = None
                if moment.sets_goal:
                    open_goal = dict(
                        id=_new_id(rng),
                        student_id=student_id,
                        text=answers["goal"],
                        status="active",
                        set_by_conference_id=conference_id,
                        closed_by_conference_id=None,
                        set_at=started_text,
                        closed_at=None,
                    )
            if last and open_goal is not None:
                goals.append(open_goal)
            yield (
                started,
                {
                    "conference": [conference],
                    "answer": answer_rows,
                    "goal": [tuple(goal[name] for name in COLUMNS["goal"]) for goal in goals],
                    "habit_observation": [(conference_id, habit) for habit in habits],
                },
            )
