"""The vocabularies of the extractor, read from the CSV files in ``data/lexicon/``.

Each file is a CSV with a header; lines starting with ``#`` are comments and blank lines are
skipped (``data/lexicon/README.md`` documents every column). List-valued cells use ``;``.
All phrases of one vocabulary are compiled once into a single alternation, longest phrase
first, so that matching a sentence is one regex scan per vocabulary and the :class:`Lexicon`
pickles cheaply (compiled patterns pickle as their source and flags).
"""

from __future__ import annotations

import bisect
import csv
import functools
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from analysis.errors import UsageError
from analysis.extract.fastre import foldable, lowered, phrase_forms
from analysis.extract.gazetteer import (
    find_names,
    gazetteer_key,
    gazetteer_records,
    index_names,
    plain_name,
    stop_keys,
)

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
    """One place with its administrative unit and coordinates (``None`` when no source
    gives a point: a country, a region, a sea, a base whose position is not published)."""

    location: str
    kind: str
    admin1: str
    country: str
    latitude: float | None
    longitude: float | None

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
    places: PlaceFinder
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


@dataclass(frozen=True)
class PlaceFinder:
    """The places of the vocabularies: the cited table, the countries and administrative
    units (one compiled :class:`Matcher`), and the gazetteer's towns (gazetteer key ->
    candidate entries, most populous first).

    A phrase of the matcher wins over a town it overlaps. A town name shared by several
    places resolves to one in a country named in the same text or in ``context`` (the
    article's countries), else to the most populous.
    """

    matcher: Matcher
    towns: dict = field(default_factory=dict)

    @property
    def table(self) -> dict:
        """Normalised phrase -> entry of the matcher (:func:`phrase_key`)."""
        return self.matcher.table

    def find(self, text: str, folded: str | None = None, context=frozenset()) -> list[Hit]:
        """Every place named in ``text``, left to right (``folded``: as for
        :meth:`Matcher.find`; ``context``: country names that settle a shared town name)."""
        hits = self.matcher.find(text, folded)
        if not self.towns:
            return hits
        # A town overlaps a hit when some hit starting before the town ends inside it: the
        # furthest end among the hits starting before it decides (a long text has many).
        hits = sorted(hits, key=lambda h: h.start)
        starts = [h.start for h in hits]
        reach = list(itertools.accumulate((h.end for h in hits), max))
        found = [
            (s, e, candidates)
            for s, e, candidates in find_names(text, self.towns)
            if not ((i := bisect.bisect_left(starts, e)) and reach[i - 1] > s)
        ]
        if not found:
            return hits
        countries = {h.value.country for h in hits} | set(context)
        towns = [Hit(s, e, text[s:e], choose(c, countries)) for s, e, c in found]
        return sorted([*hits, *towns], key=lambda h: h.start)

    def knows(self, phrase: str) -> bool:
        """True when ``phrase`` is exactly a place's name."""
        return phrase_key(phrase) in self.matcher.table or gazetteer_key(phrase) in self.towns

    def resolve(self, name: str, context=frozenset()) -> PlaceEntry | None:
        """The place called exactly ``name`` (``None``: unknown)."""
        entry = self.matcher.table.get(phrase_key(name))
        if entry is not None:
            return entry
        candidates = self.towns.get(gazetteer_key(name))
        return choose(candidates, set(context)) if candidates else None

    def countries_named(self, text: str) -> frozenset[str]:
        """The countries of the places of the matcher named in ``text``."""
        return frozenset(h.value.country for h in self.matcher.find(text) if h.value.country)

    def main_country(self, text: str, named: frozenset[str] = frozenset()) -> str:
        """The country of most of the places below country level in ``text`` ("" when none,
        or when two countries are named as often); ``named``: :meth:`countries_named`."""
        counts = Counter(
            h.value.country
            for h in self.find(text, None, named)
            if h.value.country and h.value.kind != "country"
        )
        ranked = counts.most_common(2)
        if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            return ""
        return ranked[0][0]


def choose(candidates: tuple[PlaceEntry, ...], countries: set[str]) -> PlaceEntry:
    """The first of ``candidates`` (most populous first) in one of ``countries``, else the
    first."""
    if len(candidates) > 1 and countries:
        for entry in candidates:
            if entry.country in countries:
                return entry
    return candidates[0]


def _coordinate(path: Path, lineno: int, row: dict) -> tuple[float | None, float | None]:
    if not row["latitude"] and not row["longitude"]:
        return None, None
    try:
        lat, lon = float(row["latitude"]), float(row["longitude"])
    except ValueError:
        raise _fail(path, lineno, "latitude and longitude must be decimal degrees") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise _fail(path, lineno, f"coordinates ({lat}, {lon}) are out of range")
    return lat, lon


def _load_countries(directory: Path) -> dict[str, str]:
    path = directory / "countries.csv"
    names: dict[str, str] = {}
    for lineno, row in _rows(path, ("country_code", "country", "aliases")):
        if not re.fullmatch(r"[A-Z]{2}", row["country_code"]):
            raise _fail(path, lineno, f"country_code {row['country_code']!r} is not ISO 3166")
        names[row["country_code"]] = row["country"]
    return names


