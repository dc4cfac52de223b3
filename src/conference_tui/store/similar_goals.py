"""Goals (or next steps) worded differently but about the same thing, found by the
significant words they share: "Use dialogue to show feelings" and "Show how characters
feel through dialogue" share dialogue, show and feel.

Plain text work, no database and no dependency: a class of 40 with 10 goals each is
grouped in a few milliseconds, and the same goals always give the same groups.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

# Words that say nothing about what a student is working on: English function words,
# and the words nearly every writing goal has ("use", "write", "piece", "goal": a class
# whose goals each said "goal" was one group of everyone).
STOP_WORDS_TEXT = """
    a about above after again all also am an and any are around as at be because been
    before being below between both but by can could did does doing done down during each
    every few for from further get gets getting had has have having he her here hers him
    his how i if in into is it its just let like make makes making me more most much must
    my new next no nor not now of off on once one only or other our out over own same
    she should so some such than that the their theirs them then there these they this
    those through to too two under until up use uses using very was way we were what when
    where which while who whom why will with within without would you your yours
    add adds adding added better write writes writing writer written wrote piece work
    try trying keep time times thing things really sure per instead reader readers
    goal goals aim aims target targets
"""
STOP_WORDS = frozenset(STOP_WORDS_TEXT.split())
MIN_WORD_LENGTH = 3
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def stem(word: str) -> str:
    """A rough stem, enough to match a word's common forms: paragraphs, paragraphing and
    paragraph; quotes, quoting and quote; feelings and feel; stories and story."""
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "shes", "ches", "xes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        word = word[:-1]
    for suffix in ("ing", "ed"):
        # At least four letters left: ending is not end, nor string str.
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "ls":
                word = word[:-1]  # planning -> plan, but spelling stays spell
            break
    # quote and quot(ing) are one word; so are dialogue and dialogu(es).
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def significant_words(text: str) -> dict[str, str]:
    """The significant words of `text`, by stem, each as first written (lowercased)."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")
    words: dict[str, str] = {}
    for word in WORD.findall(folded):
        word = word.removesuffix("'s")
        if len(word) < MIN_WORD_LENGTH or word in STOP_WORDS:
            continue
        stemmed = stem(word)
        if stemmed not in STOP_WORDS and len(stemmed) >= MIN_WORD_LENGTH:
            words.setdefault(stemmed, word)
    return words


@dataclass(frozen=True)
class SimilarGroup:
    """Items (by their index in the list given) grouped together, and why: the
    significant words all of them share, as the teacher wrote them. A group of one has
    no shared words; `shared` is empty for it."""

    members: tuple[int, ...]
    shared: tuple[str, ...]


def group_similar(texts: Sequence[str]) -> list[SimilarGroup]:
    """Texts grouped by the significant words they share, largest group first.

    Greedy and deterministic: of the groups a word would make of the texts not yet
    grouped, the one with the most texts times words in common is taken (two identical
    goals before five that share one word; ties go to the word first in the alphabet),
    until no word is shared by two texts still ungrouped; then largest group first. Each
    text is in one group; texts that share no word with another follow, one group each,
    in the order given; blank texts are left out, for the caller to list as nothing
    recorded."""
    words = [significant_words(text) for text in texts]
    holders: dict[str, set[int]] = {}
    for index, found in enumerate(words):
        for stemmed in found:
            holders.setdefault(stemmed, set()).add(index)
    # Only words two texts share can make a group.
    holders = {stemmed: held for stemmed, held in holders.items() if len(held) > 1}
    ungrouped = {index for index, text in enumerate(texts) if text.strip()}
    groups: list[SimilarGroup] = []
    while True:
        members, best_score = set[int](), 0
        for stemmed in sorted(holders):
            held = holders[stemmed]
            if len(held) < 2:
                continue
            common = set.intersection(*(set(words[index]) for index in held))
            score = len(held) * len(common)
            if score > best_score:
                members, best_score = set(held), score
        if not members:
            break
        ordered = tuple(sorted(members))
        groups.append(SimilarGroup(ordered, shared_words(ordered, words)))
        ungrouped -= members
        for held in holders.values():
            held -= members
    groups.sort(key=lambda group: (-len(group.members), group.shared))
    groups.extend(SimilarGroup((index,), ()) for index in sorted(ungrouped))
    return groups


def shared_words(members: Sequence[int], words: Sequence[dict[str, str]]) -> tuple[str, ...]:
    """Every word all `members` share, in the alphabet's order, each in the form most of
    them wrote (ties: the shorter, then the first in the alphabet)."""
    common = set(words[members[0]]).intersection(*(words[index] for index in members[1:]))

    def written(stemmed: str) -> str:
        forms = Counter(words[index][stemmed] for index in members)
        return min(forms, key=lambda form: (-forms[form], len(form), form))

    return tuple(sorted(written(stemmed) for stemmed in common))
