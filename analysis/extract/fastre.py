"""The regex speed layer: faster forms of case-insensitive patterns that match the same.

Two devices, each checked by ``tests/test_fastre.py`` against the plain patterns over every
article of ``data/raw/`` (and the development corpus when present):

- **Lowering.** Matching ``text.lower()`` case-sensitively is two to three times faster
  than matching ``text`` case-insensitively (the engine folds every character it
  compares), and finds the same spans when :func:`foldable` (``text``). :func:`lowered`
  gives that form of a pattern.
- **Screening.** A look-ahead for the characters a match can start with lets the engine
  skip most positions with one character test. :func:`screened` takes that set from the
  caller (for the vocabularies it is read off the phrases when they load, see
  :func:`phrase_forms`); nothing here parses patterns with Python's private regex parser.

Both are plain functions of their arguments: the vocabularies build their fast forms once
when they load (:class:`analysis.extract.lexicon.Matcher`); hand-written patterns build
theirs at import, next to the pattern.
"""

from __future__ import annotations

import functools
import re

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
#: What :func:`lowered` keeps as written: escapes, group syntax and case-sensitive groups.
_KEEP_CASE = re.compile(r"\\.|\(\?P|\(\?-i:(?:[^()\\]|\\.)*\)|[A-Z]+")
#: Pattern syntax whose meaning lowering could change (named characters, conditionals,
#: a range from a capital to a non-capital such as ``[A-z]``).
_NOT_LOWERABLE = re.compile(r"\\N\{|\(\?\(|[A-Z]-[^A-Z\]]")
#: A case-sensitive group ``(?-i:...)`` without nested groups, its body captured.
_CASE_GROUP = r"\(\?-i:((?:[^()\\]|\\.)*)\)"


@functools.lru_cache(maxsize=1024)
def _caseless(char: str) -> bool:
    return not char.isalnum() and char.lower() == char == char.upper() == char.casefold()


def foldable(text: str) -> bool:
    """True when ``text.lower()`` can stand for ``text`` in case-insensitive matching.

    That holds when every letter and digit is ASCII and no other character has a case
    (curly quotes and dashes are fine): lowering then keeps every offset, and a
    case-insensitive pattern matches ``text`` exactly where its :func:`lowered` form
    matches ``text.lower()``.
    """
    return text.isascii() or all(_caseless(c) for c in set(_NON_ASCII.findall(text)))


def lowered(pattern: re.Pattern) -> re.Pattern | None:
    """The case-sensitive form of a case-insensitive ``pattern``, for lowered text.

    Escapes (``\\b``, ``\\d``), group syntax and case-sensitive groups (``(?-i:US)``) keep
    their case; every other capital letter is lowered. ``None`` when the pattern is not
    case-insensitive or holds syntax that lowering could change.
    """
    if not pattern.flags & re.IGNORECASE or _NOT_LOWERABLE.search(pattern.pattern):
        return None
    source = _KEEP_CASE.sub(
        lambda m: m.group(0) if m.group(0)[0] in "\\(" else m.group(0).lower(), pattern.pattern
    )
    return re.compile(source, pattern.flags & ~re.IGNORECASE)


def screened(pattern: re.Pattern, starts: str) -> re.Pattern:
    """``pattern`` behind a look-ahead for ``starts``, the characters its matches can start
    with (the body of a character class, e.g. ``"a-z'’"``).

    The caller vouches for ``starts``; ``tests/test_fastre.py`` checks every screened
    pattern of the extractor against its plain form. ``pattern`` itself for an empty set.
    """
    if not starts:
        return pattern
    return re.compile(f"(?=[{starts}])(?:{pattern.pattern})", pattern.flags)


def phrase_starts(first_chars: set[str]) -> str:
    """A character-class body for the first characters of phrases (escaped, sorted)."""
    return "".join(re.escape(c) for c in sorted(first_chars))


def phrase_forms(
    pattern: re.Pattern, first_chars: set[str]
) -> tuple[re.Pattern | None, re.Pattern | None]:
    """The fast form of a vocabulary's ``pattern`` and its guard.

    The fast form is :func:`lowered` ``pattern`` with its case-sensitive phrases (``US``)
    made case-insensitive too, screened by ``first_chars`` (the lowered first characters
    of every phrase). It finds every match of the pattern in lowered text, and maybe more:
    the guard matches, in lowered text, where one of the case-sensitive phrases could
    start, so that a match there is kept only if the plain pattern finds it too
    (:meth:`analysis.extract.lexicon.Matcher.find`). ``(None, None)``: no fast form.
    """
    bodies = re.findall(_CASE_GROUP, pattern.pattern)
    guard = None
    source = pattern
    if bodies:
        guard = lowered(re.compile("(?:" + "|".join(bodies) + ")", re.IGNORECASE))
        if guard is None:
            return None, None
        source = re.compile(re.sub(_CASE_GROUP, r"(?:\1)", pattern.pattern), pattern.flags)
    fast = lowered(source)
    if fast is None:
        return None, None
    return screened(fast, phrase_starts(first_chars)), guard
