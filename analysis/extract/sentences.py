"""Split an article into sentences with their offsets and their role in the article.

Roles:

- ``headline``: the first line when it has no final punctuation or repeats the title, and
  any later paragraph that starts with the title (captions often repeat it);
- ``standfirst``: the short paragraph right after the headline when it carries no
  day-precise date; a summary of the body, so it would only duplicate the body's events;
- ``heading``: a line without final punctuation (cross-heads, bylines, time stamps);
- ``boilerplate``: text matched by ``data/lexicon/boilerplate.csv``;
- ``body``: everything else; only body sentences are read for events.

Offsets index the raw text, so ``text[s.start:s.end] == s.text`` always holds. A dateline
("ERBIL, Kurdistan Region – ") is left out of the first sentence: it says where the report
was filed, not where anything happened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.extract.dates import find_dates
from analysis.extract.fastre import foldable, screened
from analysis.extract.lexicon import BoilerplateRule, BoilerplateScopes, join_boilerplate

ABBREVIATIONS = frozenset(
    (
        *("u.s", "u.k", "u.n", "gen", "lt", "col", "maj", "sgt", "capt", "cpl", "adm", "brig"),
        *("mr", "mrs", "ms", "dr", "st", "sen", "rep", "gov", "pres", "corp", "inc", "co"),
        *("ltd", "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept"),
        *("oct", "nov", "dec", "no", "a.m", "p.m"),
    )
)
_FINAL_PLAIN = re.compile(r"""[.!?…:;]["'”’)\]]*\s*$|[.!?…]["'”’)\]]*\s*\(.*\)\s*$""")
_FINAL = screened(_FINAL_PLAIN, ".!?…:;")
_BOUNDARY = re.compile(r"""[.!?…]["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")
#: A wire dateline: "ERBIL, Kurdistan Region – ", "WASHINGTON, Feb 3 (Reuters) - ",
#: "BEIRUT (AP) — ", "BAGHDAD, Iraq, Jan 5 – ", or a city in title case before an agency
#: ("Washington (Reuters) - ", "Damascus, SANA – ").
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'’/\- ]{2,}(?:,\s*[A-Z0-9][\w.'’\- ]{0,40}?){0,3}"
    r"(?:\s*\([A-Za-z.&'’/ -]{1,40}\))?"
    r"|[A-Z][\w.'’\- ]{2,30}?(?:,\s*[A-Z0-9][\w.'’\- ]{0,40}?){0,3}"
    r"\s*\([A-Za-z.&'’/ -]{1,40}\)"
    # "Damascus, SANA – ": a city and an agency's initials; "Beirut, March 20 -- ": a city
    # and the day.
    r"|[A-Z][\w.'’\-]{2,30}(?:\s[A-Z][\w.'’\-]{1,30}){0,2},\s*(?:[A-Z]{2,8}"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}))"
    r"\s*[–—-]{1,2}\s+"
)
#: A label that opens a paragraph of a newsletter or a transcript ("• IRAQ: ", "THE
#: RESPONSE: ", "MS. SINGH: "): capitals and a colon, a heading of what follows rather than
#: part of its first sentence.
_LABEL = re.compile(r"(?:[•·▪*]\s*)?[A-Z][A-Z .'’&/-]{1,60}:\s+(?=[\"“‘(]?[A-Z0-9])")
_STANDFIRST_MAX = 300


_LINE = re.compile(r"[^\n]*\S[^\n]*")
_ENDS_IN_INITIAL = re.compile(r"\b[A-Z]\.$")
_LAST_WORD = re.compile(r"([\w.]+)[.!?…]?[\"'”’)\]]*$")
_ONE_LETTER = re.compile(r"[a-z]")
_NON_WORD = re.compile(r"\W+")


@dataclass(frozen=True)
class Sentence:
    """One sentence: index in the article, raw span, paragraph number and role."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int
    role: str


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of non-empty lines, with lines joined where a sentence was broken across them."""
    spans = [(m.start(), m.end()) for m in _LINE.finditer(text)]
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined:
            prev_start, prev_end = joined[-1]
            prev = text[prev_start:prev_end].rstrip()
            nxt = text[start:end].lstrip()
            # "U.\n\nS and Coalition": a line ending in an initial, or a next line that
            # starts in lower case, continues the same sentence.
            # (The pattern can only match the last two characters and the one before.)
            # A lower-case line that ends without final punctuation is a byline or a
            # time stamp under a headline ("first published on May 2, written by"), not
            # the rest of a sentence.
            if _ENDS_IN_INITIAL.search(prev[-3:]) or (
                nxt[:1].islower() and _has_final_punctuation(nxt)
            ):
                joined[-1] = (prev_start, end)
                continue
        joined.append((start, end))
    return [
        (s + len(text[s:e]) - len(text[s:e].lstrip()), s + len(text[s:e].rstrip()))
        for s, e in joined
    ]


def _last_word(piece: str) -> re.Match | None:
    """``_LAST_WORD.search(piece)``, tried first on the last 40 characters: a match there
    that does not start at their first character is the leftmost match of the whole."""
    window = max(0, len(piece) - 40)
    if window:
        found = _LAST_WORD.search(piece, window)
        if found is not None and found.start() > window:
            return found
    return _LAST_WORD.search(piece)


def _split_paragraph(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces = []
    cursor = start
    for m in _BOUNDARY.finditer(text, start, end):
        word = _last_word(text[cursor : m.start() + 1])
        token = word.group(1).lower().rstrip(".") if word else ""
        if text[m.start()] == "." and (token in ABBREVIATIONS or _ONE_LETTER.fullmatch(token)):
            continue
        pieces.append((cursor, m.end()))
        cursor = m.end()
        while cursor < end and text[cursor].isspace():
            cursor += 1
    if cursor < end:
        pieces.append((cursor, end))
    return pieces


def _has_final_punctuation(paragraph: str) -> bool:
    return bool(_FINAL.search(paragraph))


#: A list item: a bullet, then text ("• On April 14, a drone went after a hangar").
_BULLET = re.compile(r"^\s*[•·▪‣◦*–-]\s+\S")


def _norm(s: str) -> str:
    return _NON_WORD.sub(" ", s).strip().lower()


def _same_title(line: str, title: str, title_norm: str | None = None) -> bool:
    """``title_norm``: ``_norm(title)``, if already made."""
    if not title:
        return False
    return _norm(line).startswith(_norm(title) if title_norm is None else title_norm)


def _matches(scope: str, text: str, scopes: BoilerplateScopes, folded: str | None = None) -> bool:
    """``folded``: ``text.lower()`` if :func:`foldable` (``text``) is known to hold."""
    # Lowered text is searched faster and matches the same (analysis.extract.fastre.foldable).
    if folded is None and foldable(text):
        folded = text.lower()
    for p, low in scopes[scope]:
        if (p.search(text) if low is None or folded is None else low.search(folded)) is not None:
            return True
    return False


def _boilerplate_scope(paragraph: str, scopes: BoilerplateScopes) -> str | None:
    folded = paragraph.lower() if foldable(paragraph) else None
    for scope in ("rest", "paragraph", "sentence"):
        if _matches(scope, paragraph, scopes, folded):
            return scope
    return None


def split_sentences(
    text: str,
    title: str = "",
    boilerplate: tuple[BoilerplateRule, ...] = (),
    scopes: BoilerplateScopes | None = None,
) -> list[Sentence]:
    """Split ``text`` into sentences and give each its role (see the module docstring).

    Parameters
    ----------
    text
        The raw article text.
    title
        The article's title from its metadata ("" if unknown).
    boilerplate
        Rules from :func:`analysis.extract.lexicon.load_lexicon` (``lexicon.boilerplate``).
    scopes
        The same rules joined per scope (``lexicon.boilerplate_scopes``, built when the
        vocabularies load); joined here from ``boilerplate`` when not given.

    Returns
    -------
    list of Sentence, in text order, numbered from 0.
    """
    if scopes is None:
        scopes = join_boilerplate(boilerplate)
    sentences: list[Sentence] = []
    rest = False
    headline_seen = False
    body_started = False
    title_norm = _norm(title) if title else ""
    # The body paragraph just read ends in a colon ("Among those attacks:"), or a list item
    # it introduced was just read: a bullet line is an item of that list, not a heading.
    list_open = False
    for p_index, (p_start, p_end) in enumerate(_paragraphs(text)):
        paragraph = text[p_start:p_end]
        # Once a "rest" rule has matched, everything after it is boilerplate anyway.
        scope = "rest" if rest else _boilerplate_scope(paragraph, scopes)
        rest = rest or scope == "rest"
        if rest or scope == "paragraph":
            role = "boilerplate"
        elif p_index == 0 and (
            not _has_final_punctuation(paragraph) or _same_title(paragraph, title, title_norm)
        ):
            role, headline_seen = "headline", True
        elif _same_title(paragraph, title, title_norm):
            role = "headline"
        elif list_open and _BULLET.match(paragraph):
            role = "body"
        elif not _has_final_punctuation(paragraph):
            role = "heading"
        elif (
            headline_seen
            and not body_started
            and not _DATELINE.match(paragraph)
            and p_index == 1
            and len(paragraph) < _STANDFIRST_MAX
            and not any(d.kind in ("wd", "md", "dmy", "mdy") for d in find_dates(paragraph))
        ):
            role = "standfirst"
        else:
            role = "body"
        list_open = role == "body" and (
            paragraph.rstrip().endswith(":") or (list_open and bool(_BULLET.match(paragraph)))
        )
        if role == "body" and not body_started:
            body_started = True
            dateline = _DATELINE.match(paragraph)
            if dateline:
                p_start += dateline.end()
        label = _LABEL.match(text, p_start, p_end) if role == "body" else None
        if label:
            p_start = label.end()
        for s_start, s_end in _split_paragraph(text, p_start, p_end):
            s_text = text[s_start:s_end]
            s_role = role
            if role == "body" and (
                # A sentence that is its whole paragraph was tested with the paragraph.
                scope == "sentence" if s_text == paragraph else _matches("sentence", s_text, scopes)
            ):
                s_role = "boilerplate"
            sentences.append(Sentence(len(sentences), s_start, s_end, s_text, p_index, s_role))
    return sentences
