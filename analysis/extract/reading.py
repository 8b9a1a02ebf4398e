"""Read one clause: its action, actors, weapon, place, date expression and casualties.

This is the grammar of a single clause; how clauses connect across the article (what "the
attack" refers to, which event a casualty report continues) is in :mod:`analysis.extract.article`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from analysis.extract.casualties import Casualties, find_casualties
from analysis.extract.dates import DateMatch, find_dates
from analysis.extract.fastre import foldable, lowered, screened
from analysis.extract.lexicon import (
    ActionEntry,
    ActorEntry,
    Hit,
    Lexicon,
    PlaceEntry,
    WeaponEntry,
    phrase_key,
)
from analysis.extract.numbers import QUANTITY, match_count

_DEFINITE = re.compile(
    r"(?:\b(?:the|this|these|that|those|its|their|his|her|our|such)|['’]s)"
    r"(?:\s+[\w'’.-]+){0,3}\s+$",
    re.IGNORECASE,
)
_INDEFINITE = re.compile(r"\b(?:a|an|another|one|new)\s+(?:[\w'’.-]+\s+){0,3}$", re.IGNORECASE)
_NUMBERED = re.compile(r"\b(?:\d+|two|three|four|five|several|many)\s+(?:[\w-]+\s+){0,2}$", re.I)
_INFINITIVE = re.compile(r"\bto\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_PASSIVE = re.compile(
    r"\b(?:was|were|been|being|is|are|be)\s+(?:\w+ly\s+|also\s+|not\s+)?$", re.IGNORECASE
)
_SUPPORT = re.compile(
    r"\b(?:launched|launching|carried\s+out|carrying\s+out|conducted|conducting|waged|"
    r"came\s+under|come\s+under|faced|mounted|staged|ordered|ordering|authori[sz]ed)\b",
    re.IGNORECASE,
)
_PRESENT_PERFECT = re.compile(
    r"\b(?:has|have)\s+(?:\w+ly\s+|also\s+|long\s+)*(?:been\s+)?\w+(?:ed|en)\b", re.IGNORECASE
)
_TARGET_PREP = re.compile(
    r"\b(?:on|against|at|toward|towards|targeting|targeted|of|for|to|with|in|near|into|"
    r"housing|hosting|houses|host|struck|hit|attacked|including|from)\s+(?:the\s+|an?\s+)?"
    r"(?:[\w'’-]+\s+){0,2}$",
    re.IGNORECASE,
)
_AGENT_BY = re.compile(r"\bby\s+[(]?(?:the\s+|an?\s+)?(?:[\w'’-]+\s+){0,1}[(]?$", re.IGNORECASE)
_NOT_AGENT_BY = re.compile(
    r"\b(?:used|linked|operated|run|backed|housed|owned|held|controlled|affiliated|supported|"
    r"sponsored|hosted|posed|designated|cited|announced|made|issued)\s+by\s+(?:\S+\s+){0,2}$",
    re.IGNORECASE,
)
_GROUP_ANAPHOR = re.compile(
    r"\bby\s+(?:the|these|those)\s+(?:groups?|militias?|militants|militia\s+groups?)\b",
    re.IGNORECASE,
)
_RELATIVE_DIRECTION = re.compile(
    r"\b(?:north|south|east|west|northeast|northwest|southeast|southwest)\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_SINCE = re.compile(r"\b(?:since|from)\s+(?:[\w'’.-]+\s+){0,2}$", re.IGNORECASE)
_UNTIL = re.compile(r"\b(?:until|till|to|through)\s+$", re.IGNORECASE)
_NOVEL = re.compile(
    r"\b(?:another|a\s+second|a\s+separate|a\s+new|new|additional|further|fresh|one\s+more)"
    r"\s+(?:[\w'’.-]+\s+){0,2}$",
    re.IGNORECASE,
)
#: "renewed its raids", "resumed their attacks": another round of the acts told before.
_RENEWED = re.compile(
    r"\b(?:renew(?:ed|s)?|resum(?:ed|es|e)|repeat(?:ed|s)?)\s+(?:its|their|the)\s+"
    r"(?:[\w'’.-]+\s+){0,2}$",
    re.IGNORECASE,
)
_SPEAKER = re.compile(
    r"^[\s'’s]*(?:[\w'’.-]+\s+){0,4}?(?:said|says|told|confirmed|added|expressed|announced|"
    r"described|condemned|denounced|warned|blamed|stated|reported)\b",
    re.IGNORECASE,
)
#: Intent, threat or deliberation governing the action ("is preparing strikes against",
#: "threatened a massive attack on", "was considering a strike on"): no act of force.
_INTENT = re.compile(
    r"\b(?:prepar(?:e|es|ed|ing)|plan(?:s|ned|ning)?|consider(?:s|ed|ing)?|weigh(?:s|ed|ing)?|"
    r"threat(?:en|ens|ened|ening)|vow(?:s|ed|ing)?|pledg(?:e|es|ed|ing)|promis(?:e|es|ed|ing)|"
    r"intend(?:s|ed|ing)?|warn(?:s|ed|ing)?\s+of|call(?:s|ed|ing)?\s+for)\s+"
    r"(?:(?:a|an|the|more|new|further|possible|massive|major|large-scale|retaliatory|"
    r"military|fresh)\s+){0,3}$",
    re.IGNORECASE,
)
#: After a nationality adjective ("Israeli", "Iranian"): nouns of armed forces and
#: weapons make it an actor that may initiate ...
ADJ_ARMED = re.compile(
    r"\s+(?:[\w-]+\s+)?(?:forces|army|military|navy|air\s+force|air\s+defen[cs]es|"
    r"jets|warplanes|aircraft|fighter|gunboats|artillery|tanks|militias?|government|"
    r"authorities|regime)\b",
    re.IGNORECASE,
)
#: ... and nouns of people and places make it a target ("Israeli soldiers").
_ADJ_TARGET = re.compile(
    r"\s+(?:[\w-]+\s+)?(?:soldiers?|troops|personnel|service\s*(?:members|men|women)|"
    r"positions?|targets?|outposts?|posts?|civilians?|settlements?|communit(?:y|ies)|"
    r"citizens?|nationals?|vessels?|ships?|warships?|tankers?|destroyers?|convoys?|"
    r"patrols?|people|contractors?|diplomats?)\b",
    re.IGNORECASE,
)
_NATIONALITY_COUNTRY = {
    "lebanese": "Lebanon",
    "iraqi": "Iraq",
    "syrian": "Syria",
    "israeli": "Israel",
    "jordanian": "Jordan",
    "iranian": "Iran",
    "yemeni": "Yemen",
    "palestinian": "Palestine",
}
#: "in the southern Lebanese town of Khirbet Selm", "near the border town of al-Qaim".
_NAMED_PLACE = re.compile(
    r"\b(?:in|near|at|outside|around|on|of|into|toward|towards)\s+the\s+"
    r"(?:(?:north|south|east|west|central|(?:north|south)?(?:east|west)?(?:ern)?)\s+)?"
    r"(?:(?P<adj>" + "|".join(_NATIONALITY_COUNTRY) + r")\s+)?"
    r"(?:(?:border|frontier|coastal|port|desert|northern|southern|eastern|western|"
    r"mountain|hilltop|strategic)\s+)?"
    r"(?P<kind>town|city|village|district|area|region|hamlet|suburb|neighbou?rhood|"
    r"province|governorate)\s+of\s+"
    r"(?P<name>(?-i:(?:(?:[Aa]l|[Ee]l|[Aa][dsrtnz]|[Aa]sh)-)?[A-Z][\w'’-]*"
    r"(?:\s+(?:(?:al|el|ad|ar|as|at|ash|an|az)-)?[A-Z][\w'’-]*){0,3}))",
    re.IGNORECASE,
)
_TRAILING_DATE = re.compile(
    r"\s+(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|January|February|March|April|May|June|"
    r"July|August|September|October|November|December)\b.*$"
)
_DATE_WORD = re.compile(
    r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|march|april|may|june|"
    r"july|august|september|october|november|december|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|"
    r"nov|dec)\.?\s+\d)",
    re.IGNORECASE,
)
#: Sides whose bases host the forces of others (Iraq hosts the US-led coalition): "an Iraqi
#: military base", "Iraqi bases where coalition forces are hosted" say where an attack
#: hit, not that the host was its target.
_HOST_SIDES = frozenset({"IRAQ_GOV"})
_BASE_NOUN = re.compile(
    r"\s+(?:(?:air|army|military|airforce)\s+)?(?:bases?|air\s*bases?|airfields?|"
    r"installations?|compounds?|camps?|facilit(?:y|ies))\b",
    re.IGNORECASE,
)
_LAUNCHED_FROM = re.compile(
    r"\bfrom\s+(?:[\w'’-]+\s+){0,5}?(?:held|controlled|run)\s+by\s+(?:the\s+)?(?:[\w'’-]+\s+)?$",
    re.IGNORECASE,
)
_RELATIVE_DOER = re.compile(r"\s+(?:[\w'’-]+\s+){0,3}?(?:that|which)\s+(?:the\s+)?", re.IGNORECASE)
#: "quoting U.S. officials", "citing Iraqi sources": whose words, not who acted.
_QUOTING = re.compile(
    r"\b(?:quoting|citing|according\s+to)\s+(?:[\w.'’-]+\s+){0,2}$", re.IGNORECASE
)
#: "a drone that U.S. intelligence assessed to be of Iranian origin": who judged the
#: weapon, in a relative clause of the event's noun, not who used it.
_ASSESSOR_BEFORE = re.compile(r"\b(?:that|which)\s+(?:the\s+)?$", re.IGNORECASE)
_ASSESSOR_AFTER = re.compile(
    r"(?:\s+[\w-]+){0,2}?\s+(?:assessed|assesses|assess|believed|believes|believe|judged|"
    r"judges|determined|suspected|suspects|identified|said)\s+(?:to\s+(?:be|have)|was|were|as)\b",
    re.IGNORECASE,
)
#: After a side's name: its air defences ("Iran's air defences", "Iraqi air defense systems").
_AIR_DEFENCES = re.compile(
    r"(?:['’]s)?\s+air[\s-]defen[cs]es?(?:\s+(?:systems?|batteries|units|forces))?\b",
    re.IGNORECASE,
)
_NAMES_AIR_DEFENCES = re.compile(r"air[\s-]defen[cs]es?$", re.IGNORECASE)
_MADE = re.compile(r"-(?:made|built|designed|supplied|manufactured|produced)\b", re.IGNORECASE)
#: "6:30 p.m. local time in Baghdad", "Baghdad time": a clock, not a place of the event.
_CLOCK = re.compile(r"\btime\s+in\s+$", re.IGNORECASE)
#: "11:30 a.m. (Sanaa time)", "Baghdad local time": the clock named after the place.
_CLOCK_AFTER = re.compile(r"\s+(?:local\s+)?time\b", re.IGNORECASE)
#: "a rocket manufactured in Iran": where the weapon was made, not where it struck.
_MADE_IN = re.compile(
    r"\b(?:made|built|designed|manufactured|produced|developed)\s+in\s+$", re.IGNORECASE
)
#: "called on the federal government in Baghdad", "talks in Doha": where an
#: authority sits, not where the act happened.
_SEAT_IN = re.compile(
    r"\b(?:government|authorities|officials|leaders(?:hip)?|parliament|"
    r"ambassador|envoy|delegation|talks)\s+(?:based\s+)?in\s+$",
    re.IGNORECASE,
)
#: "the Kurdistan Region's Prime Minister condemned ...": a place standing for its
#: authorities.
_AUTHORITY_OF = re.compile(
    r"['’]s\s+(?:[\w-]+\s+){0,2}?(?:prime\s+minister|premier|president|government|authorities"
    r"|officials|ministry|minister|governor|council|parliament|leaders?|spokes\w+)\b",
    re.IGNORECASE,
)
_BARE_DETERMINER = re.compile(r"\b(?:the|this|that|these|those)\s+$", re.IGNORECASE)
_OF_AFTER = re.compile(r"(?:\s*,[^,;]{1,50},)?\s+of\b", re.IGNORECASE)
_CLAIMS_PERFECT = re.compile(
    r"\b(?:says|said|claims|claimed|announced|announces)\s+(?:that\s+)?(?:it|they)\s+"
    r"(?:has|have)\s+(?:\w+ly\s+)?$",
    re.IGNORECASE,
)
#: "since the war in Gaza began", "since the start of the conflict in Syria": a period
#: named by a war; places inside it are the war's, not the act's.
_SINCE_WAR = re.compile(
    r"\bsince\s+(?:the\s+)?(?:(?:start|beginning|outbreak|onset)\s+of\s+(?:the\s+)?)?"
    r"(?:[\w'’-]+\s+){0,2}(?:war|conflict|fighting|hostilities|offensive)\b[^,;.]{0,40}",
    re.IGNORECASE,
)
_RELATIVE = re.compile(r",?\s+(?:which|who|that)\s+(?!would|could|will|may|might)", re.IGNORECASE)
_CLAUSE_WORD = re.compile(r"\b(?:that|which|who|where|when|time|moment|while)\s", re.IGNORECASE)
#: "the area bordering Iraq", "near the border with Jordan": the place named is next door.
_BORDERING = re.compile(
    r"\b(?:bordering|borders|border\s+with|borders\s+with|frontier\s+with)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_PREPOSITION = re.compile(r"\b(?:with|on|of|in|at|by|for|to|from|against)\s", re.IGNORECASE)
_NEGATED = re.compile(
    r"\b(?:no|never|not|n['’]t)\s+(?:(?:[\w-]+\s+){0,1}(?:for|of)\s+|(?:[\w-]+\s+){0,1})$",
    re.IGNORECASE,
)
#: A possessive pronoun just before an actor ("its fighter jets").
_OWNED = re.compile(r"\b(?:its|their)\s+$", re.IGNORECASE)
#: "Hezbollah also hit ...": "also" just before the verb of a named doer adds an action.
_ALSO = re.compile(r"\balso\s+$", re.IGNORECASE)
#: "The latest attack came on Saturday, when militants fired rockets at the base": the
#: noun only announces the act that the when-clause (or "in which" clause) tells.
_TOLD_WHEN = re.compile(
    r"\s+(?:came|happened|occurred|took\s+place|was|were)\b[^.;:]{0,60}?,?\s+when\s+"
    # "The October 1 attack, in which Iran fired some 180 missiles, ...".
    r"|\s*,\s*(?:in|during)\s+which\s+",
    re.IGNORECASE,
)
_UNDER = re.compile(r"\b(?:came|come|comes|coming)\s+under(?:\s+(?:renewed|heavy))?\s*", re.I)
_LOCATIVE = re.compile(r"\b(?:in|inside|across|near|within)\s+$", re.IGNORECASE)
_TIMES = re.compile(r"\s+times\b", re.IGNORECASE)
_SPACE = re.compile(r"\s")
#: The ASCII characters ``_SPACE`` matches, each made a space.
_ASCII_SPACES = str.maketrans({chr(c): " " for c in range(128) if _SPACE.match(chr(c))})
_QUANTITY_LOWER = screened(lowered(QUANTITY), r"\dabcdefhimnorstuz")
#: ``_SPEAKER`` without its "^", to match at a position rather than on a slice.
_SPEAKER_AT = re.compile(_SPEAKER.pattern.removeprefix("^"), _SPEAKER.flags)
_SPEAKER_LOWER = lowered(_SPEAKER_AT)


_ONE_WORD_GAP = re.compile(r"(?:\s+[\w-]+)?\s+")
_SINCE_WORD = re.compile(r"(?:since|from)\b", re.I)
_POSSESSIVE_DATE = re.compile(r"['’]s$")
_STATEMENT_DAY = re.compile(
    r"\b(?:said|says|claimed|responsibility|announced|confirmed|stated|reported"
    r"|told\s+[\w.]+)\s+(?:on\s+|late\s+|early\s+)?$",
    re.IGNORECASE,
)
_UNTIL_WORD = re.compile(r"(?:until|till|through)\b", re.I)
_SINCE_OR_FROM = re.compile(r"since|from", re.I)
_POSSESSIVE_S = re.compile(r"['’]s\b")
#: Between a possessor and the action it owns: the "'s" and at most three words.
_OWNS_ACTION = re.compile(r"['’]s(?:\s+[\w-]+){0,3}\s+")
_HAVE_BEEN_HIT = re.compile(r"\b(?:have|has)\s+been\s+(?:killed|injured|wounded)", re.I)


@dataclass(frozen=True)
class ActorRef:
    """An actor named in a clause."""

    actor: str
    side: str
    specific: bool


@dataclass(frozen=True)
class Reading:
    """What one clause says, before it is connected to the rest of the article."""

    text: str
    offset: int
    anchor: ActionEntry | None
    anchor_text: str
    definite: bool
    generic: bool
    bare_plural: bool
    passive: bool
    initiator: ActorRef | None
    target: ActorRef | None
    group_anaphor: bool
    weapon: WeaponEntry | None
    place: PlaceEntry | None
    date: DateMatch | None
    since: DateMatch | None
    until: DateMatch | None
    period_span: tuple[int, int]
    novel: bool
    date_near_anchor: bool
    subject: ActorRef | None
    casualties: Casualties
    cumulative: bool
    threat: bool
    times_count: int | None
    times_hit: str
    quantifier: bool
    armed_groups: tuple[ActorRef, ...]
    #: The words just before the action ("this latest U.S." in "this latest U.S. strike").
    anchor_lead: str = ""
    #: Where the action starts in the clause text (-1: no action).
    anchor_span_start: int = -1
    #: The initiator says it acted ("X said it had struck ..."): a claim.
    claimed: bool = False
    #: The clause names several countries and nothing more specific ("in Syria and Iraq").
    several_countries: bool = False


class _LookBack(NamedTuple):
    """The patterns a clause is searched with, as written or for lowered text."""

    infinitive: re.Pattern
    passive: re.Pattern
    since: re.Pattern
    until: re.Pattern
    novel: re.Pattern
    definite: re.Pattern
    indefinite: re.Pattern
    under: re.Pattern
    numbered: re.Pattern
    support: re.Pattern
    present_perfect: re.Pattern
    intent: re.Pattern
    group_anaphor: re.Pattern
    agent_by: re.Pattern
    not_agent_by: re.Pattern
    target_prep: re.Pattern
    date_word: re.Pattern
    locative: re.Pattern
    relative_direction: re.Pattern
    times: re.Pattern
    have_been_hit: re.Pattern


_LOOK_BACK = _LookBack(
    _INFINITIVE,
    _PASSIVE,
    _SINCE,
    _UNTIL,
    _NOVEL,
    _DEFINITE,
    _INDEFINITE,
    _UNDER,
    _NUMBERED,
    _SUPPORT,
    _PRESENT_PERFECT,
    _INTENT,
    _GROUP_ANAPHOR,
    _AGENT_BY,
    _NOT_AGENT_BY,
    _TARGET_PREP,
    _DATE_WORD,
    _LOCATIVE,
    _RELATIVE_DIRECTION,
    _TIMES,
    _HAVE_BEEN_HIT,
)
_LOOK_BACK_FORMS = tuple(lowered(p) for p in _LOOK_BACK)
#: The same for lowered text (see analysis.extract.fastre.foldable); ``None`` if one of them
#: cannot be lowered. Not screened: they search a few words before a position.
_LOOK_BACK_LOWER = None if None in _LOOK_BACK_FORMS else _LookBack(*_LOOK_BACK_FORMS)


def _tail(text: str, end: int, width: int = 80) -> str:
    # The patterns tested on the text before a word look back a few words only; a bounded
    # window keeps each test from rescanning the whole clause.
    return text[max(0, end - width) : end]


def _ref(entry: ActorEntry) -> ActorRef:
    return ActorRef(entry.actor, entry.side, entry.specific)


def _named_place(text: str, places: list[Hit], lexicon: Lexicon) -> Hit | None:
    """A place the vocabulary does not know, named with its kind ("in the southern
    Lebanese town of Khirbet Selm"): its name, no coordinates, and the country of the
    nationality adjective, or of a country named in the clause."""
    if " of " not in text:
        return None
    m = _NAMED_PLACE.search(text)
    if m is None:
        return None
    start, end = m.start("name"), m.end("name")
    if any(start <= p.start < end for p in places):
        return None  # a place of the vocabulary: it says more
    name = _TRAILING_DATE.sub("", m["name"])
    country = _NATIONALITY_COUNTRY.get((m["adj"] or "").lower(), "")
    known = lexicon.places.resolve(name, frozenset({country} if country else ()))
    if known is not None and (not country or known.country == country):
        # "the town of Hit": a gazetteer town whose name the sentence scan leaves alone.
        return Hit(start, start + len(name), name, known)
    if not country:
        country = next((p.value.country for p in places if p.value.kind == "country"), "")
    if not country:
        # "the town of Hanaway ..., in the Tyre district": the country of a known place.
        country = next((p.value.country for p in places if p.value.country), "")
    kind = "governorate" if m["kind"].lower() in ("province", "governorate") else "city"
    entry = PlaceEntry(name, kind, name if kind == "governorate" else "", country, None, None)
    return Hit(start, end, name, entry)


#: A definite object right after a verb ("fired the missiles", "launched those drones").
_DEFINITE_OBJECT = re.compile(r"\s+(?:the|these|those)\s+(?:[\w-]+\s+)?", re.IGNORECASE)
#: A denial between an actor and the act: "Iran denied being behind the attacks".
_DENIES = re.compile(r"\b(?:denied|denies|deny|denying|rejected|disavowed)\b", re.IGNORECASE)
#: The act someone is blamed for: "to blame for", "responsible for", "blamed for".
_BLAME_FOR = re.compile(
    r"\b(?:to\s+blame|responsible|blamed|accused|behind)\s+(?:for\s+)?", re.IGNORECASE
)


def _last(matches):
    """The last item of an iterator (``None`` if empty)."""
    found = None
    for found in matches:  # noqa: B007 - the last one is wanted
        pass
    return found


#: "downed by USS Carney": the one who downed it, not the owner of what was downed.
_BY_AGENT = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)


def _intercepted(text, anchor, initiator, target, after, subject=None):
    """An interception is a failed attack on the side that intercepts: "US forces shot down
    two drones" is an attack (by someone) on US forces ("US troops down three drones": the
    troops, a word for those attacked, are still who intercepts). Owning what was downed
    ("downed a US drone") makes it an attack on the owner instead."""
    owner = next(
        (
            a
            for a in after
            if a.start - anchor.end <= 12 and not _BY_AGENT.search(text, anchor.end, a.start)
        ),
        None,
    )
    if owner is not None:
        return initiator, owner.value
    return None, initiator or subject or target


def _target_prep(tail: str, rx: _LookBack = _LOOK_BACK) -> bool:
    """True when ``tail`` ends in a preposition phrase that makes what follows a target
    ("on the", "against"); "On Friday the" is a date, not a preposition of the action."""
    m = rx.target_prep.search(tail)
    return (
        m is not None
        and not rx.date_word.search(m.group(0))
        # "It was at al-Asad that Iran carried out ...": the clause boundary ends the phrase.
        and not _CLAUSE_WORD.search(m.group(0))
        # "The naval forces of the Yemeni Armed Forces targeted ...": a part of that force.
        and not _FORCES_OF.search(tail)
    )


#: "the naval forces of", "units of the": what follows owns the force, it is no target.
_FORCES_OF = re.compile(
    r"\b(?:forces|units|fighters|troops|navy|wing|arm|branch)\s+of\s+(?:the\s+)?"
    r"(?:[\w'’-]+\s+){0,2}$",
    re.IGNORECASE,
)


def _defends(text: str, actor: Hit) -> bool:
    """Whether ``actor`` names a side's air defences ("Iran's air defences", "Syrian air
    defences"): the side attacked, not the doer."""
    return bool(_AIR_DEFENCES.match(text, actor.end) or _NAMES_AIR_DEFENCES.search(actor.text))


