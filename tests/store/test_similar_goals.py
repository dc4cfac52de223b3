"""Goals worded differently, grouped by the significant words they share."""

from __future__ import annotations

import random

from conference_tui.store.similar_goals import (
    SimilarGroup,
    group_similar,
    significant_words,
    stem,
)


def test_word_forms_meet_at_one_stem() -> None:
    for forms in (
        ("paragraph", "paragraphs", "paragraphing"),
        ("quote", "quotes", "quoting", "quoted"),
        ("feel", "feels", "feelings", "feeling"),
        ("story", "stories"),
        ("dialogue", "dialogues"),
        ("detail", "details", "detailed"),
        ("plan", "planning", "plans"),
        ("transition", "transitions"),
    ):
        assert len({stem(form) for form in forms}) == 1, forms
    assert stem("ending") != stem("end")
    assert stem("spelling") == "spell"


def test_stop_words_short_words_case_and_punctuation_do_not_count() -> None:
    assert significant_words("Use MORE dialogue, to show it!") == {
        "dialogu": "dialogue",
        "show": "show",
    }
    assert significant_words("Write a better piece") == {}
    assert significant_words("My goal: aim for a target") == {}
    assert significant_words("Zoë’s “voice”—strong!") == {
        "zoë": "zoë",
        "voic": "voice",
        "strong": "strong",
    }
    assert significant_words("") == {}


def test_goals_worded_differently_are_grouped_and_say_why() -> None:
    goals = [
        "Use dialogue to show how characters feel",  # 0
        "Show feelings through dialogue",  # 1
        "Start a new paragraph for each speaker",  # 2
        "New paragraphs when the speakers change",  # 3
        "Add sensory details",  # 4
        "Details: smells and sounds",  # 5
        "",  # 6: nothing recorded
        "Write more",  # 7: no significant word, alone
        "Find two sources",  # 8: alone
        "Paragraphing!",  # 9
    ]
    groups = group_similar(goals)
    # Largest first; groups of one size in the order of their words.
    assert groups == [
        SimilarGroup((4, 5), ("details",)),
        SimilarGroup((0, 1), ("dialogue", "feel", "show")),
        SimilarGroup((2, 3), ("paragraph", "speaker")),
        SimilarGroup((7,), ()),
        SimilarGroup((8,), ()),
        SimilarGroup((9,), ()),
    ]
    assert group_similar(goals) == groups  # deterministic
    assert group_similar([]) == []
    assert group_similar(["", "  "]) == []


def test_identical_goals_are_not_torn_apart_by_a_looser_larger_group() -> None:
    goals = [
        "Add sensory details so a listener can see the setting",
        "Add sensory details so a listener can see the setting",
        "Name your listener",
        "Think about your listener",
        "Who is the listener?",
    ]
    assert group_similar(goals) == [
        SimilarGroup((2, 3, 4), ("listener",)),
        SimilarGroup((0, 1), ("details", "listener", "see", "sensory", "setting")),
    ]


def test_a_class_of_40_with_10_goals_each_is_grouped_whole_and_the_same_every_time() -> None:
    """400 goals: every one in exactly one group, and the same groups from a shuffled
    copy (by the goals' text, whatever their order)."""
    rng = random.Random(11)
    topics = ["dialogue", "paragraphs", "evidence", "verbs", "transitions", "endings", "quotes"]
    extras = ["carefully", "scene", "opening", "claim", "reasons", "sentences", "characters"]
    goals = [
        f"{rng.choice(['Use', 'Try', 'Add', 'Check'])} {rng.choice(topics)} "
        f"in the {rng.choice(extras)} {rng.choice(extras)}"
        for _ in range(400)
    ]
    groups = group_similar(goals)
    members = sorted(index for group in groups for index in group.members)
    assert members == list(range(400))
    assert all(group.shared for group in groups if len(group.members) > 1)
    order = list(range(400))
    rng.shuffle(order)
    shuffled = group_similar([goals[i] for i in order])
    as_texts = sorted(sorted(goals[i] for i in group.members) for group in groups)
    again = sorted(sorted(goals[order[i]] for i in group.members) for group in shuffled)
    assert as_texts == again


def test_goals_that_only_say_goal_are_not_one_group() -> None:
    """Found in a teacher's tmux check: four goals that each said "goal" put the whole
    class in one group."""
    goals = [
        "Goal: use dialogue",
        "Goal: vary sentence length",
        "My goal is stronger verbs",
        "Next goal: a clear ending",
    ]
    assert all(len(group.members) == 1 for group in group_similar(goals))
