"""Forms as data: the shipped form, teachers' own forms, and every mistake reported."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conference_tui import paths
from conference_tui.field_kinds import Kind
from conference_tui.forms import (
    FIELD_TYPES,
    HABITS_OF_MIND,
    Form,
    FormError,
    load_default_form,
    load_form,
    load_forms,
    parse_form,
)

BUILTIN_PATH = paths.builtin_forms_dir() / "writing-conference.toml"

# A small valid form that the error cases below edit.
MINI = textwrap.dedent(
    """\
    id = "mini"
    version = 1
    title = "Mini conference"
    description = "A two-stage form for tests."

    [[stages]]
    key = "clarify"
    number = 1
    title = "Clarify"
    questions = ["How's it going?"]

    [[stages.fields]]
    key = "purpose"
    label = "Purpose"
    type = "long_text"
    private = false

    [[stages.fields]]
    key = "process_stage"
    label = "Where in the process"
    type = "choice"
    private = false
    choices = ["drafting", "revising"]

    [[stages]]
    key = "plan"
    number = 2
    title = "Plan"
    questions = [
        "What would you like help with?",
        "What will you try next?",
    ]

    [[stages.fields]]
    key = "help_request"
    label = "Help asked for"
    type = "long_text"
    private = false
    hint = "in the student's words"
    """
)

HELP_REQUEST = (
    '[[stages.fields]]\nkey = "help_request"\nlabel = "Help asked for"\ntype = "long_text"'
)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def edited(old: str, new: str) -> str:
    assert MINI.count(old) == 1, f"{old!r} must occur once in MINI"
    return MINI.replace(old, new)


def marked_line(text: str) -> int | None:
    """The 1-based line carrying the `# HERE` marker, where the error must point."""
    for number, line in enumerate(text.splitlines(), start=1):
        if "# HERE" in line:
            return number
    return None


@pytest.fixture
def no_user_forms(tmp_path: Path) -> Path:
    return tmp_path / "no-such-folder"


# --- the shipped form ---------------------------------------------------------


@pytest.fixture(scope="module")
def builtin() -> Form:
    return load_form(BUILTIN_PATH)


def test_builtin_form_has_the_six_spiral_stages_in_order(builtin: Form) -> None:
    assert (builtin.id, builtin.version, builtin.title) == (
        "writing-conference",
        1,
        "Writing conference",
    )
    assert builtin.description
    assert [(stage.number, stage.key, stage.title) for stage in builtin.stages] == [
        (1, "clarify", "Clarify goals and purpose"),
        (2, "plan", "Plan"),
        (3, "act", "Take action / experiment"),
        (4, "assess", "Assess and gather evidence"),
        (5, "reflect", "Study, reflect, evaluate"),
        (6, "modify", "Modify actions based on new knowledge"),
    ]
    for stage in builtin.stages:
        assert 2 <= len(stage.questions) <= 4, stage.key
    assert "How's it going?" in builtin.stage("clarify").questions


@pytest.mark.parametrize(
    ("stage", "key", "field_type", "private"),
    [
        ("clarify", "piece_title", "short_text", False),
        ("clarify", "genre", "short_text", False),
        ("clarify", "process_stage", "choice", False),
        ("clarify", "purpose", "long_text", False),
        ("clarify", "goal_review", "long_text", None),
        ("plan", "help_request", "long_text", False),
        ("plan", "plan", "long_text", None),
        ("act", "research_notes", "long_text", True),
        ("act", "quotes", "long_text", False),
        ("assess", "strength", "long_text", False),
        ("assess", "evidence", "long_text", True),
        ("assess", "criteria", "multi_choice", None),
        ("reflect", "self_assessment", "long_text", False),
        ("reflect", "teaching_point", "long_text", False),
        ("reflect", "taught_how", "choice", None),
        ("reflect", "habits", "habits", False),
        ("modify", "goal", "goal", False),
        ("modify", "next_step", "next_step", False),
        ("modify", "follow_up", "date", False),
        ("modify", "teacher_notes", "long_text", True),
    ],
)
def test_builtin_form_has_the_well_known_fields(
    builtin: Form, stage: str, key: str, field_type: str, private: bool | None
) -> None:
    field = builtin.field(key)
    assert builtin.stage_of(key).key == stage
    assert field.type == field_type
    assert field.label
    if private is not None:
        assert field.private is private


def test_builtin_form_choices(builtin: Form) -> None:
    assert builtin.field("process_stage").choices == (
        "rehearsal",
        "drafting",
        "revising",
        "editing",
        "publishing",
    )
    assert builtin.field("criteria").choices == (
        "focus",
        "structure",
        "detail",
        "voice",
        "conventions",
    )
    assert builtin.field("taught_how").choices == (
        "one-to-one",
        "small group",
        "demonstration",
        "guided practice",
    )
    assert builtin.field("habits").choices == HABITS_OF_MIND
    assert "personal narrative" in builtin.field("genre").hint


def test_habits_of_mind_are_the_sixteen_in_order() -> None:
    assert len(HABITS_OF_MIND) == len(set(HABITS_OF_MIND)) == 16
    assert HABITS_OF_MIND[0] == "Persisting"
    assert HABITS_OF_MIND[4] == "Thinking about thinking (metacognition)"
    assert HABITS_OF_MIND[-1] == "Remaining open to continuous learning"


def test_form_lookups(builtin: Form) -> None:
    assert builtin.stage("modify").number == 6
    assert [field.key for field in builtin.fields_of_type("goal")] == ["goal"]
    assert [field.key for field in builtin.fields_of_type("next_step")] == ["next_step"]
    assert builtin.fields_of_type("date")[0].key == "follow_up"
    with pytest.raises(KeyError):
        builtin.stage("nope")
    with pytest.raises(KeyError):
        builtin.field("nope")
    with pytest.raises(KeyError):
        builtin.stage_of("nope")


def test_fields_with_a_role_are_found_by_it(builtin: Form) -> None:
    strength, taught = (
        builtin.field_of_kind(Kind.STRENGTH),
        builtin.field_of_kind(Kind.TEACHING_POINT),
    )
    assert strength is not None and strength.label.startswith("Strength")
    assert taught is not None and taught.label == "Teaching point"
    assert parse_form(MINI, "mini.toml").field_of_kind(Kind.STRENGTH) is None


def test_a_role_is_given_to_one_field_only() -> None:
    text = MINI.replace('type = "long_text"\n', 'type = "long_text"\nrole = "strength"\n')
    with pytest.raises(FormError, match="role 'strength' is given to field 'purpose' already"):
        parse_form(text, "mini.toml")


def test_the_builtin_fields_have_the_kinds_the_store_acts_on(builtin: Form) -> None:
    kinds = {
        field.key: field.kind for stage in builtin.stages for field in stage.fields if field.kind
    }
    assert kinds == {
        "strength": Kind.STRENGTH,
        "teaching_point": Kind.TEACHING_POINT,
        "habits": Kind.HABITS,
        "goal": Kind.GOAL,
        "next_step": Kind.NEXT_STEP,
        "follow_up": Kind.FOLLOW_UP,
    }


MINI_AIMS = MINI + textwrap.dedent(
    """
    [[stages.fields]]
    key = "aim"
    label = "Aim"
    type = "goal"

    [[stages.fields]]
    key = "check_back"
    label = "Check back on"
    type = "date"
    role = "follow_up"
    """
)


def test_a_teachers_goal_and_follow_up_are_found_by_kind_whatever_their_keys() -> None:
    form = parse_form(MINI_AIMS, "mini.toml")
    goal, follow_up = form.field_of_kind(Kind.GOAL), form.field_of_kind(Kind.FOLLOW_UP)
    assert (goal and goal.key, follow_up and follow_up.key) == ("aim", "check_back")
    assert form.field_of_kind(Kind.NEXT_STEP) is None


def test_a_form_has_one_goal_field() -> None:
    text = MINI_AIMS + '\n[[stages.fields]]\nkey = "aim2"\nlabel = "Aim 2"\ntype = "goal"\n'
    with pytest.raises(FormError, match="field 'aim' is this form's goal field already"):
        parse_form(text, "mini.toml")


def test_the_follow_up_role_is_for_a_date_field() -> None:
    text = MINI.replace('type = "long_text"\n', 'type = "long_text"\nrole = "follow_up"\n', 1)
    with pytest.raises(FormError, match='role "follow_up" is for a date field'):
        parse_form(text, "mini.toml")


def test_a_form_written_before_the_follow_up_role_keeps_its_follow_up_date() -> None:
    old = MINI + '\n[[stages.fields]]\nkey = "follow_up"\nlabel = "Follow up"\ntype = "date"\n'
    field = parse_form(old, "mini.toml").field_of_kind(Kind.FOLLOW_UP)
    assert field is not None and field.key == "follow_up"


def test_field_keys_are_unique_across_the_builtin_form(builtin: Form) -> None:
    keys = [field.key for stage in builtin.stages for field in stage.fields]
    assert len(keys) == len(set(keys))


# --- built-in and teacher's forms together -----------------------------------


def test_load_forms_without_a_user_folder(no_user_forms: Path) -> None:
    forms, errors = load_forms(no_user_forms)
    assert errors == []
    assert forms["writing-conference"].source == str(BUILTIN_PATH)


def test_user_forms_override_by_id_and_add(tmp_path: Path) -> None:
    override = BUILTIN_PATH.read_text(encoding="utf-8").replace(
        'title = "Writing conference"', 'title = "My writing conference"'
    )
    # The override is found by its id, whatever the file is called.
    write(tmp_path, "mine.toml", override)
    write(tmp_path, "mini.toml", MINI)
    write(tmp_path, "notes.txt", "not a form")

    forms, errors = load_forms(tmp_path)

    assert errors == []
    assert set(forms) == {
        "writing-conference",
        "writing-rubric",
        "quick-compliment",
        "performance-task-review",
        "small-group",
        "mini",
    }
    assert forms["writing-conference"].title == "My writing conference"
    assert forms["writing-conference"].source == str(tmp_path / "mine.toml")
    assert load_default_form(user_dir=tmp_path).title == "My writing conference"
    assert load_default_form("mini", tmp_path).title == "Mini conference"


def test_default_user_folder_comes_from_the_config_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(paths.CONFIG_DIR_ENV, str(tmp_path))
    write(tmp_path / "forms", "mini.toml", MINI)
    forms, errors = load_forms()
    assert errors == []
    assert "mini" in forms
    assert load_default_form("mini").id == "mini"


def test_broken_override_falls_back_to_builtin_and_is_reported(tmp_path: Path) -> None:
    broken = write(
        tmp_path,
        "writing-conference.toml",
        'id = "writing-conference"\nversion = 2\ntitle = "Mine"\nstages = []\n',
    )
    forms, errors = load_forms(tmp_path)
    assert forms["writing-conference"].source == str(BUILTIN_PATH)
    assert [error.source for error in errors] == [str(broken)]
    assert errors[0].field == "stages"
    assert load_default_form(user_dir=tmp_path).source == str(BUILTIN_PATH)


def test_unknown_form_id_is_a_form_error(no_user_forms: Path) -> None:
    with pytest.raises(FormError, match="no form with id 'nope'"):
        load_default_form("nope", no_user_forms)


def test_a_broken_form_with_no_builtin_is_raised(tmp_path: Path) -> None:
    write(tmp_path, "mini.toml", edited("version = 1", "version = 0"))
    with pytest.raises(FormError) as caught:
        load_default_form("mini", tmp_path)
    assert caught.value.field == "version"


def test_duplicate_ids_and_hidden_files_in_the_user_folder(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", MINI)
    second = write(tmp_path, "b.toml", MINI)
    (tmp_path / "._a.toml").write_bytes(b"\x00\x05\x16\x07 macOS resource fork")
    forms, errors = load_forms(tmp_path)
    assert forms["mini"].source == str(tmp_path / "a.toml")
    assert len(errors) == 1
    assert errors[0].source == str(second)
    assert "already used" in errors[0].message


def test_id_defaults_to_the_file_stem(tmp_path: Path) -> None:
    text = edited('id = "mini"\n', "")
    assert load_form(write(tmp_path, "quick-check.toml", text)).id == "quick-check"
    with pytest.raises(FormError) as caught:
        load_form(write(tmp_path, "My Form.toml", text))
    assert caught.value.field == "id"


def test_private_defaults_to_true(tmp_path: Path) -> None:
    form = parse_form(edited("private = false\nhint", "hint"), "mini.toml")
    assert form.field("help_request").private is True
    assert form.field("purpose").private is False


# --- every mistake: file, line, field ------------------------------------------

ERROR_CASES = [
    pytest.param(
        'title = "Clarify"',
        'title = "Clarify" "again"  # HERE',
        None,
        "not valid TOML",
        id="toml-syntax",
    ),
    pytest.param('title = "Mini conference"\n', "", "title", "missing title", id="missing-title"),
    pytest.param(
        'title = "Mini conference"', 'title = "  "  # HERE', "title", "empty", id="empty-title"
    ),
    pytest.param(
        "version = 1", "version = 0  # HERE", "version", "whole number", id="version-zero"
    ),
    pytest.param(
        "version = 1", 'version = "1"  # HERE', "version", "whole number", id="version-text"
    ),
    pytest.param(
        "version = 1", "version = true  # HERE", "version", "whole number", id="version-bool"
    ),
    pytest.param("version = 1\n", "", "version", "missing version", id="version-missing"),
    pytest.param(
        'id = "mini"', 'id = "mini"\nlayout = "wide"  # HERE', "layout", "unknown", id="form-typo"
    ),
    pytest.param(
        "number = 2",
        "number = 3  # HERE",
        "stages.plan.number",
        "stage 2",
        id="stage-number-out-of-order",
    ),
    pytest.param(
        'key = "plan"',
        'key = "clarify"  # HERE',
        "stages.clarify.key",
        "duplicate stage key",
        id="duplicate-stage-key",
    ),
    pytest.param(
        'key = "plan"',
        'key = "Plan!"  # HERE',
        "stages[2].key",
        "lowercase letters",
        id="bad-stage-key",
    ),
    pytest.param(
        '[[stages]]\nkey = "plan"',
        '[[stages]]\nnumber_of = 1  # HERE\nkey = "plan"',
        "stages.plan.number_of",
        "did you mean 'number'",
        id="stage-typo",
    ),
    pytest.param(
        '[[stages]]\nkey = "clarify"\nnumber = 1\ntitle = "Clarify"\n'
        'questions = ["How\'s it going?"]\n',
        '[[stages]]  # HERE\nkey = "clarify"\nnumber = 1\ntitle = "Clarify"\n',
        "stages.clarify.questions",
        "missing questions",
        id="missing-questions",
    ),
    pytest.param(
        'questions = ["How\'s it going?"]',
        "questions = []  # HERE",
        "stages.clarify.questions",
        "at least one",
        id="empty-questions",
    ),
    pytest.param(
        'questions = [\n    "What would you like help with?",\n    "What will you try next?",',
        'questions = [  # HERE\n    "What would you like help with?",\n    3,',
        "stages.plan.questions",
        "text in quotes",
        id="question-not-text",
    ),
    pytest.param(
        HELP_REQUEST,
        HELP_REQUEST.replace('"long_text"', '"longtext"  # HERE'),
        "stages.plan.fields.help_request.type",
        "allowed: long_text, short_text, choice, multi_choice, habits, goal, next_step, date",
        id="unknown-type",
    ),
    pytest.param(
        HELP_REQUEST,
        HELP_REQUEST.replace("]]", "]]  # HERE").replace('type = "long_text"', ""),
        "stages.plan.fields.help_request.type",
        "missing type",
        id="missing-type",
    ),
    pytest.param(
        'key = "help_request"',
        'key = "purpose"  # HERE',
        "stages.plan.fields.purpose.key",
        "duplicate field key 'purpose'",
        id="duplicate-field-key-across-stages",
    ),
    pytest.param(
        'key = "help_request"',
        'key = "Help-Request"  # HERE',
        "stages.plan.fields[1].key",
        "lowercase letters",
        id="bad-field-key",
    ),
    pytest.param(
        'type = "choice"\nprivate = false\nchoices = ["drafting", "revising"]\n',
        'type = "choice"  # HERE\nprivate = false\n',
        "stages.clarify.fields.process_stage.choices",
        "needs choices",
        id="choice-without-choices",
    ),
    pytest.param(
        'choices = ["drafting", "revising"]',
        "choices = []  # HERE",
        "stages.clarify.fields.process_stage.choices",
        "at least one",
        id="empty-choices",
    ),
    pytest.param(
        'choices = ["drafting", "revising"]',
        'choices = ["drafting", "drafting"]  # HERE',
        "stages.clarify.fields.process_stage.choices",
        "twice",
        id="duplicate-choice",
    ),
    pytest.param(
        'hint = "in the student\'s words"',
        'choices = ["a"]  # HERE',
        "stages.plan.fields.help_request.choices",
        "only apply to choice",
        id="choices-on-text",
    ),
    pytest.param(
        'private = false\nhint = "in',
        'private = "yes"  # HERE\nhint = "in',
        "stages.plan.fields.help_request.private",
        "true or false",
        id="private-not-boolean",
    ),
    pytest.param(
        'hint = "in the',
        'role = "strenght"  # HERE\nhint = "in the',
        "stages.plan.fields.help_request.role",
        "did you mean 'strength'",
        id="role-unknown",
    ),
    pytest.param(
        'private = false\nhint = "in',
        'privte = false  # HERE\nhint = "in',
        "stages.plan.fields.help_request.privte",
        "did you mean 'private'",
        id="field-typo",
    ),
    pytest.param(
        '[[stages.fields]]\nkey = "help_request"\nlabel = "Help asked for"\n',
        '[[stages.fields]]  # HERE\nkey = "help_request"\n',
        "stages.plan.fields.help_request.label",
        "missing label",
        id="missing-label",
    ),
]


@pytest.mark.parametrize(("old", "new", "field", "fragment"), ERROR_CASES)
def test_each_mistake_is_reported_with_file_line_and_field(
    tmp_path: Path,
    old: str,
    new: str,
    field: str | None,
    fragment: str,
) -> None:
    text = edited(old, new)
    path = write(tmp_path, "mini.toml", text)

    with pytest.raises(FormError) as caught:
        load_form(path)

    error = caught.value
    line = marked_line(text)
    assert (error.source, error.line, error.field) == (str(path), line, field)
    assert fragment in error.message
    rendered = str(error)
    location = str(path) if line is None else f"{path}:{line}"
    assert rendered == ": ".join(part for part in (location, field, error.message) if part)
    assert "\n" not in rendered
    assert "Traceback" not in rendered


def test_unknown_type_message_lists_every_allowed_type() -> None:
    text = edited(HELP_REQUEST, HELP_REQUEST.replace("long_text", "essay"))
    with pytest.raises(FormError) as caught:
        parse_form(text, "mini.toml")
    assert all(name in caught.value.message for name in FIELD_TYPES)


def test_lines_are_found_with_comments_and_multiline_strings() -> None:
    text = edited(
        'description = "A two-stage form for tests."',
        'description = """\n[[stages]]\nkey = "x"\n"""',
    )
    text = text.replace('key = "help_request"', 'key   =   "help_request"  # the ask')
    text = text.replace('type = "long_text"\nprivate = false\nhint', 'type = "long"  # HERE\nhint')
    with pytest.raises(FormError) as caught:
        parse_form(text, "mini.toml")
    assert caught.value.line == marked_line(text)


def test_inline_tables_still_validate_and_point_near_the_mistake() -> None:
    text = textwrap.dedent(
        """\
        version = 1
        title = "Inline"
        stages = [  # HERE
          { key = "a", title = "A", questions = ["Q?"], fields = [
            { key = "f", label = "F", type = "wrong" },
          ] },
        ]
        """
    )
    with pytest.raises(FormError) as caught:
        parse_form(text, "inline.toml")
    assert caught.value.field == "stages.a.fields.f.type"
    assert caught.value.line == marked_line(text)


def test_syntax_error_at_end_of_file() -> None:
    with pytest.raises(FormError) as caught:
        parse_form('version = 1\ntitle = "x"\nstages = [', "end.toml")
    assert caught.value.line == 3
    assert str(caught.value).startswith("end.toml:3: not valid TOML")


# --- files that cannot be read ---------------------------------------------------


def test_non_utf8_file_is_a_form_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('version = 1\ntitle = "x"\ndescription = "Déjà vu"\n'.encode("latin-1"))
    with pytest.raises(FormError) as caught:
        load_form(path)
    assert (caught.value.source, caught.value.line) == (str(path), 3)
    assert "UTF-8" in caught.value.message


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "mini.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MINI.encode("utf-8"))
    assert load_form(path).id == "mini"


def test_missing_file_is_a_form_error(tmp_path: Path) -> None:
    path = tmp_path / "gone.toml"
    with pytest.raises(FormError) as caught:
        load_form(path)
    assert caught.value.source == str(path)
    assert "cannot read" in str(caught.value)


def test_form_error_renders_only_the_parts_it_has() -> None:
    assert str(FormError("bad", source="f.toml")) == "f.toml: bad"
    assert str(FormError("bad", source="f.toml", line=3)) == "f.toml:3: bad"
    full = FormError("bad\nthing", source="f.toml", line=3, field="stages.plan.title")
    assert str(full) == "f.toml:3: stages.plan.title: bad thing"


def test_a_stage_short_name_is_optional_and_must_fit_the_stage_list(builtin: Form) -> None:
    """The stage list at 80 columns shows a stage's short name where its title is too
    long; a form without one uses the title."""
    assert [stage.short_title for stage in builtin.stages] == [
        "Clarify goals",
        "Plan",
        "Take action",
        "Assess",
        "Reflect",
        "Modify actions",
    ]
    assert parse_form(MINI, "mini.toml").stages[0].short_title == "Clarify"
    named = MINI.replace('title = "Clarify"\n', 'title = "Clarify"\nshort = "Clar"\n', 1)
    assert parse_form(named, "mini.toml").stages[0].short_title == "Clar"
    too_long = MINI.replace('title = "Clarify"\n', f'title = "Clarify"\nshort = "{"x" * 21}"\n', 1)
    with pytest.raises(FormError) as caught:
        parse_form(too_long, "mini.toml")
    assert "at most 20" in caught.value.message and caught.value.line == 10


# --- rubric fields -------------------------------------------------------------

RUBRIC = textwrap.dedent(
    """\

    [[stages.fields]]
    key = "rubric"
    label = "Rubric"
    type = "rubric"
    private = false
    levels = ["Beginning", "Developing", "Proficient"]

    [[stages.fields.criteria]]
    key = "focus"
    name = "Focus"
    descriptors = ["Wanders", "Mostly on topic", "Sharp"]

    [[stages.fields.criteria]]
    key = "voice"
    name = "Voice"
    descriptors = ["Flat", "Shows in places", "Distinct"]
    """
)
MINI_RUBRIC = MINI + RUBRIC


def rubric_edited(old: str, new: str) -> str:
    assert MINI_RUBRIC.count(old) == 1, f"{old!r} must occur once in MINI_RUBRIC"
    return MINI_RUBRIC.replace(old, new)


def test_a_rubric_field_has_levels_and_criteria_saved_as_parts() -> None:
    form = parse_form(MINI_RUBRIC, "mini.toml")
    rubric = form.field("rubric")
    assert rubric.type == "rubric"
    assert rubric.levels == ("Beginning", "Developing", "Proficient")
    assert [(c.key, c.name, c.descriptors[2]) for c in rubric.criteria] == [
        ("focus", "Focus", "Sharp"),
        ("voice", "Voice", "Distinct"),
    ]
    assert rubric.answer_keys() == (
        ("rubric.focus.teacher", Kind.RUBRIC_TEACHER),
        ("rubric.focus.student", Kind.RUBRIC_STUDENT),
        ("rubric.focus.note", Kind.RUBRIC_NOTE),
        ("rubric.voice.teacher", Kind.RUBRIC_TEACHER),
        ("rubric.voice.student", Kind.RUBRIC_STUDENT),
        ("rubric.voice.note", Kind.RUBRIC_NOTE),
    )
    # A part is found in the rubric's stage and field; another field has one key.
    assert form.stage_of("rubric.voice.note").key == "plan"
    assert form.field_of_answer("rubric.voice.student") == rubric
    assert form.field_of_answer("rubric.tone.teacher") is None
    assert form.field("purpose").answer_keys() == (("purpose", None),)


def test_the_builtin_rubric_form_scores_five_qualities_on_four_levels() -> None:
    form = load_form(paths.builtin_forms_dir() / "writing-rubric.toml")
    assert [stage.key for stage in form.stages] == [
        "clarify",
        "plan",
        "act",
        "assess",
        "reflect",
        "modify",
    ]
    (rubric,) = form.fields_of_type("rubric")
    assert form.stage_of(rubric.key).key == "assess"
    assert [c.key for c in rubric.criteria] == [
        "focus",
        "structure",
        "detail",
        "voice",
        "conventions",
    ]
    assert len(rubric.levels) == 4
    assert all(len(c.descriptors) == 4 for c in rubric.criteria)
    for kind in (Kind.GOAL, Kind.NEXT_STEP, Kind.FOLLOW_UP):
        assert form.field_of_kind(kind) is not None


RUBRIC_ERROR_CASES = [
    pytest.param(
        'levels = ["Beginning", "Developing", "Proficient"]\n',
        "",
        "stages.plan.fields.rubric.levels",
        "needs levels",
        id="rubric-without-levels",
    ),
    pytest.param(
        'levels = ["Beginning", "Developing", "Proficient"]',
        'levels = ["Only"]  # HERE',
        "stages.plan.fields.rubric.levels",
        "2 to 6 levels",
        id="rubric-one-level",
    ),
    pytest.param(
        'levels = ["Beginning", "Developing", "Proficient"]',
        'levels = ["a", "b", "c", "d", "e", "f", "g"]  # HERE',
        "stages.plan.fields.rubric.levels",
        "2 to 6 levels",
        id="rubric-too-many-levels",
    ),
    pytest.param(
        'descriptors = ["Flat", "Shows in places", "Distinct"]',
        'descriptors = ["Flat", "Distinct"]  # HERE',
        "stages.plan.fields.rubric.criteria.voice.descriptors",
        "descriptors lists 2 but the rubric has 3 levels",
        id="descriptors-count",
    ),
    pytest.param(
        'name = "Voice"\ndescriptors = ["Flat", "Shows in places", "Distinct"]\n',
        'name = "Voice"\n',
        "stages.plan.fields.rubric.criteria.voice.descriptors",
        "missing descriptors",
        id="descriptors-missing",
    ),
    pytest.param(
        'key = "voice"',
        'key = "focus"  # HERE',
        "stages.plan.fields.rubric.criteria.focus.key",
        "duplicate criterion key 'focus'",
        id="duplicate-criterion-key",
    ),
    pytest.param(
        'key = "voice"',
        'key = "Voice!"  # HERE',
        "stages.plan.fields.rubric.criteria[2].key",
        "lowercase letters",
        id="bad-criterion-key",
    ),
    pytest.param(
        'name = "Voice"',
        'name = "Voice"\nlevel = 2  # HERE',
        "stages.plan.fields.rubric.criteria.voice.level",
        "unknown setting",
        id="criterion-typo",
    ),
    pytest.param(
        'type = "long_text"\nprivate = false\nhint',
        'type = "long_text"\nprivate = false\nlevels = ["a", "b"]  # HERE\nhint',
        "stages.plan.fields.help_request.levels",
        "only apply to rubric",
        id="levels-on-text",
    ),
    pytest.param(
        'type = "rubric"',
        'type = "rubric"\nrole = "strength"  # HERE',
        "stages.plan.fields.rubric.role",
        "no role",
        id="rubric-role",
    ),
]


@pytest.mark.parametrize(("old", "new", "field", "fragment"), RUBRIC_ERROR_CASES)
def test_each_rubric_mistake_is_reported_with_file_line_and_field(
    tmp_path: Path, old: str, new: str, field: str, fragment: str
) -> None:
    text = rubric_edited(old, new)
    path = write(tmp_path, "mini.toml", text)
    with pytest.raises(FormError) as caught:
        load_form(path)
    error = caught.value
    assert (error.field, error.source) == (field, str(path))
    assert fragment in error.message
    if (line := marked_line(text)) is not None:
        assert error.line == line
    else:
        assert error.line is not None


def test_a_rubric_without_criteria_points_at_the_rubric() -> None:
    text = MINI + RUBRIC.split("\n[[stages.fields.criteria]]")[0]
    with pytest.raises(FormError) as caught:
        parse_form(text, "mini.toml")
    assert caught.value.field == "stages.plan.fields.rubric.criteria"
    assert "needs its criteria" in caught.value.message
    assert caught.value.line == text.splitlines().index('key = "rubric"')


# --- small-group forms: fields asked of each student ----------------------------


def test_the_builtin_small_group_form_asks_each_student_their_own_goal_and_steps(
    no_user_forms: Path,
) -> None:
    forms, errors = load_forms(no_user_forms)
    group = forms["small-group"]

    assert errors == []
    assert group.is_group_form
    each = {field.kind for stage in group.stages for field in stage.fields if field.each}
    assert each == {Kind.GOAL, Kind.NEXT_STEP, Kind.FOLLOW_UP}
    shared = [field for stage in group.stages for field in stage.fields if not field.each]
    assert {field.kind for field in shared} >= {Kind.TEACHING_POINT}
    assert any(field.private for field in shared)  # the teacher's notes, shared by no one
    assert not any(form.is_group_form for key, form in forms.items() if key != "small-group")


GROUP_FIELD = 'private = false\nhint = "in'


@pytest.mark.parametrize(
    ("new", "fragment"),
    [
        ('each = "yes"  # HERE\nprivate = false\nhint = "in', "each must be true or false"),
        ('eech = true  # HERE\nprivate = false\nhint = "in', "did you mean 'each'"),
    ],
    ids=["each-not-a-bool", "each-typo"],
)
def test_a_mistaken_each_is_reported_with_its_line(tmp_path: Path, new: str, fragment: str) -> None:
    text = edited(GROUP_FIELD, new)
    path = write(tmp_path, "mini.toml", text)

    with pytest.raises(FormError) as caught:
        load_form(path)

    assert caught.value.line == marked_line(text)
    assert caught.value.field in (
        "stages.plan.fields.help_request.each",
        "stages.plan.fields.help_request.eech",
    )
    assert fragment in caught.value.message


def test_the_piece_is_shared_by_the_group(tmp_path: Path) -> None:
    text = edited('key = "process_stage"', 'key = "process_stage"\neach = true  # HERE')
    path = write(tmp_path, "mini.toml", text)

    with pytest.raises(FormError) as caught:
        load_form(path)

    assert caught.value.line == marked_line(text)
    assert "shares" in caught.value.message


def test_a_small_group_form_shares_at_least_one_field() -> None:
    process_stage = MINI[MINI.index('[[stages.fields]]\nkey = "process_stage"') :]
    process_stage = process_stage[: process_stage.index("\n\n") + 2]
    text = (
        MINI.replace(process_stage, "")
        .replace('key = "purpose"', 'key = "purpose"\neach = true')
        .replace('key = "help_request"', 'key = "help_request"\neach = true')
    )
    with pytest.raises(FormError, match="at least one field the group shares"):
        parse_form(text, "mini.toml")
