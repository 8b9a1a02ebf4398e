"""The vocabularies of the extractor, read from the CSV files in ``data/lexicon/``.

Each file is a CSV with a header; lines starting with ``#`` are comments and blank lines are
skipped (``data/lexicon/README.md`` documents every column). List-valued cells use ``;``.
All phrases of one vocabulary are compiled once into a single alternation, longest phrase
first, so that matching a sentence is one regex scan per vocabulary and the :class:`Lexicon`
pickles cheaply (compiled patterns pickle as their source and flags).
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from analysis.errors import UsageError
from analysis.extract.fastre import foldable, lowered, phrase_forms

DEFAULT_DIRECTORY = Path(__file__).resolve().parents[2] / "data" / "lexicon"

ACTION_KINDS = ("noun", "verb", "kill", "ref")
ACTION_FAMILIES = ("strike", "attack", "kill", "response", "any")
ACTOR_ROLES = ("any", "target", "adjective")
PLACE_KINDS = ("site", "city", "governorate", "region", "sea", "country")
BOILERPLATE_SCOPES = ("sentence", "paragraph", "rest")
ATTRIBUTION_KINDS = ("claimed", "blamed", "suspected", "stated", "denied", "response")
CUE_KINDS = (
    "link",
    "link_weak",
    "link_back",
    "link_by",
    "separator",
    "simultaneous",
    "threat",
    "generic",
    "quantifier",
)


@dataclass(frozen=True)
class ActorEntry:
    """One actor: canonical name, side code, whether it can initiate, whether it is named."""

    actor: str
    side: str
    role: str
    specific: bool


@dataclass(frozen=True)
class ActionEntry:
    """One action trigger and the codes of the event it names."""

    action: str
    kind: str
    family: str
    event_type: str
    sub_event_type: str
    cameo_code: str
    weapon: str


@dataclass(frozen=True)
class WeaponEntry:
    """One weapon category; ``sides`` restricts the row to initiators of those sides."""

    weapon: str
    sides: tuple[str, ...]
    event_type: str
    sub_event_type: str
    cameo_code: str


@dataclass(frozen=True)
class PlaceEntry:
    """One place with its administrative unit and coordinates."""

    location: str
    kind: str
    admin1: str
    country: str
    latitude: float
    longitude: float

    @property
    def rank(self) -> int:
        """Specificity: 0 for a site, up to 5 for a country (lower is more specific)."""
        return PLACE_KINDS.index(self.kind)


class Hit(NamedTuple):
    """One phrase found in a text: its span, the text matched and what it stands for.

    A named tuple, not a dataclass: hits are made by the hundred per article, and a tuple
    is built several times faster than a frozen dataclass.
    """

    start: int
    end: int
    text: str
    value: object


@dataclass(frozen=True)
class Matcher:
    """A compiled alternation of phrases and the table from normalised phrase to value.

    ``fast`` and ``guard``: the pattern's fast form for lowered text and its guard
    (:func:`analysis.extract.fastre.phrase_forms`), built with the matcher by
    :func:`make_matcher`; ``None`` when there is none.
    """

    pattern: re.Pattern
    table: dict
    fast: re.Pattern | None = None
    guard: re.Pattern | None = None

    def find(self, text: str, folded: str | None = None) -> list[Hit]:
        """All non-overlapping phrases in ``text``, left to right, longest first at a position.

        ``folded``: ``text.lower()`` if :func:`foldable` (``text``) is known to hold (it
        spares the test and the lowering when several vocabularies scan one text). The
        same hits as :meth:`find_plain`, faster.
        """
        if not self.table:
            return []
        table = self.table
        fast, guard = self.fast, self.guard
        if fast is not None and (folded is not None or foldable(text)):
            searched = text.lower() if folded is None else folded
            spans = [m.span() for m in fast.finditer(searched)]
            # The lowered pattern matches its case-sensitive phrases ("US") in any case, so
            # it finds every match of the pattern and maybe more: a match that can start
            # with one of those phrases stands only if the pattern finds it too. Before
            # it, neither pattern matched anywhere; after it, both go on from its end.
            pattern = self.pattern
            if guard is None or all(
                guard.match(searched, s) is None
                or ((m := pattern.match(text, s)) is not None and m.end() == e)
                for s, e in spans
            ):
                return [Hit(s, e, text[s:e], table[phrase_key(text[s:e])]) for s, e in spans]
        return self.find_plain(text)

    def find_plain(self, text: str) -> list[Hit]:
        """:meth:`find` with the plain case-insensitive pattern (the reference)."""
        if not self.table:
            return []
        return [
            Hit(m.start(), m.end(), m.group(0), self.table[phrase_key(m.group(0))])
            for m in self.pattern.finditer(text)
        ]


def make_matcher(phrases: list[str], table: dict) -> Matcher:
    """The :class:`Matcher` of ``phrases`` (see :func:`compile_phrases`) with its fast form,
    screened by the phrases' first characters."""
    pattern = compile_phrases(phrases)
    firsts = set()
    for phrase in phrases:
        first = phrase[:1].lower()
        firsts.update("'’" if first in "'’" else first)
    fast, guard = phrase_forms(pattern, firsts)
    return Matcher(pattern, table, fast, guard)


