"""The current spiral stage: its title, the questions a teacher asks, and its fields."""

from __future__ import annotations

import asyncio

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.widgets import LoadingIndicator, Static

from conference_tui.forms import FormStage
from conference_tui.store.records import AnswerInfo
from conference_tui.tui.widgets.field_editor import FieldEditor
from conference_tui.tui.widgets.formatting import plain


class StagePane(Vertical):
    """Shows one stage at a time. A stage's fields are mounted on its first visit:
    mounting all of them at open costs more than a second, and mounting them in the
    background makes typing lag."""

    def __init__(self, stages: tuple[FormStage, ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.stages = stages
        self.pages: dict[str, Vertical] = {}
        self.editors: dict[str, FieldEditor] = {}
        self.answers: dict[str, AnswerInfo] = {}
        self.habits = ""
        self.mounting = asyncio.Lock()

    def compose(self) -> ComposeResult:
        yield Static("", id="stage-title")
        yield Static("", id="stage-questions")
        yield LoadingIndicator(id="loading")
        yield VerticalScroll(id="stage-fields")

    def on_mount(self) -> None:
        fields = self.query_one("#stage-fields", VerticalScroll)
        fields.display = False
        # Tab goes from field to field; the scrolling box itself is no stop, or keys
        # typed there would go nowhere.
        fields.can_focus = False

    async def start(self, answers: dict[str, AnswerInfo], habits: str) -> None:
        """The conference has loaded: fields open with these answers, and a habits field
        with no answer of its own shows the habits recorded for the conference."""
        self.answers = answers
        self.habits = habits
        await self.query_one("#loading").remove()
        self.query_one("#stage-fields").display = True

    async def ensure_page(self, stage: FormStage) -> None:
        async with self.mounting:
            if stage.key in self.pages:
                return
            page = Vertical(id=f"page-{stage.key}", classes="stage-page")
            page.display = False
            self.pages[stage.key] = page
            await self.query_one("#stage-fields", VerticalScroll).mount(page)
            editors = []
            for field in stage.fields:
                answer = self.answers.get(field.key)
                value = answer.value if answer else ""
                if field.type == "habits" and answer is None:
                    value = self.habits
                editor = FieldEditor(
                    field,
                    stage.key,
                    value,
                    answer.private if answer else field.private,
                )
                self.editors[field.key] = editor
                editors.append(editor)
            await page.mount_all(editors)

    def show(self, index: int) -> bool:
        """Show a stage whose fields are mounted; False (and nothing changes) if not yet."""
        stage = self.stages[index]
        if stage.key not in self.pages:
            return False
        for key, page in self.pages.items():
            page.display = key == stage.key
        self.query_one("#stage-title", Static).update(
            plain(f"Stage {stage.number} of {len(self.stages)} · {stage.title}", style="bold")
        )
        questions = "\n".join(f"• {question}" for question in stage.questions)
        self.query_one("#stage-questions", Static).update(plain(questions))
        self.query_one("#stage-fields", VerticalScroll).scroll_home(animate=False)
        return True

    def focus_field(self, index: int, field_key: str) -> None:
        """Focus that field of the stage, or its first field."""
        keys = [field.key for field in self.stages[index].fields]
        key = field_key if field_key in keys else (keys[0] if keys else "")
        if key in self.editors:
            self.editors[key].focus_control()

    @staticmethod
    def editor_holding(node: DOMNode | None) -> FieldEditor | None:
        """The field editor that contains `node` (the focused widget), if any."""
        while node is not None and not isinstance(node, FieldEditor):
            node = node.parent
        return node