def _adjectives(text: str, actors: list[Hit], actions: list[Hit], weapons: list[Hit]) -> list[Hit]:
    """Give each nationality adjective ("Israeli", "Iranian") the role its noun implies.

    Directly before an action or weapon ("an Israeli drone strike", "Iranian missiles") or
    an armed force ("Syrian air defences") it may initiate; before people or places
    ("Israeli soldiers", "an American base") it is a target; anywhere else ("Iranian
    officials", "the Iraqi capital") it names no party to the event and is dropped.
    """
    if not any(a.value.role == "adjective" for a in actors):
        return actors
    starts = sorted(h.start for h in (*actions, *weapons))
    out = []
    for a in actors:
        entry = a.value
        if entry.role != "adjective":
            out.append(a)
            continue
        rest = text[a.end : a.end + 60]
        if _MADE.match(rest):
            continue  # "Iranian-made drones": who made them, not who fired them
        gap_ok = any(
            0 <= s - a.end <= 25 and _ONE_WORD_GAP.fullmatch(text[a.end : s]) for s in starts
        ) or any(h.start <= a.start and a.end <= h.end for h in actions)  # "Israeli aggression"
        if gap_ok or ADJ_ARMED.match(rest):
            role = "any"
        elif _ADJ_TARGET.match(rest):
            role = "target"
        else:
            continue
        out.append(
            Hit(a.start, a.end, a.text, ActorEntry(entry.actor, entry.side, role, entry.specific))
        )
    return out


