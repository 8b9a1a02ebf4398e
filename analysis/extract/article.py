"""Extract event mentions and aggregate claims from one article.

:func:`extract_article` is a pure function of the article and the lexicon. Per body sentence
(headline, standfirst, headings and boilerplate are skipped: see :mod:`analysis.extract.sentences`):

1. attribution is set aside and the rest cut into clauses at link cues
   (:mod:`analysis.extract.clauses`);
2. each clause is read on its own (:mod:`analysis.extract.reading`);
3. clauses are connected to the discourse:

   - a clause stating many events over a period ("targeted at least 170 times since
     Oct. 7") becomes an :class:`~analysis.records.Aggregate`, never a mention;
   - generic, habitual or hypothetical clauses give nothing;
   - a definite reference ("the attack", "these strikes", "the U.S. response") or an
     undated clause naming no other initiator and an action of the same family as the event
     under discussion *continues* that event: it yields a mention only if it adds casualties,
     a more specific place or a named target, and the mention carries the event's actors,
     type and date;
   - a clause with casualties and no action ("Three Iraqi soldiers ... were killed") also
     continues the event under discussion;
   - otherwise the clause is a new event mention;
4. stated links set ``responds_to``; a stated sequence ("after", "following") counts only
   when the earlier event hit the side that answers or came from the side answered, a
   measured interval ("came a few days after") states chronology, not a response, and a
   response to a "threat" is never a link;
5. dates are read, never invented: an undated clause gets a date only from words that
   relate it to a dated event of the same sentence ("a few days after" it, "coincided
   with" it); an undated series named only by its target ("in response to attacks on
   American troops") is no event unless it names a place or casualties; an event told only
   through a dated statement ("X confirmed on Tuesday that ...") happened on or before the
   statement's day (:mod:`analysis.extract.completion` bounds it so);
6. what the text tells as another event ("further strikes" on the same day, a week
   before an event dated loosely) is kept apart from it (``apart_from``), and an attack
   told as the first to hurt anyone leaves the earlier attacks on its place without
   victims.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from analysis.extract.casualties import Casualties
from analysis.extract.clauses import Clause, content_span, split_clauses
from analysis.extract.completion import complete_mentions
from analysis.extract.dates import (
    COUNT_WORDS,
    RELATIVE_KINDS,
    DateResolution,
    find_dates,
    recalled_date,
    resolve_from_span,
    resolve_match,
    years_before,
)
from analysis.extract.fastre import foldable
from analysis.extract.lexicon import Hit, Lexicon
from analysis.extract.numbers import Count
from analysis.extract.reading import (
    ADJ_ARMED,
    ActorRef,
    Reading,
    SentenceHits,
    launch_actions,
    normalise_space,
    read_clause,
    sentence_hits,
)
from analysis.extract.sentences import Sentence, split_sentences
from analysis.extract.sites import site_count
from analysis.records import Aggregate, Article, Extraction, Mention
from analysis.schema import MENTION_COUNT_COLUMNS

_CASUALTY_HINT = re.compile(
    r"kill|injur|wound|dead|died|death|casualt|hurt|fatalit|\blives\b|\blife\b|perished|martyr|neutrali"
    r"|\btoll\b",
    re.IGNORECASE,
)
#: A timeline entry: a paragraph opening on a date and a dash or colon ("OCT. 19 – In Syria,
#: ..."); the date holds for every sentence of the paragraph.
_ENTRY = re.compile(r"^\s*(?:[\w.,]+\s+){0,3}?[\w.,]+\s*[–—:-]\s")
_ENTRY_DATED = "the date of its timeline entry"
#: The date of a clause cut from the one before it (", and a third drone struck ...").
_TOLD_WITH = "the date of the act told with it"
#: A sentence that turns to another event ("Separately, two bases ..."; "Elsewhere, ...").
_SEPARATELY = re.compile(
    r"^\W*(?:separately|elsewhere|in\s+an?\s+(?:separate|other|unrelated)\s+"
    r"(?:incident|attack|strike|development|matter))\b",
    re.IGNORECASE,
)
_LATEST = re.compile(r"\b(?:latest|most\s+recent|newest)\s+(?:[\w.'’-]+\s+){0,2}$", re.I)
#: "that first attack", "the earlier strike": the one told as coming before another.
_FIRST = re.compile(r"\b(?:first|earlier|previous|initial)\s+(?:[\w.'’-]+\s+){0,2}$", re.I)
#: How many earlier mentions of the article a reference or a repeated report is sought in.
_REFERENCE_REACH = 60
_FAMILIES_COMPATIBLE = {
    ("strike", "strike"),
    ("attack", "attack"),
    ("kill", "kill"),
}


@dataclass
class _Draft:
    """A mention under construction (mutable until the article is read)."""

    mention: Mention
    family: str
    origin: _Draft | None = None
    responds: list[str] = field(default_factory=list)
    #: Stated to come before another event of the article ("X came days after *this*").
    earlier: bool = False
    #: Told only through a dated statement ("X confirmed on Tuesday that ..."): the day
    #: of the statement (ISO) and its words; the event happened on or before it.
    statement: tuple[str, str] | None = None

    @property
    def root(self) -> _Draft:
        """The first mention of this event in the article (continuations point back to it)."""
        return self.origin.root if self.origin is not None else self


@dataclass
class _Discourse:
    drafts: list[_Draft] = field(default_factory=list)
    focus: _Draft | None = None
    last_date: dt.date | None = None
    last_group: ActorRef | None = None
    #: Events named in the previous sentence that named any (ids of first mentions).
    recent: frozenset[str] = frozenset()
    #: A timeline entry's date ("OCT. 19 – ...") and the paragraph it heads.
    entry_date: tuple[int, DateResolution] | None = None
    #: The side an agency last called "the enemy" or "the aggression" ("the Israeli enemy",
    #: "the American-British aggression"): the doer of "the enemy targeted ...".
    enemy: ActorRef | None = None
    #: A live blog's day heading ("Saturday 13 April" over "23:15 - ..." entries): the
    #: day of every time-stamped entry below it, until the next heading.
    day_heading: DateResolution | None = None
    #: The last date the text gave, whatever its precision ("In late July", "since early
    #: February"): what a relative date counts from when no day is under discussion.
    last_span: DateResolution | None = None
    #: The event that ``last_span`` dates, if one does.
    span_owner: _Draft | None = None
    #: Events told as the first to hurt anyone ("the first attack in which injuries were
    #: reported"): the earlier attacks on the same place hurt no one.
    first_hurt: list[_Draft] = field(default_factory=list)


def _replace(record, **changes):
    """``dataclasses.replace`` for the records here (every field set by ``__init__``, no
    ``__post_init__``), without its per-field checks."""
    return type(record)(**{**vars(record), **changes})


def _compatible(family: str, other: str) -> bool:
    return "any" in (family, other) or (family, other) in _FAMILIES_COMPATIBLE


def _date_of(draft: _Draft) -> dt.date | None:
    value = draft.mention.event_date
    return dt.date.fromisoformat(value) if value else None


def _resolve(reading: Reading, state: _Discourse, day: str = "") -> _Draft | None:
    """The earlier event a definite reference points to (best score, then most recent);
    ``day``: the ISO day the reference gives itself ("the Tuesday night strikes"), if any."""
    if not state.drafts or reading.anchor is None:
        return None
    family = reading.anchor.family
    text = reading.text.lower()
    best: tuple[int, int] | None = None
    chosen = None
    own_date = reading.date.text if reading.date is not None and reading.date_near_anchor else ""
    # "the latest strike", "the most recent attack": the newest event of that kind by date.
    newest = ""
    # A reference points back a few dozen mentions at most; looking no further keeps a very
    # long text linear in its length.
    recent = state.drafts[-_REFERENCE_REACH:]
    first = bool(_FIRST.search(reading.anchor_lead))
    if _LATEST.search(reading.anchor_lead):
        newest = max(
            (
                d.mention.event_date
                for d in recent
                if d.origin is None and _compatible(d.family, family)
            ),
            default="",
        )
    for order, draft in enumerate(recent):
        if draft.origin is not None:
            continue
        score = 0
        if newest and draft.mention.event_date == newest and _compatible(draft.family, family):
            score += 5
        if first and draft.earlier and _compatible(draft.family, family):
            score += 5
        if _compatible(draft.family, family):
            score += 3
        if draft.mention.mention_id in state.recent:
            score += 2
        if (
            own_date
            and draft.mention.date_text
            and draft.mention.date_text.lower().startswith(own_date.lower().rstrip("’'s"))
        ):
            score += 2
        if day and draft.mention.event_date == day and _compatible(draft.family, family):
            # "Biden ordered strikes" (dated a day before the attacks) ... "The Tuesday night
            # strikes": the event of that kind on the day the reference names.
            score += 4
        implied = reading.anchor.weapon
        if implied and draft.mention.weapon == implied:
            score += 1
        if ("retaliatory" in text or family == "response") and draft.mention.responds_to:
            score += 2
        if family == "response" and draft.responds:
            score += 2
        if reading.initiator and reading.initiator.side == draft.mention.actor1_side:
            score += 1
        if state.focus is not None and draft is state.focus.root:
            score += 1
        key = (score, order)
        if best is None or key > best:
            best, chosen = key, draft
    return chosen


_PARTITIVE = re.compile(
    r"\b(?:some|many|several|most|all|a\s+few|few)\s+of\s+(?:the|these|those)\s+"
    r"(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
#: "Five years ago this week", "two years ago today": a day counted from publication moved
#: back that many years.
_YEARS_AGO = re.compile(
    r"\b(?P<n>a|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+years?\s+ago"
    r"(?:\s+on)?\s+$",
    re.IGNORECASE,
)


def _resolution(
    reading: Reading, published: dt.date, anchor: dt.date | None, recalled: dt.date | None
):
    if reading.date is None:
        return None
    ago = _YEARS_AGO.search(reading.text, max(0, reading.date.start - 30), reading.date.start)
    if ago is not None:
        word = ago["n"].lower()
        years = int(word) if word.isdigit() else COUNT_WORDS[word]
        return resolve_match(reading.date, years_before(published, years), anchor)
    return resolve_match(reading.date, published, anchor, recalled)


def _counts(count: Count | None) -> tuple[int | None, int | None, int | None]:
    return (None, None, None) if count is None else (count.low, count.best, count.high)


def _casualty_fields(reading: Reading) -> dict:
    fields = {}
    if reading.casualties.killed is not None:
        low, best, high = _counts(reading.casualties.killed)
        fields.update(killed_low=low, killed_best=best, killed_high=high)
    if reading.casualties.injured is not None:
        low, best, high = _counts(reading.casualties.injured)
        fields.update(injured_low=low, injured_best=best, injured_high=high)
    return fields


def _place_fields(reading: Reading) -> dict:
    place = reading.place
    if place is None:
        return {}
    return {
        "location": place.location if place.kind != "country" else "",
        "admin1": place.admin1,
        "country": place.country,
        "latitude": place.latitude,
        "longitude": place.longitude,
    }


def _place_rank(location: str, country: str, lexicon_rank: dict[str, int]) -> int:
    if location:
        # A place outside the gazetteer is named with its kind: a town ("the town of X").
        return lexicon_rank.get(location, 1)
    return 5 if country else 9


def _date_fields(reading: Reading, resolution: DateResolution | None) -> dict:
    if resolution is None:
        return {}
    return {
        "date_text": reading.date.text if reading.date else "",
        "date_start": resolution.date_start,
        "date_end": resolution.date_end,
        "event_date": resolution.event_date,
        "date_precision": resolution.precision,
    }


def _new_mention(
    article: Article,
    sentence: Sentence,
    reading: Reading,
    resolution: DateResolution | None,
    state: _Discourse,
) -> dict:
    """The fields of a new mention, all but ``mention_id`` (set when it is emitted)."""
    initiator = reading.initiator
    if initiator is None and reading.group_anaphor and state.last_group is not None:
        initiator = state.last_group
    anchor = reading.anchor
    weapon = reading.weapon
    fields = {
        "article_id": article.article_id,
        "sentence_index": sentence.index,
        "char_start": sentence.start,
        "char_end": sentence.end,
        "sentence_text": sentence.text,
        "actor1": initiator.actor if initiator else "",
        "actor1_side": initiator.side if initiator else "",
        "actor2": reading.target.actor if reading.target else "",
        "actor2_side": reading.target.side if reading.target else "",
        "event_type": (weapon.event_type if weapon else "")
        or (anchor.event_type if anchor else ""),
        "sub_event_type": (weapon.sub_event_type if weapon else "")
        or (anchor.sub_event_type if anchor else ""),
        "cameo_code": (weapon.cameo_code if weapon else "")
        or (anchor.cameo_code if anchor else ""),
        "weapon": weapon.weapon if weapon else (anchor.weapon if anchor else ""),
    }
    if reading.claimed and initiator is not None:
        fields.update(actor1_basis="claimed", attributed_by=initiator.actor)
    if anchor is not None and anchor.family == "kill" and anchor.cameo_code:
        fields["cameo_code"] = anchor.cameo_code if weapon is None else fields["cameo_code"]
    fields.update(_place_fields(reading))
    fields.update(_date_fields(reading, resolution))
    fields.update(_casualty_fields(reading))
    return fields


def _claim_for(root: _Draft, reading: Reading, state: _Discourse) -> None:
    """ "A barrage of rockets hit a base ... Hamas said the barrage was its response to
    ...": an event told with no doer, which a speaker then claims by reference, is the
    speaker's (``claimed``), on every mention of it told so far."""
    doer = reading.initiator
    known = root.mention
    if (
        not reading.claimed
        or doer is None
        or not doer.specific
        or known.actor1_side
        or doer.side == known.actor2_side
    ):
        return
    claim = dict(
        actor1=doer.actor, actor1_side=doer.side, actor1_basis="claimed", attributed_by=doer.actor
    )
    for draft in state.drafts[-_REFERENCE_REACH:]:
        if draft.root is root and not draft.mention.actor1_side:
            draft.mention = _replace(draft.mention, **claim)


