"""Casualty counts in one clause: who was killed or injured, and how many.

The grammar of casualty reporting, not a list of sentences:

- active: "killed two Americans and one Briton", "injured 18 others", "killing top Hezbollah
  commander Fuad Shukr" (a named or singular person counts 1, known to be a lower bound);
- passive: "Three Iraqi soldiers and two police officers were killed", "four people were
  killed", with elliptical follow-ons ("... and 14 others wounded", "and several more
  injured", "and another injured");
- no casualties: "caused no injuries" (injured 0), "no casualties" (both 0);
- "suffered ... injuries".

Only quantities attached to a casualty verb count: numbers of missiles, facilities, bases,
troops stationed or "times" never do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from analysis.extract.fastre import foldable, lowered, screened
from analysis.extract.lexicon import Lexicon
from analysis.extract.numbers import Count, match_count

# "Martyred" (the word of the victims' side) and "neutralised" (Turkish officials' word for
# militants killed) report deaths.
_KILL = r"killed|killing|kills|dead|died|martyred|neutrali[sz]ed"
_INJURE = r"injured|injuring|injures|wounded|wounding|wounds|hurt"
_AUX = r"(?:were|was|had\s+been|have\s+been|has\s+been|are|is|been)"
_ADV = r"(?:\s+(?:also|reported|later|all|both|each|[a-z]+ly))*"
_PASSIVE = re.compile(
    rf"\s+{_AUX}{_ADV}\s+(?:among\s+(?:the|those)\s+)?(?P<verb>{_KILL}|{_INJURE})\b",
    re.IGNORECASE,
)
#: A phrase set between a victims' noun phrase and its verb: "16 people, including
#: civilians, were killed".
_INTERPOSED = re.compile(
    r",\s*(?:including|among\s+them|most\s+of\s+them|many\s+of\s+them|mostly|"
    r"according\s+to)\b[^,]{0,80},?\s*$",
    re.IGNORECASE,
)
_NUMBER_WORDS = (
    r"\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"a\s+dozen|dozens|several|scores"
)
_QTY = (
    rf"(?:(?:at\s+least|more\s+than|about|around|nearly|some|over|another)\s+)?(?:{_NUMBER_WORDS})"
)
#: "left 3 dead and 12 injured", "leaving two people wounded".
_LEFT = re.compile(
    rf"\b(?:left|leaving|leaves)\s+(?P<np>(?:{_QTY}|another|an?)(?:\s+[\w.'’-]+){{0,3}}?)"
    rf"(?:,\s+[^,]{{1,40}},)?\s+"
    rf"(?P<verb>dead|killed|injured|wounded|hurt)\b"
    rf"(?:,?\s+and\s+(?P<np2>{_QTY}(?:\s+[\w-]+){{0,2}}?)\s+"
    rf"(?P<verb2>dead|killed|injured|wounded|hurt)\b)?"
    rf"|\b(?:left|leaving|leaves)\s+(?P<np3>{_QTY}(?:\s+[\w.'’-]+){{0,3}}?)\s+with\s+"
    rf"(?:[\w-]+\s+){{0,3}}?(?:injuries|wounds)\b",
    re.IGNORECASE,
)
#: A count right before a bare participle: "with 15 killed and 40 injured", "3 dead".
_COUNT_BEFORE = re.compile(
    rf"(?:^|,\s*|;\s*|:\s*|\(|\bwith\s+|\band\s+|\bleaving\s+)"
    rf"(?P<np>{_QTY}(?:\s+(?!and\b)[a-z-]+){{0,2}}?)\s+$",
    re.IGNORECASE,
)
#: A bare "N dead" in a list of figures: "its crew reports three dead, four injured".
_BARE_DEAD = re.compile(
    rf"(?:^|[,;:(]\s*|\b(?:with|and|reports?|reported|reporting|leaving)\s+)"
    rf"(?P<np>{_QTY}(?:\s+(?!and\b)[a-z-]+){{0,2}}?)\s+dead\b",
    re.IGNORECASE,
)
#: Deaths as a noun: "the death toll rose to 15", "bringing the toll to 22", "3 fatalities",
#: "claimed 12 lives", "the deaths of four soldiers".
_TOLL_VERB = r"(?:rose|risen|climbed|increased|reached|stood|stands|jumped|grew)"
_TOLL_ADV = r"(?:(?:later|since|now|then|subsequently)\s+)?"
_NOUN = re.compile(
    # "the death toll from Sunday's attack on the base has risen to three".
    rf"\b(?:death\s+toll|number\s+of\s+(?:dead|deaths|fatalities))"
    rf"(?:\s+(?:from|of|in)\s+[^,;.]{{1,60}}?)?\s+"
    rf"(?:(?:has\s+|had\s+)?{_TOLL_ADV}{_TOLL_VERB}\s+(?:to|at)\s+|of\s+|to\s+|at\s+)(?P<toll>{_QTY})"
    # "The toll later rose to four": a toll that rises or stands is a death toll.
    rf"|\bthe\s+toll\s+(?:(?:has|had)\s+)?{_TOLL_ADV}{_TOLL_VERB}\s+(?:to|at)\s+(?P<toll3>{_QTY})"
    rf"|\b(?:bringing|brought|raising|raised|taking|took)\s+the\s+(?:death\s+)?toll\s+to\s+"
    rf"(?P<toll2>{_QTY})"
    rf"|\b(?P<count>{_QTY})\s+(?:(?:people|civilians|soldiers|troops|fighters)\s+)?"
    rf"(?:deaths|fatalities)\b"
    rf"|\bclaim(?:ed|ing|s)?\s+(?P<lives>{_QTY})\s+lives\b"
    rf"|\bdeaths\s+of\s+(?P<deaths>{_QTY})\b",
    re.IGNORECASE,
)
#: A killing told as a noun: "the killing of Hamas commander Ali Hasan", "the
#: assassination of its leader" (one person, or a counted group, as after "killing").
#: ("the deaths of four soldiers" is read by ``_NOUN``.)
_KILLING_OF = re.compile(
    r"\b(?:killing|killings|assassination|murder)\s+of\s+(?!the\s+(?:attack|strike))",
    re.IGNORECASE,
)
_ACTIVE = re.compile(
    r"\b(?P<verb>killed|killing|kills|neutrali[sz](?:ed|ing|es)|injured|injuring|injures|wounded"
    r"|wounding|wounds|(?:took|taking|takes|claimed|claiming)\s+the\s+(?:life|lives)\s+of)"
    # (A word in quotes: 'air strikes "neutralised" four militants'.)
    r"[\"”’']?(?:\s+|(?=[.,;:)]|$))",
    re.IGNORECASE,
)
#: Intransitive deaths, the victims before the verb: "25 fighters died", "three seafarers
#: lost their lives".
_DIED = re.compile(
    r"(?P<aux>\s+(?:had|has|have))?\s+(?:\w+ly\s+)?(?P<verb>died|perished"
    r"|lost\s+(?:their|his|her)\s+lives?)\b"
    # "X had died together with General Y": Y died too.
    r"(?:\s+(?:together\s+with|along\s+with|alongside)\s+(?P<with>[^,;.]{1,60}?)"
    r"(?=\s+(?:in|at|on|near|during|when|after|while)\b|[,;.]|$))?",
    re.IGNORECASE,
)
_ELLIPSIS = re.compile(
    rf"^\s*,?\s*and\s+(?P<np>(?:[\w,-]+\s+){{0,3}}?(?:others?|more|another)|{_QTY}"
    rf"(?:\s+(?:people|others|more|civilians|soldiers))?)\s+"
    rf"(?:{_AUX}\s+)?(?P<verb>{_INJURE}|{_KILL})\b",
    re.IGNORECASE,
)
_SUFFERED = re.compile(
    r"\s+(?:\w+ly\s+)?(?:suffered|sustained|received"
    r"|(?:were|was|are|is)\s+(?:being\s+)?(?:left\s+with|treated\s+for|getting\s+treatment\s+for))"
    r"\s+(?:[\w-]+\s+){0,5}?(?:injury|injuries|wounds)\b",
    re.IGNORECASE,
)
_NONE = re.compile(
    r"\b(?:caused|causing|cause|causes|with|reported|were|are|been|there\s+were)\s+no\s+"
    r"(?P<what>injuries|casualties|deaths|fatalities)\b|\bno\s+(?P<what2>injuries|casualties|deaths|fatalities)"
    # "No injuries or damage, however, were reported".
    r"(?:\s+(?:or|and|nor)\s+[\w-]+)?(?:,\s*[\w\s]{1,20},)?\s+(?:were|was|have\s+been|resulted)\b"
    # "Neither damage nor casualties were reported".
    r"|\bneither\s+(?:[\w-]+\s+){1,2}nor\s+(?P<what3>injuries|casualties|deaths|fatalities)\b"
    # "Neither casualties nor damage were reported".
    r"|\bneither\s+(?P<what4>injuries|casualties|deaths|fatalities)\s+nor\b"
    # "No damage or injuries were reported"; "with no damage or casualties".
    r"|\bno\s+[\w-]+\s+(?:or|and|nor)\s+(?P<what5>injuries|casualties|deaths|fatalities)\b"
    # "without causing casualties", "without any injuries".
    r"|\bwithout\s+(?:causing\s+|inflicting\s+)?(?:any\s+)?"
    r"(?P<what6>injuries|casualties|deaths|fatalities)\b"
    # "There were no reports of casualties" (not "no immediate reports": too early to say).
    r"|\bno\s+reports?\s+of\s+(?:any\s+)?(?P<what7>injuries|casualties|deaths|fatalities)\b"
    r"(?!\s+(?:so\s+far|yet|as\s+yet)\b)"
    # "caused material damage only", "only material damage".
    r"|\bmaterial\s+(?P<what9>damage)\s+only\b|\bonly\s+(?P<what10>material)\s+(?:damage|losses)\b"
    # "caused no human or material losses", "no human losses".
    r"|\bno\s+(?P<what8>human)\s+(?:or\s+material\s+)?(?:losses|casualties)\b"
    # "without hurting anyone", "hurting no one".
    r"|\bwithout\s+(?:hurting|injuring|harming|wounding)\s+(?P<what11>anyone|anybody)\b"
    r"|\b(?:hurting|injuring|harming|wounding)\s+(?P<what12>no\s*-?\s*one|nobody)\b",
    re.IGNORECASE,
)
#: No one at all hurt ("Nobody was hurt", "No one was injured"): no one killed either.
_NO_ONE = re.compile(
    r"^\s*(?:nobody|no\s*-?\s*one|none)(?:\s+(?:aboard|inside|there|on\s+board))?\s*$",
    re.IGNORECASE,
)
_NP_STOP = re.compile(
    r"\s+and\s+(?:\w+\s+){0,2}?(?:injured|injuring|wounded|wounding|killed|killing)\b"
    r"|,\s|;|\.\s*$|\.\"|\s(?:in|at|on|near|during|when|while|after|who|which|since|"
    # "wounding four soldiers as well as two policemen": one list of victims.
    r"(?<!well\s)as(?!\s+well\s+as\b)|"
    r"including|across|from|by)\s|[.”\"]$",
    re.IGNORECASE,
)
_NP_START = re.compile(
    r".*(?:,\s|;\s|\bthat\s|\bsaid\s|\bsays\s|\bconfirmed\s|\bafter\s|\bwhen\s|\bwhile\s|\bwhere\s"
    # "25 fighters died and 55 were wounded"; "one of three people who died".
    r"|\b(?:died|killed|dead|wounded|injured|hurt|perished|lives)\s+(?:and|but|while)\s"
    r"|\bone\s+of\s|\bamong\s+them\s|\bwhich\s|\bwhom\s|^)",
    re.IGNORECASE | re.DOTALL,
)
#: Every pattern above needs one of these words; a clause without any states no casualties.
_ANY_WORD = re.compile(
    r"kill|dead|died|injur|wound|hurt|suffered|sustained|received|treat|\blife\b|\blives\b|perished"
    r"|martyr|neutrali"
    r"|death|fatalit|\btoll\b"
    r"|\bno\b|\bneither\b|\bwithout\b|\bonly\s+material\b|\bmaterial\s+damage\s+only\b",
    re.IGNORECASE,
)
#: One person: "the leader", "Ali Hasan", "deputy Hamas leader Ali Hasan" (a title word
#: not in the plural before a name).
_PERSON = re.compile(
    r"^(?:(?i:the|a|an|one|another|top|senior|his|her|its|their)\b|[A-Z]"
    r"|(?!(?:in|at|on|near|by|from|with|for|to|of|as|into|across|during)\s)"
    r"[a-z-]*[a-rt-z]\s+(?:[\w-]+\s+){0,2}[A-Z])"
)
#: An auxiliary (and adverbs) right before an active verb: "were killed" is passive.
_AUX_BEFORE = re.compile(rf"{_AUX}{_ADV}\s*$", re.IGNORECASE)


_ATTACKERS = re.compile(
    r"\b(?:attackers?|assailants?|gunm[ae]n|(?:suicide\s+)?bombers?|infiltrators?|perpetrators?"
    r"|hijackers?)\b",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"^(?:his|her|its|their)\s+(?=\d|[a-z]+\b)", re.IGNORECASE)
_GROUP_ELSEWHERE = re.compile(
    rf"\s+(?:in|at|near|on)\s+[^,;.]{{1,40}}?,?\s+and\s+"
    rf"(?P<np>(?:{_NUMBER_WORDS})(?:\s+(?!and\b)[a-z-]+){{0,2}}?)(?=\s+(?:in|at|near|on)\b|[,;.]|$)",
    re.IGNORECASE,
)
_CASUALTY_WORD = re.compile(rf"\b(?:{_KILL}|{_INJURE})\b", re.IGNORECASE)
_OF_THE = re.compile(r"\bof\s+the$", re.IGNORECASE)
_INDEFINITE = re.compile(r"(?:a|an)\s", re.IGNORECASE)
_SUBSET = re.compile(r"\b(?:among\s+them|including)\s+$", re.IGNORECASE)
#: Plural heads without a final "s": "the children were killed" counts no one in particular.
_PLURALS = frozenset({"children", "people", "men", "women", "personnel", "police", "crew"})
_DETERMINERS = frozenset(
    {"the", "a", "an", "one", "another", "top", "senior", "his", "her", "its", "their"}
)
_QUOTES = re.compile(r"[“”\"‘’]")
_LEADING_CONJUNCTION = re.compile(r"^(?:and|but|or|then)\s+", re.IGNORECASE)
#: Not the comma of a digit group ("1,200").
_GROUP_BREAK = re.compile(
    r",(?!\d{3}\b)\s*(?:and\s+)?|\s+and\s+|\s+as\s+well\s+as\s+"
    r"|\s+(?:along|together)\s+with\s+|\s+alongside\s+"
)
#: Victims added to a toll already told: "a third soldier", "another", "two more", "a
#: further two", "three other troops", "two additional contractors".
_ADDITIONAL = re.compile(
    r"^(?:(?:and|but)\s+)?(?:(?:a|one)\s+(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\b"
    r"|another\b|a\s+further\b|(?:[\w-]+\s+)?(?:more|other|additional|further)\b)",
    re.IGNORECASE,
)
#: "Spc. Jane Roe, 23, died": an age after a name, not a count of victims.
_AGE = re.compile(
    r"(?<=[a-z]),\s+(?:(?P<aged>aged\s+)\d{1,2}(?:\s+(?:and|to)\s+\d{1,2})?|\d{1,2}),(?=\s)"
)
#: "killed X, the commander of a unit, along with three other fighters": more victims
#: after an apposition.
_ALONG_WITH = re.compile(r"(?:,[^,;]{1,80})?,\s+(?:along|together)\s+with\s+", re.IGNORECASE)
_AND_MORE = re.compile(r"(?:,[^,;]{1,80})?,\s+and\s+(?=(?:\d+|[a-z]+)\s+others?\b)", re.I)
#: People, for "neutralised", which also tells of drones and mines made harmless.
_PERSONS = re.compile(
    r"\b(?:people|persons?|members?|militants?|terrorists?|fighters?|gunmen|gunman|attackers?"
    r"|insurgents?|suspects?|operatives?|commanders?|leaders?|soldiers?|officers?|men|man"
    r"|rebels?|assailants?|bombers?|\w+s?\s+of\s+the\s+attackers)\b",
    re.IGNORECASE,
)
_KILL_VERB = re.compile(rf"{_KILL}|neutrali|took|taking|takes|claim|perished|lost", re.IGNORECASE)


class _Patterns(NamedTuple):
    any_word: re.Pattern
    passive: re.Pattern
    interposed: re.Pattern
    np_start: re.Pattern
    ellipsis: re.Pattern
    active: re.Pattern
    aux_before: re.Pattern
    np_stop: re.Pattern
    left: re.Pattern
    suffered: re.Pattern
    none: re.Pattern
    died: re.Pattern
    count_before: re.Pattern
    noun: re.Pattern
    bare_dead: re.Pattern


_AS_WRITTEN = _Patterns(
    _ANY_WORD,
    _PASSIVE,
    _INTERPOSED,
    _NP_START,
    _ELLIPSIS,
    _ACTIVE,
    _AUX_BEFORE,
    _NP_STOP,
    _LEFT,
    _SUFFERED,
    _NONE,
    _DIED,
    _COUNT_BEFORE,
    _NOUN,
    _BARE_DEAD,
)
#: The same, for lowered text (see :func:`analysis.extract.fastre.lowered`); ``None`` if one of
#: them cannot be lowered.
_LOWERED_FORMS = tuple(lowered(p) for p in _AS_WRITTEN)
_LOWERED = (
    None
    if None in _LOWERED_FORMS
    else _Patterns(*_LOWERED_FORMS)._replace(
        # Searched over the whole clause: screened (the others gain nothing from it).
        any_word=screened(_LOWERED_FORMS[0], "dfhiklmnoprstw"),
        active=screened(_LOWERED_FORMS[5], "ciktnw"),
        left=screened(_LOWERED_FORMS[8], "l"),
    )
)


@dataclass(frozen=True)
class Casualties:
    """Killed and injured counts of one clause, and the victims' side if stated."""

    killed: Count | None = None
    injured: Count | None = None
    victim_side: str = ""
    victim_actor: str = ""
    spans: tuple[tuple[int, int], ...] = ()
    #: Every victim is added to a toll told before ("a third soldier died of his wounds",
    #: "two more were wounded").
    additional: bool = False
    #: When a victims' phrase names the attackers ("three of the attackers died"): the
    #: killed and injured counts without them (the attackers' own losses are not victims).
    besides_attackers: tuple[Count | None, Count | None] | None = None

    @property
    def found(self) -> bool:
        """True when the clause states any casualty figure (even an unquantified one)."""
        return self.killed is not None or self.injured is not None


