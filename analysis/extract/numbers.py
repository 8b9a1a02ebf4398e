"""Counts as news text states them: digits, number words, bounds and vague quantities.

A count is a range (``low``, ``best``, ``high``); ``None`` means unknown. The conventions:

======================================  =====  =====  =====  =====
phrase                                  low    best   high   vague
======================================  =====  =====  =====  =====
"four", "4", "two dozen" (24)           N      N      N
"at least N", "no fewer than N"         N      N      None
"more than N", "over N"                 N+1    N+1    None
"up to N", "as many as N"               None   None   N
"about N", "around N", "some N"         None   N      None
"nearly N", "almost N"                  None   N      N
"four or five", "10 to 20"              4      4      5      (best is the lower bound:
                                                              the conservative reading)
"no", "none", "zero"                    0      0      0
"a", "an", "one", "another"             1      1      1
"several", "a number of", "dozens of",  None   None   None   True
"hundreds of", "a handful of", "many"
======================================  =====  =====  =====  =====
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS = (
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
WORD_VALUES = {
    **{w: i for i, w in enumerate(_UNITS)},
    **{w: 10 + i for i, w in enumerate(_TEENS)},
    **{w: 20 + 10 * i for i, w in enumerate(_TENS)},
    "a": 1,
    "an": 1,
}
MULTIPLIERS = {"dozen": 12, "hundred": 100, "thousand": 1000}

_SIMPLE = "|".join(sorted((*_UNITS[1:], *_TEENS), key=len, reverse=True))
_TENS_RX = "|".join(_TENS)
_WORD_NUMBER = (
    rf"(?:(?:{_TENS_RX})(?:[- ](?:{'|'.join(_UNITS[1:])}))?|{_SIMPLE}|a|an)"
    rf"\s+(?:hundred|thousand|dozen)(?:\s+and\s+(?:{_TENS_RX}|{_SIMPLE}))?"
    rf"|(?:{_TENS_RX})(?:[- ](?:{'|'.join(_UNITS[1:])}))?|{_SIMPLE}"
)
NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|{_WORD_NUMBER})"
_VAGUE = (
    r"a\s+number\s+of|several|dozens(?:\s+of)?|scores(?:\s+of)?|hundreds(?:\s+of)?"
    r"|thousands(?:\s+of)?|many|a\s+handful\s+of|multiple|numerous|a\s+few|some"
)
_FORMS = (
    ("range", rf"(?:between\s+)?(?P<a>{NUMBER})\s*(?:or|to|-|–|and)\s*(?P<b>{NUMBER})"),
    (
        "at_least",
        rf"(?:at\s+least|no\s+fewer\s+than|no\s+less\s+than|a\s+minimum\s+of)\s+(?P<n>{NUMBER})",
    ),
    ("more_than", rf"(?:more\s+than|over|upwards\s+of|in\s+excess\s+of)\s+(?P<n>{NUMBER})"),
    ("up_to", rf"(?:up\s+to|as\s+many\s+as|at\s+most|no\s+more\s+than)\s+(?P<n>{NUMBER})"),
    (
        "about",
        rf"(?:about|around|roughly|approximately|some|an\s+estimated|estimated)\s+(?P<n>{NUMBER})",
    ),
    ("nearly", rf"(?:nearly|almost|close\s+to)\s+(?P<n>{NUMBER})"),
    # "another eleven": eleven more, not one.
    ("another", rf"another\s+(?P<n>{NUMBER})"),
    ("exact", rf"(?P<n>{NUMBER})"),
    ("zero", r"no\s+one|nobody|none|zero|no"),
    ("vague", _VAGUE),
    ("one", r"a\s+single|another|one|an|a"),
)
_LEADING = {name: re.compile(rf"(?:{rx})(?![\w-])", re.IGNORECASE) for name, rx in _FORMS}
#: Every form at once, each in a group named after it: the group that matched is the first
#: form of ``_LEADING`` that matches (inner groups do not capture).
_FIRST_FORM = re.compile(
    "|".join(
        f"(?P<{name}>{re.sub(r'[(][?]P<[a-z]+>', '(?:', rx)})(?![\\w-])" for name, rx in _FORMS
    ),
    re.IGNORECASE,
)
_FORM_ORDER = tuple(_LEADING.items())
_FORM_INDEX = {name: i for i, (name, _) in enumerate(_FORM_ORDER)}
#: Finds count phrases anywhere in a text.
QUANTITY = re.compile(
    "|".join(f"(?:{re.sub(r'[(][?]P<[a-z]+>', '(?:', rx)})" for _, rx in _FORMS[:-1]),
    re.IGNORECASE,
)


_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_TOKEN_BREAK = re.compile(r"[\s-]+")


@dataclass(frozen=True)
class Count:
    """A count range; ``vague`` marks a stated but unquantified number ("several")."""

    low: int | None
    best: int | None
    high: int | None
    vague: bool = False

    def __add__(self, other: Count) -> Count:
        lows = (self.low, other.low)
        return Count(
            low=None if lows == (None, None) else sum(v or 0 for v in lows),
            best=None if None in (self.best, other.best) else self.best + other.best,
            high=None if None in (self.high, other.high) else self.high + other.high,
            vague=self.vague or other.vague,
        )


ZERO = Count(0, 0, 0)
_INT64_LIMIT = 2**63
VAGUE = Count(None, None, None, vague=True)


def word_number(text: str) -> int | None:
    """Value of digits or number words ("14", "2,500", "twenty-five", "two dozen", "a hundred")."""
    text = text.strip().lower()
    if _DIGITS.fullmatch(text):
        value = int(text.replace(",", ""))
        # Beyond 64 bits no table can hold it: a corrupted text, not a count.
        return value if value < _INT64_LIMIT else None
    total = 0
    current = 0
    for token in _TOKEN_BREAK.split(text):
        if token == "and":
            continue
        if token in MULTIPLIERS:
            current = max(current, 1) * MULTIPLIERS[token]
            total += current
            current = 0
        elif token in WORD_VALUES:
            current += WORD_VALUES[token]
        else:
            return None
    return total + current


def match_count(text: str) -> tuple[Count, int] | None:
    """Read a count phrase at the start of ``text``; return the count and its length."""
    first = _FIRST_FORM.match(text)
    if first is None:
        return None
    # The forms before the first that matches need not be tried again.
    for name, rx in _FORM_ORDER[_FORM_INDEX[first.lastgroup] :]:
        m = rx.match(text)
        if m is None:
            continue
        if name == "range":
            a, b = word_number(m["a"]), word_number(m["b"])
            if a is None or b is None or b <= a:
                continue
            return Count(a, a, b), m.end()
        if name in ("zero", "vague", "one"):
            count = {"zero": ZERO, "vague": VAGUE, "one": Count(1, 1, 1)}[name]
            return count, m.end()
        n = word_number(m["n"])
        if n is None:
            continue
        return _bounded(name, n), m.end()
    return None


def _bounded(form: str, n: int) -> Count:
    return {
        "at_least": Count(n, n, None),
        "more_than": Count(n + 1, n + 1, None),
        "up_to": Count(None, None, n),
        "about": Count(None, n, None),
        "nearly": Count(None, n, n),
        "exact": Count(n, n, n),
        "another": Count(n, n, n),
    }[form]


def parse_count(phrase: str) -> Count | None:
    """Parse a whole count phrase ("at least 170", "four or five", "several").

    Returns ``None`` when ``phrase`` is not (only) a count.

    Examples
    --------
    >>> parse_count("more than a hundred")
    Count(low=101, best=101, high=None, vague=False)
    """
    text = re.sub(r"\s+", " ", phrase.strip())
    found = match_count(text)
    if found is None or found[1] != len(text):
        return None
    return found[0]
