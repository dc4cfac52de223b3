"""Small groups: students who share an active goal or a next step, for planning."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from conference_tui.store.roster_records import RosterRow
from conference_tui.store.similar_goals import group_similar
from conference_tui.tui.readable_colours import theme_colour
from conference_tui.tui.screens.base import AppScreen
from conference_tui.tui.widgets.footer import KeysFooter
from conference_tui.tui.widgets.formatting import QUIET, one_line, plural
from conference_tui.tui.widgets.header import AppHeader

BY_GOAL = "goal"
BY_NEXT_STEP = "next_step"
WHAT = {BY_GOAL: "active goal", BY_NEXT_STEP: "last next step"}
NOTHING = {BY_GOAL: "No active goal", BY_NEXT_STEP: "No next step recorded"}
NO_GROUPS = {
    BY_GOAL: "No two students' active goals share a word yet",
    BY_NEXT_STEP: "No two students' next steps share a word yet",
}


@dataclass(frozen=True)
class Group:
    """Students together because their texts share `shared` (the words, as written); a
    student whose text shares nothing is a group of one, labelled with that text; the
    students with nothing recorded are the group with no label."""

    label: str
    rows: tuple[RosterRow, ...]
    shared: tuple[str, ...] = ()

    @property
    def is_nothing_recorded(self) -> bool:
        return not self.label


def group_rows(rows: Sequence[RosterRow], text_of: Callable[[RosterRow], str]) -> list[Group]:
    """Students grouped by what they are working on, worded alike or not: groups that
    share words first (largest first), then students on their own (by their text), then
    those with nothing recorded."""
    texts = [" ".join(text_of(row).split()) for row in rows]
    shared, alone = [], []
    for similar in group_similar(texts):
        members = tuple(sorted((rows[i] for i in similar.members), key=by_name))
        if similar.shared:
            shared.append(Group(", ".join(similar.shared), members, similar.shared))
        else:
            alone.append(Group(texts[similar.members[0]], members))
    alone.sort(key=lambda group: group.label.casefold())
    nothing = tuple(
        sorted((row for row, text in zip(rows, texts, strict=True) if not text), key=by_name)
    )
    return shared + alone + ([Group("", nothing)] if nothing else [])


def by_name(row: RosterRow) -> str:
    return row.student.name.casefold()


def text_for(by: str) -> Callable[[RosterRow], str]:
    if by == BY_GOAL:
        return lambda row: row.active_goal
    return lambda row: row.last_next_step


def group_detail(group: Group) -> str:
    """What the line under the tree says of a group."""
    if group.shared:
        return f"Grouped because their words share: {', '.join(group.shared)}"
    return group.label


def student_of(node: TreeNode[str] | None) -> str | None:
    """The student id of a student's line; None for a group's line (its data is its text)."""
    if node is None or node.parent is None or node.parent.is_root:
        return None
    return node.data or None


class GroupTree(Tree[str]):
    """Its own enter binding is visible, so the footer says what enter does."""

    BINDINGS = [
        Binding("enter", "select_cursor", "History", id="groups.tree.history"),
        Binding("home", "first_line", "First", show=False, id="groups.tree.first"),
        Binding("end", "last_line", "Last", show=False, id="groups.tree.last"),
    ]

    def action_first_line(self) -> None:
        if self.last_line >= 0:
            self.move_cursor_to_line(0)

    def action_last_line(self) -> None:
        if self.last_line >= 0:
            self.move_cursor_to_line(self.last_line)


class GroupsScreen(AppScreen[None]):
    """A tree: one branch per shared goal or next step, the students under it."""

    CSS_PATH = "groups.tcss"
    SUB_TITLE = "Small groups"
    BINDINGS = [
        Binding(
            "enter",
            "history",
            "History",
            id="groups.history",
            tooltip="Open the highlighted student's history",
        ),
        Binding(
            "n",
            "group_conference",
            "Group conference",
            id="groups.group_conference",
            tooltip="Start a small-group conference with the highlighted group's students",
        ),
        Binding(
            "t",
            "toggle_grouping",
            "Goal/next step",
            id="groups.toggle",
            tooltip="Group by active goal or by last next step",
        ),
        Binding("escape", "back", "Back", id="groups.back", tooltip="Back to the roster"),
    ]

    def __init__(self, rows: list[RosterRow]) -> None:
        super().__init__()
        self.rows = rows
        self.by = BY_GOAL
        self.resumed_once = False
        # What each student is grouped by (goal or next step), by student id.
        self.texts: dict[str, str] = {}
        # The room for a line the tree was last built for.
        self.built_for_width = 0

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("", id="groups-title")
        tree = GroupTree(Text("Groups"), id="groups-tree")
        tree.show_root = False
        tree.guide_depth = 3
        yield tree
        yield Static("", id="group-text")
        yield Static("", id="groups-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.render_groups()
        self.query_one(Tree).focus()

    def on_screen_resume(self) -> None:
        # The rows came from the roster; after a visit to a history they may be stale.
        if not self.resumed_once:
            self.resumed_once = True
            return
        store = self.conference_app.store
        class_id = self.conference_app.current_class_id
        due_after = self.conference_app.settings.due_after_days

        def reloaded(rows: list[RosterRow]) -> None:
            self.rows = rows
            self.render_groups()

        self.load_before_keys(
            lambda: store.roster(class_id, due_after_days=due_after),
            reloaded,
            group="groups-load",
            what="the groups",
        )

    def render_groups(self) -> None:
        tree: Tree[str] = self.query_one(Tree)
        selected = student_of(tree.cursor_node)
        tree.clear()
        self.built_for_width = self.label_width()
        groups = group_rows(self.rows, text_for(self.by))
        target: TreeNode[str] | None = None
        text_of = text_for(self.by)
        self.texts = {row.student.id: " ".join(text_of(row).split()) for row in self.rows}
        for group in groups:
            label = Text()
            label.append(f"({len(group.rows)}) ", style="bold")
            if group.is_nothing_recorded:
                label.append(NOTHING[self.by], style="italic")
            elif group.shared:
                label.append("shared: ", style="italic")
                label.append(one_line(group.label, self.label_width() - 8))
            else:
                label.append(one_line(group.label, self.label_width()))
            branch = tree.root.add(label, expand=True, data=group_detail(group))
            for row in group.rows:
                name = Text(row.student.display_name)
                if group.shared:
                    # Worded differently: each student's own words, beside the name.
                    room = self.label_width() - name.cell_len - 3
                    name.append(
                        f" · {one_line(self.texts[row.student.id], max(room, 8))}",
                        style=Style(color=theme_colour(self.app, "text-muted")),
                    )
                leaf = branch.add_leaf(name, data=row.student.id)
                if target is None or row.student.id == selected:
                    target = leaf
        # Lines are numbered when the tree is next drawn; keys typed meanwhile (home,
        # end, down) wait for the cursor to be placed, or it would undo them.
        gate = self.conference_app.key_gate
        gate.hold(self, "the groups", part="groups-draw")

        def place_cursor() -> None:
            tree.move_cursor(target)
            gate.release(self, part="groups-draw")

        tree.call_after_refresh(place_cursor)
        self.show_status(groups)

    def label_width(self) -> int:
        """Room for a group's text on one line, so that nothing scrolls sideways. (The
        screen spans the app: before its first layout, its width is the app's.)"""
        return max(16, (self.size.width or self.app.size.width or 80) - 12)

    def on_resize(self) -> None:
        # Not on the resize that comes as the screen opens, at the width it was built
        # for: building the tree again would draw it twice more before keys can act.
        if self.is_mounted and self.rows and self.label_width() != self.built_for_width:
            self.render_groups()

    @on(Tree.NodeHighlighted)
    def show_group_text(self, event: Tree.NodeHighlighted[str]) -> None:
        """The whole text of the highlighted student, or why the highlighted group is a
        group: lines are cut to fit."""
        node = event.node
        student_id = student_of(node)
        text = self.texts.get(student_id, "") if student_id else node.data
        if student_id and not text:
            text = node.parent.data if node.parent is not None else ""
        detail = self.query_one("#group-text", Static)
        detail.update(Text(" ".join((text or "").split())))
        detail.display = bool(text and text.strip())

    def show_status(self, groups: list[Group]) -> None:
        shared = [g for g in groups if g.shared]
        other = WHAT[BY_NEXT_STEP if self.by == BY_GOAL else BY_GOAL]
        title = Content.assemble(
            (f"Grouped by {WHAT[self.by]}", "bold"), (f"  ·  t: group by {other}", QUIET)
        )
        self.query_one("#groups-title", Static).update(title)
        in_groups = sum(len(g.rows) for g in shared)
        class_size = plural(len(self.rows), "student")
        status = (
            f"{plural(len(shared), 'group')} of 2 or more ({in_groups} students) · {class_size}"
        )
        if not self.rows:
            status = "No students in this class yet: add them on the roster (a)."
        elif not shared:
            status = f"{NO_GROUPS[self.by]} · {class_size}"
        self.query_one("#groups-status", Static).update(Text(status))

    def action_toggle_grouping(self) -> None:
        self.by = BY_NEXT_STEP if self.by == BY_GOAL else BY_GOAL
        self.render_groups()

    @on(Tree.NodeSelected)
    def node_selected(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()
        student_id = student_of(event.node)
        if student_id:
            self.conference_app.open_history(student_id)

    def action_history(self) -> None:
        node = self.query_one(Tree).cursor_node
        student_id = student_of(node)
        if student_id:
            self.conference_app.open_history(student_id)
        elif node is not None:
            node.toggle()

    def action_group_conference(self) -> None:
        from conference_tui.store.group_conferences import group_size_problem

        node = self.query_one(Tree).cursor_node
        if node is not None and student_of(node) is not None:
            node = node.parent  # a student's line: their group
        students = [child.data for child in node.children if child.data] if node else []
        problem = group_size_problem(len(students))
        if node is None or node.parent is None:
            problem = "No group highlighted: move to a group of 2 to 8 students, then press n."
        if problem:
            self.conference_app.key_gate.refuse(
                f"{problem} Highlight a group of 2 to 8, or mark students on the roster "
                "(m, then G)."
            )
            return
        self.conference_app.open_group_conference(students)

    def action_back(self) -> None:
        self.dismiss()