def _continuation(
    base: _Draft,
    sentence: Sentence,
    reading: Reading,
    ranks: dict[str, int],
    generic: set[str],
    sites: int | None = None,
) -> dict | None:
    """The fields (all but ``mention_id``) of a mention that repeats ``base``'s event with
    what this clause adds, if it adds anything (``sites``: the clause's count of sites)."""
    updates = _casualty_fields(reading)
    if sites is not None and sites > (base.mention.sites or 0):
        # "The airstrikes targeted five facilities": how many sites the operation hit.
        updates["sites"] = sites
    place = _place_fields(reading)
    if place and _place_rank(place["location"], place["country"], ranks) < _place_rank(
        base.mention.location, base.mention.country, ranks
    ):
        updates.update(place)
    target = reading.target
    current = base.mention.actor2
    if (
        target is not None
        and target.specific
        and target.side != base.mention.actor1_side
        and target.actor != current
        and (not current or (base.mention.actor2_side == target.side and current in generic))
    ):
        updates.update(actor2=target.actor, actor2_side=target.side)
    doer = reading.initiator
    if (
        doer is not None
        and doer.specific
        and doer.side == base.mention.actor1_side
        and doer.actor != base.mention.actor1
        and base.mention.actor1 in generic
    ):
        # "Militias fired rockets ... The Islamic Resistance in Iraq claimed it had fired
        # them": the named group, and its claim.
        updates.update(actor1=doer.actor)
        if reading.claimed:
            updates.update(actor1_basis="claimed", attributed_by=doer.actor)
    if not updates:
        return None
    cleared = dict.fromkeys(MENTION_COUNT_COLUMNS)
    fields = {**vars(base.mention), **cleared, **updates}
    del fields["mention_id"]
    fields.update(
        sentence_index=sentence.index,
        char_start=sentence.start,
        char_end=sentence.end,
        sentence_text=sentence.text,
    )
    return fields


#: A number right before a plural event noun ("66 attacks", "1,200 strikes").
_TALLY = re.compile(r"\b(?P<n>\d{1,3}(?:,\d{3})*|\d+)\s+(?:[a-z-]+\s+)?$")


def _aggregate(
    article: Article, sentence: Sentence, reading: Reading, published: dt.date
) -> Aggregate | None:
    if reading.since is None or reading.anchor is None:
        return None
    count = reading.times_count
    tally = _TALLY.search(reading.anchor_lead)
    if count is None and tally and reading.anchor_text.lower().endswith("s"):
        # "Since October 17, there have been 66 attacks on U.S. forces": a count of events.
        count = int(tally["n"].replace(",", ""))
    if count is None and not reading.quantifier and not reading.times_hit:
        return None
    start = resolve_match(reading.since, published)
    if start is None:
        return None
    end = resolve_match(reading.until, published) if reading.until else None
    period_text = reading.text[reading.period_span[0] : reading.period_span[1]].strip(" ,")
    initiator, target = reading.initiator, reading.target
    if reading.passive or re.search(
        r"\b(?:came|come|comes|coming)\s+under\b|\bfaced\b", reading.text
    ):
        initiator, target = None, reading.subject or target
    return Aggregate(
        article_id=article.article_id,
        sentence_index=sentence.index,
        char_start=sentence.start,
        char_end=sentence.end,
        sentence_text=sentence.text,
        actor1=initiator.actor if initiator else "",
        actor1_side=initiator.side if initiator else "",
        actor2=target.actor if target else "",
        actor2_side=target.side if target else "",
        period_text=period_text,
        period_start=start.date_start,
        period_end=end.date_end if end else published.isoformat(),
        count_low=count,
        count_high=None,
    )


#: Relative days counted from another date ("the day before", "two days earlier").
_OFFSET_KINDS = ("day_offset", "same_day", "week_offset")
_DAY_COUNTS = {"a": 1, "one": 1, "the": 1, "two": 2, "three": 3, "four": 4, "five": 5}
#: "a day after", "two days after" right before a cause (not "a few days after"); "follows
#: by two days".
_DAYS_AFTER = re.compile(
    r"\b(a|one|the|two|three|four|five)\s+days?\s+after\s*$"
    r"|\bby\s+(?:only\s+|just\s+)?(a|one|two|three|four|five)\s+days?\s*$",
    re.IGNORECASE,
)
#: "came days after", "follows by only a few days": some days before the answer.
_SOME_DAYS_AFTER = re.compile(
    r"days\s+after|\bby\s+(?:only\s+|just\s+)?(?:a\s+few|several|some)\s+days\s*$",
    re.IGNORECASE,
)


def _relative_cause_date(
    sentence: str, clause: Clause, partner: _Draft | None, reading: Reading, published: dt.date
) -> tuple[DateResolution, str] | None:
    """Date of a cause stated relative to its answer ("came a few days after Y"), and the
    words that set it (for ``date_text``)."""
    if partner is None or not partner.mention.event_date:
        return None
    anchor = dt.date.fromisoformat(partner.mention.event_date)
    day_anchored = partner.mention.date_precision == "day"
    answer = f"its answer ({partner.mention.date_text})"
    if reading.date is not None and reading.date.kind in _OFFSET_KINDS and day_anchored:
        # "in response to a barrage that wounded six soldiers the day before": counted
        # from the answer's day.
        found = resolve_match(reading.date, published, anchor)
        return (found, f"{reading.date.text}, from {answer}") if found else None
    before = sentence[max(0, clause.start - 40) : clause.start].lower()
    if "hours after" in before or "hours before" in before:
        day = anchor.isoformat()
        return DateResolution(day, day, day, "day"), f"hours before {answer}"
    counted = _DAYS_AFTER.search(before)
    if counted is not None and day_anchored:
        # "a day after an Israeli strike killed two": the day before the answer.
        words = (counted.group(1) or counted.group(2)).lower()
        day = (anchor - dt.timedelta(days=_DAY_COUNTS[words])).isoformat()
        return DateResolution(day, day, day, "day"), f"{counted.group(0).strip()} {answer}"
    if _SOME_DAYS_AFTER.search(before):
        start, end = anchor - dt.timedelta(days=6), anchor - dt.timedelta(days=2)
        found = DateResolution(start.isoformat(), end.isoformat(), end.isoformat(), "days")
        return found, f"days before {answer}"
    return None