@dataclass(frozen=True)
class BoilerplateRule:
    """A pattern for text that is not reporting and how much of the text it removes."""

    scope: str
    pattern: re.Pattern
    description: str


#: Per boilerplate scope, the patterns to search: each with its form for lowered text (or
#: ``None``).
BoilerplateScopes = dict[str, tuple[tuple[re.Pattern, re.Pattern | None], ...]]
#: Back-references and inline flags change meaning inside a joined alternation.
_UNJOINABLE = re.compile(r"\\\d|\(\?P=|\(\?[aiLmsux]")
_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux-]")


def join_boilerplate(rules: tuple[BoilerplateRule, ...]) -> BoilerplateScopes:
    """Per scope, the rules' patterns joined into one alternation (one scan, not one per
    rule), each with its :func:`analysis.extract.fastre.lowered` form; patterns that cannot
    be joined safely (back-references, inline flags) stay apart."""
    out = {}
    for scope in BOILERPLATE_SCOPES:
        patterns = [r.pattern for r in rules if r.scope == scope]
        joinable = [
            p for p in patterns if p.flags & re.IGNORECASE and not _UNJOINABLE.search(p.pattern)
        ]
        alone = [p for p in patterns if p not in joinable]
        # Patterns anchored at the start are joined under one "^", so that the search still
        # tries only the first position; the others are joined apart.
        anchored = [p.pattern[1:] for p in joinable if p.pattern.startswith("^")]
        floating = [p.pattern for p in joinable if not p.pattern.startswith("^")]
        if floating:
            alone.insert(0, re.compile("|".join(f"(?:{p})" for p in floating), re.I))
        if anchored:
            alone.insert(0, re.compile("^(?:" + "|".join(f"(?:{p})" for p in anchored) + ")", re.I))
        # Each with its form for lowered text, unless an inline flag could change its case.
        out[scope] = tuple(
            (p, None if _INLINE_FLAGS.search(p.pattern) else lowered(p)) for p in alone
        )
    return out


@dataclass(frozen=True)
class Lexicon:
    """Every vocabulary of the extractor, compiled; frozen and picklable."""

    sides: dict
    actors: Matcher
    actions: Matcher
    weapons: Matcher
    places: Matcher
    cues: Matcher
    boilerplate: tuple[BoilerplateRule, ...]
    directory: str
    #: Attribution and response wording (``attribution.csv``).
    attribution: Matcher | None = None
    #: Lookup tables derived from the vocabularies when they load: place -> specificity
    #: rank, names of generic actors that may initiate, and side -> canonical actor.
    place_ranks: dict = field(default_factory=dict)
    generic_actors: frozenset = frozenset()
    #: side -> the name of its first named actor that may initiate ("United States").
    side_actors: dict = field(default_factory=dict)
    #: ``boilerplate`` joined per scope (:func:`join_boilerplate`).
    boilerplate_scopes: dict = field(default_factory=dict)