def _clean(np: str) -> str:
    return _QUOTES.sub("", np).strip()


def count_victims(np: str) -> Count | None:
    """Count the people named by a victims' noun phrase.

    Groups joined by "and" or commas are added up: "two Americans and one Briton" is 3.
    A group with no number counts 1 when it names one person ("the leader of a militia",
    "Iranian General Qasem Soleimani", "a contractor"), as a lower bound: the clause does
    not say that no one else was hit.
    """
    text = _LEADING_CONJUNCTION.sub("", _clean(np))
    if not text:
        return None
    total: Count | None = None
    for group in _GROUP_BREAK.split(text):
        group = group.strip()
        if not group:
            continue
        # "their two sons": the count after a possessive.
        found = match_count(_POSSESSIVE.sub("", group, count=1))
        if found is not None:
            count = found[0]
            if count == Count(1, 1, 1) and _INDEFINITE.match(group):
                # "a contractor was killed" tells one victim, not that no one else died.
                count = Count(1, 1, None)
        elif _PERSON.match(group):
            words = group.split()
            # A capital opening a sentence ("The children") names no one.
            named = any(w[:1].isupper() for w in words[1:]) or (
                group[:1].isupper() and words[0].lower() not in _DETERMINERS
            )
            head = group.split(" of ")[0].split()[-1].lower()
            if (head.endswith("s") or head in _PLURALS) and not named:
                count = Count(None, None, None, vague=True)
            else:
                # One person named or described ("a contractor") is part of the toll, as far
                # as the clause tells: at least one.
                count = Count(1, 1, None)
        else:
            continue
        total = count if total is None else total + count
    return total