def _simultaneous_date(partner: _Draft | None) -> DateResolution | None:
    """The date of the event a clause is stated to coincide with ("coincided with X")."""
    if partner is None or not partner.root.mention.event_date:
        return None
    m = partner.root.mention
    return DateResolution(m.date_start, m.date_end, m.event_date, m.date_precision)


def _weak_link_holds(response: Mention, cause: Mention) -> bool:
    if cause.actor2_side and cause.actor2_side == response.actor1_side:
        return True
    return bool(cause.actor1_side) and cause.actor1_side == response.actor2_side


def extract_article(article: Article, lexicon: Lexicon) -> Extraction:
    """Extract the event mentions and aggregate claims of one article.

    Parameters
    ----------
    article
        The article, with its raw text and publication date.
    lexicon
        Vocabularies from :func:`analysis.extract.lexicon.load_lexicon`.

    Returns
    -------
    Extraction
        Mentions in text order (``mention_id`` = ``"{article_id}:{sentence:03d}:{k}"``) and
        aggregates. Deterministic: the same input always gives the same output.
    """
    sentences = split_sentences(
        article.text, article.title, lexicon.boilerplate, lexicon.boilerplate_scopes or None
    )
    body = [sentence for sentence in sentences if sentence.role == "body"]
    # The headline or the lead sentence frames an anniversary piece ("A year ago on ...").
    lead = body[0].text if body else ""
    countries = lexicon.places.countries_named(f"{article.title}\n{article.text}")
    ctx = _Context(
        article=article,
        lexicon=lexicon,
        ranks=lexicon.place_ranks,
        generic=lexicon.generic_actors,
        recalled=recalled_date(article.title, lead, article.published),
        countries=countries,
    )
    state = _Discourse()
    # "the group" in the first sentences may be the one the headline or standfirst names.
    for lead_text in [article.title] + [s.text for s in sentences if s.role == "standfirst"]:
        _note_groups(lexicon, lexicon.actors.find(lead_text), state)
    aggregates: list[Aggregate] = []
    for i, sentence in enumerate(sentences):
        if sentence.role == "body":
            _read_sentence(ctx, sentence, state, aggregates)
        elif i + 1 < len(sentences) and _CLOCK_ENTRY.match(sentences[i + 1].text):
            heading = _day_heading(sentence, article.published, state.last_date)
            state.day_heading = heading or state.day_heading
    _none_hurt_before(state)
    statements = {
        draft.mention.mention_id: draft.root.statement
        for draft in state.drafts
        if draft.root.statement is not None
    }
    mentions = complete_mentions(
        tuple(draft.mention for draft in state.drafts),
        body,
        _title_cue(article.title, lexicon),
        # An anniversary piece's undated events belong to the time it looks back to.
        min(article.published, ctx.recalled or article.published),
        lexicon,
        _title_dyad(article.title, lexicon),
        statements,
    )
    return Extraction(article.article_id, mentions, tuple(aggregates))


def _title_dyad(title: str, lexicon: Lexicon) -> tuple[str, str, str] | None:
    """(initiator side, initiator, target side) when the headline shows a state acting on an
    armed group ("Israel strikes Hezbollah sites in south Lebanon"), else ``None``."""
    if not title:
        return None
    reading = read_clause(title, ((0, len(title)),), lexicon)
    doer, target = reading.initiator, reading.target
    if reading.anchor is None or doer is None or target is None or reading.passive:
        return None
    if lexicon.sides.get(doer.side) != "state" or lexicon.sides.get(target.side) != "armed_group":
        return None
    return doer.side, doer.actor, target.side


def _title_cue(title: str, lexicon: Lexicon) -> str:
    """The words by which the headline presents a state's action as an answer or as
    following an attack ("retaliatory", "after"); ``""`` if it does not.

    The answerer is the first actor the headline names as a doer (not a nationality
    adjective, not troops or bases): "Hezbollah hits back after two killed in drone
    strike" presents no state's answer.
    """
    if not title:
        return ""
    doers = [h.value for h in lexicon.actors.find(title) if h.value.role == "any"]
    if doers and lexicon.sides.get(doers[0].side) != "state":
        return ""
    if lexicon.attribution is not None:
        for h in lexicon.attribution.find(title):
            if h.value == "response":
                return h.text.strip()
    for h in lexicon.cues.find(title):
        if h.value in ("link", "link_weak", "link_by"):
            return h.text.strip()
    return ""


@dataclass(frozen=True)
class _Context:
    article: Article
    lexicon: Lexicon
    ranks: dict[str, int]
    generic: frozenset[str]
    #: The day an anniversary piece looks back to (``None``: not one).
    recalled: dt.date | None = None
    #: The countries the article names (they settle a town name several countries share).
    countries: frozenset[str] = frozenset()
    #: The country of most of the article's places (for a town the vocabularies lack),
    #: found when first needed (a one-item list: the context is frozen).
    main_country: list = field(default_factory=list)


def _same_event(fields: dict, state: _Discourse, family: str) -> _Draft | None:
    """An earlier mention of the article with the same day, place and kind of action
    (``fields``: those of the new mention)."""
    location = fields.get("location", "")
    if fields.get("date_precision", "") != "day" or not location:
        return None
    event_date = fields.get("event_date", "")
    side = fields.get("actor1_side", "")
    for draft in state.drafts[-_REFERENCE_REACH:]:
        m = draft.mention
        if (
            draft.origin is None
            and _compatible(draft.family, family)
            and m.event_date == event_date
            and m.location == location
            # No side strikes itself: an act by the side the earlier one hit (the strikes
            # ordered on the day a drone hit a base) is another event.
            and not (side and side in (m.actor2_side, *({m.actor1_side} - {"", side})))
        ):
            return draft
    return None