def _choose_anchor(text: str, actions: list[Hit], rx: _LookBack = _LOOK_BACK) -> Hit | None:
    usable = [h for h in actions if not rx.infinitive.search(_tail(text, h.start))]
    # "In a separate incident, a drone hit a base": a reference of no particular kind
    # ("the incident") is the act only when the clause names no other.
    told = any(h.value.kind in ("noun", "verb") for h in usable)
    for kinds in (("noun", "verb", "ref"), ("kill",)):
        for hit in usable:
            if hit.value.kind not in kinds:
                continue
            if told and hit.value.kind == "ref" and hit.value.family == "any":
                continue
            if told and hit.value.kind == "ref" and text[hit.end : hit.end + 1] == ",":
                continue  # "In retaliation, the group fired rockets": the opener is no act
            if hit.value.kind == "kill" and rx.passive.search(_tail(text, hit.start)):
                continue
            if text[hit.start : hit.end].lower() == "destroyed" and not _DESTROYER.search(
                text, max(0, hit.start - 60), hit.start
            ):
                continue  # "they had destroyed a headquarters": no attacker as the subject
            return hit
    return None


#: "Turkish fighter jets destroyed 20 targets", "its forces had destroyed two boats": the
#: subject right before "destroyed" is a force or weapon, so "destroyed" tells the strike.
_DESTROYER = re.compile(
    r"\b(?:jets|warplanes|aircraft|planes|helicopters|gunships?|drones|forces|troops|army"
    r"|military|navy|artillery|strikes|raids|missiles|bombers)"
    r"(?:\s+(?:also|later|reportedly|then|had|have|has|successfully))*\s+$",
    re.IGNORECASE,
)


