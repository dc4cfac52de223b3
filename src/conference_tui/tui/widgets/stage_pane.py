"""The current spiral stage: its title, the questions a teacher asks, and its fields."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.widgets import Static

from conference_tui.field_kinds import form_field_key
from conference_tui.forms import FormField, FormStage
from conference_tui.store.records import AnswerInfo
from conference_tui.tui.widgets.field_editor import FieldEditor
from conference_tui.tui.widgets.formatting import plain
from conference_tui.tui.widgets.rubric import RubricEditor


def stage_title(stage: FormStage, count: int, width: int) -> str:
    """The stage's whole title, with "Stage n of N" where there is room, else "n of N";
    a title longer than the line wraps rather than being cut."""
    for title in (
        f"Stage {stage.number} of {count} · {stage.title}",
        f"{stage.number} of {count} · {stage.title}",
    ):
        if not width or len(title) <= width:
            return title
    return title


def field_editor(
    field: FormField, stage_key: str, answers: Mapping[str, AnswerInfo], habits: str
) -> FieldEditor:
    """A field as the conference holds it: a rubric as its parts (private if any part
    is: a part marked private is never shared because another part was not); a habits
    field with no answer of its own shows `habits`, those recorded for the conference."""
    if field.type == "rubric":
        parts = [answers.get(key) for key, _kind in field.answer_keys()]
        stored = [answer for answer in parts if answer is not None]
        private = any(a.private for a in stored) if stored else field.private
        values = {answer.field_key: answer.value for answer in stored}
        return RubricEditor(field, stage_key, values, private)
    return FieldEditor(field, stage_key, *field_answer(field, answers, habits))


def field_answer(
    field: FormField, answers: Mapping[str, AnswerInfo], habits: str
) -> tuple[str, bool]:
    """What a field (not a rubric) opens with: its text, and whether it is private."""
    answer = answers.get(field.key)
    value = answer.value if answer else ""
    if field.type == "habits" and answer is None:
        value = habits
    return value, answer.private if answer else field.private


class StagePane(Vertical):
    """Shows one stage at a time. The stage the conference opens at is built with the
    screen, in its first frame; another stage's fields are mounted on its first visit:
    mounting all of them at open costs more than a second, and mounting them in the
    background makes typing lag.

    Fields open with `answers`; a habits field with no answer of its own shows `habits`,
    the habits recorded for the conference."""

    def __init__(
        self,
        stages: tuple[FormStage, ...],
        answers: dict[str, AnswerInfo],
        habits: str,
        first: FormStage,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.stages = stages
        self.pages: dict[str, Vertical] = {}
        self.editors: dict[str, FieldEditor] = {}
        self.answers = answers
        self.habits = habits
        self.first = first
        self.mounting = asyncio.Lock()
        self.shown_index: int | None = None
        self.title_shown = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="stage-title")
        yield Static("", id="stage-questions")
        page, editors = self.new_page(self.first)
        self.register(self.first, page, editors)
        with VerticalScroll(id="stage-fields"):
            yield page

    def on_mount(self) -> None:
        # Tab goes from field to field; the scrolling box itself is no stop, or keys
        # typed there would go nowhere.
        self.query_one("#stage-fields", VerticalScroll).can_focus = False

    def new_page(self, stage: FormStage) -> tuple[Vertical, dict[str, FieldEditor]]:
        editors = {
            field.key: field_editor(field, stage.key, self.answers, self.habits)
            for field in stage.fields
        }
        page = Vertical(*editors.values(), id=f"page-{stage.key}", classes="stage-page")
        page.display = False
        return page, editors

    def can_refill(self) -> bool:
        """Whether the next conference's answers can be put in these fields. A rubric
        holds a cursor, a note box and levels of its own: a pane with one is built anew."""
        return not any(isinstance(editor, RubricEditor) for editor in self.editors.values())

    async def refill(self, answers: dict[str, AnswerInfo], habits: str, first: FormStage) -> None:
        """These fields, kept from the last conference (of the same form), filled with the
        next one's answers: mounting them again is most of what a kept screen would cost
        to show. Each field starts afresh (see `FieldEditor.refill`); the stage the
        conference opens at is mounted before it is shown."""
        self.answers = answers
        self.habits = habits
        self.first = first
        self.shown_index = None
        async with self.mounting:
            # A page whose mounting was cancelled as the last conference closed was never
            # registered: it goes, so that its stage is mounted again whole.
            registered = set(self.pages.values())
            fields = self.query_one("#stage-fields", VerticalScroll)
            stray = [page for page in fields.children if page not in registered]
            if stray:
                await fields.remove_children(stray)
        for editor in self.editors.values():
            editor.refill(*field_answer(editor.form_field, answers, habits))
        await self.ensure_page(first)

    def register(self, stage: FormStage, page: Vertical, editors: dict[str, FieldEditor]) -> None:
        """Make a page's fields known to the screen: only once they are mounted, since
        every reader of `editors` (the autosave, focus, show) reads their controls."""
        self.pages[stage.key] = page
        self.editors.update(editors)

    async def ensure_page(self, stage: FormStage) -> None:
        async with self.mounting:
            if stage.key not in self.pages:
                page, editors = self.new_page(stage)
                await self.query_one("#stage-fields", VerticalScroll).mount(page)
                self.register(stage, page, editors)

    def show(self, index: int) -> bool:
        """Show a stage whose fields are mounted; False (and nothing changes) if not yet."""
        stage = self.stages[index]
        if stage.key not in self.pages:
            return False
        for key, page in self.pages.items():
            page.display = key == stage.key
        self.shown_index = index
        self.show_title()
        questions = "\n".join(f"• {question}" for question in stage.questions)
        self.query_one("#stage-questions", Static).update(plain(questions))
        # After the next refresh, like the scroll to the focused field: a stage built with
        # its screen has no layout yet.
        self.call_after_refresh(self.scroll_to_top_or_focus)
        return True

    def scroll_to_top_or_focus(self) -> None:
        """The stage from its top, keeping the focused field in sight: keys typed at once
        behind pagedown (tab, tab) may have moved the focus down the page before this
        runs, and the text typed next must land where the teacher sees it."""
        fields = self.query_one("#stage-fields", VerticalScroll)
        fields.scroll_home(animate=False, immediate=True)
        focused = self.screen.focused
        if focused is not None and fields in focused.ancestors:
            editor = next(
                (a for a in focused.ancestors_with_self if isinstance(a, FieldEditor)), None
            )
            (editor or focused).scroll_visible(animate=False, immediate=True)

    def show_title(self) -> None:
        if self.shown_index is None:
            return
        text = stage_title(self.stages[self.shown_index], len(self.stages), self.content_size.width)
        if text != self.title_shown:  # a resize to the same width changes nothing
            self.title_shown = text
            self.query_one("#stage-title", Static).update(plain(text, style="bold"))

    def on_resize(self) -> None:
        self.show_title()

    def focus_field(self, index: int, place: str) -> None:
        """Focus that field of the stage where `place` says (FieldEditor.place: a field's
        key, or a part of it such as a rubric criterion's note), or its first field."""
        keys = [field.key for field in self.stages[index].fields]
        key = form_field_key(place)
        if key not in keys:
            key, place = (keys[0], keys[0]) if keys else ("", "")
        if key in self.editors:
            self.editors[key].focus_place(place)

    def editor_for(self, answer_key: str) -> FieldEditor:
        """The editor of the field an answer key belongs to (a rubric's for its parts)."""
        return self.editors[form_field_key(answer_key)]

    @staticmethod
    def editor_holding(node: DOMNode | None) -> FieldEditor | None:
        """The field editor that contains `node` (the focused widget), if any."""
        while node is not None and not isinstance(node, FieldEditor):
            node = node.parent
        return node