def _read_sentence(
    ctx: _Context,
    sentence: Sentence,
    state: _Discourse,
    aggregates: list[Aggregate],
) -> None:
    article, lexicon = ctx.article, ctx.lexicon
    published = article.published
    text = sentence.text
    _note_entry_date(sentence, state, published)
    spaced = normalise_space(text)
    # Lowered once for every vocabulary (see analysis.extract.fastre.foldable).
    folded = spaced.lower() if foldable(spaced) else None
    actions = launch_actions(spaced, lexicon, lexicon.actions.find(spaced, folded), folded)
    if (not actions and not _CASUALTY_HINT.search(text)) or _QUESTION.search(text):
        # ("Q: How many attacks have there been on U.S. forces now?": a question reports
        # nothing.)
        # No action and no casualty word: the sentence can only name armed groups that a
        # later "by the groups" may point back to; the other vocabularies are not needed.
        _note_groups(lexicon, lexicon.actors.find(spaced, folded), state)
        return
    hits = sentence_hits(text, lexicon, actions, spaced, folded, ctx.countries)
    content = content_span(text)
    clauses = _split_sites(text, split_clauses(text, content, lexicon, hits.cues), hits)
    clauses = _split_one_more(text, clauses, hits)
    readings = [read_clause(text, c.spans, lexicon, hits, spaced) for c in clauses]
    readings = _speaker_agents(text, clauses, readings, hits, state.last_group, lexicon.sides)
    readings = _the_enemy(text, clauses, readings, state)
    readings = _lend_lead_date(text, clauses, readings)
    # A place that is also an actor ("Iran responded ...") is not where anything happened.
    actor_spans = {(h.start, h.end) for h in hits.actors}
    sentence_places = [p for p in hits.places if (p.start, p.end) not in actor_spans]
    sentence_country = sentence_places[0].value.country if sentence_places else ""
    # A place named in what a clause answers ("in response to the strikes on Naqoura") is
    # where the cause happened, not the answer.
    cause_spans = [span for c in clauses if c.cause for span in c.spans]
    own_places = [p for p in sentence_places if not any(s <= p.start < e for s, e in cause_spans)]
    answer_country = own_places[0].value.country if own_places else ""
    # For each clause, the draft it reports or refers to (None: no event).
    refers: list[_Draft | None] = [None] * len(clauses)
    emitted_here: list[_Draft] = []
    k = 0

    def emit(fields: dict, family: str, origin: _Draft | None = None) -> _Draft:
        nonlocal k
        mention = Mention(mention_id=f"{article.article_id}:{sentence.index:03d}:{k}", **fields)
        k += 1
        draft = _Draft(mention, family, origin)
        state.drafts.append(draft)
        emitted_here.append(draft)
        return draft

    def continue_event(i: int, base: _Draft, reading: Reading) -> None:
        base = base.root
        refers[i] = base
        _claim_for(base, reading, state)
        known = base.mention
        reading = _victims_of(reading, base)
        if reading.casualties.additional:
            told = state.drafts[-_REFERENCE_REACH:]
            reading = _replace(reading, casualties=_added_to_told(reading.casualties, base, told))
        if reading.casualties.found and not (
            known.event_date and (known.actor1_side or known.actor2_side)
        ):
            # Mentions of an undated event, or of one naming neither side, never merge
            # (data/README.md, Merge rule): its toll, stated in a later sentence, is kept on
            # its first mention.
            _merge_casualties(base, reading)
            reading = _replace(reading, casualties=Casualties())
        sites = site_count(" ".join(text[s:e] for s, e in clauses[i].spans))
        mention = _continuation(base, sentence, reading, ctx.ranks, ctx.generic, sites)
        if mention is not None and reading.place is None and not mention["location"]:
            # A casualty report with no place of its own stays where the event was last placed.
            placed = [
                d for d in state.drafts[-_REFERENCE_REACH:] if d.root is base and d.mention.location
            ]
            if placed:
                m = placed[-1].mention
                mention.update(
                    location=m.location,
                    admin1=m.admin1,
                    country=m.country,
                    latitude=m.latitude,
                    longitude=m.longitude,
                )
        if mention is not None:
            refers[i] = emit(mention, base.family, base)

    answered_by = {c.answers: i for i, c in enumerate(clauses) if c.answers is not None}
    separate = bool(_SEPARATELY.match(text))
    entry = state.entry_date
    entry_date = entry[1] if entry is not None and entry[0] == sentence.paragraph else None
    heading = _heading_date(text, clauses, readings)
    deferred: list[int] = []
    for i, (clause, reading) in enumerate(zip(clauses, readings, strict=True)):
        for group in reading.armed_groups:
            if group.specific or state.last_group is None or not state.last_group.specific:
                state.last_group = group
        aggregate = _aggregate(article, sentence, reading, published)
        if aggregate is not None:
            aggregates.append(aggregate)
            continue
        if reading.generic or (reading.threat and reading.anchor is not None):
            # (A toll with no action of its own is read whatever threat it names: "the
            # cannon took out the threat, and no injuries were reported".)
            continue
        if reading.quantifier and reading.anchor_text.lower().endswith("s"):
            # "a string of attacks", "repeated strikes": many events, none of them told.
            continue
        if (reading.since is not None and _RUNNING_TOLL.search(reading.text)) or (
            _CAMPAIGN_TOLL.search(reading.text)
        ):
            # "the death toll of the aggression since October 8 had risen to more than
            # 250": a running total, neither an event nor a toll of one.
            continue
        if (
            heading is not None
            and i > 0
            and reading.date is None
            and reading.since is None
            and not clause.cause
            and clause.answers is None
        ):
            reading = _replace(reading, date=heading)
        resolution = _resolution(reading, published, state.last_date, ctx.recalled)
        counted_from = None
        if (
            resolution is None
            and reading.date is not None
            and state.last_date is None
            and state.last_span is not None
        ):
            # "In late July, rockets were fired ... The base had been attacked the previous
            # week": counted from the interval, as no day is under discussion.
            resolution = resolve_from_span(reading.date, published, state.last_span)
            if resolution is not None and state.span_owner is not None:
                # A week before the event that interval dates: another event, whatever
                # the two loose intervals share.
                counted_from = state.span_owner.root
        told_with = False
        if resolution is None and clause.same_time_as is not None:
            resolution = _simultaneous_date(refers[clause.same_time_as])
            told_with = resolution is not None and not clause.link_text
        if reading.anchor is None:
            if not reading.casualties.found or reading.cumulative:
                continue
            later = clause.answers
            if later is not None and later > i and readings[later].anchor is not None:
                # "Twenty soldiers were hurt after drones struck the base": the toll is of
                # the event named after it, read once that clause is.
                deferred.append(i)
                continue
            previous = next((refers[j] for j in range(i - 1, -1, -1) if refers[j]), None)
            base = previous or state.focus
            if base is not None and _other_day(reading, resolution, base.root):
                # "Hezbollah retaliated on Wednesday with rockets, wounding four soldiers"
                # after Tuesday's strike: the toll of another day's act, not of the strike.
                continue
            if previous is not None and previous in emitted_here:
                _merge_casualties(previous, _victims_of(reading, previous.root))
                refers[i] = previous
                continue
            if base is not None:
                continue_event(i, base, reading)
            continue
        family = reading.anchor.family
        base = None
        answered = refers[clause.answers] if clause.answers is not None else None
        if reading.anchor.action == "interception" and answered is not None:
            # "While responding to a Houthi attack, a destroyer downed seven drones": the
            # defence is part of the attack it answers, not an event of its own.
            if answered in emitted_here:
                _merge_casualties(answered, reading)
                refers[i] = answered
            else:
                continue_event(i, answered, reading)
            continue
        killed_named = _killing_named(text, clause, reading, state) if clause.cause else None
        if killed_named is not None:
            # "an initial response to the killing of al-Arouri": the strike told before
            # that killed him.
            base = killed_named
        elif (
            (reading.novel and not reading.definite)
            or clause.item
            or (separate and not reading.definite)
        ):
            base = None
        elif reading.definite:
            day = (
                resolution.event_date
                if resolution is not None
                and resolution.precision == "day"
                and reading.date_near_anchor
                else ""
            )
            base = _resolve(reading, state, day)
            if (
                base is not None
                and resolution is not None
                and reading.date_near_anchor
                and (
                    resolution.precision != "day"
                    or resolution.event_date != base.root.mention.event_date
                )
            ):
                if (
                    _dates_undated(base.root, reading, family)
                    or _narrows(base.root, reading, family, resolution)
                ) and _under_discussion(base.root, state, sentence.index):
                    # "a drone attack on a US outpost" ... "The drone attack on Tower 22 on
                    # Sunday": the definite description dates the event named before.
                    _adopt_date(base.root, reading, resolution)
                else:
                    base = None
            if (
                clause.cause
                and base is not None
                and resolution is not None
                and _cause_elsewhere(reading, base.root.mention)
            ):
                # "... in response to the rocket fire on Safed earlier on Wednesday", told
                # after a strike in Lebanon: a cause placed in another country is another
                # event than the one told before.
                base = None
            if clause.cause and base is not None and _answers_it(base, i, clauses, refers):
                # "X hit A and B in response to the strike": the strike answered is neither
                # of the clauses that answer it; "in retaliation for the barrage that Iran
                # fired on October 1" names its own doer and day, so it is another event.
                doer = base.root.mention.actor1_side
                if (
                    resolution is None
                    or reading.initiator is None
                    or not doer
                    or reading.initiator.side == doer
                ):
                    continue
                base = None
        elif (
            not clause.cause
            and resolution is None
            and state.focus is not None
            and (
                _compatible(family, state.focus.family) or _same_force(reading, family, state.focus)
            )
            and (
                reading.initiator is None
                or reading.initiator.side == state.focus.root.mention.actor1_side
            )
            and not _elsewhere(reading, state.focus.root, state, ctx.ranks)
            # "A one-way drone also struck near another base": a new thing doing it too.
            and not _INDEFINITE_ALSO.search(reading.anchor_lead)
        ):
            base = state.focus
        if base is None and reading.anchor.kind == "ref":
            continue
        if (
            base is None
            and reading.definite
            and resolution is None
            and not state.drafts
            and reading.anchor_text.lower().endswith("s")
            and not reading.casualties.found
        ):
            # "the attacks had happened", before the article names any: a series it
            # refers to, not an event it tells.
            continue
        if (
            base is None
            and reading.definite
            and reading.anchor_text.lower().endswith("s")
            and _PARTITIVE.search(reading.anchor_lead)
            and not reading.casualties.found
        ):
            # "Here are some of the attacks this month:": a series introduced, no one event.
            continue
        if base is not None:
            continue_event(i, base, reading)
            continue
        reported = (
            reading.casualties.found
            and not reading.cumulative
            and reading.place is not None
            and reading.place.kind != "country"
        )
        if reading.bare_plural and resolution is None and not reported:
            # ("Israeli strikes in Beirut took the life of X" reports an event: a toll at a
            # named place.)
            partner = answered_by.get(i)
            if not clause.cause or partner is None or refers[partner] is None:
                continue
            if not reading.casualties.found and (
                reading.place is None or reading.place.kind == "country"
            ):
                # "in response to drone and missile attacks on American troops": an
                # undated series named only by its target is not one event.
                continue
        derived = _TOLD_WITH if told_with else ""
        offset = reading.date is not None and reading.date.kind in _OFFSET_KINDS
        if clause.cause and (resolution is None or offset):
            partner_index = answered_by.get(i)
            partner = refers[partner_index] if partner_index is not None else None
            relative = _relative_cause_date(text, clause, partner, reading, published)
            if relative is not None:
                resolution, derived = relative
            if (
                resolution is None
                and partner is not None
                and partner.mention.date_precision
                in (
                    "month",
                    "year",
                )
            ):
                m = partner.mention
                resolution = DateResolution(
                    m.date_start, m.date_end, m.event_date, m.date_precision
                )
                derived = f"the period of its answer ({m.date_text})"
        if resolution is None and entry_date is not None and not clause.cause:
            # "OCT. 19 – U.S. forces down two drones. Separately, two bases are targeted":
            # the entry's date.
            resolution = entry_date
            derived = _ENTRY_DATED
        if reading.casualties.besides_attackers is not None and (
            reading.initiator is None or family != "kill"
        ):
            # "Gunmen stormed the gate; three of the attackers were killed": the attacker's
            # own losses are not the event's victims ("US forces killed three of the
            # attackers" is a killing of its own).
            reading = _replace(reading, casualties=_without_attackers(reading.casualties))
        mention = _new_mention(article, sentence, reading, resolution, state)
        # "Strikes on five facilities": one operation on several sites (data/README.md,
        # Merge rule, Operations), read from this clause only.
        mention["sites"] = site_count(" ".join(text[s:e] for s, e in clause.spans))
        if resolution is not None and reading.date is None:
            # Every date says how it was set: the linking words, or the answer it came from.
            mention["date_text"] = (
                derived if derived == _ENTRY_DATED else clause.link_text or derived
            ) or "the date of its answer"
        country = sentence_country if clause.cause else answer_country
        if (
            not mention.get("country")
            and country
            and clause.link_kind != "link_back"
            and not reading.several_countries
            # "fired from Yemen toward a ship in the Gulf of Aden": at sea, no country; nor
            # on disputed ground ("... in the Golan Heights"), which no country is given.
            and not (reading.place is not None and not reading.place.country)
        ):
            mention["country"] = country
        if (
            not mention.get("country")
            and mention.get("location")
            and not ctx.lexicon.places.knows(mention["location"])
        ):
            # "an air strike on the town of X": a town the vocabularies lack, with no country
            # in its sentence, is in the country of most of the article's places.
            if not ctx.main_country:
                whole = f"{article.title}\n{article.text}"
                ctx.main_country.append(lexicon.places.main_country(whole, ctx.countries))
            mention["country"] = ctx.main_country[0]
        clause_text = " ".join(text[s:e] for s, e in clause.spans)
        if (
            not mention.get("location")
            and state.focus is not None
            and _SAME_AREA.search(clause_text)
        ):
            # "A similar strike in the same area on Thursday": where the event under
            # discussion was.
            root = state.focus.root.mention
            for key in ("location", "country", "admin1", "latitude", "longitude"):
                mention[key] = getattr(root, key)
        apart = [counted_from] if counted_from is not None else []
        if separate and not reading.definite:
            # "Separately, an Israeli drone strike ...": another event than any told
            # before it on days it may share, whatever its kind.
            apart += _told_before(mention, family, state, any_kind=True)
        elif _ADDITIONAL.search(reading.anchor_lead) and not reading.definite:
            # "Later on the same day, the US carried out further air strikes": another
            # event than the article's earlier ones of that kind and side.
            apart += _told_before(mention, family, state)
        if apart:
            roots = {id(d) for d in apart}
            mention["apart_from"] = tuple(
                d.mention.mention_id for d in state.drafts if id(d.root) in roots
            )
        same = _same_event(mention, state, family)
        if same is not None:
            continue_event(i, same, reading)
            continue
        refers[i] = emit(mention, family)
        if resolution is None:
            refers[i].statement = _statement_day(hits, content, published)
    for i in deferred:
        cause = refers[clauses[i].answers]
        if cause is None:
            continue
        if cause in emitted_here:
            _merge_casualties(cause, _victims_of(readings[i], cause.root))
            refers[i] = cause
        else:
            continue_event(i, cause, readings[i])
    _link(clauses, refers, readings)
    _link_named_places(text, clauses, refers, sentence_places, state)
    _update_focus(clauses, refers, state)
    _note_last_span(hits, published, state, emitted_here)
    if _FIRST_HURT.search(text):
        told = next((d.root for d in refers if d is not None), None)
        if told is not None:
            state.first_hurt.append(told)


