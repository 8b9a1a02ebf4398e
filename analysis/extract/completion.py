"""Complete an article's mentions with what the rest of the article says.

A clause often leaves out what the article states elsewhere: who is behind an attack ("The
Pentagon blamed Kataib Hezbollah"), who answered it ("In reply, strikes hit four sites used
by the group"), when it happened, and which event it answers. After every sentence has been
read (:mod:`analysis.extract.article`), :func:`complete_mentions` makes four passes over the
article's mentions:

1. **Attribution.** Sentences holding attribution wording (``data/lexicon/attribution.csv``)
   name a culprit: "X claimed responsibility" (``claimed``), "officials blamed X"
   (``blamed``, ``attributed_by`` = who blamed), "probably by X" (``suspected``), "carried
   out by X" (``stated``). A mention without an initiator takes the nearest attribution of
   the article whose culprit is not on the mention's target side (a claim outranks a blame,
   a blame a suspicion, when equally near); a mention that names its initiator is
   ``stated``, or ``suspected`` when its own sentence hedges it. "X denied" sets
   ``denied_by`` on the article's mentions of X's side (recorded, never dropped). "Israel
   held X responsible" blames X; a state named as a backer ("groups backed by Iran")
   stands for the side it backs, and a campaign named with its doer ("militias halted
   their attacks on US forces") is that doer's, ``suspected``. A sentence turning to
   another matter ("In a separate matter, ...") takes no culprit from before it.
2. **The answering side.** A mention that names only its target takes as initiator the side
   the article reports fighting that target, when that side is a state (the US and Israel
   announce their strikes; an attack *on* them is attributed only by the wording above);
   failing that, the state the headline shows acting on that group, or the one state the
   article shows fighting armed groups (``suspected``).
   What is left has no initiator: ``actor1_basis`` is ``unattributed`` (the event table
   codes its side ``UNKNOWN``).
3. **Dates.** An undated mention takes the date of the nearest dated mention of the article
   with compatible sides and action (the event under discussion); failing that, it is
   bounded by the article's time frame: from the earliest date the article gives (at most
   92 days back) or 31 days before publication, whichever is earlier, to the
   publication date (``date_text`` says so; ``date_basis`` is ``frame``).
4. **Links.** A mention whose sentence (or, for the article's first response, whose
   headline) presents it as an answer ("in reply", "retaliatory strikes") and that states
   no link answers the latest earlier event of the article that came from its target's
   side. When the article reports no such event, the mention keeps the words that state
   the answer in ``link_text`` with an empty ``responds_to``: the cause is sought in the
   rest of the corpus when events are built (:func:`analysis.events.reconcile.link_causes`).
   A promised or threatened response ("vowed to respond") states none.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass

from analysis.extract.clauses import content_span
from analysis.extract.lexicon import ActorEntry, Hit, Lexicon
from analysis.extract.reading import ADJ_ARMED, launch_actions
from analysis.extract.sentences import Sentence
from analysis.records import Mention

#: Bases ranked: a claim outranks a blame, a blame a suspicion; a hedge ("probably fired
#: by X") outranks the plain statement it qualifies.
_RANK = {"claimed": 0, "blamed": 1, "suspected": 2, "stated": 3}
#: Culprit after the cue ("blamed X", "carried out by X"), or before it ("X claimed").
_CULPRIT_AFTER = {"blamed": True, "stated": True, "suspected": True, "claimed": False}
#: How far back the article's time frame reaches for an undated event.
_FRAME_DAYS = 92
_DEFAULT_FRAME = 31
#: How far (in sentences, or in mentions) the article-level passes look from a mention, so
#: that a very long text is completed in time linear in its length.
_WINDOW = 60
_NOUN_AFTER = re.compile(r"[\s-]+[a-z]")
#: After "claimed": lives taken, not responsibility ("claimed two lives").
_CLAIMED_LIVES = re.compile(r"\s+(?:[\w-]+\s+){0,3}?lives?\b", re.IGNORECASE)
#: How many sentences after an event an attribution naming no act of force may qualify it.
_BARE_REACH = 2
#: How far after an attribution cue its culprit may be named (characters).
_CULPRIT_GAP = 40
#: Cue kinds (``cues.csv``) that present a clause as an answer or as following another.
_LINK_CUES = ("link", "link_weak", "link_by", "link_back")
#: Cue kinds that state an answer, not only a sequence ("after" is no answer by itself).
_ANSWER_CUES = ("link", "link_by")
#: A response promised, threatened or deliberated is no answer yet.
_PROMISED = re.compile(
    r"\b(?:promis|vow|threat|warn|pledg|plan|consider|weigh|would|will|could|may|might)\w*\b"
    r"[^.;]{0,40}\b(?:respon|retaliat|revenge|reprisal|repl)",
    re.IGNORECASE,
)


#: A sentence that turns to another matter ("In a separate matter, ...", "In an unrelated
#: development, ..."): who did what before it says nothing of what it reports, and back.
_OTHER_MATTER = re.compile(
    r"^\W*(?:in\s+an?\s+(?:separate|unrelated|different)\s+(?:matter|development|case|story)"
    r"|in\s+other\s+news|unrelated(?:ly)?\b)",
    re.IGNORECASE,
)


def _matters(sentences: list[Sentence]) -> list[int]:
    """The indexes of the sentences that turn to another matter, in order."""
    return [s.index for s in sentences if _OTHER_MATTER.match(s.text)]


def _same_matter(turns: list[int], a: int, b: int) -> bool:
    """Whether sentences ``a`` and ``b`` are on one matter (no turn after the earlier one
    up to the later one)."""
    lo, hi = min(a, b), max(a, b)
    k = bisect.bisect_right(turns, lo)
    return k == len(turns) or turns[k] > hi


#: "groups backed by Iran", "the groups behind the attacks receive backing from Iran": the
#: state named is the backer; the doer is the armed side it backs.
_BACKED_BY = re.compile(
    r"\b(?:(?:backed|supported|sponsored|funded|armed|directed)\s+by|(?:backing|support)\s+"
    r"from|aligned\s+with|(?:ties|links)\s+to)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
#: The armed side a state backs (the only one the vocabularies name).
_PROXY = {"IRAN": "IRAN_ALIGNED"}
#: A campaign named with its doer ("groups in Iraq backed by Iran announced an end to their
#: attacks on US troops"): the doer named before it is the article's implied culprit of
#: attacks on that target that no one is said to have carried out.
_CAMPAIGN = re.compile(
    r"\b(?:their|its)\s+(?:[\w-]+\s+){0,2}?(?:attacks|strikes|campaign)\s+(?:on|against)\s",
    re.IGNORECASE,
)
#: A series told with its doer ("the fifth missile the Houthis have fired in the past two
#: days", "militias have launched dozens of attacks"): the doer right before it.
_SERIES = re.compile(
    r"\s+(?:have|has)\s+(?:now\s+|already\s+)?(?:fired|launched|carried\s+out|staged)\b",
    re.IGNORECASE,
)


#: "held Hezbollah responsible": the culprit between the verb and "responsible".
_HELD = re.compile(
    r"\b(?:held|holds|hold|holding)\s+[\"“‘']?((?:[\w'’.-]+\s+){1,5}?)responsible\b", re.IGNORECASE
)

#: After "responsible": an act named by reference ("for this criminal aggression", "for
#: the blasts", "for the attack").
_FOR_THE_ACT = re.compile(
    r"\s+for\s+(?:this|that|these|those|the)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:attacks?|aggression|blasts?|explosions?|bombings?|strikes?|massacres?|crimes?|assaults?)\b",
    re.IGNORECASE,
)

#: "Hezbollah bears responsibility for the attack", said of a group by someone else: a
#: blame whose culprit comes right before it ("bore no responsibility" is a denial).
_BEARS = re.compile(
    r"\s+(?:bears|bore|bear)\s+(?:full\s+|the\s+|sole\s+)?responsibility\s+for\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Attribution:
    """One attribution statement of an article."""

    sentence_index: int
    basis: str
    culprit: ActorEntry
    by: str
    #: The side of who blamed (``""`` unless blamed).
    by_side: str = ""
    #: Whether the sentence names an act of force; one that does not ("Washington blamed
    #: X.") speaks of the event reported just before it.
    has_act: bool = True
    #: Told of a person in a relative clause ("a commander whom Israel blamed for a rocket
    #: strike"): about the act after "for", not the act of the clause it sits in.
    relative: bool = False


def _near(attributions: list[Attribution], index: int) -> list[Attribution]:
    """The attributions within :data:`_WINDOW` sentences of sentence ``index`` (they are in
    sentence order)."""
    keys = [a.sentence_index for a in attributions]
    lo = bisect.bisect_left(keys, index - _WINDOW)
    hi = bisect.bisect_right(keys, index + _WINDOW)
    return attributions[lo:hi]


_UNIDENTIFIED = re.compile(
    r"\b(?:unidentified|unknown|unmarked)\s+(?:[\w-]+\s+)?(?:drones?|aircraft|warplanes|jets"
    r"|planes|gunmen|assailants|attackers|militants|helicopters)\b",
    re.IGNORECASE,
)
_SAME_DAY = re.compile(r"\b(?:the\s+same\s+(?:day|night)|that\s+(?:same\s+)?day)\b", re.I)
_ON_TARGET = re.compile(r"\b(?:on|against|at|targeting)\s+(?:the\s+)?$", re.IGNORECASE)
_WHOM = re.compile(r"\b(?:whom|which)\s+$", re.IGNORECASE)
#: Right before a hedge on the victims' identity: "killing two or three suspected militants".
_VICTIMS_BEFORE = re.compile(
    r"\b(?:kill(?:ing|ed|s)?|wound(?:ing|ed|s)?|injur(?:ing|ed|es)|arrest(?:ing|ed|s)?"
    r"|detain(?:ing|ed|s)?|captur(?:ing|ed|es))\s+(?:[\w-]+\s+){0,4}$",
    re.IGNORECASE,
)


def _replace(record: Mention, **changes) -> Mention:
    return type(record)(**{**vars(record), **changes})


def _actors(text: str, lexicon: Lexicon) -> list[Hit]:
    # Nationality adjectives count: "an air strike, suspected to be Israeli".
    return lexicon.actors.find(text)


def find_attributions(
    sentences: list[Sentence], lexicon: Lexicon
) -> tuple[list[Attribution], list[tuple[int, ActorEntry]], set[int]]:
    """Attribution statements, denials ``(sentence index, denier)`` and the indexes of
    sentences holding response wording, over the article's body sentences."""
    found: list[Attribution] = []
    denials: list[tuple[int, ActorEntry]] = []
    responses: set[int] = set()
    matcher = lexicon.attribution
    if matcher is None:
        return found, denials, responses
    for sentence in sentences:
        if any(h.value in _LINK_CUES for h in lexicon.cues.find(sentence.text)):
            responses.add(sentence.index)
        cues = matcher.find(sentence.text)
        campaign = _CAMPAIGN.search(sentence.text)
        series = _SERIES.search(sentence.text)
        if not cues and campaign is None and series is None and " responsib" not in sentence.text:
            continue
        # An attribution is about an act of force: "we hold the coalition responsible for
        # the consequences" qualifies no event far from it.
        # ("saying it had launched the drone": a launch verb before a weapon is an act.)
        acts = launch_actions(sentence.text, lexicon, lexicon.actions.find(sentence.text))
        actors = [_proxied(sentence.text, a, lexicon) for a in _actors(sentence.text, lexicon)]
        tally = any(h.value == "quantifier" for h in lexicon.cues.find(sentence.text))
        if campaign is not None:
            doer = _campaign_doer(sentence.text, campaign, actors, lexicon)
            if doer is not None:
                found.append(Attribution(sentence.index, "suspected", doer, "", "", True))
        if series is not None:
            doers = [
                a
                for a in actors
                if a.end == series.start() and lexicon.sides.get(a.value.side) == "armed_group"
            ]
            if doers:
                found.append(Attribution(sentence.index, "suspected", doers[0].value, "", "", True))
        for bears in _BEARS.finditer(sentence.text):
            # "Based on army assessments, Hezbollah bears responsibility for the attack":
            # the group named just before, blamed by the other side named before it.
            named = [a for a in actors if a.end == bears.start() and a.value.role != "target"]
            if not named:
                continue
            culprit = named[0].value
            holders = [
                a for a in actors if a.end <= named[0].start and a.value.side != culprit.side
            ]
            by, by_side = (holders[-1].value.actor, holders[-1].value.side) if holders else ("", "")
            found.append(Attribution(sentence.index, "blamed", culprit, by, by_side, bool(acts)))
        for held in _HELD.finditer(sentence.text):
            # "Israel held Hezbollah responsible for the attack": the one held, by the holder.
            inside = [a for a in actors if held.start(1) <= a.start and a.end <= held.end(1)]
            doers = [a for a in inside if a.value.role != "target"]
            if not doers:
                continue
            culprit = doers[0].value
            holders = [a for a in actors if a.end <= held.start() and a.value.side != culprit.side]
            by, by_side = (holders[-1].value.actor, holders[-1].value.side) if holders else ("", "")
            # "held X responsible for this criminal aggression": the act it names by
            # reference is the one told before, as far back as an act named outright.
            named_act = bool(acts) or bool(_FOR_THE_ACT.match(sentence.text, held.end()))
            found.append(Attribution(sentence.index, "blamed", culprit, by, by_side, named_act))
        for cue in cues:
            kind = cue.value
            if kind == "claimed" and _CLAIMED_LIVES.match(sentence.text, cue.end):
                continue  # "the incident had claimed two lives" claims no responsibility
            if kind == "response":
                responses.add(sentence.index)
                continue
            # A culprit is an actor that may initiate, named close to the cue ("a suspected
            # rocket attack hurt US personnel" names no culprit).
            doers = [
                a
                for a in actors
                if a.value.role != "target"
                # "a militia with Iranian backing": an adjective names a doer before an
                # armed force ("Iranian forces") or alone ("suspected to be Israeli"), not
                # before another noun.
                and (
                    a.value.role != "adjective"
                    or ADJ_ARMED.match(sentence.text, a.end)
                    or not _NOUN_AFTER.match(sentence.text, a.end)
                )
            ]
            if kind == "claimed" and tally:
                continue  # "The group has claimed dozens of attacks": a tally, not one act
            before = [a for a in doers if a.end <= cue.start]
            # "claimed attacks on Israel": the one attacked is no culprit.
            after = [
                a
                for a in doers
                if a.start >= cue.end
                and a.start - cue.end <= _CULPRIT_GAP
                # ("blamed the attacks on X": there, X is the culprit.)
                and not (
                    kind == "claimed"
                    and _ON_TARGET.search(sentence.text, max(0, a.start - 12), a.start)
                )
            ]
            if (
                len(before) > 1
                and not before[-1].value.specific
                and before[-2].value.specific
                and before[-2].value.side == before[-1].value.side
                and "," in sentence.text[before[-2].end : before[-1].start]
            ):
                # "The Islamic Resistance in Iraq, an umbrella of Iran-backed militias,
                # claimed ...": the name, not its description.
                before = before[:-1]
            if kind == "suspected" and _VICTIMS_BEFORE.search(
                sentence.text, max(0, cue.start - 50), cue.start
            ):
                continue  # "killing two suspected militants": who the victims were
            if kind == "suspected":
                # "a suspected Israeli strike": the doer named between the hedge and the act
                # is in doubt, not the act.
                named = [
                    a
                    for a in actors
                    if a.value.role == "adjective"
                    and 0 <= a.start - cue.end <= 2
                    and any(h.value.kind == "noun" and 0 <= h.start - a.end <= 12 for h in acts)
                ]
                if named:
                    culprit = named[0].value
                    found.append(Attribution(sentence.index, kind, culprit, "", "", True))
                    continue
            if kind == "suspected" and any(
                h.value.kind == "noun" and 0 <= h.start - cue.end <= 20 for h in acts
            ):
                continue  # "a suspected rocket attack": the attack is in doubt, not its doer
            if kind == "denied":
                if before:
                    denials.append((sentence.index, before[-1].value))
                continue
            if any(d.value == "denied" and 0 <= cue.start - d.end <= _CULPRIT_GAP for d in cues):
                continue  # "Iran denied being behind the attacks" attributes nothing
            if _CULPRIT_AFTER[kind]:
                chosen = after[0] if after else (before[-1] if before else None)
            else:
                chosen = before[-1] if before else (after[0] if after else None)
            if chosen is None:
                continue
            culprit = chosen.value
            by = by_side = ""
            whom = (
                _WHOM.search(sentence.text, max(0, before[-1].start - 12), before[-1].start)
                if kind == "blamed" and not after and len(before) > 1
                else None
            )
            if whom is not None and before[-2].value.side != before[-1].value.side:
                # "a Hezbollah commander whom Israel blamed for ...": the one before "whom"
                # is blamed, by the one after it.
                blamer = before[-1].value
                culprit, side = before[-2].value, blamer.side
                found.append(
                    Attribution(sentence.index, kind, culprit, blamer.actor, side, True, True)
                )
                continue
            if kind == "blamed":
                blamers = [a for a in before if a.value.side != culprit.side]
                by = blamers[0].value.actor if blamers else ""
                by_side = blamers[0].value.side if blamers else ""
            elif kind == "claimed":
                by = culprit.actor
            found.append(Attribution(sentence.index, kind, culprit, by, by_side, bool(acts)))
    return found, denials, responses


