"""How people's names are read from school files and put in order.

Pure functions, no database: the roster import, the add-a-student dialog and the
roster's sort use the same ones, so a name means the same thing everywhere.
"""

from __future__ import annotations

import re
import unicodedata

# What follows a family name after a comma without being a given name ("King, Jr.").
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v", "phd", "md", "esq"})

# Rows a gradebook export adds under its students; compared letters only, any case.
NOT_STUDENTS = frozenset(
    {
        "average",
        "classaverage",
        "studentaverage",
        "sectionaverage",
        "mean",
        "median",
        "mode",
        "pointspossible",
        "possiblepoints",
        "maxpoints",
        "maximumpoints",
        "total",
        "totals",
        "classtotal",
        "grandtotal",
        "sum",
        "count",
        "max",
        "maximum",
        "min",
        "minimum",
        "highest",
        "lowest",
        "highscore",
        "lowscore",
        "standarddeviation",
        "stddev",
        "summary",
        "weight",
        "weighting",
        "outof",
    }
)


def name_key(name: str) -> str:
    """Two names are the same student's (or class's) when they match ignoring case and
    spacing."""
    return " ".join(name.split()).casefold()


def given_name_first(name: str) -> str:
    """ "Okafor, Amara" as "Amara Okafor"; any other name as written.

    Only one comma with words on both sides is read as "Family, Given": a suffix after
    the comma ("King, Jr.") or a second comma keeps the name as it is."""
    family, comma, given = name.partition(",")
    if not comma or "," in given or not family.strip() or not given.strip():
        return name
    if _letters(given) in NAME_SUFFIXES:
        return name
    return f"{given.strip()} {family.strip()}"


def not_a_student(name: str) -> str:
    """Why a row with this name is no student ("" when it may be one): a summary row of
    a gradebook ("Class Average", "Points Possible"), or a name without letters."""
    if not any(character.isalpha() for character in name):
        return "no name" if not name.strip() else "not a name (no letters)"
    if _letters(name) in NOT_STUDENTS:
        return "a summary row, not a student"
    return ""


def family_name_key(name: str) -> tuple[str, str]:
    """Sort key by family name (the last word), then the whole name; ignoring case and
    accents, so "Ávila" sorts with "Avila"."""
    folded = _folded(name)
    words = folded.split()
    return (words[-1] if words else "", folded)


def first_name_key(name: str) -> str:
    """Sort key by the name as written (given name first), ignoring case and accents."""
    return _folded(name)


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _letters(text: str) -> str:
    return re.sub(r"[\W\d_]+", "", _folded(text))