#: "... but the first in which injuries were reported at all", "the first attack to cause
#: casualties", "the first one with wounded".
_FIRST_HURT = re.compile(
    r"\bthe\s+first\s+(?:[\w-]+\s+){0,2}?(?:in\s+which|where|with|that\s+(?:caused|left|"
    r"resulted\s+in)|to\s+(?:cause|leave|result\s+in))\s+(?:[\w-]+\s+){0,3}?"
    r"(?:injur|casualt|wound|hurt|dead|death|kill)",
    re.IGNORECASE,
)


def _none_hurt_before(state: _Discourse) -> None:
    """An attack told as the first to hurt anyone ("Monday's attack is the third on the
    base in recent weeks, but the first in which injuries were reported") says that the
    article's earlier attacks on the same place hurt no one: those with no toll of their
    own get 0 killed and 0 injured (no one hurt, no one killed)."""
    if not state.first_hurt:
        return
    # Indexed once: otherwise each such attack rescans every draft of the article.
    told_by_root: dict[int, list[_Draft]] = {}
    firsts_at: dict[str, list[_Draft]] = {}
    for draft in state.drafts:
        told_by_root.setdefault(id(draft.root), []).append(draft)
        if draft.origin is None:
            firsts_at.setdefault(draft.mention.location, []).append(draft)
    for first in state.first_hurt:
        m = first.mention
        if not m.location or not m.event_date:
            continue
        for draft in firsts_at.get(m.location, ()):
            other = draft.mention
            if (
                draft is first
                or other.location != m.location
                or not other.date_end
                or other.date_end >= m.event_date
                or other.actor2_side not in ("", m.actor2_side)
                # (Strikes and attacks alike: "the third attack on the base".)
                or draft.family not in ("attack", "strike", "any")
            ):
                continue
            told = [d.mention for d in told_by_root[id(draft)]]
            if any(t.killed_low is not None or t.injured_low is not None for t in told):
                continue
            zero = {
                f"{kind}_{p}": 0 for kind in ("killed", "injured") for p in ("low", "best", "high")
            }
            draft.mention = _replace(other, **zero)


_WHILE = re.compile(r"\bwhile\b", re.IGNORECASE)


#: An act told as added to those told before ("further air strikes", "another round of
#: strikes"); not "new strikes", which a lead and a later paragraph may both say of one.
_ADDITIONAL = re.compile(
    r"\b(?:another|a\s+second|a\s+separate|additional|further|fresh|one\s+more)"
    r"\s+(?:[\w'’.-]+\s+){0,2}$",
    re.IGNORECASE,
)


#: A sentence that asks ("Who fired the rockets?"), as a transcript's questions do.
_QUESTION = re.compile(r"\?[\"'”’)]*\s*$")

#: "in the same area", "at the same spot": the place of the event under discussion.
_SAME_AREA = re.compile(
    r"\b(?:in|at|near|on)\s+the\s+same\s+(?:area|place|spot|location|town|village|region|"
    r"road|site)\b",
    re.IGNORECASE,
)

#: An indefinite subject that "also" acts ("A one-way drone also struck near a base"): another
#: act like the one under discussion, not that act told again.
_INDEFINITE_ALSO = re.compile(
    r"\b(?:an?|another|one)\s+(?:[\w'’.-]+\s+){0,3}also\s+$", re.IGNORECASE
)


def _told_before(
    fields: dict, family: str, state: _Discourse, any_kind: bool = False
) -> list[_Draft]:
    """The article's earlier events (first mentions) that a clause told as additional
    ("further strikes", "another attack") is another event than: those of a compatible
    kind (any kind with ``any_kind``: "Separately, ..."), by the same side (or one
    unknown), whose dates may overlap its own."""
    side = fields.get("actor1_side", "")
    start, end = fields.get("date_start", ""), fields.get("date_end", "")
    out = []
    for draft in state.drafts[-_REFERENCE_REACH:]:
        m = draft.mention
        if draft.origin is not None or not (any_kind or _compatible(draft.family, family)):
            continue
        if side and m.actor1_side and m.actor1_side != side:
            continue
        if start and m.date_start and (m.date_start > end or start > m.date_end):
            continue
        out.append(draft)
    return out


def _statement_day(
    hits: SentenceHits, content: tuple[int, int], published: dt.date
) -> tuple[str, str] | None:
    """The day of the statement that tells the sentence's events ("Central Command
    confirmed on Tuesday that ...", "..., the ministry said on Monday."): a date of the
    attribution set aside (outside ``content``) that names one day; ``None`` if none does.
    What the statement reports happened on or before that day."""
    for match in hits.dates:
        if content[0] <= match.start < content[1] or match.kind in _OFFSET_KINDS:
            continue
        found = resolve_match(match, published)
        if found is not None and found.precision == "day":
            return found.event_date, match.text
    return None


def _lend_lead_date(text: str, clauses: list[Clause], readings: list[Reading]) -> list[Reading]:
    """ "On January 9, while responding to a Houthi attack, a destroyer downed seven drones":
    a date cut off in an opening phrase of its own dates the clauses after it, and what
    they answer "while" answering it happened then too (other causes may come earlier)."""
    out = list(readings)
    for i, (clause, reading) in enumerate(zip(clauses, readings, strict=True)):
        if reading.anchor is not None or reading.date is None or reading.casualties.found:
            continue
        if reading.since is not None or text[clause.spans[-1][1] :].lstrip()[:1] == ".":
            continue
        for j in range(i + 1, len(clauses)):
            later = out[j]
            if later.date is not None or later.anchor is None:
                continue
            between = text[clause.spans[-1][1] : clauses[j].start]
            if clauses[j].cause and not _WHILE.search(between):
                continue
            out[j] = _replace(later, date=reading.date, date_near_anchor=False)
    return out


def _note_last_span(
    hits: SentenceHits, published: dt.date, state: _Discourse, emitted: list[_Draft]
) -> None:
    """Keep the last date of the sentence that resolves on its own (see
    :attr:`_Discourse.last_span`), and the event of the sentence it dates (``emitted``: the
    sentence's new mentions)."""
    for match in reversed(hits.dates):
        if match.kind in RELATIVE_KINDS:
            continue
        resolution = resolve_match(match, published)
        if resolution is not None:
            state.last_span = resolution
            span = (resolution.date_start, resolution.date_end)
            state.span_owner = next(
                (
                    d
                    for d in reversed(emitted)
                    if (d.mention.date_start, d.mention.date_end) == span
                ),
                None,
            )
            return


#: A live blog's time-stamped entry: "23:15 - ...", "03:10 GMT: ...".
_CLOCK_ENTRY = re.compile(r"^\s*\d{1,2}[:.]\d{2}(?:\s*(?:GMT|UTC|[ap]\.?m\.?))?\s*[–—:-]\s", re.I)


def _day_heading(sentence: Sentence, published: dt.date, last: dt.date | None):
    """The day a paragraph made of a date alone names ("Saturday 13 April"), or None."""
    found = find_dates(sentence.text)
    covered = 0
    for match in found:
        if sentence.text[covered : match.start].strip(" ,.") != "":
            return None
        covered = match.end
    if not found or sentence.text[covered:].strip(" ,.") != "":
        return None
    resolution = resolve_match(found[-1], published, last)
    return resolution if resolution is not None and resolution.precision == "day" else None