def _weapon(hits: list[Hit], anchor: Hit | None, side: str) -> WeaponEntry | None:
    if not hits:
        return None
    chosen = hits[0]
    if anchor is not None:
        overlapping = [h for h in hits if h.start < anchor.end and anchor.start < h.end]
        chosen = overlapping[0] if overlapping else chosen
    entries = chosen.value
    for entry in entries:
        if side and side in entry.sides:
            return entry
    general = [e for e in entries if not e.sides]
    return general[0] if general else None


@dataclass(frozen=True)
class SentenceHits:
    """Every vocabulary matched once over a whole sentence (clauses take their share)."""

    actions: tuple[Hit, ...]
    actors: tuple[Hit, ...]
    places: tuple[Hit, ...]
    weapons: tuple[Hit, ...]
    cues: tuple[Hit, ...]
    dates: tuple[DateMatch, ...]


#: A verb of sending a weapon off ("sent explosive-laden drones against", "launched a salvo
#: of Katyusha rockets at"): with a weapon within four words after it, an act of force.
_LAUNCH = re.compile(
    r"\b(?:sent|sends|send|sending|launched|launches|launching|fired|fires|firing|"
    r"dispatched|lobbed|hurled)\s+",
    re.IGNORECASE,
)
_LAUNCH_LOWER = lowered(_LAUNCH)
#: "U.S. forces down two drones": "down" as a verb, told by a count or a determiner right
#: after it and a weapon within three words; an interception, like "shot down" ("prices
#: went down two percent" is no verb of force: the weapon must follow too).
_DOWN = re.compile(
    r"(?<!went\s)(?<!gone\s)(?<!goes\s)(?<!came\s)\b(?:down|downing)\s+"
    r"(?=(?:an?|the|its|their|\d+|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"several|multiple|both|all)\s)",
    re.IGNORECASE,
)
_DOWN_LOWER = lowered(_DOWN)