def _proxied(text: str, hit: Hit, lexicon: Lexicon) -> Hit:
    """``hit``, or the armed side its state backs when named as a backer (:data:`_BACKED_BY`)."""
    proxy = _PROXY.get(hit.value.side)
    if proxy is None or not _BACKED_BY.search(text, max(0, hit.start - 30), hit.start):
        return hit
    # The side's generic name ("Iran-aligned militias"): the text names no one group.
    entry = next(
        (e for e in lexicon.actors.table.values() if e.side == proxy and not e.specific),
        ActorEntry(lexicon.side_actors.get(proxy, proxy), proxy, "any", False),
    )
    return Hit(hit.start, hit.end, hit.text, entry)


def _campaign_doer(
    text: str, campaign: re.Match, actors: list[Hit], lexicon: Lexicon
) -> ActorEntry | None:
    """The armed group named last before a campaign (:data:`_CAMPAIGN`), if the campaign's
    target names another side."""
    before = [
        a
        for a in actors
        if a.end <= campaign.start()
        and a.value.role != "target"
        and lexicon.sides.get(a.value.side) == "armed_group"
    ]
    if not before:
        return None
    doer = before[-1].value
    after = [a for a in actors if a.start >= campaign.end() and a.start - campaign.end() <= 20]
    if not after or after[0].value.side == doer.side:
        return None
    return doer