@functools.lru_cache(maxsize=8192)
def phrase_key(text: str) -> str:
    """Normalise a phrase for lookup: case, dots, spaces and apostrophe styles do not count."""
    return re.sub(r"[\s.]+", "", text.lower().replace("’", "'").replace("‐", "-"))


def _phrase_tokens(phrase: str) -> list[str]:
    # Tolerate the ways news text breaks a phrase: line breaks inside "U.S.", curly
    # apostrophes, and a final dot that doubles as the sentence's full stop.
    tokens = []
    for i, ch in enumerate(phrase):
        if ch == " ":
            tokens.append(r"\s+")
        elif ch == ".":
            tokens.append(r"\.?" if i == len(phrase) - 1 else r"\.\s*")
        elif ch in "'’":
            tokens.append("['’]")
        else:
            tokens.append(re.escape(ch))
    return tokens


def _trie_regex(sequences: list[list[str]]) -> str:
    """One regex for many token sequences, factored by common prefixes.

    A plain alternation of hundreds of phrases tries every phrase at every position; the
    factored form tries each distinct next token once, which makes a scan several times
    faster. Longer continuations are tried before stopping, so the longest phrase wins.
    """
    trie: dict = {}
    for sequence in sequences:
        node = trie
        for token in sequence:
            node = node.setdefault(token, {})
        node[""] = {}

    def build(node: dict) -> str:
        # A phrase ending here (its boundary check) is tried after every longer phrase.
        # Case-sensitive short phrases ("US") come after every case-insensitive one.
        order = sorted(
            (t for t in node if t), key=lambda t: (t.startswith("(?!"), t.startswith("(?-i:"), t)
        )
        branches = [token + build(node[token]) for token in order]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return build(trie)


def compile_phrases(phrases: list[str]) -> re.Pattern:
    """One case-insensitive regex matching any of ``phrases`` as whole words, longest first.

    Phrases of four characters or fewer written in capitals ("US", "KH") match only as
    written, so the pronoun "us" is never the United States.
    """
    folded: list[list[str]] = []
    for phrase in sorted(set(phrases)):
        # Word boundaries only where the phrase itself starts or ends with a word character.
        head = [r"(?<![\w-])"] if phrase[0].isalnum() else []
        tail = [r"(?![\w-])"] if phrase[-1].isalnum() or phrase[-1] == "." else []
        if len(phrase) <= 4 and phrase.isupper():
            body = "".join(_phrase_tokens(phrase))
            folded.append([*head, f"(?-i:{body})", *tail])
        else:
            folded.append(head + _phrase_tokens(phrase.lower()) + tail)
    return re.compile(_trie_regex(folded) or r"(?!x)x", re.IGNORECASE)


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise UsageError(f"{path}: lexicon file missing; restore it from the repository")
    lines = path.read_text(encoding="utf-8").splitlines()
    header: list[str] | None = None
    for lineno, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = next(csv.reader([line]))
        if header is None:
            header = [c.strip() for c in cells]
            missing = [c for c in columns if c not in header]
            if missing:
                raise UsageError(
                    f"{path}:{lineno}: header lacks column(s) {', '.join(missing)}; "
                    f"the header must be {','.join(columns)}"
                )
            continue
        if len(cells) != len(header):
            raise UsageError(
                f"{path}:{lineno}: {len(cells)} fields where the header has {len(header)}; "
                "quote cells that contain commas"
            )
        yield lineno, {k: v.strip() for k, v in zip(header, cells, strict=True)}


def _fail(path: Path, lineno: int, message: str) -> UsageError:
    return UsageError(f"{path}:{lineno}: {message}")


def _choice(path: Path, lineno: int, column: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise _fail(path, lineno, f"{column} {value!r} is not one of {', '.join(allowed)}")
    return value


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(";") if item.strip()]


def _add(table: dict, key_source: str, value: object, path: Path, lineno: int) -> None:
    key = phrase_key(key_source)
    if key in table and table[key] != value:
        raise _fail(path, lineno, f"phrase {key_source!r} already stands for another entry")
    table[key] = value