def _combine(a: Count | None, b: Count | None) -> Count | None:
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _without_ages(text: str) -> str:
    """``text`` with the ages told after names blanked out, offsets kept."""
    if "," not in text:
        return text
    for m in reversed(list(_AGE.finditer(text))):
        word = text[: m.start()].rsplit(None, 1)[-1]
        if m["aged"] or word[:1].isupper():
            text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    return text


def find_casualties(text: str, lexicon: Lexicon) -> Casualties:
    """Killed and injured counts stated in ``text`` (one clause of a sentence)."""
    text = _without_ages(text)
    # Lowered text is searched faster and matches the same (analysis.extract.fastre.foldable); the
    # phrases read for counts and victims are taken from ``text`` itself.
    if _LOWERED is not None and foldable(text):
        searched, rx = text.lower(), _LOWERED
    else:
        searched, rx = text, _AS_WRITTEN
    if not rx.any_word.search(searched):
        return Casualties()
    killed: Count | None = None
    injured: Count | None = None
    victims: list[str] = []
    spans: list[tuple[int, int]] = []

    # The counts without the attackers' own losses, once a victims' phrase names them.
    others: dict[str, Count | None] = {"killed": None, "injured": None}
    attackers_named = False

    def add(verb: str, count: Count | None, np: str, span: tuple[int, int]) -> None:
        nonlocal killed, injured, attackers_named
        if count is None:
            return
        if verb[:8].lower() == "neutrali" and not _PERSONS.search(np):
            return  # "neutralised two drones": things made harmless, not deaths
        kind = "killed" if _KILL_VERB.match(verb) else "injured"
        if kind == "killed":
            killed = _combine(killed, count)
        else:
            injured = _combine(injured, count)
        if _ATTACKERS.search(np):
            attackers_named = True
        else:
            others[kind] = _combine(others[kind], count)
        victims.append(np)
        spans.append(span)

    consumed = 0
    follow_ons: list[tuple[int, int]] = []
    for m in rx.passive.finditer(searched):
        if m.start() < consumed:
            continue  # the verb of an elliptical follow-on already counted
        head = searched[: m.start()]
        interposed = rx.interposed.search(head)
        if interposed:
            head = head[: interposed.start()]
        start = rx.np_start.match(head).end()
        np = text[start : len(head)]
        add(m["verb"], count_victims(np), np, (start, m.end()))
        ellipsis = rx.ellipsis.match(searched[m.end() :])
        if ellipsis:
            np_start, np_end = ellipsis.span("np")
            np = text[m.end() + np_start : m.end() + np_end]
            add(ellipsis["verb"], count_victims(np), "", (m.end(), m.end()))
            consumed = m.end() + ellipsis.end()
            follow_ons.append((m.end(), consumed))
    lefts = list(rx.left.finditer(searched))
    # Phrases counted by another rule: "... were killed and 14 others wounded", "left 5 dead
    # and 17 injured".
    follow_ons += [m.span() for m in lefts]
    for m in rx.active.finditer(searched):
        if rx.aux_before.search(searched, 0, m.start()):
            continue
        if any(start <= m.start() < end for start, end in follow_ons):
            continue
        bare = rx.count_before.search(searched, 0, m.start())
        if bare is not None and m["verb"].lower().endswith("ed"):
            # "with 15 killed and 40 injured": the count before is the victims'.
            np = text[bare.start("np") : bare.end("np")]
            if not _OF_THE.search(np):
                # ("two of the wounded were flown out": some of victims already counted.)
                add(m["verb"], count_victims(np), np, (bare.start("np"), m.end()))
            continue
        stop = rx.np_stop.search(searched[m.end() :])
        np = text[m.end() : m.end() + stop.start()] if stop else text[m.end() :]
        add(m["verb"], count_victims(np), np, (m.start(), m.end() + len(np)))
        along = _ALONG_WITH.match(searched, m.end() + len(np)) if stop else None
        while along is not None:
            # "along with Y, the deputy head of Z, and eight others": each group once.
            rest = rx.np_stop.search(searched, along.end())
            end = rest.start() if rest else len(text)
            np2 = text[along.end() : end]
            add(m["verb"], count_victims(np2), np2, (along.end(), end))
            along = _AND_MORE.match(searched, end) if rest else None
        more = _GROUP_ELSEWHERE.match(searched, m.end() + len(np)) if stop else None
        if more is not None and not _CASUALTY_WORD.search(more["np"]):
            # "killing 18 fighters in Syria and 16 people in Iraq": one toll, two places.
            np2 = text[more.start("np") : more.end("np")]
            add(m["verb"], count_victims(np2), np2, (more.start("np"), more.end("np")))
    for m in lefts:
        if m["np3"]:
            np = text[m.start("np3") : m.end("np3")]
            add("injured", count_victims(np), np, (m.start(), m.end()))
            continue
        np = text[m.start("np") : m.end("np")]
        add(m["verb"], count_victims(np), np, (m.start(), m.end()))
        if m["np2"]:
            np2 = text[m.start("np2") : m.end("np2")]
            add(m["verb2"], count_victims(np2), np2, (m.start(), m.end()))
    for m in rx.died.finditer(searched):
        head = searched[: m.start()]
        if head.endswith(" who"):
            # "one of three people who died": the victims are named before "who".
            head = head[:-4]
        else:
            interposed = rx.interposed.search(head)
            if interposed:
                head = head[: interposed.start()]
        start = rx.np_start.match(head).end()
        np = text[start : len(head)]
        if m["with"]:
            add(m["verb"], count_victims(text[m.start("with") : m.end("with")]), "", m.span())
        if _SUBSET.search(head, 0, start) and killed is not None:
            # "has killed more than 130 fighters, among them three who died in a strike on
            # Tuesday": the total runs over a period; the clause's event killed the three.
            killed = None
        add(m["verb"], count_victims(np), np, (start, m.end()))
    for m in rx.bare_dead.finditer(searched):
        if any(start <= m.start("np") < end for start, end in follow_ons):
            continue  # "left 3 dead": counted with "left"
        np = text[m.start("np") : m.end("np")]
        if _OF_THE.search(np):
            continue  # "three of the dead were fighters": a part of a toll told
        add("dead", count_victims(np), np, (m.start("np"), m.end()))
    for m in rx.noun.finditer(searched):
        group = next(g for g in ("toll", "toll2", "toll3", "count", "lives", "deaths") if m[g])
        np = text[m.start(group) : m.end(group)]
        if group == "deaths":
            # "the deaths of four soldiers and two civilians": the whole victims' phrase.
            stop = rx.np_stop.search(searched[m.start(group) :])
            end = m.start(group) + stop.start() if stop else len(text)
            np = text[m.start(group) : end]
        add("killed", count_victims(np), np, m.span())
    for m in _KILLING_OF.finditer(searched):
        if any(start <= m.start() < end for start, end in spans):
            continue
        stop = rx.np_stop.search(searched[m.end() :])
        np = text[m.end() : m.end() + stop.start()] if stop else text[m.end() :]
        add("killed", count_victims(np), np, (m.start(), m.end() + len(np)))
    for m in rx.suffered.finditer(searched):
        head = searched[: m.start()]
        start = rx.np_start.match(head).end()
        np = text[start : m.start()]
        add("injured", count_victims(np), np, (start, m.end()))
    for m in rx.none.finditer(searched):
        # Each alternative names what it denies in one group of its own.
        what = m[m.lastgroup].lower()
        # (No human losses, material damage only, or no one hurt: no one killed or hurt.)
        if what in ("human", "damage", "material", "anyone", "anybody", "nobody"):
            what = "casualties"
        what = "casualties" if re.fullmatch(r"no\s*-?\s*one", what) else what
        zero = Count(0, 0, 0)
        # "No injuries" says no one was killed either; "no deaths" says nothing of injuries.
        if what in ("injuries", "casualties") and injured is None:
            injured = zero
        if killed is None:
            killed = zero
        spans.append((m.start(), m.end()))
    zero = Count(0, 0, 0)
    if killed is None and injured == zero and any(_NO_ONE.match(_clean(np)) for np in victims):
        # "Nobody was hurt": no one was killed either (data/README.md, Casualties).
        killed = zero
    additional = bool(victims) and all(np and _ADDITIONAL.match(_clean(np)) for np in victims)
    side, actor = "", ""
    for np in victims:
        hits = lexicon.actors.find(np)
        if hits:
            side, actor = hits[0].value.side, hits[0].value.actor
            break
    besides = (others["killed"], others["injured"]) if attackers_named else None
    return Casualties(killed, injured, side, actor, tuple(spans), additional, besides)