def _state(lexicon: Lexicon, side: str) -> bool:
    return lexicon.sides.get(side) == "state"


def _attribute(
    m: Mention, attributions: list[Attribution], lexicon: Lexicon, turns: list[int] = ()
) -> Mention:
    blamed_target = [
        a
        for a in attributions
        if a.sentence_index == m.sentence_index
        and a.basis in ("blamed", "claimed")
        and not a.relative
        and m.actor2_side
        and a.culprit.side == m.actor2_side
        and a.culprit.side != m.actor1_side
    ]
    if blamed_target:
        # "The US blamed X for an attack": the clause reads the blamer as the doer and X
        # as the target; the attribution says X did it, to the blamer's side.
        a = blamed_target[0]
        return _replace(
            m,
            actor1=a.culprit.actor,
            actor1_side=a.culprit.side,
            actor1_basis=a.basis,
            attributed_by=a.by,
            actor2=m.actor1 or a.by,
            actor2_side=m.actor1_side or a.by_side,
        )
    if m.actor1_side:
        own = [
            a
            for a in attributions
            if a.sentence_index == m.sentence_index and a.culprit.side == m.actor1_side
        ]
        best = min(own, key=lambda a: _RANK[a.basis], default=None)
        if best is None:
            # A claim read from the clause itself ("X said it had struck") stays.
            return _replace(m, actor1_basis=m.actor1_basis or "stated")
        if m.actor1_basis and _RANK.get(m.actor1_basis, 9) <= _RANK[best.basis]:
            return m
        return _replace(m, actor1_basis=best.basis, attributed_by=best.by)
    usable = [
        a
        for a in attributions
        if a.culprit.side != m.actor2_side
        and lexicon.sides.get(a.culprit.side) != "civilians"
        and (a.has_act or 0 < a.sentence_index - m.sentence_index <= _BARE_REACH)
        and _same_matter(turns, a.sentence_index, m.sentence_index)
    ]
    if not usable:
        return m

    def nearness(a: Attribution) -> tuple[int, int, int]:
        gap = a.sentence_index - m.sentence_index
        # Earlier sentences before later ones at the same distance: attribution is usually
        # given with or before the report it qualifies.
        return (abs(gap), 0 if gap <= 0 else 1, _RANK[a.basis])

    best = min(usable, key=nearness)
    others = sorted({a.by for a in usable if a.by and a.by != best.by})
    by = "; ".join(x for x in [best.by, *others] if x)
    return _replace(
        m,
        actor1=best.culprit.actor,
        actor1_side=best.culprit.side,
        actor1_basis=best.basis,
        attributed_by=by,
    )


