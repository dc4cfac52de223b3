"""One field of a conference form: its label, privacy, and the control to answer it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Select, SelectionList, Static, TextArea

from conference_tui.field_kinds import Kind
from conference_tui.forms import HABITS_OF_MIND, FormField
from conference_tui.store.errors import InvalidInputError
from conference_tui.store.follow_up import (
    FORMS_HINT,
    describe_follow_up,
    follow_up_text,
    resolve_follow_up,
)
from conference_tui.store.text_rules import visible
from conference_tui.tui.widgets.formatting import QUIET, plain
from conference_tui.tui.widgets.note_area import NoteArea
from conference_tui.tui.widgets.text_input import TextInput

if TYPE_CHECKING:
    from conference_tui.tui.draft_session import DraftSession

MULTI_SEPARATOR = "\n"
# Letters on a choice list this close together are one word.
CHOICE_TYPING_SECONDS = 1.0


def join_in_list_order(chosen: Iterable[object], choices: tuple[str, ...]) -> str:
    """Ticked options in the list's order, not the order they were ticked: the same
    choice always reads the same, so reopening a conference never looks like a change."""
    picked = {str(value) for value in chosen}
    return MULTI_SEPARATOR.join(choice for choice in choices if choice in picked)


class FieldEditor(Vertical):
    """Posts `FieldEditor.Changed` on every edit; the screen decides when to save."""

    @dataclass
    class Changed(Message):
        editor: FieldEditor
        field_key: str
        value: str
        private: bool

    def __init__(self, field: FormField, stage_key: str, value: str, private: bool) -> None:
        super().__init__(classes="field-editor")
        self.form_field = field
        self.stage_key = stage_key
        # Older databases may hold control characters the store now pictures.
        self.initial_value = visible(value)
        self.private = private
        self.read_only = False
        self.error_shown = ""
        # What was typed on a choice list, and when (Textual's clock): see on_key.
        self.typed = ""
        self.typed_at = -CHOICE_TYPING_SECONDS
        # The choice before the word being typed on a closed list (see on_key).
        self.before_word: object = Select.NULL
        # A past follow-up the teacher kept with enter (ISO): asked about only once.
        self.past_confirmed = ""

    @property
    def field_key(self) -> str:
        return self.form_field.key

    def compose(self) -> ComposeResult:
        yield Label(self.label_text(), classes="field-label")
        yield self.make_control()
        # The line for a problem with the field is made when there first is one (see
        # show_error): five fields a stage, nearly always without one, each a widget to
        # build, style and lay out as the conference opens.
        if self.form_field.type == "date":
            yield Static("", classes="field-confirm")

    def label_text(self) -> Content:
        privacy = "private" if self.private else "shareable"
        return Content.assemble(visible(self.form_field.label), (f"  ({privacy})", QUIET))

    def resolved_date(self) -> str:
        """The date a follow-up typed here stands for, in words; empty if none."""
        with contextlib.suppress(InvalidInputError):
            if day := resolve_follow_up(self.value(), self.today()):
                return describe_follow_up(day, self.today())
        return ""

    def today(self) -> date:
        return self.app.clock().astimezone().date()  # type: ignore[attr-defined]

    def unconfirmed_past_date(self, *, held_before: bool = False) -> date | None:
        """A follow-up typed here that is before today and not yet kept with enter. One
        the field opened with is asked about only `held_before` (a draft reopened); an
        old conference amended keeps its old date unasked."""
        if self.form_field.type != "date":
            return None
        today = self.today()
        typed = follow_up_text(self.value(), today)
        opened_with = follow_up_text(self.initial_value, today)
        if typed == self.past_confirmed or (typed == opened_with and not held_before):
            return None
        with contextlib.suppress(InvalidInputError):
            day = resolve_follow_up(typed, today)
            if day is not None and day < today:
                return day
        return None

    def show_date(self) -> None:
        """The date a follow-up stands for, on the field's edge (no line of its own at
        80x24); a past one asks to be kept."""
        self.control.border_subtitle = self.resolved_date()
        confirm = self.query_one(".field-confirm", Static)
        past = self.unconfirmed_past_date()
        confirm.display = past is not None
        if past is not None:
            confirm.update(
                f"{past.isoformat()} is in the past. Enter keeps it; "
                "or type another date (+7, tomorrow, fri)."
            )

    def make_control(self) -> Widget:
        field = self.form_field
        control_id = f"control-{field.key}"
        if field.type in ("long_text", "goal", "next_step"):
            return NoteArea(
                self.initial_value,
                placeholder=field.hint,
                id=control_id,
                classes=f"field-control field-{field.type}",
            )
        if field.type in ("short_text", "date"):
            hint = field.hint or (FORMS_HINT if field.type == "date" else "")
            return TextInput(
                self.initial_value, placeholder=hint, id=control_id, classes="field-control"
            )
        if field.type == "choice":
            return Select(
                self.choice_options(),
                value=self.initial_value or Select.NULL,
                prompt="(choose)",
                id=control_id,
                classes="field-control",
            )
        chosen = set(filter(None, self.initial_value.split(MULTI_SEPARATOR)))
        return SelectionList[str](
            *[(choice, choice, choice in chosen) for choice in self.choices()],
            id=control_id,
            classes=f"field-control field-{field.type}",
        )

    def choice_options(self) -> list[tuple[str, str]]:
        """A choice list's options: the form's choices, and the value it opens with if
        that is none of them (a choice the form no longer offers)."""
        options = [(choice, choice) for choice in self.form_field.choices]
        if self.initial_value and self.initial_value not in self.form_field.choices:
            options.append((self.initial_value, self.initial_value))
        return options

    def refill(self, value: str, private: bool) -> None:
        """This field for the next conference of a kept screen, as if new: its text (its
        undo history begins again, so that ctrl+z never brings back another student's
        note), its privacy, and nothing left of what the last one typed, confirmed or
        was shown. The refilling is no edit: nothing is announced to be saved."""
        old_options = self.choice_options()
        self.initial_value = visible(value)
        self.private = private
        self.read_only = False
        self.typed = ""
        self.typed_at = -CHOICE_TYPING_SECONDS
        self.past_confirmed = ""
        self.query_one(".field-label", Label).update(self.label_text())
        self.show_error("")
        control = self.control
        with self.prevent(
            TextArea.Changed, Input.Changed, Select.Changed, SelectionList.SelectedChanged
        ):
            if isinstance(control, TextArea):
                control.load_text(self.initial_value)  # clears its undo history
            elif isinstance(control, Input):
                control.value = self.initial_value
                control.cursor_position = len(self.initial_value)
            elif isinstance(control, Select):
                control.expanded = False
                if (options := self.choice_options()) != old_options:
                    control.set_options(options)
                control.value = self.initial_value or Select.NULL
            elif isinstance(control, SelectionList):
                chosen = set(filter(None, self.initial_value.split(MULTI_SEPARATOR)))
                control.deselect_all()
                for choice in self.choices():
                    if choice in chosen:
                        control.select(choice)
                # On the first choice, as a new list starts (OptionList's own action_first):
                # the teacher's habitual keys must tick the same choice on every student.
                control.highlighted = 0 if control.option_count else None
                control.scroll_home(animate=False)
        if self.form_field.type == "date":
            self.show_date()

    @property
    def control(self) -> Widget:
        return self.query_one(".field-control", Widget)

    def value(self) -> str:
        control = self.control
        if isinstance(control, TextArea):
            return control.text
        if isinstance(control, Input):
            return control.value
        if isinstance(control, Select):
            return "" if control.value in (Select.NULL, None) else str(control.value)
        assert isinstance(control, SelectionList)
        return join_in_list_order(control.selected, self.choices())

    def parts(self) -> list[tuple[str, str, Kind | None]]:
        """Each answer this field is saved as: its key, text and kind. One for most
        fields; a rubric has several (see RubricEditor)."""
        return [(self.field_key, self.value(), self.form_field.kind)]

    def queue_into(
        self,
        drafts: Iterable[DraftSession],
        typed_at: float,
        parts: list[tuple[str, str, Kind | None]] | None = None,
        *,
        by_student: bool = False,
    ) -> None:
        """Queue this field's answers (or `parts`: the same field as another editor holds
        it) that the store does not hold, into each draft; a problem shown under the
        field that is over is taken down."""
        problem_over = False
        for key, value, kind in self.parts() if parts is None else parts:
            if self.form_field.type == "date":
                value = follow_up_text(value, self.today())
            for draft in drafts:
                problem_over = (
                    draft.edited(
                        self.stage_key,
                        key,
                        value,
                        self.private,
                        form_private=self.form_field.private,
                        kind=kind,
                        by_student=by_student,
                        typed_at=typed_at,
                    )
                    or problem_over
                )
        if problem_over:
            self.show_error("")

    def show_parts(self, values: dict[str, str]) -> None:
        """Show the text of its answers saved from elsewhere (the student's turn)."""
        if self.field_key in values:
            self.fill(values[self.field_key])

    def fill(self, value: str) -> None:
        """Put `value` in a text field, the cursor after it, as if typed."""
        control = self.control
        if isinstance(control, TextArea):
            control.text = value
            control.move_cursor(control.document.end)
        elif isinstance(control, Input):
            control.value = value
            control.cursor_position = len(value)

    def choices(self) -> tuple[str, ...]:
        return HABITS_OF_MIND if self.form_field.type == "habits" else self.form_field.choices

    def place(self) -> str:
        """Where in this field the cursor is, as the conference keeps it to reopen there:
        the field's key (a rubric says which criterion's note)."""
        return self.field_key

    def focus_place(self, place: str) -> None:
        """Focus this field where `place` (as `place` gives it) says."""
        self.focus_control()

    def focus_control(self) -> None:
        # Scroll the whole field (label too) into view at once: an animated scroll
        # would leave the page at a different place from one moment to the next. After
        # the next refresh: a stage built with its screen has no layout yet.
        self.control.focus(scroll_visible=False)
        self.call_after_refresh(self.scroll_into_sight)

    def scroll_into_sight(self) -> None:
        # Only if the focus is still here: keys typed at once (tab, tab) may have moved
        # it down the page, and scrolling back up to this field would hide that one.
        if self.has_focus_within:
            self.scroll_visible(animate=False, immediate=True)

    def toggle_private(self) -> None:
        self.private = not self.private
        self.query_one(".field-label", Label).update(self.label_text())
        self.announce()

    def show_error(self, message: str) -> None:
        # Called after every save, nearly always with no error: a Static's update lays
        # out the whole screen, so it is only done when the message changes.
        if message == self.error_shown:
            return
        self.error_shown = message
        made = self.query(".field-error")
        if made:
            error = made.first(Static)
            error.update(plain(message))
            error.display = bool(message)
        else:
            self.mount(Static(plain(message), classes="field-error"), after=self.control)

    def set_read_only(self, read_only: bool) -> None:
        """Edits from now on are not announced, so never saved. The controls are left as
        they are: the screen is closing, keys wait at the key gate and the app drops
        clicks meanwhile; greying twenty controls would only cost a frame."""
        self.read_only = read_only

    def announce(self) -> None:
        if not self.read_only:
            self.post_message(self.Changed(self, self.field_key, self.value(), self.private))

    def on_mount(self) -> None:
        for error in self.query(".field-error"):
            error.display = False
        if self.form_field.type == "date":
            self.show_date()

    @on(TextArea.Changed)
    @on(Input.Changed)
    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    def control_changed(self, event: Message) -> None:
        event.stop()
        if self.is_mounted and self.control.is_mounted:
            if self.form_field.type == "date":
                self.show_date()
            self.announce()

    def on_descendant_focus(self) -> None:
        self.typed = ""  # a word typed on the list starts afresh each visit
        # Reached by tab, Textual centres the control with an animated scroll (150 ms or
        # so, longer on a busy machine), while keys typed meanwhile already land in it:
        # the page is neither where it was nor where it stops. After the next refresh,
        # this ends that scroll where it was going, at once, and shows the label too.
        self.call_after_refresh(self.scroll_into_sight)

    def on_key(self, event: events.Key) -> None:
        """Letters typed on a closed choice list pick a choice, as a form on paper would be
        ticked: a word typed quickly picks the choice it begins ("drafting"), one letter
        again moves to the next choice with it. A word that begins no choice ("reads it
        aloud", typed into the wrong field) is refused, and the choice goes back to what
        it was before the word: its first letters may have picked one on the way. A space
        ends a word ("drafting " keeps drafting), or, typed first, opens the list as
        Textual's own key does. A letter is never silently lost."""
        control = self.control
        if not isinstance(control, Select) or not event.is_printable or control.expanded:
            return
        letter = (event.character or "").casefold()
        quick = event.time - self.typed_at < CHOICE_TYPING_SECONDS
        in_word = quick and bool(self.typed)
        if letter == " " and not in_word:
            return
        event.stop()
        if not in_word:
            self.typed, self.before_word = "", control.value
        self.typed += letter
        self.typed_at = event.time
        choices = list(self.choices())
        current = self.value()
        after = choices.index(current) + 1 if current in choices else 0
        # A first letter moves to the next choice with it, and so does that letter again;
        # a word goes on from the choice shown (which may begin it already).
        here = after - 1 if current in choices else 0
        again = self.typed == letter * len(self.typed)
        tries = [(letter, after)] if again else [(self.typed, here)]
        for typed, start in tries:
            for choice in choices[start:] + choices[:start]:
                if choice.casefold().startswith(typed):
                    control.value = choice
                    return
        word, self.typed = self.typed, ""
        if letter == " ":
            return  # the end of a word that picked its choice
        back = ""
        if control.value != self.before_word:
            control.value = self.before_word
            back = f" It is back to “{self.value()}”." if self.value() else " It is empty again."
        # Keys typed after it were not meant for this list (an escape the open list
        # took, say): they are dropped rather than read as choices.
        self.app.key_gate.refuse(  # type: ignore[attr-defined]
            f"No choice of {self.form_field.label} starts with “{word}”.{back} "
            "Enter opens the list.",
            timeout=5,
            to_student=True,
        )

    @on(Input.Submitted)
    @on(Input.Blurred)
    def resolve_shortcut(self, event: Input.Submitted | Input.Blurred) -> None:
        """Show `+7` as the date it stands for once the teacher moves on; enter on a past
        date keeps it."""
        # A blur also comes while the screen is being taken down, its fields gone.
        if self.form_field.type != "date" or not self.query(".field-control"):
            return
        if isinstance(event, Input.Submitted) and (past := self.unconfirmed_past_date()):
            self.past_confirmed = past.isoformat()
        resolved = follow_up_text(event.input.value, self.today())
        if resolved != event.input.value:
            event.input.value = resolved
            # At the end, as typed: a cursor left mid-date would split what comes next.
            event.input.cursor_position = len(resolved)
        self.show_date()