def _load_admin1(directory: Path, countries: dict[str, str]) -> dict[tuple[str, str], str]:
    path = directory / "admin1.csv"
    names: dict[tuple[str, str], str] = {}
    for lineno, row in _rows(path, ("country_code", "admin1_code", "admin1", "aliases")):
        if row["country_code"] not in countries:
            raise _fail(path, lineno, f"country_code {row['country_code']!r} not in countries.csv")
        names[(row["country_code"], row["admin1_code"])] = row["admin1"]
    return names


#: Words that end the name of an administrative unit, dropped before " province" is added.
_UNIT_WORDS = re.compile(
    r"^(?:Muhafazat|Baladiyat|Imarat)\s+|\s+(?:Province|Governorate|Region|District|Area)$"
)


#: What first-level units are called where they are not governorates.
_UNIT_NOUNS = {"IR": "Province", "TR": "Province", "SA": "Region", "IL": "District"}
_UNIT_SUFFIX = re.compile(r"\s(?:Province|Governorate|Region|District|Area|Strip|Bank)$")


def unit_location(admin1: str, country_code: str) -> str:
    """The ``location`` of an event placed only in a first-level unit: its name with the
    unit's kind ("Babil Governorate"), so that it is never the name of its chief town
    ("Karbala" the city, "Karbala Governorate" the unit)."""
    if _UNIT_SUFFIX.search(admin1):
        return admin1
    return f"{admin1} {_UNIT_NOUNS.get(country_code, 'Governorate')}"


def _curated_places(directory: Path, countries: dict[str, str]) -> Matcher:
    """Countries, administrative units and the cited table, compiled into one matcher."""
    table: dict[str, PlaceEntry] = {}
    phrases: list[str] = []

    def add(phrase: str, entry: PlaceEntry, path: Path, lineno: int, strict: bool) -> None:
        key = phrase_key(phrase)
        if key in table and table[key] != entry:
            if strict:
                raise _fail(path, lineno, f"phrase {phrase!r} already stands for another place")
            return  # a generated form ("Northern province") shared by two units: neither
        table[key] = entry
        phrases.append(phrase)

    # The cited table first: its phrases win over generated forms of the units.
    path = directory / "places.csv"
    columns = ("location", "kind", "admin1", "country", "latitude", "longitude", "source")
    known_countries = set(countries.values())
    admin1 = _load_admin1(directory, countries)
    unit_names = {(countries[cc], name) for (cc, _), name in admin1.items()}
    for lineno, row in _rows(path, (*columns, "aliases")):
        kind = _choice(path, lineno, "kind", row["kind"], PLACE_KINDS)
        if row["country"] and row["country"] not in known_countries:
            raise _fail(path, lineno, f"country {row['country']!r} is not in countries.csv")
        if row["admin1"] and (row["country"], row["admin1"]) not in unit_names:
            raise _fail(
                path, lineno, f"admin1 {row['admin1']!r} is not in admin1.csv for the country"
            )
        if not row["source"]:
            raise _fail(path, lineno, "source is empty; cite where the row comes from")
        lat, lon = _coordinate(path, lineno, row)
        entry = PlaceEntry(row["location"], kind, row["admin1"], row["country"], lat, lon)
        for alias in _split(row["aliases"]):
            add(alias, entry, path, lineno, strict=True)
    path = directory / "countries.csv"
    for lineno, row in _rows(path, ("country_code", "country", "aliases")):
        entry = PlaceEntry(row["country"], "country", "", row["country"], None, None)
        for alias in [row["country"], *_split(row["aliases"])]:
            add(alias, entry, path, lineno, strict=True)
    path = directory / "admin1.csv"
    generated = []
    for lineno, row in _rows(path, ("country_code", "admin1_code", "admin1", "aliases")):
        name = row["admin1"]
        entry = PlaceEntry(
            unit_location(name, row["country_code"]),
            "governorate",
            name,
            countries[row["country_code"]],
            None,
            None,
        )
        for alias in _split(row["aliases"]):
            add(alias, entry, path, lineno, strict=True)
        core = _UNIT_WORDS.sub("", name)
        generated += [(f"{core} province", entry, lineno), (f"{core} governorate", entry, lineno)]
        if core != name:
            generated.append((name, entry, lineno))
    for phrase, entry, lineno in generated:
        add(phrase, entry, path, lineno, strict=False)
    return make_matcher(phrases, table)