def launch_actions(
    text: str, lexicon: Lexicon, actions: list[Hit], folded: str | None = None
) -> list[Hit]:
    """``actions`` with a "fired" action added for each launch verb that a weapon follows
    ("Hezbollah sent explosive-laden drones against a base": an attack, though no action
    phrase of the vocabulary names it), and an interception for each "down" that a weapon
    follows ("U.S. forces down two drones"). ``folded``: ``text.lower()`` if foldable."""
    added = []
    for entry, plain, lower in (
        (lexicon.actions.table.get("fired"), _LAUNCH, _LAUNCH_LOWER),
        (lexicon.actions.table.get("downs"), _DOWN, _DOWN_LOWER),
    ):
        if entry is None:
            continue
        pattern, searched = (lower, folded) if folded is not None else (plain, text)
        for m in pattern.finditer(searched):
            if any(h.start <= m.start() < h.end or m.start() <= h.start < m.end() for h in actions):
                continue
            window = text[m.end() : m.end() + 60]
            weapon = next(iter(lexicon.weapons.find(window)), None)
            if weapon is None or len(window[: weapon.start].split()) > 3:
                continue
            verb_end = m.start() + len(m.group(0).rstrip())
            added.append(Hit(m.start(), verb_end, text[m.start() : verb_end], entry))
    if not added:
        return actions
    return sorted([*actions, *added], key=lambda h: h.start)


def normalise_space(sentence: str) -> str:
    """``sentence`` with every whitespace character made a space (offsets unchanged)."""
    if sentence.isascii():
        return sentence.translate(_ASCII_SPACES)
    return _SPACE.sub(" ", sentence)


#: A warship named with its navy's prefix ("USS Carney", "HMS Diamond"), and the alias of
#: the vocabulary that names that navy.
_SHIP = re.compile(r"\b(?P<prefix>USS|HMS)\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\b")
_NAVIES = {"USS": "U.S. Navy", "HMS": "Royal Navy"}


def _with_ships(text: str, lexicon: Lexicon, actors: list[Hit]) -> list[Hit]:
    """``actors`` with the warships the text names by prefix: a ship is its navy's."""
    if "USS " not in text and "HMS " not in text:
        return actors
    added = []
    for m in _SHIP.finditer(text):
        entry = lexicon.actors.table.get(phrase_key(_NAVIES[m["prefix"]]))
        if entry is None or any(h.start < m.end() and m.start() < h.end for h in actors):
            continue
        added.append(Hit(m.start(), m.end(), m.group(0), entry))
    return sorted([*actors, *added], key=lambda h: h.start) if added else actors


def sentence_hits(
    sentence: str,
    lexicon: Lexicon,
    actions: list[Hit] | None = None,
    spaced: str | None = None,
    folded: str | None = None,
    countries: frozenset[str] = frozenset(),
) -> SentenceHits:
    """Match every vocabulary and date expression over ``sentence`` once.

    ``actions``: the action hits of :func:`normalise_space` (``sentence``), if already found;
    ``spaced``: :func:`normalise_space` (``sentence``), if already made; ``folded``: its
    lower case, if made and :func:`analysis.extract.fastre.foldable` (``spaced``);
    ``countries``: the countries the article names, which settle a town name that several
    countries share.
    """
    text = normalise_space(sentence) if spaced is None else spaced
    # Lowered once for every vocabulary (see analysis.extract.fastre.foldable).
    if folded is None and foldable(text):
        folded = text.lower()
    weapons = lexicon.weapons.find(text, folded)
    actions = lexicon.actions.find(text, folded) if actions is None else actions
    if weapons:
        # "one-way attack drone", "F-15E Strike Eagle": a word of a weapon's name is no act.
        actions = [
            a
            for a in actions
            if not any(
                w.start <= a.start and a.end <= w.end and w.end - w.start > a.end - a.start
                for w in weapons
            )
        ]
    return SentenceHits(
        tuple(actions),
        tuple(_with_ships(text, lexicon, lexicon.actors.find(text, folded))),
        tuple(_not_clocks(text, lexicon.places.find(text, folded, countries))),
        tuple(weapons),
        tuple(lexicon.cues.find(text, folded)),
        tuple(find_dates(text, folded)),
    )