#: "the killing of al-Arouri", "the assassination of Commander Wissam al-Tawil": the name
#: of the one killed (its last word, as later mentions shorten it).
_KILLING_OF_NAME = re.compile(
    r"\s+of\s+(?:[a-z][\w-]*\s+){0,3}?(?:(?:[A-Z][\w'’-]+|al-|el-)\s*){0,3}?"
    r"(?P<name>(?:al-|el-)?[A-Z][\w'’-]{3,})(?![\w'’-])"
)


def _killing_named(text: str, clause: Clause, reading: Reading, state: _Discourse):
    """The earlier event whose sentence names the one whose killing a cause names, with a
    death toll, or None."""
    anchor = reading.anchor
    if anchor is None or anchor.family != "kill" or reading.date is not None:
        return None
    start = clause.start + reading.anchor_span_start + len(reading.anchor_text)
    named = _KILLING_OF_NAME.match(text, start)
    if named is None:
        return None
    word = re.compile(rf"(?<![\w-]){re.escape(named['name'])}(?![\w-])")
    for draft in reversed(state.drafts[-_REFERENCE_REACH:]):
        m = draft.root.mention
        if word.search(draft.mention.sentence_text) and (m.killed_low or 0) > 0:
            return draft.root
    return None


#: A toll of a whole campaign: "in its 35-year terror campaign, the group has been
#: responsible for the deaths of more than 40,000 people".
_CAMPAIGN_TOLL = re.compile(
    r"\b(?:has|have)\s+been\s+responsible\s+for\s+(?:the\s+)?(?:deaths?|killing)\s+of\b",
    re.IGNORECASE,
)
#: A toll that runs over a period ("the death toll ... since October 8 has risen to 250").
_RUNNING_TOLL = re.compile(r"\b(?:death\s+)?toll\b", re.IGNORECASE)


#: "the Israeli enemy", "the American-British aggression": an agency naming the other side.
_ENEMY_NAMED = re.compile(r"\b(?:enemy|aggression)\b", re.IGNORECASE)
#: "the enemy targeted", "the aggression renewed its raids": that side, named again.
_ENEMY_SUBJECT = re.compile(r"\bthe\s+(?:enemy|aggression)\s+(?:[\w'’-]+\s+){0,2}$", re.IGNORECASE)


def _the_enemy(text, clauses, readings, state: _Discourse) -> list[Reading]:
    """ "The Israeli enemy shelled ... In a separate raid, the enemy targeted a house": the
    doer of an act whose subject is "the enemy" or "the aggression" is the side the
    article last named so (kept in ``state.enemy``)."""
    out = list(readings)
    for i, (clause, reading) in enumerate(zip(clauses, readings, strict=True)):
        if reading.anchor is None:
            continue
        anchor_at = clause.start + reading.anchor_span_start
        clause_text = text[clause.start : clause.spans[-1][1]]
        if reading.initiator is None:
            if state.enemy is not None and _ENEMY_SUBJECT.search(text, clause.start, anchor_at):
                out[i] = _replace(reading, initiator=state.enemy)
        elif _ENEMY_NAMED.search(clause_text):
            state.enemy = reading.initiator
    return out


def _cause_elsewhere(reading: Reading, mention: Mention) -> bool:
    """True when ``reading`` names a place in another country than ``mention``'s."""
    place = reading.place
    return bool(place and place.country and mention.country and place.country != mention.country)


def _note_entry_date(sentence: Sentence, state: _Discourse, published: dt.date) -> None:
    """Keep the date of a timeline entry that ``sentence`` opens (see :data:`_ENTRY`)."""
    if state.entry_date is not None and state.entry_date[0] != sentence.paragraph:
        state.entry_date = None
    if state.day_heading is not None and _CLOCK_ENTRY.match(sentence.text):
        state.entry_date = (sentence.paragraph, state.day_heading)
        return
    head = _ENTRY.match(sentence.text)
    if head is None:
        return
    found = find_dates(head.group(0))
    if not found or found[0].start > 2:
        return
    resolution = resolve_match(found[0], published, state.last_date)
    if resolution is not None and resolution.precision == "day":
        state.entry_date = (sentence.paragraph, resolution)


#: What may stand before a date that heads a sentence: "On Monday, ...", "NOV. 17 - ...",
#: "Early on Friday ...", "In the early hours of Sunday ...".
_HEAD_OF_DATE = re.compile(
    r"\s*(?:(?:early|late|later|overnight|then|and)\s+)?(?:(?:on|by|in\s+the\s+(?:early\s+)?"
    r"(?:hours|morning|afternoon|evening|night)\s+of)\s+)?$",
    re.IGNORECASE,
)


def _heading_date(text: str, clauses: list[Clause], readings: list[Reading]):
    """The date that opens the sentence, before any attribution or clause of its own
    ("NOV. 17 - troops come under attack ...; two further attacks cause no damage"): it
    dates every independent clause of the sentence that names no date of its own.
    ``None`` when the sentence does not open with a date."""
    if not clauses or readings[0].date is None:
        return None
    date = readings[0].date
    start = clauses[0].start
    return date if _HEAD_OF_DATE.fullmatch(text[start : start + date.start]) else None


_A_NEW = re.compile(r"\b(?:a|an|another)\s+(?:[\w'’.-]+\s+){0,2}$", re.IGNORECASE)


def _same_force(reading: Reading, family: str, focus: _Draft) -> bool:
    """An undated strike or attack naming no doer, right after another of the other word
    ("Drones struck the base on Monday. One drone was downed."), tells the same act of
    force, unless it hits the doer of the event under discussion."""
    root = focus.root.mention
    if (
        reading.anchor is not None
        and reading.anchor.kind == "noun"
        and _A_NEW.search(reading.anchor_lead)
    ):
        return False  # "follows by a few days an attack on the Asad Airbase": another one
    return (
        {family, focus.family} <= {"strike", "attack"}
        and reading.initiator is None
        and (
            reading.target is None
            or not root.actor1_side
            or reading.target.side != root.actor1_side
        )
    )


def _elsewhere(reading: Reading, root: _Draft, state: _Discourse, ranks: dict[str, int]) -> bool:
    """True when an undated clause names a town or site other than the places of the event
    under discussion, and no more specific one ("Israeli artillery also hit Khiam" after
    "warplanes struck a forest near Kfar Kila"): another event, not a continuation. A more
    specific place ("the airport" of the city named before) still continues it. A clause
    naming another country than the event's is another event too."""
    place = reading.place
    if (
        place is not None
        and place.kind == "country"
        and root.mention.country
        and place.country != root.mention.country
    ):
        # "a drone attack in Jordan" after an attack on a base in Iraq: another country.
        return True
    if place is None or place.kind not in ("site", "city") or not place.location:
        return False
    known = [
        d.mention.location
        for d in state.drafts[-_REFERENCE_REACH:]
        if d.root is root and d.mention.location
    ]
    if not known or place.location in known:
        return False
    own = ranks.get(place.location, 2)
    return all(own >= ranks.get(location, 2) for location in known)


#: How many sentences back an undated event may be dated by a definite description.
_DATING_REACH = 2


def _under_discussion(root: _Draft, state: _Discourse, index: int) -> bool:
    """Whether ``root`` is the event in focus or of the previous sentence, named at most
    :data:`_DATING_REACH` sentences before sentence ``index``: only then may a dated definite
    description ("Sunday's U.S. strikes") date it. An undated event named further back is
    more likely another event than the one the description dates."""
    focus = state.focus.root if state.focus is not None else None
    near = index - root.mention.sentence_index <= _DATING_REACH
    return near and (root is focus or root.mention.mention_id in state.recent)


def _dates_undated(root: _Draft, reading: Reading, family: str) -> bool:
    """True when a dated definite description can only be the undated event ``root``."""
    return not root.mention.event_date and _fits(root, reading, family)


def _fits(root: _Draft, reading: Reading, family: str) -> bool:
    """True when nothing the reading tells (kind, weapon, sides) differs from ``root``'s."""
    m = root.mention
    if not _compatible(root.family, family):
        return False
    weapon = reading.weapon.weapon if reading.weapon else ""
    if weapon and m.weapon and weapon != m.weapon:
        return False
    if reading.initiator and m.actor1_side and reading.initiator.side != m.actor1_side:
        return False
    return not (reading.target and m.actor2_side and reading.target.side != m.actor2_side)


def _narrows(root: _Draft, reading: Reading, family: str, resolution: DateResolution) -> bool:
    """True when a dated definite description names a day within the looser interval of the
    event ``root`` ("a drone strike ... five years ago this week" ... "The strike, on
    January 3, 2020, ..."): the same event, told more exactly."""
    m = root.mention
    if not m.event_date or m.date_precision in ("day", "") or resolution.precision != "day":
        return False
    if not (m.date_start <= resolution.date_start and resolution.date_end <= m.date_end):
        return False
    return _fits(root, reading, family)


def _adopt_date(root: _Draft, reading: Reading, resolution: DateResolution) -> None:
    root.mention = _replace(root.mention, **_date_fields(reading, resolution))


_SELF_REPORT = re.compile(
    r"^(?:\s*,[^,.;]{1,80},)?\s*(?:[\w'’.-]+\s+){0,2}?"
    r"(?:said|says|say|announced|confirmed|stated|claimed)\s+"
    # "said on Monday", "said in a statement", "said late Sunday in a statement that"
    r"(?:(?:on\s+\w+|late\s+\w+|in\s+an?\s+(?:[\w-]+\s+)?statement)\s+){0,2}(?:that\s+)?"
    r"(?:it|they|(?:its|their)\s+(?:own\s+)?(?:[\w-]+\s+)?"
    r"(?:forces|fighters|jets|warplanes|aircraft|air\s+force|navy|troops|military|army|"
    r"drones|units|artillery|air\s+defen[cs]es))\s",
    re.IGNORECASE,
)
#: "X said the rocket barrage was its initial response to ...": what the speaker names
#: by reference (the clause after the anchor) it calls its own answer, a claim of it.
_OWN_ANSWER = re.compile(
    r"^\W*(?:[\w'’-]+\s+){0,2}?(?:was|were|had\s+been|is|are)\s+(?:its|their)\s+(?:own\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:response|retaliation|reply|answer|revenge|riposte)\b",
    re.IGNORECASE,
)
#: A speaker named only by its kind ("The group said it launched ..."): the armed group
#: the article named last.
_GROUP_SPEAKER = re.compile(
    # ("In a statement released on Sunday, the group said ...": after an opening phrase.)
    r"^\s*(?:(?:in|on|late|early|later)\b[^,;.]{0,60},\s*)?(?:the|this)\s+(?:[\w-]+\s+)?(?:group|militia|movement|organi[sz]ation|faction)\b",
    re.IGNORECASE,
)


