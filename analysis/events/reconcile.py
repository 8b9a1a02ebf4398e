"""Merge mentions of the same real-world event into one event.

Mentions are first grouped into candidate blocks (:func:`candidate_blocks`) so that the
pairwise rule is never applied to all pairs of the corpus. Within a block two mentions
``a`` and ``b`` describe the same event (:func:`why_different` returns ``None``) when all
of the following hold:

1. neither mention has both sides unknown (too little to identify an event);
2. same initiator side, or one of them unknown;
3. same target side, or one of them unknown;
4. their date intervals overlap (an undated mention never merges);
5. compatible event families: both attacks/strikes, or the same other type, or one
   unknown;
6. compatible places: same country and same admin1, or one of them only country-level or
   unknown, or both placed at most :data:`NEARBY_KM` apart (a town and the district
   around it); a different admin1 means a different event, except for the sites of one
   operation, below;
7. neither states that it answers the other (``responds_to``): a response is never its
   own trigger; neither is told as another event than the other (``apart_from``: "Later
   on the same day, further strikes hit ...");
8. different articles; or, within one article, different sentences (two items of one
   sentence are two events; a later sentence with compatible actor, date and place
   continues or repeats the earlier one);
9. not, within one article, two different specific places (:func:`places_apart`): towns
   or sites with different names, neither an area (region, sea, administrative unit) and
   not within :data:`NEARBY_KM`. "An Israeli drone hit Aitaroun ... a later strike on
   Yaroun wounded two" are two strikes even on one day. Waived, like clause 6, for the
   sites of one operation.

Clusters are grown by complete linkage, in two passes, so that merging stays faithful to
the rule even though it is not transitive:

- mentions with a known admin1 are merged first, strongest pairs first (more agreeing
  known fields), and two clusters merge only when *every* cross pair satisfies the rule;
- **operations**: a mention without admin1 that states how many sites one operation hit
  (``sites``, "strikes on five facilities") and fits at least two and at most that many of
  those clusters (:func:`one_operation`) joins them into one event, in order, each when
  every cross pair satisfies the rule with clause 6 waived (``why_different(...,
  across_sites=True)``): the Babil and Karbala strikes of one night are one event on
  several sites, not one per province;
- a mention without admin1 then joins the single place-specific cluster it fits. When it
  fits several clusters that differ only by place (a country-level report of strikes that
  the same or another article details per province), it is an *umbrella*: it is listed
  under the first of them but credited to all of them as a source and for its
  ``responds_to`` links, never for its casualty counts (they total several events).
  Mentions without admin1 that fit no cluster merge among themselves.

Clause 4 keeps undated mentions apart, because a date is the strongest evidence that two
reports describe one event. A third pass, **anchoring** (:func:`why_not_anchored`), joins
an undated mention to a dated event when other evidence identifies the event instead. An
undated mention ``u`` joins event ``E`` when all of the following hold, and exactly one
event of the corpus qualifies (candidates are blocked by country and sides, without month;
events placed in ``u``'s country are tried first, events no mention places only when none
of those qualifies):

A1. ``u`` has a known side, every known side of ``u`` equals that side of every mention of
    ``E`` that knows it, and ``E`` knows at least one of them;
A2. ``u`` names a country, and no mention of ``E`` names another (an event no mention
    places in a country fits any);
    or ``u`` names no country, and the evidence is its own article (below);
A3. compatible places: no admin1 of ``E`` differs from ``u``'s, and when both name a
    specific location it is the same, or one is a town inside the other, an area
    (:func:`same_place`: "Majdal Shams" and "Golan Heights"; an event known only at
    country level fits any place in that country);
A4. compatible event families with every mention of ``E``;
A5. identifying evidence, one of:

    - a known, equal, non-zero casualty count: ``u``'s killed (or injured) figure equals
      ``E``'s combined figure (``u`` "three US troops were killed in an attack on Tower 22",
      ``E`` "In January, militias killed three U.S. troops at a small base in Jordan");
    - the same article: ``E`` has a mention from ``u``'s article and ``u`` names its
      initiator's side (a lead sentence that a later sentence of the article dates; "the
      Pentagon said US forces had mounted precise strikes", undated, joins the one US strike
      that the article dates);
    - the article's time frame: ``u`` is dated only by its article's frame
      (``date_basis`` ``frame``), ``E``'s interval overlaps that frame and a mention of
      ``E`` places it in ``u``'s country;
A6. ``u`` is not the answer to, nor the cause of, any mention of ``E``, and is not a
    second item of a sentence that a mention of ``E`` comes from, nor of a sentence whose
    earlier item joins ``E`` in the same pass (:func:`one_item_per_sentence`).

When several events qualify, those ``u`` identifies by a count or its own article
(:func:`strong_evidence`) are kept when any, since the frame fits every event of its
weeks; then those in ``u``'s article frame, since a count fits events of any year; then
those placed in ``u``'s country (:func:`chosen_anchors`).

No date is given to ``u``: the event's interval comes from its dated mentions.

An event that no mention dates takes its article's time frame (``date_basis`` ``frame``).

Every merge is logged at INFO level with its reason.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import logging
import marshal
import math
import operator
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property, lru_cache
from itertools import combinations

from analysis.extract.lexicon import area_names, places_within
from analysis.records import Mention

log = logging.getLogger(__name__)

#: The side code of an initiator (or target) that no source names.
UNKNOWN_SIDE = "UNKNOWN"
#: Attribution bases, strongest first (see ``data/README.md``).
BASIS_ORDER = ("claimed", "blamed", "stated", "suspected", "unattributed")

#: Event types (ACLED vocabulary and plain words) that belong to the attack/strike family.
_ATTACK_WORDS = ("attack", "strike", "explosion", "remote violence", "battle", "clash", "violence")
#: Words that make an actor name a generic description rather than a named group.
_GENERIC_ACTOR_WORDS = frozenset(
    [
        "militia",
        "militias",
        "group",
        "groups",
        "forces",
        "force",
        "troops",
        "personnel",
        "backed",
        "aligned",
        "affiliated",
        "proxies",
        "proxy",
        "unknown",
        "gunmen",
        "fighters",
        "militants",
        "military",
    ]
)
#: Weapon classes used to detect conflicting reports (armed drone vs manned aircraft, ...).
_WEAPON_CLASSES = (
    ("drone", ("drone", "uav", "unmanned")),
    ("aircraft", ("jet", "warplane", "aircraft", "fighter", "bomber", "air strike", "airstrike")),
    ("missile", ("missile", "ballistic", "cruise")),
    ("rocket", ("rocket", "katyusha")),
    ("artillery", ("artillery", "mortar", "shell")),
    ("explosive", ("ied", "explosive", "bomb")),
    ("gunfire", ("gun", "rifle", "small arms", "sniper")),
)


@dataclass(frozen=True)
class Cluster:
    """Mentions of one event.

    ``members`` are the mentions listed under this event; ``shared`` are umbrella
    mentions listed under another event but also credited to this one (sources, links,
    dates, actors and place, but not casualty counts). ``umbrella_ids`` names the members
    that are umbrellas: their casualty counts are not used here either.
    """

    members: tuple[Mention, ...]
    shared: tuple[Mention, ...] = field(default_factory=tuple)
    assigned_id: str = ""
    umbrella_ids: frozenset[str] = frozenset()

    @cached_property
    def event_id(self) -> str:
        """Stable id: ``EV-`` and 10 hex digits of the sha1 of the smallest member id.

        ``assigned_id`` (set by a ``merge_into`` override) takes precedence.
        """
        return self.assigned_id or event_id_for(min(m.mention_id for m in self.members))

    @property
    def all_mentions(self) -> tuple[Mention, ...]:
        """Members and shared mentions together."""
        return self.members + self.shared


def event_id_for(mention_id: str) -> str:
    """Event id derived from a mention id; unchanged when unrelated articles are added."""
    return "EV-" + hashlib.sha1(mention_id.encode("utf-8")).hexdigest()[:10]


# --- dates ---------------------------------------------------------------------------


def interval(m: Mention) -> tuple[dt.date, dt.date] | None:
    """The mention's date interval (``date_start``..``date_end``), or ``None`` if undated.

    A mention with only ``event_date`` gets the one-day interval of that date. A mention
    dated only by its article's time frame (``date_basis`` ``"frame"``) counts as undated
    here: the frame is no evidence of which event it is (see :func:`frame_interval`).
    """
    if m.date_basis == "frame":
        return None
    return frame_interval(m)


def frame_interval(m: Mention) -> tuple[dt.date, dt.date] | None:
    """The mention's date interval, its article's time frame included, or ``None``."""
    start = m.date_start or m.event_date
    end = m.date_end or m.event_date or m.date_start
    if not start or not end:
        return None
    return _span(start, end)


@lru_cache(maxsize=1 << 16)
def _span(start: str, end: str) -> tuple[dt.date, dt.date]:
    # Anchoring reads the same few dates millions of times in a large corpus.
    return dt.date.fromisoformat(start), dt.date.fromisoformat(end)


def _months(span: tuple[dt.date, dt.date]) -> list[str]:
    (y, mo), end = (span[0].year, span[0].month), (span[1].year, span[1].month)
    out = []
    while (y, mo) <= end:
        out.append(f"{y:04d}-{mo:02d}")
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    return out


# --- blocking -----------------------------------------------------------------------


def _key_matches(a: tuple[str, str, str], b: tuple[str, str, str]) -> bool:
    """Whether two (country, side, side) keys may hold the same event ("" matches all)."""

    def eq(x: str, y: str) -> bool:
        return x == y or not x or not y

    if not eq(a[0], b[0]):
        return False
    return (eq(a[1], b[1]) and eq(a[2], b[2])) or (eq(a[1], b[2]) and eq(a[2], b[1]))


def candidate_blocks(mentions: Iterable[Mention]) -> Iterable[list[Mention]]:
    """Group mentions into blocks that may hold the same event.

    The key is (country or ``""``, the unordered pair of sides, calendar month); a mention
    is put in every month its interval overlaps. Unknown parts of a key (``""``) act as
    wildcards: the block of a key holds the mentions of every matching key of the same
    month. Undated mentions and mentions with both sides unknown never merge and are
    yielded alone. Blocks are yielded in sorted key order, members sorted by mention id.

    Parameters
    ----------
    mentions
        Mentions from any number of articles.

    Yields
    ------
    Lists of mentions; two mentions that satisfy the merge rule share at least one block.
    """
    by_month: dict[str, dict[tuple[str, str, str], list[Mention]]] = defaultdict(
        lambda: defaultdict(list)
    )
    alone: list[Mention] = []
    for m in mentions:
        span = interval(m)
        if span is None or (not m.actor1_side and not m.actor2_side):
            alone.append(m)
            continue
        sides = sorted((m.actor1_side, m.actor2_side))
        key = (m.country, sides[0], sides[1])
        for month in _months(span):
            by_month[month][key].append(m)
    for month in sorted(by_month):
        keys = by_month[month]
        yielded: set[tuple[str, ...]] = set()
        for key in sorted(keys):
            block: dict[str, Mention] = {}
            for other in keys:
                if _key_matches(key, other):
                    block.update((m.mention_id, m) for m in keys[other])
            ids = tuple(sorted(block))
            if ids not in yielded:
                yielded.add(ids)
                yield [block[i] for i in ids]
    for m in sorted(alone, key=lambda x: x.mention_id):
        yield [m]


# --- the pairwise rule --------------------------------------------------------------


def event_family(event_type: str) -> str:
    """``"attack"`` for attacks and strikes, ``""`` if unknown, else the type in lower case."""
    text = event_type.strip().lower()
    if not text:
        return ""
    return "attack" if any(w in text for w in _ATTACK_WORDS) else text


def _compatible(x: str, y: str) -> bool:
    return x == y or not x or not y


def why_different(a: Mention, b: Mention, *, across_sites: bool = False) -> str | None:
    """The first clause of the merge rule that ``a`` and ``b`` fail, or ``None`` if none.

    See the module docstring for the rule; the returned text names the clause. With
    ``across_sites`` clause 6 is waived: the rule for two mentions of different sites of
    one operation (:func:`one_operation`), which may lie in two countries ("85 targets in
    Iraq and Syria").
    """
    if not (a.actor1_side or a.actor2_side) or not (b.actor1_side or b.actor2_side):
        return "both sides unknown"
    if not _compatible(a.actor1_side, b.actor1_side):
        return f"initiator sides differ ({a.actor1_side} vs {b.actor1_side})"
    if not _compatible(a.actor2_side, b.actor2_side):
        return f"target sides differ ({a.actor2_side} vs {b.actor2_side})"
    sa, sb = interval(a), interval(b)
    if sa is None or sb is None:
        return "undated"
    if sa[0] > sb[1] or sb[0] > sa[1]:
        return f"dates do not overlap ({sa[0]}..{sa[1]} vs {sb[0]}..{sb[1]})"
    if not _compatible(event_family(a.event_type), event_family(b.event_type)):
        return f"event types differ ({a.event_type} vs {b.event_type})"
    if not across_sites and not _compatible(a.country, b.country):
        return f"countries differ ({a.country} vs {b.country})"
    if not across_sites and not _compatible(a.admin1, b.admin1) and not _nearby(a, b):
        return f"admin1 differ ({a.admin1} vs {b.admin1})"
    if a.mention_id in b.responds_to or b.mention_id in a.responds_to:
        return "one answers the other"
    if told_apart(a, b):
        return "told as another event"
    if a.article_id == b.article_id and a.sentence_index == b.sentence_index:
        return "two items of one sentence"
    if not across_sites and places_apart(a, b):
        return f"one article, different places ({a.location} vs {b.location})"
    return None


def same_place(a: str, b: str) -> bool:
    """Whether two locations are one place for anchoring (A3): equal, or one a town inside
    the other, an area (:func:`analysis.extract.lexicon.places_within`: "Majdal Shams" and
    "Golan Heights"). The one predicate of the clause: :func:`why_not_anchored` and the
    indexed pass (:func:`_anchor_undated`) both call it."""
    if a == b:
        return True
    within = places_within()
    return (a, b) in within or (b, a) in within


def told_apart(a: Mention, b: Mention) -> bool:
    """Whether the text tells one of ``a`` and ``b`` as another event than the other
    (``apart_from``, clause 7): "The first round of strikes came on Monday. Later on the
    same day, further strikes hit ..." are two events of one day.

    The one predicate of the rule: :func:`why_different`, :func:`why_not_anchored` and the
    fast path (:class:`analysis.events.blocks.MentionClasses`, as forbidden pairs) call it.
    """
    return a.mention_id in b.apart_from or b.mention_id in a.apart_from


def places_apart(a: Mention, b: Mention) -> bool:
    """Whether ``a`` and ``b``, read from one article, name two different specific places
    (clause 9): both name a location, the names differ, neither is an area (a region, a
    sea, an administrative unit: :func:`analysis.extract.lexicon.area_names`) and they are
    not :data:`NEARBY_KM` apart or closer. An article that reports a strike on one town and
    a strike on another reports two strikes, even on one day in one governorate.

    The one predicate of the rule: :func:`why_different` and the fast path
    (:class:`analysis.events.blocks.MentionClasses`, as forbidden pairs) both call it.
    """
    if a.article_id != b.article_id or not a.location or not b.location:
        return False
    if a.location == b.location:
        return False
    areas = area_names()
    if a.location in areas or b.location in areas:
        return False
    return not _nearby(a, b)


#: Places this close (km) are one place for the merge rule, whatever admin1 each is in: a
#: town and the district around it, or a city and its suburb across a boundary.
NEARBY_KM = 10.0


def _nearby(a: Mention, b: Mention) -> bool:
    """Whether both mentions have coordinates at most :data:`NEARBY_KM` apart."""
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return False
    return _km(a.latitude, a.longitude, b.latitude, b.longitude) <= NEARBY_KM


@lru_cache(maxsize=1 << 12)
def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def one_operation(u: Mention, homes: int) -> bool:
    """Whether the mention ``u`` without admin1, which fits ``homes`` place-specific events,
    reports one operation on all of them: it states a count of sites ("strikes on five
    facilities") of at least 2 and at least ``homes``.

    Both clustering paths (:func:`cluster_mentions` and
    :func:`analysis.events.blocks.cluster_mentions_fast`) decide with this predicate and
    with :func:`why_different` ``across_sites`` for every pair of the events joined.
    """
    return u.sites is not None and 2 <= homes <= u.sites and not u.admin1


def _counts_of(mentions: Sequence[Mention], kind: str) -> int | None:
    """The combined best count of an event's mentions (as in the events table)."""
    return combine_counts(_article_counts(mentions, kind))[1]


def why_not_anchored(u: Mention, members: Sequence[Mention]) -> str | None:
    """The first anchoring clause (A1-A6, module docstring) that the undated mention ``u``
    fails for the event made of ``members``, or ``None`` when ``u`` may join it.

    Exactly-one-candidate is checked by :func:`cluster_mentions`, not here.
    """
    if interval(u) is not None:
        return "dated"
    dated = [m for m in members if interval(m) is not None]
    if not dated:
        return "event undated"
    if not (u.actor1_side or u.actor2_side):
        return "both sides unknown"
    for field_name in ("actor1_side", "actor2_side"):
        own = getattr(u, field_name)
        if own and any(getattr(m, field_name) not in ("", own) for m in members):
            return f"{field_name} differs"
    shared = [
        f
        for f in ("actor1_side", "actor2_side")
        if getattr(u, f) and any(getattr(m, f) for m in members)
    ]
    if not shared:
        return "no known side in common"
    # A sentence of the article that dated the event may be the only one to place it.
    same_article = bool(u.actor1_side) and any(m.article_id == u.article_id for m in members)
    if not u.country and not same_article:
        return "no country"
    if u.country and any(m.country not in ("", u.country) for m in members):
        return "countries differ"
    if u.admin1 and any(m.admin1 not in ("", u.admin1) for m in members):
        return "admin1 differ"
    if u.location and any(m.location and not same_place(m.location, u.location) for m in members):
        return "locations differ"
    family = event_family(u.event_type)
    if any(not _compatible(family, event_family(m.event_type)) for m in members):
        return "event types differ"
    for m in members:
        if u.mention_id in m.responds_to or m.mention_id in u.responds_to:
            return "one answers the other"
        if told_apart(u, m):
            return "told as another event"
        if m.article_id == u.article_id and m.sentence_index == u.sentence_index:
            return "two items of one sentence"
    for kind, own in (("killed", u.killed_best), ("injured", u.injured_best)):
        if own and own == _counts_of(members, kind):
            return None
    if same_article:
        return None
    # The frame is weak evidence: only for an event known to be in the mention's country.
    if any(m.country == u.country for m in members) and within_frame(u, members):
        return None
    return "no identifying evidence (equal casualty count, same article or article frame)"


def strong_evidence(u: Mention, members: Sequence[Mention]) -> bool:
    """Whether ``u`` identifies the event of ``members`` by more than the article's time
    frame (A5): an equal casualty count, or its own article with the initiator's side."""
    for kind, own in (("killed", u.killed_best), ("injured", u.injured_best)):
        if own and own == _counts_of(members, kind):
            return True
    return bool(u.actor1_side) and any(m.article_id == u.article_id for m in members)


def chosen_anchors(fits: Sequence, strong: Callable, placed: Callable, framed: Callable) -> list:
    """The events an undated mention chooses among, of the ``fits`` that pass
    :func:`why_not_anchored`: those it identifies by strong evidence (``strong(key)``, see
    :func:`strong_evidence`) when any, since the frame alone fits every event of its
    period; of those, the ones in its article's time frame (``framed(key)``, see
    :func:`within_frame`) when any, since a count or an article fits events of any year;
    of those, the ones placed in its country (``placed(key)``) when any. The mention joins
    the one left, if exactly one is."""
    fits = [k for k in fits if strong(k)] or list(fits)
    fits = [k for k in fits if framed(k)] or fits
    return [k for k in fits if placed(k)] or fits


def within_frame(u: Mention, members: Sequence[Mention]) -> bool:
    """Whether ``u`` is dated by its article's time frame and the event lies in that frame."""
    frame = frame_interval(u) if u.date_basis == "frame" else None
    if frame is None:
        return False
    spans = [s for s in (interval(m) for m in members) if s is not None]
    return any(s[0] <= frame[1] and frame[0] <= s[1] for s in spans)


def _events_by_month(events: dict) -> dict[str, set]:
    """Event keys by the calendar months their dated mentions cover (an index, so that the
    events in an article's time frame are found without trying every event)."""
    out: dict[str, set] = defaultdict(set)
    for key, members in events.items():
        for m in members:
            span = interval(m)
            if span is not None:
                for month in _months(span):
                    out[month].add(key)
    return out


def merge_reason(a: Mention, b: Mention) -> str:
    """Plain-words reason for merging two mentions that satisfy the rule (for the log)."""
    sa, sb = interval(a), interval(b)
    lo, hi = max(sa[0], sb[0]), min(sa[1], sb[1])
    sides = f"{a.actor1_side or b.actor1_side or '?'}->{a.actor2_side or b.actor2_side or '?'}"
    place = a.admin1 or b.admin1 or a.country or b.country or "place unknown"
    where = "different articles" if a.article_id != b.article_id else "same article, other sentence"
    return f"sides {sides}, dates overlap {lo}..{hi}, place {place}, {where}"


def _strength(a: Mention, b: Mention) -> int:
    """Number of known fields on which two mentions agree (stronger pairs merge first)."""
    pairs = (
        (a.actor1_side, b.actor1_side),
        (a.actor2_side, b.actor2_side),
        (a.admin1, b.admin1),
        (a.location, b.location),
        (a.weapon, b.weapon),
        (a.event_date, b.event_date),
        (a.actor1, b.actor1),
        (a.actor2, b.actor2),
    )
    return sum(1 for x, y in pairs if x and x == y)


# --- clustering ---------------------------------------------------------------------


class _Clusters:
    """Complete-linkage clusters over a set of compatible pairs."""

    def __init__(self, ids: Iterable[str], compatible: set[frozenset[str]]):
        self.of = {i: i for i in ids}
        self.members: dict[str, list[str]] = {i: [i] for i in self.of}
        self.compatible = compatible

    def fits(self, ids: Sequence[str], root: str) -> bool:
        return all(frozenset((x, y)) in self.compatible for x in ids for y in self.members[root])

    def union(self, x: str, y: str) -> bool:
        rx, ry = self.of[x], self.of[y]
        if rx == ry or not self.fits(self.members[rx], ry):
            return False
        self.join(rx, ry)
        return True

    def join(self, rx: str, ry: str) -> None:
        """Merge the clusters ``rx`` and ``ry`` (roots) without checking the rule."""
        keep, gone = sorted((rx, ry))
        for i in self.members[gone]:
            self.of[i] = keep
        self.members[keep].extend(self.members.pop(gone))


def _compatible_pairs(mentions: Iterable[Mention]) -> dict[frozenset[str], tuple[Mention, Mention]]:
    pairs: dict[frozenset[str], tuple[Mention, Mention]] = {}
    seen: set[frozenset[str]] = set()
    for block in candidate_blocks(mentions):
        for a, b in combinations(block, 2):
            key = frozenset((a.mention_id, b.mention_id))
            if key in seen:
                continue
            seen.add(key)
            if why_different(a, b) is None:
                pairs[key] = (a, b)
    return pairs


def cluster_mentions(
    mentions: Iterable[Mention], checked: Iterable[tuple[str, str]] | None = None
) -> list[Cluster]:
    """Group mentions into events by the merge rule (see the module docstring).

    Parameters
    ----------
    mentions
        Mentions with unique ``mention_id`` values, from any number of articles.
    checked
        The pairs of mention ids that the merge rule allows, when they were already found
        block by block elsewhere (on the workers of a Dask cluster); ``None`` finds them
        here.

    Returns
    -------
    Clusters sorted by event id; every mention is a member of exactly one cluster.
    """
    by_id = {m.mention_id: m for m in mentions}
    if checked is None:
        pairs = _compatible_pairs(by_id.values())
    else:
        pairs = {frozenset((a, b)): (by_id[a], by_id[b]) for a, b in checked}
    compatible = set(pairs)
    placed = sorted(i for i, m in by_id.items() if m.admin1)
    unplaced = sorted(i for i, m in by_id.items() if not m.admin1)

    def ordered(ids: set[str]) -> list[tuple[Mention, Mention]]:
        chosen = [p for k, p in pairs.items() if k <= ids]
        return sorted(
            chosen,
            key=lambda p: (-_strength(*p), *sorted((p[0].mention_id, p[1].mention_id))),
        )

    first = _Clusters(placed, compatible)
    for a, b in ordered(set(placed)):
        if first.union(a.mention_id, b.mention_id):
            log.info("merge %s + %s: %s", a.mention_id, b.mention_id, merge_reason(a, b))

    # A cluster can take a mention only if it holds one of the mention's compatible
    # partners, so only those clusters are tried (not every cluster of the corpus).
    partners: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs.values():
        partners[a.mention_id].add(b.mention_id)
        partners[b.mention_id].add(a.mention_id)

    def homes(mid: str) -> list[str]:
        roots = {first.of[p] for p in partners[mid] if p in first.of}
        return sorted(root for root in roots if first.fits([mid], root))

    for mid in unplaced:
        if not by_id[mid].sites:
            continue  # no count of sites: no operation
        # One operation on several sites: its place-specific events become one.
        fits = homes(mid)
        if not one_operation(by_id[mid], len(fits)):
            continue
        home = fits[0]
        for other in fits[1:]:
            if all(
                why_different(by_id[x], by_id[y], across_sites=True) is None
                for x in first.members[home]
                for y in first.members[other]
            ):
                first.join(home, other)
                log.info("merge sites %s + %s: one operation (%s)", home, other, mid)

    shared: dict[str, list[str]] = defaultdict(list)
    leftovers = []
    for mid in unplaced:
        roots = {first.of[p] for p in partners[mid] if p in first.of}
        fits = sorted(root for root in roots if first.fits([mid], root))
        if not fits:
            leftovers.append(mid)
            continue
        home = fits[0]
        first.members[home].append(mid)
        log.info(
            "merge %s into event of %s: %s",
            mid,
            home,
            merge_reason(by_id[mid], by_id[home]),
        )
        for other in fits[1:]:
            shared[other].append(mid)
            log.info("credit umbrella %s also to event of %s", mid, other)

    second = _Clusters(leftovers, compatible)
    for a, b in ordered(set(leftovers)):
        if second.union(a.mention_id, b.mention_id):
            log.info("merge %s + %s: %s", a.mention_id, b.mention_id, merge_reason(a, b))

    _anchor_undated(by_id, [first, second], shared)
    return clusters_of(by_id, [first.members, second.members], shared)


def clusters_of(
    by_id: Mapping[str, Mention],
    passes: Sequence[Mapping[str, Iterable[str]]],
    shared: Mapping[str, Iterable[str]],
) -> list[Cluster]:
    """The clusters of the merge passes (each ``{root: member ids}``), with the umbrella
    mentions credited to them (``shared``: ``{root: umbrella ids}``), in event id order."""
    umbrellas = frozenset(i for ids in shared.values() for i in ids)
    clusters = [
        Cluster(
            members=tuple(by_id[i] for i in sorted(ids)),
            shared=tuple(by_id[i] for i in sorted(shared.get(root, ()))),
            umbrella_ids=umbrellas & set(ids),
        )
        for members in passes
        for root, ids in members.items()
    ]
    return sorted(clusters, key=lambda c: c.event_id)


#: An event field with two or more known values (it matches no mention that knows it).
_MIXED = "\x00mixed"


def _anchor_signature(members: Sequence[Mention]) -> tuple[frozenset[str], ...]:
    """The known values of the fields that anchoring (A1-A4) requires to be equal:
    initiator side, target side, country, admin1, location and event family."""
    return (
        frozenset(m.actor1_side for m in members if m.actor1_side),
        frozenset(m.actor2_side for m in members if m.actor2_side),
        frozenset(m.country for m in members if m.country),
        frozenset(m.admin1 for m in members if m.admin1),
        frozenset(m.location for m in members if m.location),
        frozenset(f for m in members if (f := event_family(m.event_type))),
    )


def _anchor_fields(u: Mention) -> tuple[str, ...]:
    """``u``'s fields in the order of :func:`_anchor_signature`."""
    return (
        u.actor1_side,
        u.actor2_side,
        u.country,
        u.admin1,
        u.location,
        event_family(u.event_type),
    )


def _may_anchor(u: Mention, signature: tuple[frozenset[str], ...]) -> bool:
    """Whether an event with this :func:`_anchor_signature` passes A1, A3, A4 and the
    country part of A2 for ``u``: every known field of ``u`` is the only value the event
    knows, if any, and the event knows one of ``u``'s sides. Necessary for
    :func:`why_not_anchored` to accept the event, never sufficient."""
    own = _anchor_fields(u)
    pairs = zip(own, signature, strict=True)
    if any(v and not known <= {v} for i, (v, known) in enumerate(pairs) if i != 4):
        return False
    if own[4] and not all(same_place(x, own[4]) for x in signature[4]):
        return False
    return bool((own[0] and signature[0]) or (own[1] and signature[1]))


def _single(values: frozenset[str]) -> str:
    """The one known value, ``""`` when none is known, :data:`_MIXED` when several are."""
    if len(values) == 1:
        return next(iter(values))
    return "" if not values else _MIXED


def _anchor_undated(
    by_id: dict[str, Mention],
    passes: list[_Clusters],
    shared: dict[str, list[str]],
    given: Mapping[tuple[int, str], Sequence[tuple[int, str]]] | None = None,
    record: dict[tuple[int, str], tuple[set, list]] | None = None,
) -> None:
    """Third pass: join undated mentions to the one dated event that they identify.

    Candidate events are blocked by country and by the unordered pair of sides (no month:
    the mention has none); each undated mention joins an event only when exactly one
    candidate satisfies :func:`why_not_anchored`. Decisions use the events as the first two
    passes left them, so the order of the undated mentions does not matter.

    The events are indexed by the values their mentions know of the fields that A1 and A2
    require to be equal (sides and country), by article, casualty count and month, and
    summarised by :func:`_anchor_signature` and the facts A6 reads, so that an undated
    mention is tried only against events that can pass A1-A5 and the clauses are read
    from those indexes rather than from every mention of the event. The decisions are
    those of :func:`why_not_anchored` on every event of the corpus (tested on random
    mention sets): a change to the clauses must be mirrored here.

    ``given`` maps undated mentions, as ``(pass, root)``, to the events they fit, decided
    by an earlier build on the same inputs (:func:`analysis.events.blocks._anchor` keeps
    them): they are taken as they are. ``record``, when given, receives for each mention
    decided here the events its decision read (the candidates gathered from the indexes:
    every event :func:`reads_event` accepts) and the events it fits.
    """
    if given is not None and not any(
        len(ids) == 1
        and (n, root) not in given
        and interval(by_id[root]) is None
        and (by_id[root].actor1_side or by_id[root].actor2_side)
        for n, source in enumerate(passes)
        for root, ids in source.members.items()
    ):
        # Every undated mention that may join an event was decided before: no indexes.
        _apply_anchors(by_id, passes, shared, [], given)
        return
    events: dict[tuple[int, str], list[Mention]] = {}
    blocks: dict[str, set[tuple[int, str]]] = defaultdict(set)
    # Anchoring needs identifying evidence (an equal casualty count or a shared article):
    # index the events by both, so each undated mention is tried only against events that
    # could qualify rather than against every event of its country.
    by_article: dict[str, set[tuple[int, str]]] = defaultdict(set)
    by_count: dict[tuple[str, int], set[tuple[int, str]]] = defaultdict(set)
    # Events by (initiator side, target side, country), each the one value the event knows
    # ("" none, _MIXED several), and by one side and country: A1 and A2 need the known
    # fields of the undated mention to be the only ones the event knows.
    by_sides: dict[tuple[str, str, str], set[tuple[int, str]]] = defaultdict(set)
    by_side: dict[tuple[int, str, str], set[tuple[int, str]]] = defaultdict(set)
    # The one value each field of _anchor_signature has in an event ("" none, _MIXED
    # several), and the event's dated spans.
    singles: dict[tuple[int, str], tuple[str, ...]] = {}
    spans: dict[tuple[int, str], frozenset[tuple[dt.date, dt.date]]] = {}
    # What A6 reads of an event: its mention ids, what they answer, their sentences.
    facts: dict[tuple[int, str], tuple[frozenset, frozenset, frozenset]] = {}
    countries_of: dict[tuple[int, str], frozenset[str]] = {}
    for n, source in enumerate(passes):
        for root, ids in source.members.items():
            members = [by_id[i] for i in ids] + [by_id[i] for i in shared.get(root, ())]
            if all(interval(m) is None for m in members):
                continue
            key = (n, root)
            events[key] = members
            countries_of[key] = frozenset(m.country for m in members)
            # An event no mention places in a country may be in any (A2).
            for country in sorted({m.country for m in members if m.country} or {""}):
                blocks[country].add(key)
            for m in members:
                by_article[m.article_id].add(key)
            for kind in ("killed", "injured"):
                count = _counts_of(members, kind)
                if count:
                    by_count[kind, count].add(key)
            facts[key] = (
                frozenset(m.mention_id for m in members),
                frozenset(r for m in members for r in (*m.responds_to, *m.apart_from)),
                frozenset((m.article_id, m.sentence_index) for m in members),
            )
            spans[key] = frozenset(s for s in (interval(m) for m in members) if s is not None)
            signature = _anchor_signature(members)
            # (Locations stay sets: one may be a town inside another, an area.)
            singles[key] = (
                *(_single(values) for values in signature[:4]),
                signature[4],
                _single(signature[5]),
            )
            side1, side2, country = singles[key][:3]
            by_sides[side1, side2, country].add(key)
            by_side[1, side1, country].add(key)
            by_side[2, side2, country].add(key)
    by_month = _events_by_month(events)
    # Many undated mentions share their country, sides and frame (an article's sentences;
    # a corpus of one war): their pools, and the events of their frame, are made once.
    pools: dict[tuple[str, str, str], set[tuple[int, str]]] = {}
    frames: dict[tuple, set[tuple[int, str]]] = {}
    counted: dict[tuple, set[tuple[int, str]]] = {}
    in_months: dict[tuple, set[tuple[int, str]]] = {}
    # _may_anchor on the events' single values, once per pair of a mention's fields and an
    # event's single values (few of either in a corpus).
    signature_of: dict[tuple[int, str], int] = {}
    signatures: dict[tuple[str, ...], int] = {}
    for key, values in singles.items():
        signature_of[key] = signatures.setdefault(values, len(signatures))
    by_number = list(signatures)
    accepted: dict[tuple[str, ...], dict[int, bool]] = {}
    moves = []
    for n, source in enumerate(passes):
        for root, ids in sorted(source.members.items()):
            if len(ids) != 1 or interval(by_id[root]) is not None:
                continue
            if given is not None and (n, root) in given:
                continue  # decided on the same inputs before (below)
            u = by_id[root]
            if not (u.actor1_side or u.actor2_side):
                continue  # A1: no event qualifies
            if u.country:
                pool_key = (u.country, u.actor1_side, u.actor2_side)
                pool = pools.get(pool_key)
                if pool is None:
                    countries = (u.country, "")
                    if u.actor1_side and u.actor2_side:
                        pairs = (
                            (u.actor1_side, u.actor2_side),
                            (u.actor1_side, ""),
                            ("", u.actor2_side),
                        )
                        found = [by_sides.get((*p, c), ()) for p in pairs for c in countries]
                    elif u.actor1_side:
                        found = [by_side.get((1, u.actor1_side, c), ()) for c in countries]
                    else:
                        found = [by_side.get((2, u.actor2_side, c), ()) for c in countries]
                    pool = pools[pool_key] = set().union(*found)
            else:
                # Without a country only the events of its own article are candidates (A2).
                pool_key = None
                pool = by_article.get(u.article_id, set())
            article = by_article.get(u.article_id, set()) if u.actor1_side else set()
            counts = [
                by_count.get((kind, own), set())
                for kind, own in (("killed", u.killed_best), ("injured", u.injured_best))
                if own
            ]
            frame = u.date_basis == "frame"
            # Only events with some identifying evidence (A5) are worth the clauses: narrow
            # the pool by the evidence indexes first (set intersections, no Python loop).
            near = [pool & article]
            for kind, own in (("killed", u.killed_best), ("injured", u.injured_best)):
                if own:
                    count_key = (pool_key, kind, own) if pool_key is not None else None
                    found_count = counted.get(count_key) if count_key is not None else None
                    if found_count is None:
                        found_count = pool & by_count.get((kind, own), set())
                        if count_key is not None:
                            counted[count_key] = found_count
                    near.append(found_count)
            in_frame: set[tuple[int, str]] = set()
            own_frame = frame_interval(u) if frame else None
            if own_frame is not None:
                frame_key = (pool_key, own_frame) if pool_key is not None else None
                found_frame = frames.get(frame_key) if frame_key is not None else None
                if found_frame is None:
                    # The events of the pool in u's country whose dated spans meet the frame.
                    months: set[tuple[int, str]] = set()
                    for month in _months(own_frame):
                        month_key = (pool_key, month) if pool_key is not None else None
                        in_month = in_months.get(month_key) if month_key is not None else None
                        if in_month is None:
                            in_month = (
                                pool & blocks.get(u.country, set()) & by_month.get(month, set())
                            )
                            if month_key is not None:
                                in_months[month_key] = in_month
                        months |= in_month
                    found_frame = {
                        k
                        for k in months
                        if any(s[0] <= own_frame[1] and own_frame[0] <= s[1] for s in spans[k])
                    }
                    if frame_key is not None:
                        frames[frame_key] = found_frame
                in_frame = found_frame
                near.append(in_frame)
            own = _anchor_fields(u)
            accepts = accepted.setdefault(own, {})
            candidates = []
            for k in set().union(*near):
                number = signature_of[k]
                ok = accepts.get(number)
                if ok is None:
                    # A field of u that is known must be the event's one value or unknown
                    # there, and the event must know one of u's sides.
                    values = by_number[number]
                    ok = accepts[number] = (
                        all(
                            not v or x in ("", v)
                            for i, (v, x) in enumerate(zip(own, values, strict=True))
                            if i != 4
                        )
                        and (not own[4] or all(same_place(x, own[4]) for x in values[4]))
                        and bool((own[0] and values[0]) or (own[1] and values[1]))
                    )
                if ok:
                    candidates.append(k)
            candidates.sort()
            fits = []
            links = (*u.responds_to, *u.apart_from)
            sentence = (u.article_id, u.sentence_index)
            for key in candidates:
                # The candidates pass A1-A4; what remains of why_not_anchored is A2 without
                # a country, A5 (read from the indexes) and A6 (from the event's facts).
                if not (key in article or any(key in c for c in counts) or key in in_frame):
                    continue  # A5: no identifying evidence
                if not u.country and key not in article:
                    continue  # A2: no country, and not the same article
                ids, answers, sentences = facts[key]
                if u.mention_id in answers or any(r in ids for r in links) or sentence in sentences:
                    continue  # A6
                fits.append(key)
            if len(fits) > 1:
                # Strong evidence first, then events placed in the mention's country; an
                # unplaced one only when no placed event fits. The events of the pool in
                # u's country that meet its frame are in_frame already.
                strong = set().union(*near[: 1 + len(counts)])
                in_country = blocks.get(u.country, set())
                fits = chosen_anchors(
                    fits,
                    strong.__contains__,
                    lambda k, u=u: u.country in countries_of[k],
                    lambda k, own_frame=own_frame, in_frame=in_frame, in_country=in_country: (
                        own_frame is not None
                        and (
                            k in in_frame
                            if k in in_country
                            else any(
                                s[0] <= own_frame[1] and own_frame[0] <= s[1] for s in spans[k]
                            )
                        )
                    ),
                )
            if record is not None:
                record[n, root] = (set().union(*near), fits)
            if len(fits) == 1:
                moves.append(((n, root), fits[0]))
            elif len(fits) > 1:
                log.info("undated %s fits %d events: left alone", root, len(fits))
    _apply_anchors(by_id, passes, shared, moves, given)


def _apply_anchors(
    by_id: Mapping[str, Mention],
    passes: list[_Clusters],
    shared: Mapping[str, list[str]],
    moves: list[tuple],
    given: Mapping[tuple[int, str], Sequence[tuple[int, str]]] | None,
) -> None:
    """Move the undated mentions of ``moves`` (``((pass, root), (pass, home))``) and of
    ``given`` (those that fit exactly one event) into their events, one item per sentence
    (:func:`one_item_per_sentence`); the end of :func:`_anchor_undated`."""
    moves = list(moves)
    for (n, root), fits in sorted((given or {}).items()):
        if len(fits) == 1:
            moves.append(((n, root), tuple(fits[0])))
        elif len(fits) > 1:
            log.info("undated %s fits %d events: left alone", root, len(fits))
    chosen = one_item_per_sentence(moves, by_id)
    verbose = log.isEnabledFor(logging.INFO)
    if verbose:  # the reason reads the whole event, as it was before any move
        events = {
            (m, home): [by_id[i] for i in (*passes[m].members[home], *shared.get(home, ()))]
            for _, (m, home) in chosen
        }
    for (n, root), (m, home) in chosen:
        passes[n].members.pop(root)
        passes[m].members[home].append(root)
        if verbose:
            log.info(
                "anchor undated %s to event of %s: %s",
                root,
                home,
                _anchor_reason(by_id[root], events[m, home]),
            )


def one_item_per_sentence(moves: Sequence[tuple], by_id: Mapping[str, Mention]) -> list[tuple]:
    """The anchoring ``moves`` (``((pass, root), (pass, home))``) without a second
    item of one sentence joining the event that a first one joins (A6 for items anchored
    together: "struck two ships - M/V A and M/V B" are two attacks, although each alone
    fits the event of M/V A). The item with the smallest mention id keeps its move, so that
    the choice does not depend on the order of the passes."""
    taken: set[tuple[str, int, tuple]] = set()
    out = []
    for move in sorted(moves, key=lambda mv: mv[0][1]):
        u = by_id[move[0][1]]
        key = (u.article_id, u.sentence_index, move[1])
        if key in taken:
            log.info("undated %s: another item of its sentence joins that event", u.mention_id)
            continue
        taken.add(key)
        out.append(move)
    return out


def anchor_facts(members: Sequence[Mention]) -> tuple:
    """What :func:`reads_event` reads of the event of ``members`` (an event with a dated
    mention, as :func:`_anchor_undated` is shown it): its single known sides and country,
    its articles, the countries that place it (``{""}`` when none does), its combined
    killed and injured counts and its dated spans."""
    return (
        tuple(_single(values) for values in _anchor_signature(members)[:3]),
        frozenset(m.article_id for m in members),
        frozenset({m.country for m in members if m.country} or {""}),
        _counts_of(members, "killed"),
        _counts_of(members, "injured"),
        frozenset(s for s in (interval(m) for m in members) if s is not None),
    )


def in_pool(u: Mention, singles: tuple[str, str, str], articles: Iterable[str]) -> bool:
    """The pool part of :func:`reads_event`: whether an event whose one known initiator
    side, target side and country are ``singles`` (:func:`anchor_facts`) and whose
    articles are ``articles`` is in the pool of candidates of the undated mention ``u``."""
    if not (u.actor1_side or u.actor2_side):
        return False
    if not u.country:
        return u.article_id in articles
    side1, side2, country = singles
    if country not in (u.country, ""):
        return False
    if u.actor1_side and u.actor2_side:
        fitting = ((u.actor1_side, u.actor2_side), (u.actor1_side, ""), ("", u.actor2_side))
        return (side1, side2) in fitting
    if u.actor1_side:
        return side1 == u.actor1_side
    return side2 == u.actor2_side


def reads_event(u: Mention, facts: tuple) -> bool:
    """Whether :func:`_anchor_undated`, deciding the undated mention ``u``, gathers the
    event of :func:`anchor_facts` ``facts`` among its candidates: the event is in ``u``'s
    pool (its one known sides and country fit ``u``'s; without a country, an event of
    ``u``'s article) and has some identifying evidence (``u``'s article when ``u`` names its
    initiator's side, an equal casualty count, or a dated span in ``u``'s article frame
    while placed in ``u``'s country). Only events it gathers can change its decision.

    The same sets as the pool and evidence indexes of :func:`_anchor_undated`, event by
    event (tested against them on random mention sets).
    """
    singles, articles, countries, killed, injured, spans = facts
    if not in_pool(u, singles, articles):
        return False
    if u.actor1_side and u.article_id in articles:
        return True
    if u.killed_best and killed == u.killed_best:
        return True
    if u.injured_best and injured == u.injured_best:
        return True
    frame = frame_interval(u) if u.date_basis == "frame" else None
    if frame is None or u.country not in countries:
        return False
    return any(s[0] <= frame[1] and frame[0] <= s[1] for s in spans)


def _anchor_reason(u: Mention, members: Sequence[Mention]) -> str:
    for kind, own in (("killed", u.killed_best), ("injured", u.injured_best)):
        if own and own == _counts_of(members, kind):
            return f"only event with sides, country {u.country} and {own} {kind}"
    return f"only event of the same article with initiator side {u.actor1_side}"


# --- merged event fields ------------------------------------------------------------


def _most_common(values: Iterable[str], rank=len) -> str:
    """Most common non-empty value; ties go to the higher ``rank``, then alphabetical."""
    counts = Counter(v for v in values if v)
    if not counts:
        return ""
    return min(counts, key=lambda v: (-counts[v], -rank(v), v))


def _actor_specificity(name: str) -> tuple[int, int]:
    words = name.lower().replace("-", " ").split()
    generic = sum(1 for w in words if w in _GENERIC_ACTOR_WORDS)
    return (0 if generic else 1, len(words) - generic)


def _most_specific_actor(values: Iterable[str]) -> str:
    counts = Counter(v for v in values if v)
    if not counts:
        return ""
    return min(counts, key=lambda v: (tuple(-x for x in _actor_specificity(v)), -counts[v], v))


def weapon_class(weapon: str) -> str:
    """Coarse class of a weapon description (``"drone"``, ``"aircraft"``, ...; ``""``)."""
    text = weapon.lower()
    for name, words in _WEAPON_CLASSES:
        if any(w in text for w in words):
            return name
    return text


def _filled(low: int | None, best: int | None, high: int | None):
    """One source's (low, best, high) with gaps filled from the other two, or ``None``."""
    if best is None and low is not None and high is not None:
        best = (low + high) // 2
    best = best if best is not None else (low if low is not None else high)
    if best is None:
        return None
    low = best if low is None else min(low, best)
    high = best if high is None else max(high, best)
    return low, best, high


def _bounds(low: int | None, best: int | None, high: int | None):
    """One source's interval ``(low, high)``: an open upper bound ("at least 25": a low
    and no high) is ``None``; an approximate count ("about 25": a best only) is that
    count. ``None`` when the source gives no number."""
    filled = _filled(low, best, high)
    if filled is None:
        return None
    return filled[0], (None if low is not None and high is None else filled[2])


def combine_counts(sources: Iterable[tuple[int | None, int | None, int | None]]):
    """Combine casualty counts (low, best, high) reported by several sources.

    Rule: unknown (``None``) is not zero and is ignored; each source's missing low falls
    back to its best (and best to the midpoint of low and high, rounded down), and so does
    a missing high, unless the source gives a low and no high: an open bound ("at least
    25", a named victim). Over the closed sources, ``low`` = the smallest low and ``high``
    = the largest high ("killed four" and "killed one" give 1/1/4). An open bound that
    the closed counts reach adds nothing ("at least one" and "five" give 5/5/5); one above
    them all leaves ``high`` open. With open bounds only, ``low`` is the largest of them
    and ``high`` stays open. ``best`` = the lower median of the sources' bests, kept within
    ``low`` and ``high``.

    Returns
    -------
    ``(low, best, high)``, all ``None`` when no source gives a number.
    """
    rows = [(_filled(*s), _bounds(*s)) for s in sources]
    rows = [(f, b) for f, b in rows if f is not None]
    if not rows:
        return None, None, None
    bests = sorted(f[1] for f, _ in rows)
    best = bests[(len(bests) - 1) // 2]
    closed = [b for _, b in rows if b[1] is not None]
    opens = [b[0] for _, b in rows if b[1] is None]
    if not closed:
        low = max(opens)
        return low, max(best, low), None
    low, high = min(b[0] for b in closed), max(b[1] for b in closed)
    if any(o > high for o in opens):
        high = None
    return low, max(low, best if high is None else min(best, high)), high


def _article_counts(mentions: Sequence[Mention], kind: str) -> list[tuple]:
    """One (low, best, high) per article, as its mention with the largest count gave it.

    Articles usually give a toll once and repeat or update it upwards; a sentence that
    names only part of the victims ("killed British soldier ...") must not lower the
    article's figure. Ties go to the wider range. The count keeps its open upper bound
    ("at least one": a named victim), so that another source's larger count is not read
    as a conflicting one. An operation on several sites (a mention states a site count, and
    mentions name different admin1: see :func:`one_operation`) counts different victims at
    each: the article's figure is the sum of each site's largest (open if one of them is),
    unless a mention without admin1 (a total) gives more.
    """
    operation = any(m.sites for m in mentions)
    # article -> admin1 -> (the site's largest count filled, its position, as given)
    per_site: dict[str, dict[str, tuple[tuple[int, int, int], int, tuple]]] = defaultdict(dict)
    for n, m in enumerate(mentions):
        raw = (getattr(m, f"{kind}_low"), getattr(m, f"{kind}_best"), getattr(m, f"{kind}_high"))
        triple = _filled(*raw)
        if triple is None:
            continue
        sites = per_site[m.article_id]
        kept = sites.get(m.admin1)
        if kept is None or _larger(triple, kept[0]):
            sites[m.admin1] = triple, n, raw
    out = []
    for article in sorted(per_site):
        sites = per_site[article]
        placed = [sites[k] for k in sorted(sites) if k]
        if len(placed) < 2 or not operation:
            # The first of the largest, as if the mentions were read in order.
            first = max(sites.values(), key=lambda p: (p[0][1], p[0][2] - p[0][0], -p[1]))
            out.append(first[2])
            continue
        summed = tuple(sum(p[0][i] for p in placed) for i in range(3))
        open_ = any(p[2][0] is not None and p[2][2] is None for p in placed)
        total = sites.get("")
        if total is not None and _larger(total[0], summed):
            out.append(total[2])
        else:
            out.append((summed[0], summed[1], None if open_ else summed[2]))
    return out


def _larger(triple: tuple[int, int, int], kept: tuple[int, int, int]) -> bool:
    """A larger count (best, then the wider range)."""
    return (triple[1], triple[2] - triple[0]) > (kept[1], kept[2] - kept[0])


#: A death toll told as updated: "the toll later rose to four", "bringing the death toll
#: to 22".
_TOLL_UPDATE = re.compile(
    r"\btoll\b[^.;]{0,80}?\b(?:rose|risen|climbed|increased|jumped|grew)\s+to\b"
    r"|\b(?:bringing|brought|raising|raised|taking|took)\s+the\s+(?:death\s+)?toll\s+to\b",
    re.IGNORECASE,
)


def _updated_toll(mentions: Sequence[Mention]) -> int | None:
    """The largest death toll told as an update of an earlier one, if any."""
    counts = [
        m.killed_low if m.killed_low is not None else m.killed_best
        for m in mentions
        if _TOLL_UPDATE.search(m.sentence_text)
    ]
    counts = [c for c in counts if c is not None]
    return max(counts) if counts else None


def _raised(counts: tuple, floor: int | None) -> tuple:
    """``counts`` (low, best, high) with an updated toll as their floor: a later, higher
    figure replaces the earlier ones rather than widening their range."""
    low, best, high = counts
    if floor is None or (low is not None and low >= floor):
        return counts
    return floor, max(best or floor, floor), None if high is None else max(high, floor)


def event_fields(cluster: Cluster, event_ids: dict[str, list[str]]) -> dict:
    """The merged fields of one event (see ``data/README.md`` for every rule).

    Parameters
    ----------
    cluster
        The event's mentions.
    event_ids
        mention_id -> ids of the events that contain it (members and umbrella credits),
        used to resolve ``responds_to`` into ``retaliation_for``.

    Returns
    -------
    A dict keyed by the events table's columns (integers or ``None`` for counts).
    """
    mentions = cluster.all_mentions
    flags = []
    spans = [(interval(m), m) for m in mentions if interval(m) is not None]
    if not spans:
        # No mention dates the event: the article's time frame bounds it.
        spans = [(frame_interval(m), m) for m in mentions if frame_interval(m) is not None]
    event_date = date_start = date_end = date_precision = date_text = ""
    if spans:
        lo = max(s[0] for s, _ in spans)
        hi = min(s[1] for s, _ in spans)
        if lo > hi:
            flags.append("date_conflict")
            lo, hi = min(s[0] for s, _ in spans), max(s[1] for s, _ in spans)
        best_span, best = min(spans, key=lambda p: ((p[0][1] - p[0][0]).days, p[1].mention_id))
        day = dt.date.fromisoformat(best.event_date) if best.event_date else best_span[0]
        day = min(max(day, lo), hi)
        event_date, date_start, date_end = day.isoformat(), lo.isoformat(), hi.isoformat()
        date_precision = "day" if lo == hi else best.date_precision
        date_text = best.date_text

    weapons = [m.weapon for m in mentions]
    if len({weapon_class(w) for w in weapons if w}) > 1:
        flags.append("weapon_conflict")

    placed = [m for m in mentions if m.location] or [m for m in mentions if m.admin1] or mentions
    several_countries = len({m.country for m in cluster.members if m.country}) > 1
    if several_countries:
        # An operation on sites in several countries is placed in none ("strikes in Iraq
        # and Syria"); ``sites`` counts them.
        placed = []
    location = _most_common(m.location for m in placed)
    coords = [
        (m.latitude, m.longitude)
        for m in placed
        if m.location == location and m.latitude is not None and m.longitude is not None
    ]
    own = [m for m in cluster.members if m.mention_id not in cluster.umbrella_ids]
    killed = _raised(combine_counts(_article_counts(own, "killed")), _updated_toll(own))
    injured = combine_counts(_article_counts(own, "injured"))
    links = sorted(
        {
            eid
            for m in mentions
            for target in m.responds_to
            for eid in event_ids.get(target, ())
            if eid != cluster.event_id
        }
    )
    sources = sorted({m.article_id for m in mentions})
    side1 = _most_common(m.actor1_side for m in mentions)
    return {
        "event_id": cluster.event_id,
        "event_date": event_date,
        "date_start": date_start,
        "date_end": date_end,
        "date_precision": date_precision,
        "date_text": date_text,
        "actor1": _most_specific_actor(m.actor1 for m in mentions),
        "actor1_side": side1 or UNKNOWN_SIDE,
        **_attribution(mentions, side1),
        "actor2": _most_specific_actor(m.actor2 for m in mentions),
        # No side attacks itself: a target on the initiator's side is a misreading.
        "actor2_side": (
            side2 if (side2 := _most_common(m.actor2_side for m in mentions)) != side1 else ""
        )
        or UNKNOWN_SIDE,
        "event_type": _most_common(m.event_type for m in mentions),
        "sub_event_type": _most_common(m.sub_event_type for m in mentions),
        "cameo_code": _most_common(m.cameo_code for m in mentions),
        "weapon": _most_common(weapons, rank=lambda w: len(w.split())),
        "country": "" if several_countries else _most_common(m.country for m in mentions),
        "admin1": "" if several_countries else _most_common(m.admin1 for m in mentions),
        "location": location,
        "latitude": coords[0][0] if coords else None,
        "longitude": coords[0][1] if coords else None,
        "fatalities_low": killed[0],
        "fatalities_best": killed[1],
        "fatalities_high": killed[2],
        "injured_low": injured[0],
        "injured_best": injured[1],
        "injured_high": injured[2],
        "sites": _sites(own),
        "retaliation_for": ";".join(links),
        "number_of_sources": len(sources),
        "sources": ";".join(sources),
        "origin": "articles",
        "review_status": ";".join(["auto", *flags]),
    }


def _sites(members: Sequence[Mention]) -> int:
    """Sites of an event: the largest count its mentions state, else the number of
    different admin1 they place it in, at least 1."""
    stated = max((m.sites for m in members if m.sites), default=0)
    return max(stated, len({m.admin1 for m in members if m.admin1}), 1)


def _attribution(mentions: Sequence[Mention], side: str) -> dict[str, str]:
    """``actor1_basis``, ``attributed_by`` and ``denied_by`` of an event whose initiator
    side is ``side`` (``""``: no mention names one): the strongest basis of the mentions
    of that side (a claim outranks a blame, a blame the text's own statement, that a
    suspicion); every attribution and denial of the mentions is kept."""
    if not side:
        basis = "unattributed"
    else:
        bases = [m.actor1_basis for m in mentions if m.actor1_side == side and m.actor1_basis]
        basis = min(bases, key=BASIS_ORDER.index, default="stated")
    by = sorted({x.strip() for m in mentions for x in m.attributed_by.split(";") if x.strip()})
    denied = sorted({x.strip() for m in mentions for x in m.denied_by.split(";") if x.strip()})
    return {"actor1_basis": basis, "attributed_by": "; ".join(by), "denied_by": "; ".join(denied)}


def mention_events(clusters: Sequence[Cluster]) -> dict[str, list[str]]:
    """mention_id -> sorted ids of the events it belongs to or is credited to."""
    out: dict[str, set[str]] = defaultdict(set)
    for c in clusters:
        for m in c.all_mentions:
            out[m.mention_id].add(c.event_id)
    return {k: sorted(v) for k, v in out.items()}


#: How far before a stated answer its cause is sought in the corpus (days).
CAUSE_WINDOW_DAYS = 31


def _known(side: str) -> bool:
    return bool(side) and side != UNKNOWN_SIDE


def _names(text: str, row: dict) -> bool:
    """Whether ``text`` names ``row``'s place (location or country)."""
    lowered = text.lower()
    return any(v and v.lower() in lowered for v in (row["location"], row["country"]))


def _may_cause(c: dict, answer: dict) -> bool:
    """Whether event row ``c`` may be what ``answer`` answers: another side's act that hit
    the answering side or came from the side the answer hit, not an answer to it."""
    side, target = answer["actor1_side"], answer["actor2_side"]
    if c["event_id"] == answer["event_id"] or c["actor1_side"] == side:
        return False
    if answer["event_id"] in c["retaliation_for"].split(";"):
        return False
    return c["actor2_side"] == side or (_known(target) and c["actor1_side"] == target)


def link_causes(clusters: Sequence[Cluster], rows: Sequence[dict]) -> list[dict]:
    """Rows with the corpus-level links of stated answers whose article reports no cause.

    A mention that presents its event as an answer ("in retaliation for the recent
    attacks", a headline "... after rocket attack") but whose article reports nothing it
    could answer keeps the answering words in ``link_text`` and an empty ``responds_to``.
    Its event, if it has no link yet and names its initiator's side, answers the corpus
    event that came from another side and hit the answering side (or came from the side
    the answer hit) within :data:`CAUSE_WINDOW_DAYS` days before it. Preferred, in order:
    one whose place the answering sentence names, the full reversal of sides, one of an
    earlier day than the answer, the latest, the smallest id. ``rows`` are
    :func:`event_fields` of ``clusters``, in the same order.
    """
    out = [dict(r) for r in rows]
    dated = sorted(
        (r for r in out if r["event_date"] and _known(r["actor1_side"])),
        key=lambda r: (r["event_date"], r["event_id"]),
    )
    dates = [r["event_date"] for r in dated]
    for cluster, row in zip(clusters, out, strict=True):
        side, target = row["actor1_side"], row["actor2_side"]
        if row["retaliation_for"] or not _known(side) or not row["event_date"]:
            continue
        stated = [m for m in cluster.members if m.link_text and not m.responds_to]
        if not stated:
            continue
        day = dt.date.fromisoformat(row["event_date"])
        since = (day - dt.timedelta(days=CAUSE_WINDOW_DAYS)).isoformat()
        lo = bisect.bisect_left(dates, since)
        hi = bisect.bisect_right(dates, row["event_date"])
        said = " ".join(m.sentence_text for m in stated)
        causes = [c for c in dated[lo:hi] if _may_cause(c, row)]
        if not causes:
            continue
        cause = max(
            causes,
            key=lambda c: (
                _names(said, c),
                c["actor1_side"] == target and c["actor2_side"] == side,
                c["event_date"] < row["event_date"],
                c["event_date"],
                # The smallest id wins a tie: negate it character by character.
                [-ord(ch) for ch in c["event_id"]],
            ),
        )
        row["retaliation_for"] = cause["event_id"]
        log.info(
            "link %s -> %s: stated answer (%s) whose article reports no cause",
            row["event_id"],
            cause["event_id"],
            stated[0].link_text,
        )
    return out


def told_first(cluster: Cluster) -> tuple[str, int, int]:
    """Where the event is first told: the smallest (article, sentence, character) of its members."""
    return min((m.article_id, m.sentence_index, m.char_start) for m in cluster.members)


_mention_values = operator.attrgetter(*(f.name for f in fields(Mention)))


def mention_bytes(mentions: Iterable[Mention]) -> dict[str, bytes]:
    """mention_id -> the mention's field values as bytes (``marshal`` format 0): what the
    cache keys of :func:`fields_key` and :func:`analysis.events.blocks.component_key` read
    of a mention, made once per build rather than once per key that reads it.

    Format 0 writes every string, number and ``None`` the same way whatever the object's
    history (no references, no interned strings), and reads back as the same values: two
    mentions have the same bytes only when all their fields are equal. Twice as fast as
    their ``repr``. Other bytes that tell mentions apart as surely may stand in: the build
    names a mention of a cached extraction by the extraction's key and its place in it
    (:func:`analysis.events.build.tables_from_extractions`).
    """
    return {m.mention_id: marshal.dumps(_mention_values(m), 0) for m in mentions}


def fields_key(
    cluster: Cluster,
    event_ids: Mapping[str, list[str]],
    encoded: Mapping[str, bytes] | None = None,
) -> str:
    """SHA-256 of everything :func:`event_fields` reads of ``cluster``: its mentions (every
    field), its umbrellas, its id and the events of the mentions its mentions answer.
    ``encoded`` (:func:`mention_bytes` of the cluster's mentions, or more) spares making them."""
    if encoded is None:
        encoded = mention_bytes(cluster.all_mentions)
    parts = [b"event fields\0", cluster.event_id.encode("utf-8"), b"\0"]
    for part in (cluster.members, cluster.shared):
        for m in part:
            parts.append(encoded[m.mention_id])
            parts.append(b"\0")
        parts.append(b"\1")
    parts.append(";".join(sorted(cluster.umbrella_ids)).encode("utf-8") + b"\1")
    for m in cluster.all_mentions:
        for target in m.responds_to:
            parts.append(f"{target}>{';'.join(event_ids.get(target, ()))}\0".encode())
    return hashlib.sha256(b"".join(parts)).hexdigest()


def reconcile(
    clusters: Sequence[Cluster], cache=None, encoded: Mapping[str, bytes] | None = None
) -> list[dict]:
    """Event rows of the clusters in the order they happened and were told; undated last.

    Rows are sorted by ``event_date``, then by where the event is first told
    (:func:`told_first`: events of one day read in the order their article tells them),
    then by ``event_id``. Stated answers whose article reports no cause are linked across
    the corpus (:func:`link_causes`).

    ``cache`` (an :class:`analysis.events.block_cache.ClusterCache`, or ``None``) keeps
    each event's :func:`event_fields` under :func:`fields_key` between builds; the rows
    are the same with or without it. ``encoded`` (:func:`mention_bytes` of every mention of
    the clusters) spares making them again for the keys.
    """
    ids = mention_events(clusters)
    if cache is None:
        merged = [event_fields(c, ids) for c in clusters]
    else:
        if encoded is None:
            encoded = mention_bytes(m for c in clusters for m in c.all_mentions)
        merged = []
        for c in clusters:
            key = fields_key(c, ids, encoded)
            row = cache.get_row(key)
            if row is None:
                row = event_fields(c, ids)
                cache.put_row(key, row)
            merged.append(row)
    rows = link_causes(clusters, merged)
    told = {row["event_id"]: told_first(c) for c, row in zip(clusters, rows, strict=True)}
    return sorted(
        rows,
        key=lambda r: (r["event_date"] == "", r["event_date"], told[r["event_id"]], r["event_id"]),
    )