def _not_clocks(text: str, places: list[Hit]) -> list[Hit]:
    """``places`` less those that name a clock ("11:30 a.m. (Sanaa time)", "Baghdad local
    time", "local time in Beirut"): the time zone says nothing of where anything happened."""
    return [
        p
        for p in places
        if not _CLOCK_AFTER.match(text, p.end)
        and not _CLOCK.search(text, max(0, p.start - 10), p.start)
    ]


def _share(items, spans: tuple[tuple[int, int], ...], offset: int) -> list:
    """The hits (:class:`Hit` or :class:`DateMatch`) inside ``spans``, offsets made relative."""
    if len(spans) == 1:
        ((s, e),) = spans
        inside = [h for h in items if s <= h.start and h.end <= e]
    else:
        inside = [h for h in items if any(s <= h.start and h.end <= e for s, e in spans)]
    if not inside or not offset:
        return inside
    if isinstance(inside[0], DateMatch):
        return [DateMatch(h.start - offset, h.end - offset, h.text, h.kind) for h in inside]
    return [Hit(h.start - offset, h.end - offset, h.text, h.value) for h in inside]


def read_clause(
    sentence: str,
    spans: tuple[tuple[int, int], ...],
    lexicon: Lexicon,
    hits: SentenceHits | None = None,
    spaced: str | None = None,
) -> Reading:
    """Read the clause made of ``spans`` of ``sentence`` (see :class:`Reading`).

    ``spaced``: :func:`normalise_space` (``sentence``), if already made.
    """
    offset = spans[0][0]
    if spaced is None:
        spaced = normalise_space(sentence)
    # Join the spans with spaces of the gap's length so offsets stay valid within `text`.
    if len(spans) == 1:
        text = spaced[offset : spans[0][1]]
    else:
        text = "".join(
            (" " * (s - spans[i - 1][1]) if i else "") + spaced[s:e]
            for i, (s, e) in enumerate(spans)
        )
    hits = hits or sentence_hits(sentence, lexicon)
    actions = _share(hits.actions, spans, offset)
    # Lowered text is searched faster and matches the same (analysis.extract.fastre.foldable).
    clause_folded = text.lower() if foldable(text) else None
    if _SPEAKER_LOWER is not None and clause_folded is not None:
        speaker, speaker_text = _SPEAKER_LOWER, clause_folded
    else:
        speaker, speaker_text = _SPEAKER_AT, text
    actors = [
        a for a in _share(hits.actors, spans, offset) if not speaker.match(speaker_text, a.end)
    ]
    dates = _share(hits.dates, spans, offset)
    weapon_hits = _share(hits.weapons, spans, offset)
    actors = _adjectives(text, actors, actions, weapon_hits)
    # "its fighter jets", "their forces": the speaker's own, named by the speaker.
    actors = [a for a in actors if not _OWNED.search(text, max(0, a.start - 6), a.start)]
    actors = [a for a in actors if not _QUOTING.search(text, max(0, a.start - 40), a.start)]
    actors = [
        a
        for a in actors
        if not (
            _ASSESSOR_BEFORE.search(text, max(0, a.start - 12), a.start)
            and _ASSESSOR_AFTER.match(text, a.end)
        )
    ]
    # "Iran's air defences fired at suspicious objects": the side defending itself is the
    # one attacked, not the doer.
    actors = [
        Hit(
            a.start,
            a.end,
            a.text,
            ActorEntry(a.value.actor, a.value.side, "target", a.value.specific),
        )
        if _defends(text, a)
        else a
        for a in actors
    ]
    if any(a.value.side in _HOST_SIDES for a in actors):
        actors = [
            a
            for a in actors
            if a.value.side not in _HOST_SIDES or not _BASE_NOUN.match(text, a.end)
        ]
    casualties = find_casualties(text, lexicon)
    # The look-back patterns search lowered text where that matches the same (see
    # analysis.extract.fastre.foldable): ``lt`` is the text they search.
    if _LOOK_BACK_LOWER is not None and clause_folded is not None:
        lt, rx = clause_folded, _LOOK_BACK_LOWER
    else:
        lt, rx = text, _LOOK_BACK
    # "12 May 2022" holds no modal "may": cues inside date expressions do not count.
    date_spans = [(d.start, d.end) for d in dates]
    cues = [
        h
        for h in _share(hits.cues, spans, offset)
        if not any(s <= h.start < e for s, e in date_spans)
    ]
    generic = any(h.value == "generic" for h in cues)
    threat = any(h.value == "threat" for h in cues)
    quantifier = any(h.value == "quantifier" for h in cues)

    since = next(
        (
            d
            for d in dates
            if d.kind == "past_period"
            or _SINCE_WORD.match(d.text)
            # "the toll from Sunday's attack": a day's event, not the start of a period.
            or (rx.since.search(_tail(lt, d.start)) and not _POSSESSIVE_DATE.search(d.text))
        ),
        None,
    )
    until = next(
        (
            d
            for d in dates
            if d is not since and (_UNTIL_WORD.match(d.text) or rx.until.search(_tail(lt, d.start)))
        ),
        None,
    )
    period_span = (-1, -1)
    if since is not None:
        opener = rx.since.search(_tail(lt, since.start))
        own = since.kind == "past_period" or _SINCE_OR_FROM.match(since.text)
        p_start = opener.start() if opener and not own else since.start
        comma = text.find(",", since.end, since.end + 40)
        p_end = max(since.end, until.end if until else 0)
        p_end = comma if comma != -1 and comma > p_end else p_end
        period_span = (p_start, p_end)
    candidates = [d for d in dates if d is not since and d is not until]
    # "claimed responsibility on Tuesday for an attack on Monday": the day of the claim is
    # not the event's when the clause gives another.
    told = [d for d in candidates if not _STATEMENT_DAY.search(_tail(text, d.start))]
    date = (told or [None])[0]
    in_period = [h for h in actions if not (period_span[0] <= h.start < period_span[1])]
    anchor = _choose_anchor(lt, in_period, rx)
    if anchor is not None and anchor.value.kind == "noun":
        when = _TOLD_WHEN.match(lt, anchor.end)
        told = [h for h in in_period if when and h.start >= when.end() and h.value.kind == "verb"]
        anchor = told[0] if told else anchor
    if anchor is not None and casualties.spans:
        # Casualties belong to the action named just before them ("the drone attack and
        # the U.S. response, which he said killed ...").
        first = min(s for s, _ in casualties.spans)
        earlier = [
            h for h in in_period if h.value.kind != "kill" and anchor.start <= h.start < first
        ]
        anchor = earlier[-1] if earlier else anchor
    before = text[: anchor.start] if anchor else text
    lbefore = lt[: anchor.start] if anchor else lt

    if anchor is not None and (generic or threat):
        # "strikes on missiles which Washington claimed could pose a threat": a modal or
        # threat inside a relative clause after the action does not qualify the action.
        relative = _RELATIVE.search(lt, anchor.end)
        if relative is not None:
            kept = [h for h in cues if h.start < relative.start()]
            generic = any(h.value == "generic" for h in kept)
            threat = any(h.value == "threat" for h in kept)
    definite = passive = bare_plural = novel = near = False
    if anchor is not None:
        novel = bool(rx.novel.search(lbefore[-40:]))
        if date is not None:
            gap = text[date.end : anchor.start]
            near = 0 <= date.start - anchor.end <= 25 or (
                0 <= anchor.start - date.end <= 15 and "," not in gap
            )
        # "the strikes" refers back; "the president ordered strikes" does not: a verb of
        # carrying out between the determiner and the action ends the noun phrase.
        determiner = rx.definite.search(lbefore[-80:])
        definite = (
            anchor.value.kind == "noun"
            and determiner is not None
            and not rx.support.search(determiner.group(0))
            # "The US ... with five airstrikes": a preposition ends the determiner's phrase.
            and not _PREPOSITION.search(determiner.group(0))
            and not rx.indefinite.search(lbefore[-40:])
        )
        definite = definite or anchor.value.kind == "ref"
        if _RENEWED.search(lbefore[-40:]):
            # "the aggression renewed its raids on Saturday": a new round, not the raids
            # told before.
            definite, novel = False, True
        # "in what it called retaliation for the killing.": a killing named before.
        definite = definite or (
            anchor.value.kind == "kill"
            and anchor.text.lower() in ("killing", "killings")
            and bool(_BARE_DETERMINER.search(lbefore[-12:]))
            and not _OF_AFTER.match(lt, anchor.end)
        )
        if anchor.value.kind == "verb" and not definite:
            # "claimed it had fired the missiles": the weapons named before, so the attack
            # named before.
            thing = _DEFINITE_OBJECT.match(lt, anchor.end)
            definite = thing is not None and any(w.start == thing.end() for w in weapon_hits)
        passive = anchor.value.kind in ("verb", "kill") and bool(rx.passive.search(lbefore[-40:]))
        # "came under attack", "have come under fire": the subject is what was attacked.
        passive = passive or bool(
            rx.under.search(
                lbefore[-30:] + (anchor.text[:6].lower() if lt is not text else anchor.text[:6])
            )
        )
        plural = anchor.text.lower().endswith("s") and anchor.value.kind == "noun"
        bare_plural = (
            plural
            and not definite
            and not rx.indefinite.search(lbefore[-40:])
            and not rx.numbered.search(lbefore[-30:])
            and not rx.support.search(lbefore[-80:])
        )
        # "Militias have attacked US forces" is habitual; "Israel has carried out an attack
        # on Iran" (one event, singular and indefinite) is news.
        if (
            rx.present_perfect.search(lbefore[-60:])
            # ("The group says it has targeted a base": a claim of one act, not a habit.)
            and not _CLAIMS_PERFECT.search(lbefore[-60:])
            and date is None
            and not since
            and not (rx.indefinite.search(lbefore[-40:]) and not anchor.text.lower().endswith("s"))
        ):
            generic = True
        if rx.intent.search(lbefore[-60:]):
            generic = True
        if _NEGATED.search(lbefore[-40:]):
            # "ordered no strikes within Iran", "did not strike": no act of force.
            generic = True

    since_span = period_span
    usable = [a for a in actors if not (since_span[0] <= a.start < since_span[1])]
    initiator: ActorEntry | None = None
    target: ActorEntry | None = None
    subject: ActorEntry | None = None
    victim_ranges = casualties.spans
    group_anaphor = bool(anchor and rx.group_anaphor.search(lt[anchor.end : anchor.end + 40]))
    if anchor is not None:
        after = [a for a in usable if a.start >= anchor.end]
        prior = [a for a in usable if a.end <= anchor.start]
        #: "intercepted a missile fired by the Houthis": the doer of the weapon downed.
        launcher = None
        for a in after:
            head = lt[anchor.end : a.start]
            if (
                len(head) < 60
                and rx.agent_by.search(head)
                and not rx.not_agent_by.search(_tail(lt, a.start))
            ):
                initiator = a.value
                launcher = a.value if _LAUNCH.search(head) else None
                break
            if (_RELATIVE_DOER.fullmatch(head) or not head.strip()) and (
                rx.support.match(lt, a.end + 1) or _LAUNCH.match(text, a.end + 1)
            ):
                # "the air assault that Tehran mounted", "the strike Biden ordered", "the
                # barrage of missiles that Iran fired": the subject of the relative clause.
                initiator = a.value
                break
            if len(head) < 80 and _LAUNCHED_FROM.search(head):
                # "fired from areas of Yemen held by Houthi forces": the holder launched it.
                initiator = a.value
                break
        possessive = [a for a in prior if _POSSESSIVE_S.match(text[a.end : a.end + 3])]
        # "Iran's missile attack", "Tehran's first retaliatory strikes": the possessor
        # owns the action; "Hezbollah's top commander, in an air strike" owns a person.
        owners = [
            a
            for a in possessive
            if a.value.role != "target" and _OWNS_ACTION.fullmatch(text[a.end : anchor.start])
        ]
        if initiator is None and owners:
            initiator = owners[-1].value
        # "in a US drone strike", "an Israeli air raid": the actor naming the action.
        adjacent = [
            a for a in prior if a.value.role != "target" and not text[a.end : anchor.start].strip()
        ]
        if initiator is None and adjacent and anchor.value.kind == "noun":
            initiator = adjacent[-1].value
        # "an Israeli aggression": an action phrase of the vocabulary that names its doer.
        inside = [a for a in usable if anchor.start <= a.start and a.end <= anchor.end]
        if initiator is None and inside and anchor.value.kind == "noun":
            initiator = inside[0].value
        # "X was to blame for the murders of children in northern Israel": the one blamed,
        # named before the blame, did it; nothing named between the blame and the act did.
        blame = _last(_BLAME_FOR.finditer(lbefore))
        subject_candidates = [
            a
            for a in prior
            if not _target_prep(_tail(lt, a.start), rx)
            and not any(s <= a.start < e for s, e in victim_ranges)
            and (a not in possessive or a in owners)
            # "Iran denied being behind the attacks": who denies is not the doer.
            and not _DENIES.search(lt, a.end, anchor.start)
            and (blame is None or a.end <= blame.start())
        ]
        if subject_candidates:
            subject = subject_candidates[-1].value
        if passive:
            if subject_candidates:
                target = subject_candidates[-1].value
        elif initiator is None:
            agents = [a for a in subject_candidates if a.value.role != "target"]
            if agents:
                initiator = agents[-1].value
        if target is None:
            for a in after:
                if initiator is not None and a.value == initiator:
                    continue
                if rx.locative.search(_tail(lt, a.start)) and lexicon.places.knows(a.text):
                    continue
                if rx.agent_by.search(lt[anchor.end : a.start]) and not rx.not_agent_by.search(
                    _tail(lt, a.start)
                ):
                    continue
                target = a.value
                break
        defending = [a for a in prior if _defends(text, a)]
        if defending and initiator is None:
            # "Iran's air defences fired at drones over Isfahan": Iran was attacked;
            # "Syrian air defences fired at Israeli jets": by the side of the jets.
            if target is not None and target.side != defending[-1].value.side:
                initiator = target
            target = defending[-1].value
        if target is not None and initiator is not None and target.side == initiator.side:
            target = None
        if anchor.value.action == "interception":
            interceptor = subject if subject is not None and not passive else None
            if launcher is not None:
                # "USS Gravely intercepted a missile fired by the Houthis": the Houthis
                # attacked, the interceptor was attacked.
                initiator = launcher
                target = interceptor if interceptor and interceptor.side != launcher.side else None
            elif passive and initiator is not None:
                # "A Houthi missile was downed by USS Mason": the subject's owner attacked,
                # the agent intercepted.
                attacker = target if target is not None and target.side != initiator.side else None
                initiator, target = attacker, initiator
            else:
                initiator, target = _intercepted(
                    text, anchor, initiator, target, after, interceptor
                )
        # "Israeli artillery also hit Khiam": another action of a named doer, not the one
        # under discussion ("The area was also hit by shells" still continues it).
        novel = novel or (
            anchor.value.kind == "verb"
            and initiator is not None
            and not passive
            and bool(_ALSO.search(before[-10:]))
        )
    if target is None and casualties.victim_side:
        victims = [a for a in actors if a.value.side == casualties.victim_side]
        target = victims[0].value if victims else None
        if initiator is not None and target is not None and target.side == initiator.side:
            target = None

    actor_spans = {(h.start, h.end) for h in _share(hits.actors, spans, offset)}
    skip_places = [
        (a.start, a.end)
        for a in actors
        if (initiator is not None and a.value == initiator)
        # "Iran denied ...": the one who denies, not a place.
        or (anchor is not None and a.end <= anchor.start and _DENIES.match(lt, a.end + 1))
    ]
    wars = list(_SINCE_WAR.finditer(text)) if "since" in lt else []
    places = [
        p
        for p in _share(hits.places, spans, offset)
        # "Tehran's attack", "Washington's response": the capital stands for the government
        # ("Deir Ezzor's countryside", a place that names no actor, is a place).
        if not (_POSSESSIVE_S.match(text, p.end) and (p.start, p.end) in actor_spans)
        and not rx.relative_direction.search(_tail(lt, p.start))
        and not _BORDERING.search(text, max(0, p.start - 30), p.start)
        and not _CLOCK.search(text, max(0, p.start - 10), p.start)
        and not _MADE_IN.search(text, max(0, p.start - 20), p.start)
        and not _SEAT_IN.search(text, max(0, p.start - 30), p.start)
        and not _AUTHORITY_OF.match(text, p.end)
        and not any(w.start() <= p.start < w.end() for w in wars)
        and not any(s <= p.start < e for s, e in skip_places)
        and not (since_span[0] <= p.start < since_span[1])
    ]
    named = _named_place(text, places, lexicon)
    if named is not None:
        places.append(named)
    place = min(places, key=lambda p: (p.value.rank, p.start)).value if places else None
    several_countries = False
    if place is not None and place.kind == "country":
        countries = {p.value.country for p in places if p.value.kind == "country"}
        if len(countries) > 1:
            # "strikes in Syria and Iraq": no one country; each of them may hold the event.
            place, several_countries = None, True
    weapon = _weapon(weapon_hits, anchor, initiator.side if initiator else "")

    times_count = None
    times_hit = ""
    times = rx.times.search(lt)
    if times:
        # Lowered text is searched faster and matches the same (analysis.extract.fastre.foldable).
        head = text[: times.start()]
        quantity, searched = (_QUANTITY_LOWER, head.lower()) if foldable(head) else (QUANTITY, head)
        for q in quantity.finditer(searched):
            if q.end() == times.start():
                found = match_count(head[q.start() : q.end()])
                times_count = found[0].low if found else None
                times_hit = head[q.start() : q.end()] + " times"
    cumulative = bool(since) or bool(rx.have_been_hit.search(lt))
    armed = tuple(_ref(a.value) for a in actors if lexicon.sides.get(a.value.side) == "armed_group")
    return Reading(
        text=text,
        offset=offset,
        anchor=anchor.value if anchor else None,
        anchor_text=anchor.text if anchor else "",
        definite=definite,
        generic=generic,
        bare_plural=bare_plural,
        passive=passive,
        initiator=_ref(initiator) if initiator else None,
        target=_ref(target) if target else None,
        group_anaphor=group_anaphor,
        weapon=weapon,
        place=place,
        date=date,
        since=since,
        until=until,
        period_span=period_span,
        novel=novel,
        date_near_anchor=near,
        subject=_ref(subject) if subject else None,
        casualties=casualties,
        cumulative=cumulative,
        threat=threat,
        times_count=times_count,
        times_hit=times_hit,
        quantifier=quantifier,
        armed_groups=armed,
        anchor_lead=before[-40:] if anchor else "",
        anchor_span_start=anchor.start if anchor else -1,
        several_countries=several_countries,
    )