def _dyads(mentions: list[Mention]) -> dict[str, tuple[dict[str, int], dict[str, dict[str, int]]]]:
    """Per side, the sides the article reports fighting it (with counts) and their names."""
    out: dict[str, tuple[dict[str, int], dict[str, dict[str, int]]]] = {}
    for other in mentions:
        a, b = other.actor1_side, other.actor2_side
        if not a or not b or a == b:
            continue
        for target, side, actor in ((a, b, ""), (b, a, other.actor1)):
            counts, names = out.setdefault(target, ({}, {}))
            counts[side] = counts.get(side, 0) + 1
            if actor:
                names.setdefault(side, {})
                names[side][actor] = names[side].get(actor, 0) + 1
    return out


def _opponent(m: Mention, dyads: dict, lexicon: Lexicon) -> tuple[str, str] | None:
    """(side, actor) the article reports fighting ``m``'s target, when that side is a state
    (``dyads``: :func:`_dyads` of the article's mentions)."""
    target = m.actor2_side
    if lexicon.sides.get(target) != "armed_group" or target not in dyads:
        return None
    counts, names = dyads[target]
    states = [s for s in counts if _state(lexicon, s)]
    if not states:
        return None
    side = min(states, key=lambda s: (-counts[s], s))
    named = names.get(side)
    if named:
        return side, min(named.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return side, lexicon.side_actors.get(side, "")


def _fighting_groups(
    mentions: list[Mention], lexicon: Lexicon
) -> dict[str, tuple[str, frozenset[str]]]:
    """State side -> (its first-named actor, the armed sides it is shown fighting, ``""``
    among them when it acts with no target named), for the states the article shows
    fighting armed groups (acting on one, or with no target named, or attacked by one)."""
    names: dict[str, str] = {}
    foes: dict[str, set[str]] = {}
    for other in mentions:
        a, b = other.actor1_side, other.actor2_side
        if _state(lexicon, a) and (not b or lexicon.sides.get(b) == "armed_group"):
            names.setdefault(a, other.actor1)
            foes.setdefault(a, set()).add(b)
        if _state(lexicon, b) and lexicon.sides.get(a) == "armed_group":
            names.setdefault(b, lexicon.side_actors.get(b, b))
            foes.setdefault(b, set()).add(a)
    return {side: (names[side], frozenset(foes[side])) for side in names}


def _accusers(attributions: list[Attribution], lexicon: Lexicon) -> dict[str, dict[str, str]]:
    """Armed side -> the states that blame it in the article (side -> the first blamer)."""
    out: dict[str, dict[str, str]] = {}
    for a in attributions:
        if (
            a.basis == "blamed"
            and _state(lexicon, a.by_side)
            and lexicon.sides.get(a.culprit.side) == "armed_group"
        ):
            out.setdefault(a.culprit.side, {}).setdefault(a.by_side, a.by)
    return out


def _implied_opponent(
    m: Mention,
    fighting: dict[str, str],
    title_dyad: tuple[str, str, str] | None,
    lexicon: Lexicon,
    accusers: dict[str, dict[str, str]] | None = None,
) -> tuple[str, str] | None:
    """(side, actor) of the state an article implies hit ``m``'s target, an armed group,
    when no event of the article names both sides: the state its headline shows acting on
    that group ("Israel strikes Hezbollah sites"), or else the one state the article shows
    fighting armed groups ("An Israeli drone struck a car. Later, strikes hit Hezbollah
    positions"), or else, when the article shows no state fighting, the one state that
    blames that group ("The army said Hezbollah bears responsibility ... in retaliation
    for the killing of a Hezbollah commander": the accuser is the group's opponent).
    Returned as suspected: the text implies it, it does not say it."""
    target = m.actor2_side
    if lexicon.sides.get(target) != "armed_group":
        return None
    if title_dyad is not None and title_dyad[2] == target:
        return title_dyad[0], title_dyad[1]
    if not fighting and accusers and len(accusers.get(target, {})) == 1:
        ((side, actor),) = accusers[target].items()
        return side, actor or lexicon.side_actors.get(side, side)
    if len(fighting) != 1:
        return None
    ((side, (actor, foes)),) = fighting.items()
    if not foes & {"", target}:
        # "Israel struck Hezbollah ... the killing of a Hamas leader in Beirut": a state
        # shown fighting only other named groups is not implied to have hit this one.
        return None
    return (side, actor) if side != target else None


def _answerer(m: Mention, earlier: list[Mention]) -> Mention:
    """A response naming neither side ("the retaliatory strike") is by the side that the
    article's latest earlier event with both sides hit, on the side that hit it."""
    both = [
        c
        for c in earlier
        if c.actor1_side
        and c.actor2_side
        and c.actor1_side != c.actor2_side
        # An answer comes after what it answers: an event of the same day may be the
        # answer itself, named again.
        and (not m.event_date or (c.event_date and c.event_date < m.event_date))
    ]
    if not both:
        return m
    c = max(both, key=lambda c: (c.event_date, c.sentence_index))
    return _replace(
        m,
        actor1=c.actor2,
        actor1_side=c.actor2_side,
        actor1_basis="stated",
        actor2=c.actor1,
        actor2_side=c.actor1_side,
    )


def _sides_fit(m: Mention, d: Mention) -> bool:
    return (not m.actor1_side or not d.actor1_side or m.actor1_side == d.actor1_side) and (
        not m.actor2_side or not d.actor2_side or m.actor2_side == d.actor2_side
    )


def _family(m: Mention) -> str:
    return "attack" if m.event_type else ""


def _precision(days: int) -> str:
    """The precision of an interval ``days`` long (0: one day)."""
    for limit, name in ((0, "day"), (7, "week"), (31, "month"), (92, "quarter")):
        if days <= limit:
            return name
    return "year"


def _frame_start(mentions: list[Mention], published: dt.date) -> dt.date:
    """The start of the article's time frame (see the module docstring)."""
    floor = published - dt.timedelta(days=_FRAME_DAYS)
    starts = [dt.date.fromisoformat(d.date_start) for d in mentions if d.date_start]
    starts = [d for d in starts if floor <= d <= published]
    return min([*starts, published - dt.timedelta(days=_DEFAULT_FRAME)])


#: "Recent Israeli strikes killed ...", "militias recently fired ...": an event before the
#: day of the report (not "the most recent", not a period "in recent weeks").
_RECENT = re.compile(
    r"(?<!\bmost\s)\brecent(?:ly)?\b(?!\s+(?:days|weeks|months|years)\b)", re.IGNORECASE
)


def _date(
    m: Mention, start: dt.date, published: dt.date, statement: tuple[str, str] | None = None
) -> Mention:
    if m.date_start or m.event_date:
        return m
    end, best, text = published, published, f"publication {published}"
    told = dt.date.fromisoformat(statement[0]) if statement is not None else None
    if told is not None and told <= published and _SAME_DAY.search(m.sentence_text):
        # "In a statement on Sunday, the group said it had hit the base the same day".
        return _replace(
            m,
            date_text=f"the same day as the statement that tells it ({statement[1]}, {told})",
            date_start=told.isoformat(),
            date_end=told.isoformat(),
            event_date=told.isoformat(),
            date_precision="day",
        )
    if told is not None and told <= published:
        # "Central Command confirmed on Tuesday that a destroyer had intercepted a missile":
        # on or before the day of the statement, that day as the best guess.
        end = best = told
        start = min(start, told)
        text = f"the day of the statement that tells it ({statement[1]}, {told})"
    elif _RECENT.search(m.sentence_text) and start < published:
        # Told as recent, not as today's news: any day of the frame before publication, the
        # middle one as the best guess.
        end = published - dt.timedelta(days=1)
        best = start + (end - start) // 2
        text = f"the day before publication {end} (recent)"
    return _replace(
        m,
        date_text=f"undated; article frame {start.isoformat()} to {text}",
        date_start=start.isoformat(),
        date_end=end.isoformat(),
        event_date=best.isoformat(),
        date_precision=_precision((end - start).days),
        date_basis="frame",
    )


def _link(m: Mention, mentions: list[Mention]) -> Mention:
    if m.responds_to or not m.actor1_side or not m.event_date:
        return m
    causes = [
        c
        for c in mentions
        if c is not m
        and c.actor1_side
        and c.actor1_side != m.actor1_side
        and (c.actor1_side == m.actor2_side or c.actor2_side == m.actor1_side)
        and c.event_date
        and c.event_date <= m.event_date
        and m.mention_id not in c.responds_to
        and c.sentence_index != m.sentence_index
    ]
    if not causes:
        return m
    # The event that hit the answering side, from the side answered, before any that only
    # shares one of the two; then one of an earlier day (an event of the answer's own day
    # may follow it); then the latest; then the nearest in the text.
    cause = max(
        causes,
        key=lambda c: (
            c.actor1_side == m.actor2_side and c.actor2_side == m.actor1_side,
            c.event_date < m.event_date,
            c.event_date,
            -abs(c.sentence_index - m.sentence_index),
        ),
    )
    return _replace(m, responds_to=(*m.responds_to, cause.mention_id))


def _link_unclaimed(m: Mention, mentions: list[Mention]) -> Mention:
    """ "In response, US helicopters struck the launchers": a stated answer (``link_text``)
    that :func:`_link` found no cause for answers the latest attack told before it on the
    answering side that nobody is said to have made."""
    if m.responds_to or not m.link_text or not m.actor1_side or not m.event_date:
        return m
    causes = [
        c
        for c in mentions
        if not c.actor1_side
        and c.actor2_side == m.actor1_side
        and c.event_date
        and c.event_date <= m.event_date
        and c.sentence_index < m.sentence_index
    ]
    if not causes:
        return m
    cause = max(causes, key=lambda c: (c.sentence_index, c.event_date))
    return _replace(m, responds_to=(cause.mention_id,))


#: What an answer strikes when it strikes the doer of an attack told before: "the cell that
#: fired the rockets", "the launchers", "the launch sites from which the drones took off".
_THE_LAUNCHERS = re.compile(
    r"\b(?:struck|hit|targeted|destroyed|attacked|bombed)\s+the\s+(?:[\w-]+\s+)?"
    r"(?:launchers?|launch\s+(?:sites?|positions?|pads?)|(?:cell|squad|team|militants|gunmen)"
    r"\s+(?:that|which|who)\s+(?:had\s+)?(?:fired|launched))\b",
    re.IGNORECASE,
)


def _struck_the_launchers(m: Mention, before: list[Mention]) -> Mention:
    """ "The Israeli military said it struck the cell that fired the rockets": a strike on
    the doer of an attack told before answers the latest such attack on the striker's
    side (``link_text`` the words, so that an undated answer comes on or after it)."""
    if not m.actor1_side:
        return m
    said = _THE_LAUNCHERS.search(m.sentence_text)
    if said is None:
        return m
    causes = [
        c
        for c in before
        if c.sentence_index < m.sentence_index
        and c.event_date
        and c.actor1_side not in ("", m.actor1_side)
        and c.actor2_side in ("", m.actor1_side)
    ]
    if not causes:
        return m
    cause = max(causes, key=lambda c: c.sentence_index)
    return _replace(m, responds_to=(cause.mention_id,), link_text=m.link_text or said[0])


def _answerer_sides(mentions: tuple[Mention, ...]) -> dict[str, set[str]]:
    """mention id -> the initiator sides of the article's mentions stated to answer it."""
    out: dict[str, set[str]] = {}
    for r in mentions:
        if r.actor1_side:
            for cause in r.responds_to:
                out.setdefault(cause, set()).add(r.actor1_side)
    return out


def _causes_hit_the_answerer(mentions: tuple[Mention, ...]) -> tuple[Mention, ...]:
    """A cause naming neither side hit the side that answers it ("Hezbollah fired rockets
    in reprisal for an overnight strike on Hanaway": the strike hit Hezbollah's side)."""
    answerers = {cause: r for r in mentions if r.actor1_side for cause in r.responds_to}
    return tuple(
        _replace(
            m,
            actor2=answerers[m.mention_id].actor1,
            actor2_side=answerers[m.mention_id].actor1_side,
        )
        if m.mention_id in answerers and not m.actor1_side and not m.actor2_side
        else m
        for m in mentions
    )


#: A sentence that opens on the event under discussion: "This attack was carried out in
#: retaliation for ...", "The strikes were a response to ...", "It came in response to ...".
_REFERS_BACK = re.compile(
    r"^\W*(?:(?:this|these|that|those|the|its|their)\s+(?:[\w’'-]+\s+){0,2}?"
    r"(?:attacks?|strikes?|raids?|operations?|bombings?|barrages?|assaults?|response)\b"
    r"|(?:it|they)\s)",
    re.IGNORECASE,
)


def _answering_sentence(
    m: Mention, discussed: dict[str, int], by_index: dict[int, Sentence]
) -> Sentence | None:
    """The sentence that presents ``m`` as an answer: its own, or a later one without a
    mention that opens on the event under discussion ("This attack was carried out in
    retaliation for ..."); a general remark ("the US has launched several strikes in
    retaliation") answers nothing in particular."""
    index = discussed.get(m.mention_id)
    if index is None:
        return by_index.get(m.sentence_index)
    sentence = by_index.get(index)
    return sentence if sentence is not None and _REFERS_BACK.match(sentence.text) else None


def _stated_answer(m: Mention, sentence: Sentence | None, lexicon: Lexicon) -> Mention:
    """``m`` with the words of ``sentence`` that present it as an answer in ``link_text``
    (a stated answer whose cause the article does not report), if it has none yet."""
    if m.link_text or not m.actor1_side or sentence is None:
        return m
    text = sentence.text
    if _PROMISED.search(text):
        return m
    cues = [h for h in lexicon.cues.find(text) if h.value in _ANSWER_CUES]
    if lexicon.attribution is not None:
        cues += [h for h in lexicon.attribution.find(text) if h.value == "response"]
    if not cues:
        return m
    first = min(cues, key=lambda h: (h.start, -h.end))
    return _replace(m, link_text=first.text.strip())


#: An answer told as coming soon after the event it answers: "Shortly after the attack",
#: "minutes after", "within hours" (which may run into the next day).
_SOON_AFTER = re.compile(
    r"\b(?:(?:shortly|soon|immediately|minutes|moments)\s+after(?:wards)?|"
    r"(?P<hours>within\s+hours|hours\s+(?:after|later)))\b",
    re.IGNORECASE,
)


def _answers_reveal(
    mentions: list[Mention], published: dt.date, stated: set[int] = frozenset()
) -> list[Mention]:
    """What an answer tells of the event it answers, and the event of it.

    - An attack nobody is said to have made, answered by a strike on a group ("In response,
      US helicopters killed suspected Iran-backed militants"), was that group's, as far as
      the answer tells (``suspected``), and it hit the answering side.
    - An answer the text does not date ("In response, US helicopters struck ...") came on
      or after the day of the event it answers: its interval starts there, and that day is
      its best date. A stated answer is one with the words of its link (``link_text``) or
      one in a sentence of ``stated`` (a sentence that says "in response" with no object:
      "Hezbollah later said it fired rockets at Metula in response").
    """
    by_id = {m.mention_id: i for i, m in enumerate(mentions)}
    out = list(mentions)
    for m in mentions:
        if not m.responds_to or not m.actor1_side:
            continue
        for cause_id in m.responds_to:
            k = by_id.get(cause_id)
            if k is None:
                continue
            c = out[k]
            if (
                not c.actor1_side
                # (An undated cause is placed by anchoring, which a guessed side would stop.)
                and c.date_basis != "frame"
                and m.actor2_side
                and m.actor2_side != m.actor1_side
                and c.actor2_side in ("", m.actor1_side)
            ):
                out[k] = _replace(
                    c,
                    actor1=m.actor2,
                    actor1_side=m.actor2_side,
                    actor1_basis="suspected",
                    actor2=c.actor2 or m.actor1,
                    actor2_side=m.actor1_side,
                )
    for i, m in enumerate(out):
        if m.date_basis != "frame" or not m.responds_to:
            continue
        if not m.link_text and m.sentence_index not in stated:
            continue
        # ("In response, ..." after the attack was told: a cause told before the answer.)
        days = [
            out[by_id[c]]
            for c in m.responds_to
            if c in by_id
            and out[by_id[c]].date_precision == "day"
            and out[by_id[c]].event_date
            and out[by_id[c]].sentence_index < m.sentence_index
        ]
        if not days:
            continue
        cause = max(days, key=lambda c: c.event_date)
        day = dt.date.fromisoformat(cause.event_date)
        if not day <= published:
            continue
        soon = _SOON_AFTER.search(m.sentence_text)
        if soon is not None:
            # "Shortly after the attack, an AC-130 engaged the launch point": the day of the
            # event answered; "hours after" may run into the next day.
            last = min(published, day + dt.timedelta(days=1 if soon["hours"] else 0))
            out[i] = _replace(
                m,
                date_text=f"{soon[0]} the event it answers ({day.isoformat()})",
                date_start=day.isoformat(),
                date_end=last.isoformat(),
                event_date=day.isoformat(),
                date_precision=_precision((last - day).days),
                date_basis="",
            )
            continue
        out[i] = _replace(
            m,
            date_text=f"undated; on or after the event it answers ({day.isoformat()}) "
            f"to publication {published.isoformat()}",
            date_start=day.isoformat(),
            date_end=published.isoformat(),
            event_date=day.isoformat(),
            date_precision=_precision((published - day).days),
        )
    return out


def complete_mentions(
    mentions: tuple[Mention, ...],
    sentences: list[Sentence],
    title_cue: str,
    published: dt.date,
    lexicon: Lexicon,
    title_dyad: tuple[str, str, str] | None = None,
    statements: dict[str, tuple[str, str]] | None = None,
) -> tuple[Mention, ...]:
    """The article's mentions completed with attribution, sides, dates and links.

    Parameters
    ----------
    mentions
        The mentions read clause by clause, in text order.
    sentences
        The article's body sentences (attribution is read from every one of them).
    title_cue
        The words by which the headline presents an action as an answer ("... hits sites
        after rocket attack"), or ``""``: the article's first mention of an answering side
        is then linked.
    published
        The publication date, the end of the article's time frame.
    lexicon
        The vocabularies (``attribution`` among them).
    title_dyad
        (initiator side, initiator, target side) when the headline shows a state acting on
        an armed group ("Israel strikes Hezbollah sites"), else ``None``.
    statements
        mention_id -> (ISO day, words) of the statement that alone tells an undated
        mention's event ("X confirmed on Tuesday that ..."): the event's interval ends that
        day, which is its best date.
    """
    if not mentions:
        return mentions
    attributions, denials, responses = find_attributions(sentences, lexicon)
    turns = _matters(sentences)
    mentions = _causes_hit_the_answerer(mentions)
    answerers = _answerer_sides(mentions)
    out: list[Mention] = []
    for m in mentions:
        # "Thursday's retaliatory strike": the answer comes from the side hit, before any
        # attribution of a nearby attack can claim it.
        if not m.actor1_side and not m.actor2_side and m.sentence_index in responses:
            m = _answerer(m, out[-_WINDOW:])
        near = _near(attributions, m.sentence_index)
        if m.mention_id in answerers:
            # What X answers was not done by X: "The group said it launched rockets in
            # reprisal for an overnight strike" does not make the group the striker.
            near = [a for a in near if a.culprit.side not in answerers[m.mention_id]]
        out.append(_attribute(m, near, lexicon, turns))
    filled = []
    dyads = _dyads(out)
    fighting = _fighting_groups(out, lexicon)
    accusers = _accusers(attributions, lexicon)
    for m in out:
        if not m.actor1_side and _UNIDENTIFIED.search(m.sentence_text):
            # "Unidentified drones targeted a vehicle": the text says the doer is unknown;
            # no side is guessed from who the article shows fighting whom.
            m = _replace(m, actor1_basis="unattributed")
        elif not m.actor1_side:
            found = _opponent(m, dyads, lexicon)
            if found is not None:
                m = _replace(m, actor1_side=found[0], actor1=found[1], actor1_basis="stated")
            elif (
                found := _implied_opponent(m, fighting, title_dyad, lexicon, accusers)
            ) is not None:
                m = _replace(m, actor1_side=found[0], actor1=found[1], actor1_basis="suspected")
            else:
                m = _replace(m, actor1_basis="unattributed")
        filled.append(m)
    # No side attacks itself: a target read on the initiator's side is a misreading.
    filled = [
        _replace(m, actor2="", actor2_side="")
        if m.actor1_side and m.actor1_side == m.actor2_side
        else m
        for m in filled
    ]
    start = _frame_start(filled, published)
    statements = statements or {}
    out = [_date(m, start, published, statements.get(m.mention_id)) for m in filled]
    # A response sentence that yields no mention of its own ("The strikes were approved in
    # response to the recent attacks") speaks of the event discussed just before it.
    with_mention = {m.sentence_index for m in out}
    sided = [m for m in out if m.actor1_side]  # in text order
    positions = [m.sentence_index for m in sided]
    discussed: dict[str, int] = {}
    by_index = {s.index: s for s in sentences}
    # "A spokesman said they were a response to an August 15 drone attack on the garrison":
    # the sentence's only mentions are what the event discussed before it answers.
    told_causes: dict[int, tuple[str, ...]] = {}
    for index in sorted(responses & with_mention):
        own = [m for m in out if m.sentence_index == index]
        text = by_index[index].text if index in by_index else ""
        if text and not any(m.responds_to for m in own):
            start, _ = content_span(text)
            if _REFERS_BACK.match(text[start:]) and not lexicon.actions.find(
                text[start : start + 40].split(" response")[0]
            ):
                told_causes[index] = tuple(m.mention_id for m in own)
    for index in sorted((responses - with_mention) | set(told_causes)):
        k = bisect.bisect_left(positions, index)
        if not k:
            continue
        # "With this response, Hezbollah hit ...": the event of the doer it names, if any.
        named = {h.value.side for h in _actors(by_index[index].text, lexicon)} - {""}
        before = sided[max(0, k - _WINDOW) : k]
        own = [d for d in before if d.actor1_side in named]
        discussed[(own or before)[-1].mention_id] = index
    linked = []
    title_used = not title_cue
    first_answerer = None
    for i, m in enumerate(out):
        near = out[max(0, i - _WINDOW) : i + _WINDOW]
        if m.sentence_index in responses or m.mention_id in discussed:
            causes = told_causes.get(discussed.get(m.mention_id, -1), ())
            if causes and not m.responds_to and m.sentence_index not in told_causes:
                m = _replace(m, responds_to=causes)
            m = _link(m, near)
            if not m.responds_to:
                m = _stated_answer(m, _answering_sentence(m, discussed, by_index), lexicon)
                m = _link_unclaimed(m, near)
        elif not title_used and m.actor1_side and _state(lexicon, m.actor1_side):
            before = m
            m = _link(m, near)
            title_used = m is not before
            if first_answerer is None:
                first_answerer = len(linked)
        if not m.responds_to:
            m = _struck_the_launchers(m, linked)
        linked.append(m)
    linked = _answers_reveal(linked, published, responses)
    if not title_used and first_answerer is not None:
        # The headline states an answer whose cause the article does not report.
        m = linked[first_answerer]
        if not m.link_text:
            linked[first_answerer] = _replace(m, link_text=title_cue)
    if denials:
        denied = {}
        for _, actor in denials:
            denied.setdefault(actor.side, []).append(actor.actor)
        linked = [
            _replace(m, denied_by="; ".join(sorted(set(denied[m.actor1_side]))))
            if m.actor1_side in denied
            else m
            for m in linked
        ]
    return tuple(linked)