#: "The Israel Defense Forces said that fighter jets later struck the launchers": a state's
#: spokesman telling of forces it does not name tells of its own.
_OWN_FORCES_REPORT = re.compile(
    r"^(?:\s*,[^,.;]{1,80},)?\s*(?:[\w'’.-]+\s+){0,2}?(?:said|says|announced|confirmed|stated)\s+"
    r"(?:(?:on\s+\w+|late\s+\w+|in\s+an?\s+(?:[\w-]+\s+)?statement)\s+){0,2}(?:that\s+)?"
    r"(?:(?:fighter|military|war|combat|attack)\s+)?(?:jets|warplanes|aircraft|planes|helicopters"
    r"|troops|forces|soldiers|artillery|tanks|drones|warships|ships)\s",
    re.IGNORECASE,
)


def _speaker_agents(text, clauses, readings, hits, last_group=None, sides=None) -> list[Reading]:
    """ "The Israeli military said it had struck ...": the speaker is the one who struck,
    and says so (``claimed``). "The group said it launched ...": the group is the armed
    group the article named last (``last_group``). "The army said jets struck ...": a
    state (``sides``: side -> kind) telling of forces it does not name, acting on another
    side, tells of its own."""
    out = list(readings)
    group = _GROUP_SPEAKER.match(text) if last_group is not None else None
    group_said = group is not None and _SELF_REPORT.match(text[group.end() : group.end() + 60])
    for i, (clause, reading) in enumerate(zip(clauses, readings, strict=True)):
        if reading.anchor is None or reading.initiator is not None or reading.passive:
            continue
        if clause.cause:
            continue  # what the speaker answers is not the speaker's act
        head = text[: reading.anchor_span_start + clause.start]
        speaker = None
        for hit in hits.actors:
            if hit.end > len(head):
                break
            entry = hit.value
            if entry.role == "target" or (
                entry.role == "adjective" and not ADJ_ARMED.match(text, hit.end)
            ):
                continue
            said = _SELF_REPORT.match(text[hit.end : hit.end + 140]) or _claims_by_reference(
                text, hit.end, clause, reading
            )
            if (
                said is None
                and sides is not None
                and sides.get(entry.side) == "state"
                and not (reading.target and reading.target.side == entry.side)
            ):
                said = _OWN_FORCES_REPORT.match(text[hit.end : hit.end + 140])
            if (
                said
                and hit.end + said.end() <= len(head)
                and not re.search(r"[.;]", text[hit.end + said.end() : len(head)])
            ):
                speaker = ActorRef(entry.actor, entry.side, entry.specific)
        if speaker is None and group_said and group.end() + group_said.end() <= len(head):
            speaker = last_group
        if speaker is None:
            continue
        target = reading.target if reading.target and reading.target.side != speaker.side else None
        out[i] = _replace(reading, initiator=speaker, target=target, claimed=True)
    return out


def _claims_by_reference(text: str, end: int, clause: Clause, reading: Reading):
    """ "Hamas said the rocket volley was its response to ...": the speaker ending at
    ``end`` says "said" right before a definite reference that it calls its own answer.
    The match of "said" (as :data:`_SELF_REPORT` gives it) or None."""
    if not reading.definite:
        return None
    said = _SAID.match(text[end : end + 140])
    if said is None:
        return None
    # (The clause ends at its link cue, "response to": the sentence is read on from it.)
    start = clause.start + reading.anchor_span_start
    if text[start : start + len(reading.anchor_text)] != reading.anchor_text:
        return None
    after = text[start + len(reading.anchor_text) : start + len(reading.anchor_text) + 80]
    return said if after and _OWN_ANSWER.match(after) else None


#: "said", "said on Monday that", "said in a statement": what opens a reported claim.
_SAID = re.compile(
    r"^(?:\s*,[^,.;]{1,80},)?\s*(?:[\w'’.-]+\s+){0,2}?"
    r"(?:said|says|say|announced|confirmed|stated|claimed)\s+"
    r"(?:(?:on\s+\w+|late\s+\w+|in\s+an?\s+(?:[\w-]+\s+)?statement)\s+){0,2}(?:that\s+)?",
    re.IGNORECASE,
)


#: "... and a barracks in Y with drones": a second object after one verb.
#: "... as well as soldiers in Y": a second object set apart by "as well as".
_AND_OBJECT = re.compile(r"\s+(?:and\s+(?:an?|the)|(as\s+well\s+as))\s+", re.IGNORECASE)


def _within(hits, span: tuple[int, int]) -> list:
    return [h for h in hits if span[0] <= h.start and h.end <= span[1]]


#: Two ships named one after the other ("M/V True Hope and M/V Sea Star"): group 1 the
#: first ship, group 2 the joining word, group 3 the second ship.
_TWO_SHIPS = re.compile(
    r"\b((?:M/[VT]|MV|MT)\s+[A-Z][\w-]*(?:\s+[A-Z0-9][\w-]*)*)"
    r"(\s*,?\s+and\s+(?:the\s+)?)((?:M/[VT]|MV|MT)\s+[A-Z][\w-]*(?:\s+[A-Z0-9][\w-]*)*)"
)


def _split_sites(text: str, clauses: list[Clause], hits: SentenceHits) -> list[Clause]:
    """Cut a clause with one verb and two objects, each with its own place and its own
    weapon ("hit a post in X with missiles and a barracks in Y with drones") or set apart
    by "as well as" ("attacked a post in X as well as soldiers in Y"), into two clauses:
    two events (data/README.md, Merge rule, Sites). The second clause shares the subject
    and verb; the first keeps what follows the second weapon or place (a date, "on
    Monday")."""
    out: list[Clause] = []
    moved: dict[int, int] = {}  # old clause index -> new (links name clauses by index)
    for index, clause in enumerate(clauses):
        moved[index] = len(out)
        if len(clause.spans) != 1 or clause.cause:
            out.append(clause)
            continue
        start, end = clause.spans[0]
        verbs = [h for h in hits.actions if start <= h.start < end and h.value.kind == "verb"]
        cut = None
        for found in _AND_OBJECT.finditer(text, verbs[0].end if verbs else end, end):
            left, right = (verbs[0].end, found.start()), (found.end(), end)
            armed = _within(hits.weapons, left) and _within(hits.weapons, right)
            if (
                (armed or found.group(1))
                and _within(hits.places, left)
                and _within(hits.places, right)
                and not _within(hits.actions, right)
            ):
                last = _within(hits.weapons if armed else hits.places, right)[-1]
                cut = found, last.end
                break
        ships = _TWO_SHIPS.search(text, verbs[0].end, end) if verbs and cut is None else None
        if ships is not None:
            # "struck two ships - M/V A and M/V B": one attack per named ship.
            out.append(_replace(clause, spans=((start, ships.start(2)),), item=True))
            out.append(
                _replace(clause, spans=((start, verbs[0].end), (ships.start(3), end)), item=True)
            )
            continue
        if cut is None:
            out.append(clause)
            continue
        found, tail = cut
        first = (start, found.start()), (tail, end)
        second = (start, verbs[0].end), (found.end(), end)
        out.append(_replace(clause, spans=first))
        out.append(_replace(clause, spans=second))
    return _renumbered(clauses, out, moved)


def _renumbered(clauses: list[Clause], out: list[Clause], moved: dict[int, int]) -> list[Clause]:
    """``out`` (``clauses`` with some cut in two) with the clause numbers ``answers`` and
    ``same_time_as`` moved to the new positions (``moved``: old index -> new index)."""
    if len(out) == len(clauses):
        return clauses
    return [
        _replace(
            c,
            answers=None if c.answers is None else moved[c.answers],
            same_time_as=None if c.same_time_as is None else moved[c.same_time_as],
        )
        for c in out
    ]


#: ", and a third drone struck ...", "and another rocket landed ...": one more of the
#: things just told, with an act of its own (group 1: where the second clause starts).
_ONE_MORE = re.compile(
    r",?\s+and\s+(?:then\s+)?((?:a|an)\s+(?:second|third|fourth|fifth|sixth)\s+|another\s+)",
    re.IGNORECASE,
)


def _split_one_more(text: str, clauses: list[Clause], hits: SentenceHits) -> list[Clause]:
    """Cut "Two drones were downed near A, and a third drone struck near B, wounding
    two" into two clauses, two events: the second names one more of the weapons told
    (an ordinal or "another"), its own verb of force and its own place, as the first does.
    The second clause is an event of its own (``item``), never the first's continuation."""
    out: list[Clause] = []
    moved: dict[int, int] = {}
    for index, clause in enumerate(clauses):
        moved[index] = len(out)
        if len(clause.spans) != 1 or clause.cause or clause.item:
            out.append(clause)
            continue
        start, end = clause.spans[0]
        cut = None
        for found in _ONE_MORE.finditer(text, start, end):
            left, right = (start, found.start()), (found.start(1), end)
            own_verb = [
                h
                for h in _within(hits.actions, right)
                if h.value.kind == "verb" and h.start - found.start(1) < 40
            ]
            if (
                own_verb
                and (_within(hits.actions, left) or _within(hits.weapons, left))
                and _within(hits.places, left)
                and _within(hits.places, right)
            ):
                cut = found
                break
        if cut is None:
            out.append(clause)
            continue
        out.append(_replace(clause, spans=((start, cut.start()),)))
        # Told in one breath with the first, it happened the same day unless it says not.
        # (Numbers are the old clauses' until renumbered: ``index`` becomes the first part.)
        out.append(_replace(clause, spans=((cut.start(1), end),), item=True, same_time_as=index))
    return _renumbered(clauses, out, moved)