def _load_sides(directory: Path) -> dict[str, str]:
    path = directory / "sides.csv"
    sides: dict[str, str] = {}
    for lineno, row in _rows(path, ("side", "kind", "description")):
        side = row["side"]
        if not re.fullmatch(r"[A-Z][A-Z_]*", side):
            raise _fail(path, lineno, f"side {side!r} must be an upper-case code like IRAN")
        sides[side] = _choice(
            path, lineno, "kind", row["kind"], ("state", "armed_group", "civilians")
        )
    return sides


def _load_actors(directory: Path, sides: dict[str, str]) -> Matcher:
    path = directory / "actors.csv"
    table: dict[str, ActorEntry] = {}
    for lineno, row in _rows(path, ("actor", "side", "role", "specific", "aliases")):
        if row["side"] not in sides:
            raise _fail(path, lineno, f"side {row['side']!r} is not defined in sides.csv")
        entry = ActorEntry(
            actor=row["actor"],
            side=row["side"],
            role=_choice(path, lineno, "role", row["role"], ACTOR_ROLES),
            specific=_choice(path, lineno, "specific", row["specific"], ("yes", "no")) == "yes",
        )
        aliases = _split(row["aliases"])
        if not aliases:
            raise _fail(path, lineno, "aliases is empty; list at least one phrase")
        for alias in aliases:
            _add(table, alias, entry, path, lineno)
    phrases = _phrases(directory / "actors.csv", "aliases")
    return make_matcher(phrases, table)


def _phrases(path: Path, column: str) -> list[str]:
    columns = (column,)
    return [p for _, row in _rows(path, columns) for p in _split(row[column])]


def _load_actions(directory: Path) -> Matcher:
    path = directory / "actions.csv"
    columns = (
        "action",
        "kind",
        "family",
        "event_type",
        "sub_event_type",
        "cameo_code",
        "weapon",
        "forms",
    )
    table: dict[str, ActionEntry] = {}
    for lineno, row in _rows(path, columns):
        if row["cameo_code"] and not row["cameo_code"].isdigit():
            raise _fail(path, lineno, f"cameo_code {row['cameo_code']!r} must be digits")
        entry = ActionEntry(
            action=row["action"],
            kind=_choice(path, lineno, "kind", row["kind"], ACTION_KINDS),
            family=_choice(path, lineno, "family", row["family"], ACTION_FAMILIES),
            event_type=row["event_type"],
            sub_event_type=row["sub_event_type"],
            cameo_code=row["cameo_code"],
            weapon=row["weapon"],
        )
        for form in _split(row["forms"]):
            _add(table, form, entry, path, lineno)
    phrases = _phrases(path, "forms")
    return make_matcher(phrases, table)


def _load_weapons(directory: Path, sides: dict[str, str]) -> Matcher:
    path = directory / "weapons.csv"
    columns = ("weapon", "initiator_side", "event_type", "sub_event_type", "cameo_code", "phrases")
    table: dict[str, tuple[WeaponEntry, ...]] = {}
    for lineno, row in _rows(path, columns):
        row_sides = tuple(_split(row["initiator_side"]))
        unknown = [s for s in row_sides if s not in sides]
        if unknown:
            raise _fail(path, lineno, f"initiator_side {', '.join(unknown)} not in sides.csv")
        entry = WeaponEntry(
            row["weapon"], row_sides, row["event_type"], row["sub_event_type"], row["cameo_code"]
        )
        for phrase in _split(row["phrases"]):
            key = phrase_key(phrase)
            if entry in table.get(key, ()):
                continue
            if any(e.sides == row_sides for e in table.get(key, ())):
                raise _fail(path, lineno, f"phrase {phrase!r} is listed twice for the same sides")
            table[key] = (*table.get(key, ()), entry)
    phrases = _phrases(path, "phrases")
    return make_matcher(phrases, table)


