"""Small groups: students who share an active goal or a next step, for planning."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from conference_tui.store.records import RosterRow
from conference_tui.tui.screens.base import AppScreen
from conference_tui.tui.widgets.footer import KeysFooter
from conference_tui.tui.widgets.formatting import QUIET, one_line
from conference_tui.tui.widgets.header import AppHeader

BY_GOAL = "goal"
BY_NEXT_STEP = "next_step"
WHAT = {BY_GOAL: "active goal", BY_NEXT_STEP: "last next step"}
NOTHING = {BY_GOAL: "No active goal", BY_NEXT_STEP: "No next step recorded"}


def normalised(text: str) -> str:
    """Text as compared for grouping: case, punctuation and spacing do not matter."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(ch if (ch.isalnum() or ch.isspace()) else " " for ch in folded)
    return re.sub(r"\s+", " ", kept).strip()


@dataclass(frozen=True)
class Group:
    label: str
    rows: tuple[RosterRow, ...]


def group_rows(rows: Iterable[RosterRow], text_of: Callable[[RosterRow], str]) -> list[Group]:
    """Students grouped by what they are working on: shared groups first (largest first),
    then students on their own, then those with nothing recorded. Each group is labelled
    as its first student's text was typed."""
    grouped: dict[str, list[RosterRow]] = {}
    labels: dict[str, str] = {}
    for row in rows:
        text = text_of(row)
        key = normalised(text)
        grouped.setdefault(key, []).append(row)
        labels.setdefault(key, " ".join(text.split()))
    groups = [
        Group(labels[key], tuple(sorted(members, key=lambda r: r.student.name.casefold())))
        for key, members in grouped.items()
    ]

    def order(group: Group) -> tuple[int, int, str]:
        if not normalised(group.label):
            return (2, 0, "")
        return (0 if len(group.rows) > 1 else 1, -len(group.rows), group.label.casefold())

    return sorted(groups, key=order)


def text_for(by: str) -> Callable[[RosterRow], str]:
    if by == BY_GOAL:
        return lambda row: row.active_goal
    return lambda row: row.last_next_step


def student_of(node: TreeNode[str] | None) -> str | None:
    """The student id of a student's line; None for a group's line (its data is its text)."""
    if node is None or node.parent is None or node.parent.is_root:
        return None
    return node.data or None


class GroupTree(Tree[str]):
    """Its own enter binding is visible, so the footer says what enter does."""

    BINDINGS = [Binding("enter", "select_cursor", "History", id="groups.tree.history")]


class GroupsScreen(AppScreen[None]):
    """A tree: one branch per shared goal or next step, the students under it."""

    CSS_PATH = "groups.tcss"
    BINDINGS = [
        Binding(
            "enter",
            "history",
            "History",
            id="groups.history",
            tooltip="Open the highlighted student's history",
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

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("", id="groups-title")
        tree = GroupTree("Groups", id="groups-tree")
        tree.show_root = False
        tree.guide_depth = 3
        yield tree
        yield Static("", id="group-text")
        yield Static("", id="groups-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.conference_app.sub_title = "Small groups"
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
        groups = group_rows(self.rows, text_for(self.by))
        target: TreeNode[str] | None = None
        for group in groups:
            label = Text()
            label.append(f"({len(group.rows)}) ", style="bold")
            if not normalised(group.label):
                label.append(NOTHING[self.by], style="italic")
            else:
                label.append(one_line(group.label, self.label_width()))
            branch = tree.root.add(label, expand=True, data=group.label)
            for row in group.rows:
                leaf = branch.add_leaf(Text(row.student.display_name), data=row.student.id)
                if target is None or row.student.id == selected:
                    target = leaf
        # Lines are numbered when the tree is next drawn.
        tree.call_after_refresh(tree.move_cursor, target)
        self.show_status(groups)

    def label_width(self) -> int:
        """Room for a group's text on one line, so that nothing scrolls sideways."""
        return max(16, (self.size.width or 80) - 12)

    def on_resize(self) -> None:
        if self.is_mounted and self.rows:
            self.render_groups()

    @on(Tree.NodeHighlighted)
    def show_group_text(self, event: Tree.NodeHighlighted[str]) -> None:
        """The whole text of the highlighted group: labels are cut to one line."""
        node = event.node
        group_node = node.parent if student_of(node) else node
        text = group_node.data if group_node is not None else ""
        detail = self.query_one("#group-text", Static)
        detail.update(Text(" ".join((text or "").split())))
        detail.display = bool(text and text.strip())

    def show_status(self, groups: list[Group]) -> None:
        shared = [g for g in groups if len(g.rows) > 1 and normalised(g.label)]
        other = WHAT[BY_NEXT_STEP if self.by == BY_GOAL else BY_GOAL]
        title = Content.assemble(
            (f"Grouped by {WHAT[self.by]}", "bold"), (f"  ·  t: group by {other}", QUIET)
        )
        self.query_one("#groups-title", Static).update(title)
        in_groups = sum(len(g.rows) for g in shared)
        status = (
            f"{len(shared)} group{'s' if len(shared) != 1 else ''} of 2 or more "
            f"({in_groups} students) · {len(self.rows)} students"
        )
        if not self.rows:
            status = "No students in this class yet."
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

    def action_back(self) -> None:
        self.dismiss()