@functools.lru_cache(maxsize=4)
def area_names(directory: Path | None = None) -> frozenset[str]:
    """The locations that name an area rather than one place: the regions and seas of
    ``places.csv`` and every administrative unit of ``admin1.csv`` (as a mention's
    ``location`` spells them). A town, a site or an unknown name is not an area."""
    directory = Path(directory) if directory is not None else DEFAULT_DIRECTORY
    out = set()
    path = directory / "places.csv"
    for _, row in _rows(path, ("location", "kind")):
        if row["kind"] in ("governorate", "region", "sea"):
            out.add(row["location"])
    path = directory / "admin1.csv"
    for _, row in _rows(path, ("country_code", "admin1")):
        out.add(unit_location(row["admin1"], row["country_code"]))
    return frozenset(out)


@functools.lru_cache(maxsize=4)
def places_within(directory: Path | None = None) -> frozenset[tuple[str, str]]:
    """The (place, area) pairs of ``within.csv``: a town inside a named area that neither
    the gazetteer's admin1 nor a distance ties it to ("Majdal Shams" in "Golan Heights")."""
    directory = Path(directory) if directory is not None else DEFAULT_DIRECTORY
    path = directory / "within.csv"
    return frozenset((row["place"], row["area"]) for _, row in _rows(path, ("place", "area")))


def _load_stopwords(directory: Path) -> list[str]:
    path = directory / "place_stopwords.csv"
    return [row["word"] for _, row in _rows(path, ("word", "reason"))]


#: An actor's name that is also the main name of a town this large stays a place too
#: ("Tehran": the capital standing for its government is told apart where it is read).
CITY_ACTOR_POPULATION = 100_000


def _load_places(directory: Path) -> PlaceFinder:
    """The places of ``directory``, built once per process for the same vocabulary files
    (building them takes seconds; every extraction of a run uses the same)."""
    files = tuple((path.name, path.read_bytes()) for path in sorted(Path(directory).glob("*.csv")))
    return _build_places(str(directory), files)


@functools.lru_cache(maxsize=4)
def _build_places(directory: str, files: tuple) -> PlaceFinder:
    # ``files`` (name and bytes of every vocabulary file) is the cache key only.
    directory = Path(directory)
    other = [
        *_phrases(directory / "actions.csv", "forms"),
        *_phrases(directory / "weapons.csv", "phrases"),
        *[row["cue"] for _, row in _rows(directory / "cues.csv", ("kind", "cue"))],
    ]
    return _places(directory, _phrases(directory / "actors.csv", "aliases"), other)


def _places(directory: Path, actor_phrases: list[str], other_phrases: list[str]) -> PlaceFinder:
    """The places of ``directory``. No gazetteer town may claim a phrase of the other
    vocabularies (``other_phrases``: actions, weapons, cues) or of ``actor_phrases``, except
    a city's own name (see :data:`CITY_ACTOR_POPULATION`)."""
    countries = _load_countries(directory)
    admin1 = _load_admin1(directory, countries)
    matcher = _curated_places(directory, countries)
    records = gazetteer_records(tuple(sorted(countries)))
    cities = {gazetteer_key(r.name) for r in records if r.population >= CITY_ACTOR_POPULATION}
    stops = stop_keys(_load_stopwords(directory)) | stop_keys(other_phrases)
    stops |= stop_keys(actor_phrases) - cities
    towns: dict[str, list[tuple[int, str, int, PlaceEntry]]] = {}
    by_name: dict[tuple[str, str], PlaceEntry] = {}
    for record in records:
        entry = PlaceEntry(
            plain_name(record.name),
            "city",
            admin1.get((record.country_code, record.admin1_code), ""),
            countries[record.country_code],
            record.latitude,
            record.longitude,
        )
        by_name.setdefault((entry.country, record.name), entry)
        own = gazetteer_key(record.name)
        for name in index_names(record):
            key = gazetteer_key(name)
            if key and key not in stops:
                # A town's own name ranks before a variant spelling of another's.
                rank = (key != own, -record.population, record.name, record.geonameid)
                towns.setdefault(key, []).append((*rank, entry))
    # Spellings the gazetteer lacks, as data: they name one gazetteer town each.
    path = directory / "gazetteer_aliases.csv"
    for lineno, row in _rows(path, ("country", "name", "aliases")):
        entry = by_name.get((row["country"], row["name"]))
        if entry is None:
            missing = f"the gazetteer has no town {row['name']!r} in {row['country']}"
            raise _fail(path, lineno, missing)
        for alias in _split(row["aliases"]):
            key = gazetteer_key(alias)
            others = [t for t in towns.get(key, ()) if t[4] != entry]
            towns[key] = [(False, 0, "", 0, entry), *others]
    index = {}
    for key, candidates in towns.items():
        ordered = []
        candidates.sort(key=lambda t: t[:4])
        # A name that is some town's own name means that town (or another of that very
        # name), never a town that merely lists it as a variant ("Baghdad", not Baghdadeh).
        own_name = not candidates[0][0]
        for variant, *_, entry in candidates:
            if (own_name and variant) or entry in ordered:
                continue
            ordered.append(entry)
        index[key] = tuple(ordered)
    return PlaceFinder(matcher, index)


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
    for candidates in places.towns.values():
        for entry in candidates:
            ranks.setdefault(entry.location, entry.rank)
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
