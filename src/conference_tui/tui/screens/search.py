"""Search every note: results update as the teacher types; enter opens the conference.

Results come a page at a time: the next page loads in the background when the cursor
nears the end of those shown, so a common word costs no more than a rare one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from conference_tui.field_kinds import RubricPart, parse_rubric_key
from conference_tui.forms import HABITS_OF_MIND, Form
from conference_tui.store import SearchFilters
from conference_tui.store.records import SearchHit, SearchPage, SearchPosition
from conference_tui.store.roster_records import ClassInfo
from conference_tui.store.search import PAGE_SIZE
from conference_tui.tui.background import run_in_background
from conference_tui.tui.copying import CopiesConference, copy_bindings
from conference_tui.tui.widgets.footer import KeysFooter
from conference_tui.tui.widgets.formatting import QUIET, highlighted, local_date, one_line, plural
from conference_tui.tui.widgets.header import AppHeader
from conference_tui.tui.widgets.text_input import TextInput

T = TypeVar("T")
# The next page is asked for when the cursor comes this close to the last result shown.
LOAD_AHEAD = 10
# Beyond this, more words only slow the search down: every word must match anyway.
MAX_QUERY_CHARACTERS = 500
HINT = "Type to search: every word must match, the last may be the start of a word."


class BadDate(ValueError):
    pass


def parse_day(text: str, which: str) -> date | None:
    """A date typed as YYYY-MM-DD, or None for an empty box; BadDate says what is wrong."""
    stripped = text.strip()
    if not stripped:
        return None
    try:
        return date.fromisoformat(stripped)
    except ValueError:
        shown = one_line(stripped, 20)
        raise BadDate(f"“{shown}” is not a date: write the {which} date as YYYY-MM-DD.") from None


def where_found(hit: SearchHit, form: Form) -> str:
    """The stage (or kind of note) a hit is in, as the teacher knows it."""
    if hit.kind == "student":
        return "Learner profile"
    if hit.kind == "goal" and not hit.conference_id:
        return "Goal"
    if (rubric := rubric_part_found(hit, form)) is not None:
        return rubric
    try:
        return form.stage(hit.stage_key).title
    except KeyError:
        pass
    try:
        return form.stage_of(hit.field_key).title
    except KeyError:
        return "Goal" if hit.kind == "goal" else "Note"


RUBRIC_PART_NAMES = {
    RubricPart.TEACHER: "your level",
    RubricPart.STUDENT: "the student's own level",
    RubricPart.NOTE: "note",
}


def rubric_part_found(hit: SearchHit, form: Form) -> str | None:
    """For a hit in a rubric: which rubric, criterion and part ("Writing rubric ·
    Focus · note"); None for any other note."""
    parsed = parse_rubric_key(hit.field_key)
    if parsed is None:
        return None
    field_key, criterion_key, part = parsed
    field = form.field_of_answer(hit.field_key)
    criterion = next((c for c in field.criteria if c.key == criterion_key), None) if field else None
    rubric = field.label if field else field_key
    name = criterion.name if criterion else criterion_key
    return f"{rubric} · {name} · {RUBRIC_PART_NAMES[part]}"


def hit_prompt(hit: SearchHit, form: Form) -> Content:
    return Content.assemble(
        (one_line(hit.student_name, 28), "bold"),
        (f" · {local_date(hit.when)}" if hit.when else "", QUIET),
        (f" · {where_found(hit, form)}", "italic"),
        "\n",
        Content.from_rich_text(highlighted(one_line(hit.snippet, 400))),
    )


def same_note(hit: SearchHit, other: SearchHit | None) -> bool:
    return other is not None and (hit.kind, hit.student_id, hit.conference_id, hit.field_key) == (
        other.kind,
        other.student_id,
        other.conference_id,
        other.field_key,
    )


class Results(OptionList):
    """The hits; its own enter binding is visible, so the footer says what enter does."""

    BINDINGS = [Binding("enter", "select", "Open", id="search.results.open")]

    class WantsMore(Message):
        """Down was pressed on the last result shown while more are still to come."""

    # Set by the screen: results beyond the last one shown are still to be loaded.
    more_below = False

    def action_cursor_down(self) -> None:
        # Not round to the top: the next result is the first of the page to come.
        if self.more_below and self.highlighted == self.option_count - 1:
            self.post_message(self.WantsMore())
            return
        super().action_cursor_down()


@dataclass(frozen=True)
class Query:
    text: str
    filters: SearchFilters


def nothing_found(query: Query) -> str:
    """Only the advice that can help: fewer words where there are several, the filters
    cleared where some are set (a teacher's check found both offered for one word and
    no filter)."""
    ways = []
    if len(query.text.split()) > 1:
        ways.append("try fewer words")
    if query.filters != SearchFilters():
        ways.append("clear the filters (ctrl+r)")
    if not ways:
        return "No notes match. Check the spelling, or try another word."
    advice = ", or ".join(ways)
    return f"No notes match. {advice[0].upper()}{advice[1:]}."


class SearchScreen(CopiesConference):
    """Type to search all notes; filters narrow by class, dates and Habit of Mind."""

    CSS_PATH = "search.tcss"
    SUB_TITLE = "Search notes"
    BINDINGS = [
        Binding(
            "enter",
            "open_hit",
            "Open",
            id="search.open",
            tooltip="Open the conference at the stage of the note (or a student's history)",
        ),
        Binding(
            "ctrl+f",
            "focus_search",
            "Search box",
            id="search.focus",
            tooltip="Back to the search box",
        ),
        Binding(
            "ctrl+r",
            "clear_filters",
            "Clear filters",
            id="search.clear_filters",
            tooltip="Clear the class, date and habit filters",
        ),
        Binding("escape", "back", "Back", id="search.back", tooltip="Back"),
        Binding(
            "down",
            "results",
            "Results",
            show=False,
            id="search.results",
            tooltip="Move from the search box into the results",
        ),
        *copy_bindings("search"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[SearchHit] = []
        # What the results on screen answer, and where their next page starts.
        self.shown: Query | None = None
        self.next_page: SearchPosition | None = None
        self.loading_more = False
        # Down pressed on the last result: taken once the next page is on screen.
        self.down_when_more = False
        # One search at a time: words typed while it runs are asked for once it answers.
        self.searching = False
        self.changes = 0
        self.asked = 0
        self.answered = 0
        # Words typed that have no results on screen yet; settled by answered_now().
        self.is_busy = False
        self.results_wanted = False

    def compose(self) -> ComposeResult:
        yield AppHeader()
        search_box = TextInput(
            placeholder="Search every note, goal and learner profile…",
            id="search-box",
        )
        search_box.border_title = "Search"
        yield search_box
        with Horizontal(id="search-filters"):
            yield Select[str]([], prompt="All classes", id="filter-class")
            since = TextInput(placeholder="YYYY-MM-DD", id="filter-since", max_length=10)
            since.border_title = "From"
            yield since
            until = TextInput(placeholder="YYYY-MM-DD", id="filter-until", max_length=10)
            until.border_title = "To"
            yield until
            yield Select[str](
                [(habit, habit) for habit in HABITS_OF_MIND],
                prompt="Any habit",
                id="filter-habit",
            )
        yield Static("", id="search-error")
        yield Results(id="results")
        yield Static(HINT, id="search-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#search-error").display = False
        if self.app.is_headless:
            for box in self.query(Input):
                box.cursor_blink = False
        self.query_one("#search-box", Input).focus()
        store = self.conference_app.store
        self.load_before_keys(
            store.list_classes, self.show_classes, group="search-classes", what="the search"
        )

    def show_classes(self, classes: list[ClassInfo]) -> None:
        self.query_one("#filter-class", Select).set_options((c.name, c.id) for c in classes)

    # -- asking ----------------------------------------------------------------------

    @on(Input.Changed)
    @on(Select.Changed)
    def something_changed(self) -> None:
        """Searched at once, not after a pause in typing (20 ms of every search): a word's
        first letters take a millisecond or two to look up, and the words typed while a
        search runs are asked for together once it answers, its own answer not drawn."""
        self.is_busy = True
        self.changes += 1
        if not self.searching:
            self.run_search()

    def current_query(self) -> Query:
        """What to search for; raises BadDate when a date box holds something else."""
        text = self.query_one("#search-box", Input).value[:MAX_QUERY_CHARACTERS]
        since = parse_day(self.query_one("#filter-since", Input).value, "from")
        until = parse_day(self.query_one("#filter-until", Input).value, "to")
        if since and until and since > until:
            raise BadDate("The from date is after the to date: swap them or clear one.")
        class_id = self.query_one("#filter-class", Select).value
        habit = self.query_one("#filter-habit", Select).value
        return Query(
            text,
            SearchFilters(
                class_id=class_id if isinstance(class_id, str) else None,
                since=since,
                until=until,
                habit=habit if isinstance(habit, str) else None,
            ),
        )

    def run_search(self) -> None:
        error = self.query_one("#search-error", Static)
        try:
            query = self.current_query()
        except BadDate as exc:
            error.update(Text(str(exc)))
            error.display = True
            self.answered_now()
            return
        error.display = False
        if not query.text.strip():
            self.asked += 1
            self.show_hits(self.asked, query, SearchPage([], None))
            return
        self.asked += 1
        asked, changes = self.asked, self.changes
        store = self.conference_app.store
        self.set_status("Searching…")
        self.searching = True

        def unless_typed_on(act: Callable[[T], object]) -> Callable[[T], None]:
            """`act` on the answer (or the failure), unless words were typed meanwhile:
            then it is for older words, and the newer ones are asked for instead."""

            def after(answer: T) -> None:
                self.searching = False
                if changes != self.changes:
                    self.run_search()
                else:
                    act(answer)

            return after

        run_in_background(
            self,
            lambda: store.search_page(query.text, query.filters),
            unless_typed_on(lambda page: self.show_hits(asked, query, page)),
            group="search",
            failed=unless_typed_on(self.search_failed),
        )

    def on_screen_resume(self) -> None:
        # Back from a hit opened, and perhaps amended: the results may show old words.
        # (A search still on its way brings them fresh, and is not to be cancelled.)
        if self.searching:
            return
        if self.shown is not None and self.shown.text.strip() and self.hits:
            self.read_again(self.shown)

    def read_again(self, query: Query) -> None:
        """The results shown, read again; the cursor stays on the note it is on (or at
        its place, if that note no longer matches). Says nothing if it fails: the
        results shown stay."""
        self.asked += 1
        asked = self.asked
        store = self.conference_app.store

        # As many as were shown (pages loaded as the cursor went down): the note the
        # cursor is on may be far past the first page.
        shown = max(PAGE_SIZE, len(self.hits))

        def read() -> SearchPage:
            return store.search_page(query.text, query.filters, limit=shown)

        def show(page: SearchPage) -> None:
            if asked != self.asked:
                return  # a search typed since has the screen
            results = self.query_one("#results", Results)
            place = results.highlighted
            on = self.selected_hit()
            self.show_hits(asked, query, page)
            again = [index for index, hit in enumerate(self.hits) if same_note(hit, on)]
            if again:
                results.highlighted = again[0]
            elif place is not None and self.hits:
                results.highlighted = min(place, len(self.hits) - 1)

        run_in_background(self, read, show, group="search", failed=lambda _: None)

    def search_failed(self, message: str) -> None:
        self.notify(message, title="Search failed", severity="error", timeout=8)
        self.set_status("The search failed; change the words to try again.")
        self.answered_now()

    def show_hits(self, asked: int, query: Query, page: SearchPage) -> None:
        # The worker group is exclusive, and this check makes sure: an older answer
        # arriving late never replaces a newer one.
        if asked < self.answered:
            return
        self.answered = asked
        self.shown = query
        self.hits = []
        self.next_page = None
        # A page still loading for the results replaced is dropped when it arrives.
        self.loading_more = False
        self.query_one("#results", OptionList).clear_options()
        self.add_page(page)
        self.let_keys_go()
        if asked == self.asked:
            self.answered_now()

    def add_page(self, page: SearchPage) -> None:
        """Put a page below the results shown; the cursor stays on the result it is on."""
        results = self.query_one("#results", Results)
        app = self.conference_app
        first = len(self.hits)
        self.hits.extend(page.hits)
        self.next_page = page.next_page
        results.more_below = page.next_page is not None
        results.add_options(
            Option(hit_prompt(hit, app.form_held_with(hit.form_id)), id=str(n))
            for n, hit in enumerate(page.hits, start=first)
        )
        if self.hits and results.highlighted is None:
            results.highlighted = 0
        self.show_count()

    def show_count(self) -> None:
        count = len(self.hits)
        if self.shown is None or not self.shown.text.strip():
            self.set_status(HINT)
        elif not count:
            self.set_status(nothing_found(self.shown))
        else:
            more = " so far, more below" if self.next_page is not None else ""
            self.set_status(f"{plural(count, 'note')}{more} · ↓ to the results · enter opens")

    @on(OptionList.OptionHighlighted, "#results")
    def cursor_moved(self, event: OptionList.OptionHighlighted) -> None:
        self.load_more_near(event.option_index)

    def load_more_near(self, index: int) -> None:
        if index >= len(self.hits) - LOAD_AHEAD:
            self.load_more()

    @on(Results.WantsMore)
    def down_past_the_last(self) -> None:
        """Keys typed after this down wait for the page, and act on what it shows."""
        results = self.query_one("#results", Results)
        if results.highlighted is not None and results.highlighted < results.option_count - 1:
            # The page came between the key and this message (asked for as the cursor
            # neared the end): the down goes on into it. It was lost (a busy test run).
            results.action_cursor_down()
            return
        if self.next_page is None:
            return
        self.down_when_more = True
        self.conference_app.key_gate.hold(
            self, "more search results", part="search-more", escapable=True
        )
        self.load_more()

    def let_keys_go(self) -> None:
        self.down_when_more = False
        self.conference_app.key_gate.release(self, part="search-more")

    def load_more(self) -> None:
        """Ask for the page after the results shown, unless it is on its way or there is none."""
        query, after = self.shown, self.next_page
        if query is None or after is None or self.loading_more:
            return
        self.loading_more = True
        answered = self.answered
        store = self.conference_app.store
        run_in_background(
            self,
            lambda: store.search_page(query.text, query.filters, after=after),
            lambda page: self.more_arrived(answered, page),
            group="search-more",
            failed=lambda message: self.more_failed(answered, message),
        )

    def more_arrived(self, answered: int, page: SearchPage) -> None:
        if answered != self.answered:
            return  # the results it continues have been replaced
        self.loading_more = False
        self.add_page(page)
        results = self.query_one("#results", Results)
        if self.down_when_more:
            results.action_cursor_down()
        self.let_keys_go()
        # The cursor went on towards the end while the page was loading: the next one too.
        if results.highlighted is not None:
            self.load_more_near(results.highlighted)

    def more_failed(self, answered: int, message: str) -> None:
        if answered != self.answered:
            return
        self.loading_more = False
        self.let_keys_go()
        self.notify(message, title="Search failed", severity="error", timeout=8)
        self.set_status("More results could not be read; move the cursor to try again.")

    def set_status(self, message: str) -> None:
        self.query_one("#search-status", Static).update(Text(message))

    # -- acting ----------------------------------------------------------------------

    def answered_now(self) -> None:
        """The newest search has its answer on screen: keys waiting for it may go on."""
        self.is_busy = False
        if self.results_wanted:
            self.results_wanted = False
            self.action_results()
            self.conference_app.key_gate.release(self, part="search-now")

    def action_results(self) -> None:
        if self.is_busy and isinstance(self.focused, Input):
            # Typed straight after the words: search now, and let the keys after this one
            # wait for the results they are meant for.
            self.results_wanted = True
            self.conference_app.key_gate.hold(self, "the search results", part="search-now")
            if not self.searching:
                self.run_search()
            return
        results = self.query_one("#results", OptionList)
        if isinstance(self.focused, Input) and results.option_count:
            self.set_focus(results)

    def action_focus_search(self) -> None:
        self.query_one("#search-box", Input).focus()

    def on_key(self, event: events.Key) -> None:
        """Words typed on the results go on in the search box, where they show and search:
        the teacher who types on after looking down the list means more words, and
        each letter was refused there."""
        character = event.character or ""
        if not (event.is_printable and len(character) == 1):
            return
        if not self.query_one("#results", Results).has_focus:
            return
        event.stop()
        event.prevent_default()
        box = self.query_one("#search-box", Input)
        box.focus()
        box.cursor_position = len(box.value)
        box.insert_text_at_cursor(character)

    def action_clear_filters(self) -> None:
        self.query_one("#filter-class", Select).clear()
        self.query_one("#filter-habit", Select).clear()
        self.query_one("#filter-since", Input).value = ""
        self.query_one("#filter-until", Input).value = ""

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "search-box":
            self.action_results()

    @on(OptionList.OptionSelected, "#results")
    def hit_chosen(self) -> None:
        self.action_open_hit()

    def selected_hit(self) -> SearchHit | None:
        index = self.query_one("#results", OptionList).highlighted
        if index is None or not 0 <= index < len(self.hits):
            return None
        return self.hits[index]

    async def conference_to_copy(self) -> str | None:
        hit = self.selected_hit()
        if hit is None or not hit.conference_id:
            # A hit on a student's profile has no conference to copy.
            self.nothing_highlighted()
            return None
        return hit.conference_id

    def action_open_hit(self) -> None:
        hit = self.selected_hit()
        if hit is None:
            return
        app = self.conference_app
        if not hit.conference_id:
            app.open_history(hit.student_id)
            return
        stage_key = hit.stage_key
        if not stage_key:
            try:
                stage_key = app.form.stage_of(hit.field_key).key
            except KeyError:
                stage_key = ""
        # A completed conference opens for amendment; a draft simply reopens.
        app.open_conference(
            hit.student_id,
            hit.conference_id,
            stage_key=stage_key or None,
            field_key=hit.field_key or None,  # a rubric's note: that criterion's
            amend=True,
        )

    def action_back(self) -> None:
        self.dismiss()