def _note_groups(lexicon: Lexicon, actors, state: _Discourse) -> None:
    for hit in actors:
        entry = hit.value
        if lexicon.sides.get(entry.side) != "armed_group":
            continue
        if entry.specific or state.last_group is None or not state.last_group.specific:
            state.last_group = ActorRef(entry.actor, entry.side, entry.specific)


#: Deaths that may come days after the act: "died of his wounds on Friday".
_LATER_DEATH = re.compile(r"\b(?:died|succumbed|later|since)\b", re.IGNORECASE)


def _other_day(reading: Reading, resolution: DateResolution | None, root: _Draft) -> bool:
    """True when a clause that only reports casualties is dated to a day other than the
    event's day, in words that tell the act itself ("wounding four"), not a later death."""
    m = root.mention
    if resolution is None or resolution.precision != "day" or m.date_precision != "day":
        return False
    if resolution.event_date == m.event_date:
        return False
    return not _LATER_DEATH.search(reading.text)


def _without_attackers(casualties: Casualties) -> Casualties:
    """``casualties`` without the attackers' own losses."""
    if casualties.besides_attackers is None:
        return casualties
    killed, injured = casualties.besides_attackers
    return _replace(casualties, killed=killed, injured=injured, besides_attackers=None)


def _victims_of(reading: Reading, base: _Draft) -> Reading:
    """The clause's casualties that are victims of ``base``'s event (a root): not the
    attackers' own dead ("Two of the attackers were killed"), and none when the clause
    names a doer of another side ("US troops returned fire, killing four gunmen": the
    victims of the return fire, not of the attack)."""
    found = reading.casualties
    if not found.found:
        return reading
    doer = reading.initiator
    side = base.mention.actor1_side
    if doer is not None and side and doer.side != side and not reading.passive:
        return _replace(reading, casualties=Casualties())
    if found.besides_attackers is not None:
        return _replace(reading, casualties=_without_attackers(found))
    return reading


def _told(base: _Draft, drafts: list[_Draft], kind: str) -> Count | None:
    """The largest toll of one kind (``"killed"``, ``"injured"``) told so far for the event
    of ``base`` (a root) in this article."""
    told = None
    for d in drafts:
        if d.root is not base:
            continue
        m = d.mention
        count = Count(
            getattr(m, f"{kind}_low"), getattr(m, f"{kind}_best"), getattr(m, f"{kind}_high")
        )
        if count.best is None and count.low is None:
            continue
        if told is None or (count.best or count.low or 0) > (told.best or told.low or 0):
            told = count
    return told


def _added_to_told(casualties: Casualties, base: _Draft, drafts: list[_Draft]) -> Casualties:
    """A clause's victims added to the toll told in ``drafts`` for ``base``'s event: "two
    soldiers were killed ... A third soldier died of his wounds" is three killed."""
    changes = {}
    for kind in ("killed", "injured"):
        own = getattr(casualties, kind)
        told = _told(base, drafts, kind)
        if own is not None and told is not None:
            changes[kind] = told + own
    return _replace(casualties, **changes) if changes else casualties


def _merge_casualties(draft: _Draft, reading: Reading) -> None:
    if reading.casualties.additional:
        # "Two soldiers were killed; a third died later": added to the toll just told.
        added = _added_to_told(reading.casualties, draft.root, [draft])
        fields = _casualty_fields(_replace(reading, casualties=added))
    else:
        fields = {
            key: value
            for key, value in _casualty_fields(reading).items()
            if getattr(draft.mention, key) is None
        }
    victims = reading.target
    if (
        victims is not None
        and not draft.mention.actor2_side
        and victims.side != draft.mention.actor1_side
    ):
        # "Twenty American personnel were hurt after drones struck the base": the side hurt
        # is the side attacked.
        fields.update(actor2=victims.actor, actor2_side=victims.side)
    if fields:
        draft.mention = _replace(draft.mention, **fields)


def _answers_it(base: _Draft, i: int, clauses: list[Clause], refers: list[_Draft | None]) -> bool:
    """True when ``base`` is the event of a clause of this sentence that answers clause ``i``."""
    return any(
        c.answers == i and refers[j] is not None and refers[j].root is base.root
        for j, c in enumerate(clauses)
    )


def _link(clauses: list[Clause], refers: list[_Draft | None], readings: list[Reading]) -> None:
    for i, clause in enumerate(clauses):
        if clause.answers is None:
            continue
        response, cause = refers[i], refers[clause.answers]
        if response is None or cause is None or response.root is cause.root:
            continue
        if clause.link_kind == "chronology":
            # "X came days after Y": no answer, but Y is the earlier of the two; a Y that
            # names neither side is read as an act of the side X hit, on X's side.
            cause.root.earlier = True
            _sides_from_answer(cause.root, response.root)
            continue
        if readings[clause.answers].threat:
            continue
        if clause.link_kind == "link_weak" and not _weak_link_holds(
            response.mention, cause.mention
        ):
            # "X struck on Monday, a day after a drone attack wounded two soldiers": no
            # link is stated, but the earlier act is read as the other side's.
            _sides_from_answer(cause.root, response.root)
            continue
        cause = cause.root
        if cause.mention.mention_id in response.mention.responds_to:
            continue
        response.mention = _replace(
            response.mention,
            responds_to=(*response.mention.responds_to, cause.mention.mention_id),
            link_text=response.mention.link_text or clause.link_text,
        )
        response.responds.append(cause.mention.mention_id)


#: A town's name used for the area around it ("in the Tyre district"), not the town.
_AREA_AFTER = re.compile(r"\s+(?:district|governorate|province|region|area)\b", re.IGNORECASE)


def _link_named_places(
    text: str,
    clauses: list[Clause],
    refers: list[_Draft | None],
    places: list[Hit],
    state: _Discourse,
) -> None:
    """Link an answer to every earlier event at a place its cause clause names.

    "... in response to the strikes on Aitaroun and Yaroun" answers two strikes, one per
    town: :func:`_link` links the one event the reference resolves to, and this adds the
    latest earlier event of the article at each other town or site the cause clause names
    (a town named for its district, "in the Tyre district", is not one). When the clause
    names places and not the one of the resolved event, that event is dropped in favour
    of the named ones ("in response to the strike in Bint Jbeil" after a later strike in
    Tyre answers Bint Jbeil).
    """
    for i, clause in enumerate(clauses):
        if clause.answers is None or clause.link_kind in ("chronology", "link_weak"):
            continue
        response, cause = refers[i], refers[clause.answers]
        if response is None or cause is None or not response.mention.responds_to:
            continue
        if cause.root.mention.mention_id not in response.mention.responds_to:
            continue
        spans = clauses[clause.answers].spans
        own = cause.root.mention.location
        inside = [h for h in places if any(s <= h.start < e for s, e in spans)]
        named = [
            hit.value.location
            for hit in inside
            if hit.value.kind in ("site", "city") and not _AREA_AFTER.match(text, hit.end)
        ]
        # The reference chose the latest event; when the clause names other places and
        # not this one (as a place it knows, or a name the vocabularies lack written out),
        # it chose wrongly.
        said = " ".join(text[s:e] for s, e in spans).lower()
        known = {h.value.location for h in inside}
        unknown_named = bool(own) and own not in known and own.lower() in said
        wrong = bool(named) and own not in named and not unknown_named
        linked = False
        for location in dict.fromkeys(named):
            if location == own:
                continue
            found = next(
                (
                    d
                    for d in reversed(state.drafts[-_REFERENCE_REACH:])
                    if d.origin is None
                    and d.mention.location == location
                    and d is not response.root
                    and _compatible(d.family, cause.root.family)
                    and cause.root.mention.actor1_side in ("", d.mention.actor1_side)
                ),
                None,
            )
            if found is None or found.mention.mention_id in response.mention.responds_to:
                continue
            linked = True
            response.mention = _replace(
                response.mention,
                responds_to=(*response.mention.responds_to, found.mention.mention_id),
            )
            response.responds.append(found.mention.mention_id)
        if wrong and linked and own:
            gone = cause.root.mention.mention_id
            response.mention = _replace(
                response.mention,
                responds_to=tuple(r for r in response.mention.responds_to if r != gone),
            )
            response.responds[:] = [r for r in response.responds if r != gone]


def _sides_from_answer(cause: _Draft, answer: _Draft) -> None:
    """Give an earlier event that names neither side the sides of ``answer`` reversed (the
    side ``answer`` hit, acting on ``answer``'s side)."""
    c, a = cause.mention, answer.mention
    if c.actor1_side or c.actor2_side or not (a.actor1_side and a.actor2_side):
        return
    cause.mention = _replace(
        c, actor1=a.actor2, actor1_side=a.actor2_side, actor2=a.actor1, actor2_side=a.actor1_side
    )


def _update_focus(clauses: list[Clause], refers: list[_Draft | None], state: _Discourse) -> None:
    main = [d for c, d in zip(clauses, refers, strict=True) if d is not None and not c.cause]
    caused = [d for c, d in zip(clauses, refers, strict=True) if d is not None and c.cause]
    chosen = (main or caused or [None])[0]
    if chosen is not None:
        state.focus = chosen
        state.recent = frozenset(d.root.mention.mention_id for d in refers if d is not None)
    dated = [d for d in refers if d is not None and d.mention.event_date]
    if dated:
        # "A day earlier", "the same day" count from a day; after "in early February" they
        # cannot be placed.
        last = dated[-1].mention
        state.last_date = _date_of(dated[-1]) if last.date_precision == "day" else None