def _load_places(directory: Path) -> Matcher:
    path = directory / "places.csv"
    columns = ("location", "kind", "admin1", "country", "latitude", "longitude", "aliases")
    table: dict[str, PlaceEntry] = {}
    for lineno, row in _rows(path, columns):
        try:
            lat, lon = float(row["latitude"]), float(row["longitude"])
        except ValueError:
            raise _fail(path, lineno, "latitude and longitude must be decimal degrees") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise _fail(path, lineno, f"coordinates ({lat}, {lon}) are out of range")
        entry = PlaceEntry(
            row["location"],
            _choice(path, lineno, "kind", row["kind"], PLACE_KINDS),
            row["admin1"],
            row["country"],
            lat,
            lon,
        )
        for alias in _split(row["aliases"]):
            _add(table, alias, entry, path, lineno)
    phrases = _phrases(path, "aliases")
    return make_matcher(phrases, table)


def _load_cues(directory: Path) -> Matcher:
    path = directory / "cues.csv"
    table: dict[str, str] = {}
    for lineno, row in _rows(path, ("kind", "cue")):
        kind = _choice(path, lineno, "kind", row["kind"], CUE_KINDS)
        _add(table, row["cue"], kind, path, lineno)
    phrases = [row["cue"] for _, row in _rows(path, ("kind", "cue"))]
    return make_matcher(phrases, table)


def _load_attribution(directory: Path) -> Matcher:
    path = directory / "attribution.csv"
    table: dict[str, str] = {}
    for lineno, row in _rows(path, ("kind", "cue")):
        kind = _choice(path, lineno, "kind", row["kind"], ATTRIBUTION_KINDS)
        _add(table, row["cue"], kind, path, lineno)
    return make_matcher([row["cue"] for _, row in _rows(path, ("kind", "cue"))], table)


def _load_boilerplate(directory: Path) -> tuple[BoilerplateRule, ...]:
    path = directory / "boilerplate.csv"
    rules = []
    for lineno, row in _rows(path, ("scope", "pattern", "description")):
        scope = _choice(path, lineno, "scope", row["scope"], BOILERPLATE_SCOPES)
        try:
            pattern = re.compile(row["pattern"], re.IGNORECASE)
        except re.error as err:
            raise _fail(path, lineno, f"pattern is not a valid regular expression: {err}") from None
        rules.append(BoilerplateRule(scope, pattern, row["description"]))
    return tuple(rules)


def load_lexicon(directory: Path | None = None) -> Lexicon:
    """Read and compile every vocabulary.

    Parameters
    ----------
    directory
        Folder holding ``sides.csv``, ``actors.csv``, ``actions.csv``, ``weapons.csv``,
        ``places.csv``, ``cues.csv``, ``attribution.csv`` and ``boilerplate.csv``; the repository's
        ``data/lexicon/`` by default.

    Returns
    -------
    Lexicon
        Frozen and picklable; build it once and pass it to every extraction.

    Raises
    ------
    analysis.errors.UsageError
        A file is missing or a line is malformed; the message names file, line and the fix.
    """
    directory = Path(directory) if directory is not None else DEFAULT_DIRECTORY
    sides = _load_sides(directory)
    actors = _load_actors(directory, sides)
    places = _load_places(directory)
    ranks = {e.location: e.rank for e in places.table.values() if e.kind != "country"}
    generic = frozenset(
        e.actor for e in actors.table.values() if not e.specific and e.role == "any"
    )
    boilerplate = _load_boilerplate(directory)
    side_actors: dict[str, str] = {}
    for entry in actors.table.values():
        if entry.role == "any" and entry.specific:
            side_actors.setdefault(entry.side, entry.actor)
    return Lexicon(
        sides=sides,
        actors=actors,
        actions=_load_actions(directory),
        weapons=_load_weapons(directory, sides),
        places=places,
        cues=_load_cues(directory),
        boilerplate=boilerplate,
        directory=str(directory),
        attribution=_load_attribution(directory),
        place_ranks=ranks,
        generic_actors=generic,
        boilerplate_scopes=join_boilerplate(boilerplate),
        side_actors=side_actors,
    )
