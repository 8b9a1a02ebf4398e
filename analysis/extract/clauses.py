"""Cut one sentence into the clauses that can each report an event.

Two steps:

1. **Attribution** is set aside: "A US official told Reuters that ...", "According to
   Iraqi officials, ...", "In a statement on Friday, X said ...", "..., Austin said in a
   statement." The date of a statement is not the date of the event, and the speaker is not
   the attacker.
2. **Links and separators** cut the rest into clauses (see ``data/lexicon/cues.csv``):
   "X in response to Y" gives X answering Y; "Following Y, X" and "Y, prompting X to ..."
   likewise; "X responded to Y by firing Z" gives "X ... firing Z" answering Y; separators
   (", but", "while") start an independent clause; a ``simultaneous`` cue ("coincided
   with") does too, and the clauses it governs (up to the next cue that is not "and ...")
   are marked as happening at the same time as the clause before the cue.
3. A stated **chronology** is not a stated response: a sequence cue qualified by a measured
   interval ("came a few days after Y", "two weeks after Y") only dates Y relative to X,
   so the clause keeps ``link_kind`` ``"chronology"`` and never becomes a link.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from analysis.extract.fastre import foldable, lowered, screened
from analysis.extract.lexicon import Hit, Lexicon

_REPORT_VERBS = (
    r"said|says|say|told\s+[\w.]+|confirmed|added|reported|announced|stated|noted|claimed|"
    r"acknowledged|admitted|disclosed|"
    r"indicated?|indicate|believes?|estimated|explained|warned|wrote|posted\s+on\s+\w+\s+saying"
)
#: When or how a statement was made, between its verb and "that" ("said on Sunday that",
#: "said in a statement that"): part of the attribution, not of the reported event.
_STATEMENT_PART = (
    r"(?:on\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|yesterday)|"
    r"in\s+a\s+(?:written\s+)?statement|late\s+\w+day"
)
#: One or more of them: "said in a statement on Tuesday that".
_STATEMENT_WHEN = rf"(?:{_STATEMENT_PART})(?:\s+(?:{_STATEMENT_PART}))*(?=\s+that\b)"
_LEAD_ATTRIBUTION = re.compile(
    rf"^(?:(?:according\s+to|in\s+a\s+statement|in\s+statements?)[^,]{{0,120}},\s*)?"
    rf"(?:(?:afterwards|later|meanwhile|separately|earlier|also|however),\s*)?"
    # "On Monday, officials said ...": the day is the statement's; "On Monday, US jets
    # struck ..." (no reporting verb) keeps its date.
    rf"(?:(?:on\s+\w+,\s*)?[^,\"“”]{{0,140}}?(?:,[^,\"“”]{{1,80}},\s*)?\b(?:{_REPORT_VERBS})\s+(?:(?:{_STATEMENT_WHEN})\s+)?(?:that\b,?\s*)?)?",
    re.IGNORECASE,
)
_TRAIL_ATTRIBUTION = re.compile(
    rf"(?:[,”\"]\s*|\s+)(?:[^\"“”]{{0,160}}?)\b(?:{_REPORT_VERBS})\b[^\"“”]{{0,80}}$",
    re.IGNORECASE,
)
_REPORT_VERB = re.compile(rf"\b(?:{_REPORT_VERBS})\b", re.IGNORECASE)
#: A trailing passive with no speaker is part of the report ("No injuries or damage,
#: however, were reported"), not an attribution.
_NO_SPEAKER = re.compile(
    r",\s*(?:(?:however|though|also|yet|so\s+far|initially|immediately),\s*)*"
    r"(?:were|was|had\s+been|has\s+been|have\s+been|are|is|been)\s+(?:[a-z]+ly\s+)?"
    r"(?:reported|indicated|confirmed|announced)$",
    re.IGNORECASE,
)
#: An auxiliary right before a reporting verb: a passive that names no speaker ("..., and
#: neither injuries nor damage were reported"), part of the report.
_AUX_BEFORE_VERB = re.compile(
    r"\b(?:were|was|been|are|is)\s+(?:[a-z]+ly\s+)?$",
    re.IGNORECASE,
)
#: What makes an opening phrase an attribution: a reporting verb or a source.
_STATED = re.compile(rf"\b(?:{_REPORT_VERBS}|according\s+to|statements?)\b", re.IGNORECASE)
#: The end of a trailing attribution: a reporting verb with at most 80 quote-free
#: characters after it (the same as the end of ``_TRAIL_ATTRIBUTION``).
_TRAIL_VERB = re.compile(rf"\b(?:{_REPORT_VERBS})\b[^\"“”]{{0,80}}$", re.IGNORECASE)
#: The characters a trailing attribution can start with.
_TRAIL_OPENER = re.compile(r"[,”\"\s]")
_QUOTE_END_PLAIN = re.compile(r"[,.]?[”\"]\s*,?\s*(?=[^\"“”]*$)")
_QUOTE_END = screened(_QUOTE_END_PLAIN, ',.”"')
_INITIAL_END = re.compile(
    r",\s+(?!which\b|who\b|where\b|that\b|a\s|an\s|including\b|the\s+(?:[\w-]+\s+){0,2}"
    r"(?:base|city|town|province|capital|border)\b)",
    re.IGNORECASE,
)
_BY_GERUND = re.compile(r"\s+by\s+\w+ing\b", re.IGNORECASE)
_INTERVAL_AFTER = re.compile(
    r"\s+by\s+(?:only\s+|just\s+)?(?:a\s+few|several|a|an|one|two|three|four|five|\d+)\s+"
    r"(?:hours?|days?|weeks?|months?)\b",
    re.IGNORECASE,
)
_MEASURED_INTERVAL = re.compile(r"\b(?:days|weeks|months|years)\s+$", re.IGNORECASE)
_WORD_OR_HYPHEN = re.compile(r"[\w-]")
_TIME_OF_DAY = re.compile(
    r"\s*(?:midnight|midday|noon|dawn|dusk|sunset|sunrise|nightfall|daybreak|dark)\b",
    re.IGNORECASE,
)
_PURSUED = re.compile(r"\bwent\s+$", re.IGNORECASE)
LINK_KINDS = ("link", "link_weak", "link_back", "link_by")


@dataclass(frozen=True)
class Clause:
    """A part of a sentence (offsets into the sentence).

    ``spans`` usually holds one span; "X responded to Y by firing Z" gives X's clause two.
    ``answers`` is the index of the clause this one responds to (same sentence), with
    ``link_kind`` and ``link_text``; ``cause`` marks a clause named as what was answered.
    ``same_time_as`` is the index of the clause this one is stated to coincide with (its
    ``link_text`` then holds the cue, e.g. "coincided with"). ``item`` marks a clause cut
    per named target.
    """

    spans: tuple[tuple[int, int], ...]
    answers: int | None = None
    link_kind: str = ""
    link_text: str = ""
    cause: bool = False
    same_time_as: int | None = None
    #: One of several named targets of one verb ("struck two ships - M/V A and M/V B"):
    #: an event of its own, never the continuation of an earlier one.
    item: bool = False

    @property
    def start(self) -> int:
        """Start of the first span."""
        return self.spans[0][0]


def _earliest_trail(sentence: str, verb_start: int) -> int:
    """The first position where a trailing attribution can start, given the first verb.

    The pattern allows at most 160 characters between its opening separator (a comma or
    quote and/or whitespace) and the verb, so no match starts before this position.
    """
    at = max(0, verb_start - 160)
    while at > 0 and sentence[at - 1].isspace():
        at -= 1
    return max(0, at - 1)


class _AttributionPatterns(NamedTuple):
    verb: re.Pattern
    trail_verb: re.Pattern
    trail: re.Pattern
    lead: re.Pattern


_AS_WRITTEN = _AttributionPatterns(_REPORT_VERB, _TRAIL_VERB, _TRAIL_ATTRIBUTION, _LEAD_ATTRIBUTION)
#: The same, for lowered text (see :func:`analysis.extract.fastre.lowered`).
_LOWERED = _AttributionPatterns(*(lowered(p) for p in _AS_WRITTEN))


def _trailing_attribution(
    sentence: str, verb_start: int, patterns: _AttributionPatterns
) -> re.Match | None:
    """The leftmost match of ``_TRAIL_ATTRIBUTION``, given where the first reporting verb is.

    The search tries every position and from each one every following character as the
    verb's start, which is slow on long sentences; the first verb that can end the match
    bounds where the match can start, and the match is tried first at the first opener
    from there, which is nearly always where it starts.
    """
    verb = patterns.trail_verb.search(sentence, verb_start)
    if verb is None:
        return None
    opener = _TRAIL_OPENER.search(sentence, _earliest_trail(sentence, verb.start()))
    if opener is None:
        return None
    # No match starts before ``opener``: its verb cannot be before ``verb``.
    found = patterns.trail.match(sentence, opener.start())
    found = found or patterns.trail.search(sentence, opener.start() + 1)
    if found is not None and found[0][:1] == ",":
        # "Seven people, among them children, were killed when ..., the agency's
        # correspondent reported": the speaker is the few words after the last comma
        # before the verb, not everything after the first comma.
        comma = sentence.rfind(",", found.start() + 1, verb.start())
        if comma > 0 and _SHORT_SPEAKER.fullmatch(sentence, comma + 1, verb.start()):
            return patterns.trail.match(sentence, comma) or found
    return found


#: A speaker of a few words (not a relative or participial clause): "the army",
#: "Iraqi security officials".
_SHORT_SPEAKER = re.compile(
    r"\s+(?!(?:which|who|that|where|as|when|while|and|but|or|speaking|citing|adding)\b)"
    r"[\w.'’-]+(?:\s+[\w.'’-]+){0,7}\s+",
    re.IGNORECASE,
)


#: At most this many words between the comma and the verb of a closing attribution
#: (", Syrian opposition activists say.").
_SPEAKER_WORDS = 8
_REPORTED_SUBJECTS = frozenset({"it", "they", "that", "he", "she", "its", "their", "the", "a"})


def _closing_speaker(sentence: str, patterns: _AttributionPatterns, end: int) -> int:
    """Where a closing ", SPEAKER said ..." starts when the first opener the trailing pattern
    tried was not its comma (a long sentence); ``end`` when there is none."""
    # The last reporting verb of the sentence.
    last = next(reversed(list(patterns.verb.finditer(sentence))), None)
    if last is None or len(sentence) - last.end() > 40 or "," in sentence[last.end() :]:
        return end
    # "say.", "said on Monday.", "said in a statement.": nothing reported after the verb
    # ("claimed it had fired the rockets" reports).
    after = sentence[last.end() :].split()
    if len(after) > 4 or (after and after[0].lower() in _REPORTED_SUBJECTS):
        return end
    comma = sentence.rfind(",", 0, last.start())
    speaker = sentence[comma + 1 : last.start()]
    if _AUX_BEFORE_VERB.search(speaker):
        return end  # "..., and no injuries were reported": no speaker
    if (
        comma > 20
        and len(speaker.split()) <= _SPEAKER_WORDS
        # ", which officials said killed three": a relative clause, not a closing speaker
        and not re.match(r"\s*(?:which|who|that|where|as)\b", speaker, re.IGNORECASE)
        and not any(q in sentence[comma:] for q in '"“”')
    ):
        return comma
    return end


def _speakerless(sentence: str, start: int, patterns: _AttributionPatterns) -> bool:
    """True when the last reporting verb after ``start`` is a passive that names no speaker
    ("..., and neither injuries nor damage were reported.")."""
    last = next(reversed(list(patterns.verb.finditer(sentence, start))), None)
    return last is not None and bool(_AUX_BEFORE_VERB.search(sentence, start, last.start()))


#: "..., according to the council's statement issued early Tuesday.": a closing source with
#: no reporting verb of its own.
_TRAIL_ACCORDING = re.compile(r",\s+according\s+to\s+[^,;:\"“”]{1,120}$", re.IGNORECASE)


_SAID_DAY = re.compile(
    r"(?:on|late|early)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"(?:\s+(?:night|morning|evening|afternoon))?\s+(?:that\s+)?",
    re.IGNORECASE,
)
_VERB_END = re.compile(r"\b(?:said|says|announced|stated|claimed|confirmed)\s+$", re.IGNORECASE)


def _scare_quote(sentence: str, close: int) -> bool:
    """True when the quotation closing at ``close`` is of fewer than four words, opened
    after the sentence's start."""
    opening = max(sentence.rfind(q, 0, close) for q in '"“')
    return opening > 0 and len(sentence[opening + 1 : close].split()) < 4


def content_span(sentence: str) -> tuple[int, int]:
    """The part of ``sentence`` left once the attribution is set aside."""
    # Lowered text is searched faster and gives the same offsets (fastre.foldable).
    if foldable(sentence):
        sentence, patterns = sentence.lower(), _LOWERED
    else:
        patterns = _AS_WRITTEN
    start, end = 0, len(sentence)
    # Every attribution holds a reporting verb; without one there is nothing to set aside
    # but an opening "According to ..., " (the verb-free part of the lead pattern).
    verb = patterns.verb.search(sentence)
    quote_close = _QUOTE_END.search(sentence)
    if quote_close and quote_close.start() > 20 and _scare_quote(sentence, quote_close.start()):
        # 'Turkish air strikes "neutralised" four militants on Wednesday, the ministry
        # said': a word in quotes, not a quotation that a speaker closes.
        quote_close = None
    if quote_close and quote_close.start() > 20:
        tail = sentence[quote_close.end() :]
        if verb is not None and patterns.verb.search(tail):
            end = quote_close.start()
    elif verb is not None and not _NO_SPEAKER.search(sentence, 0, verb.end()):
        trail = _trailing_attribution(sentence, verb.start(), patterns)
        if trail is not None and _speakerless(sentence, trail.start(), patterns):
            pass
        elif trail and trail.start() > 20 and "," in sentence[trail.start() : trail.start() + 2]:
            end = trail.start()
        else:
            end = _closing_speaker(sentence, patterns, end)
    according = _TRAIL_ACCORDING.search(sentence, 0, end)
    if according is not None and according.start() > 20:
        end = according.start()
    lead = patterns.lead.match(sentence[:end])
    if lead and lead.end() < end - 10 and _STATED.search(lead.group(0)):
        # Only an attribution is set aside: "On Monday, militias fired ..." keeps its day.
        start = lead.end()
        # "The Houthis said on Tuesday they had targeted ...": the day of the saying.
        said_day = _SAID_DAY.match(sentence, start, end)
        start = said_day.end() if said_day and _VERB_END.search(sentence, 0, start) else start
    while start < end and sentence[start] in ' “"‘':
        start += 1
    return start, end


def _action_follows(sentence: str, position: int, lexicon: Lexicon) -> bool:
    hits = lexicon.actions.find(sentence[position : position + 40])
    return bool(hits) and not sentence[position : position + hits[0].start].strip(" ").count(" ")


_WITH = re.compile(r"\s+with\s+", re.IGNORECASE)


def _with_action(sentence: str, start: int, end: int, lexicon: Lexicon) -> re.Match | None:
    """The first " with " between ``start`` and ``end`` that an action noun follows within
    three words ("with five airstrikes", "with a barrage of rockets")."""
    for found in _WITH.finditer(sentence, start, end):
        hits = lexicon.actions.find(sentence[found.end() : found.end() + 40])
        if hits and hits[0].value.kind == "noun":
            gap = sentence[found.end() : found.end() + hits[0].start]
            if len(gap.split()) <= 3:
                return found
    return None


def _cues_within(
    sentence: str, start: int, end: int, lexicon: Lexicon, found: Sequence[Hit] | None
) -> list[Hit]:
    """The cues of ``sentence[start:end]`` (offsets into it), taken from ``found`` (the cues
    of the whole sentence, or of it with its whitespace made spaces) where they must be the
    same: no cue crosses either end, and the characters just outside the span cannot
    continue a word, so every phrase boundary check gives the same answer in both."""
    if (
        found is not None
        and (start == 0 or not _WORD_OR_HYPHEN.match(sentence, start - 1))
        and (end >= len(sentence) or not _WORD_OR_HYPHEN.match(sentence, end))
        and not any(h.start < start < h.end or h.start < end < h.end for h in found)
    ):
        return [
            Hit(h.start - start, h.end - start, sentence[h.start : h.end], h.value)
            for h in found
            if start <= h.start and h.end <= end
        ]
    return lexicon.cues.find(sentence[start:end])


#: "..., whom Israel blamed for a rocket strike": the act blamed starts a clause of its own.
_BLAMED_FOR = re.compile(
    r",?\s+(?:whom|which|that)\s+(?:[\w'’.-]+\s+){1,4}?(?:blamed|blames|holds?\s+responsible"
    r"|held\s+responsible|accused|accuses)\s+(?:of\s+|for\s+)",
    re.IGNORECASE,
)
#: "fired the missiles to punish Israel for the April 1 strike": the act after "for" is
#: the one answered (a stated link with its object inside the cue).
_PUNISH_FOR = re.compile(r"\bto\s+punish\s+(?:[\w'’-]+\s+){1,3}?for\s+", re.IGNORECASE)


def split_clauses(
    sentence: str,
    span: tuple[int, int],
    lexicon: Lexicon,
    sentence_cues: Sequence[Hit] | None = None,
) -> list[Clause]:
    """Cut ``sentence[span[0]:span[1]]`` into clauses at link cues and separators.

    ``sentence_cues``: ``lexicon.cues.find`` over the whole sentence (or over it with its
    whitespace made spaces), if already found; it spares a second scan.
    """
    start, end = span
    cues = [
        h
        for h in _cues_within(sentence, start, end, lexicon, sentence_cues)
        if h.value in LINK_KINDS or h.value in ("separator", "simultaneous")
    ]
    if "blame" in sentence or "responsible for" in sentence or "accuse" in sentence:
        # "a commander whom Israel blamed for a rocket strike that killed 12": the act
        # blamed is another event than the clause's own.
        found = [
            Hit(m.start() - start, m.end() - start, m.group(0), "separator")
            for m in _BLAMED_FOR.finditer(sentence, start, end)
        ]
        cues = sorted(cues + found, key=lambda h: h.start)
    if "punish" in sentence:
        found = [
            Hit(m.start() - start, m.end() - start, m.group(0), "link")
            for m in _PUNISH_FOR.finditer(sentence, start, end)
        ]
        cues = sorted(cues + found, key=lambda h: h.start)
    clauses: list[Clause] = []
    cursor = start
    pending: Clause | None = None  # a clause waiting for the clause that answers it
    # (index of the clause named before a "coincided with", the cue's text) while it governs
    concurrent: tuple[int, str] | None = None

    def plain(span: tuple[int, int]) -> Clause:
        if concurrent is None:
            return Clause((span,))
        return Clause((span,), link_text=concurrent[1], same_time_as=concurrent[0])

    for hit in cues:
        c_start, c_end = start + hit.start, start + hit.end
        if c_start < cursor:
            continue
        kind = hit.value
        if kind == "simultaneous":
            if c_start > cursor and sentence[cursor:c_start].strip(" ,"):
                clauses.append(plain((cursor, c_start)))
                concurrent = (len(clauses) - 1, hit.text)
            cursor = c_end
            continue
        if kind == "separator":
            conjunction = hit.text.lower().startswith("and ")
            if conjunction and not _action_follows(sentence, c_end, lexicon):
                continue
            if c_start > cursor:
                clauses.append(plain((cursor, c_start)))
            if not conjunction:
                concurrent = None
            cursor = c_start + 4 if conjunction else c_end
            continue
        if _PURSUED.search(sentence, max(start, c_start - 8), c_start):
            continue  # "drones went after the base": an attack, not a sequence
        if kind == "link_weak" and _TIME_OF_DAY.match(sentence, c_end):
            continue  # "after midnight": a time, not an event
        concurrent = None
        initial = not sentence[cursor:c_start].strip(' ,“"')
        if kind == "link_weak" and _MEASURED_INTERVAL.search(
            sentence[max(start, c_start - 12) : c_start]
        ):
            kind = "chronology"
        measured_after = (
            _INTERVAL_AFTER.match(sentence, c_end, end) if kind == "link_weak" else None
        )
        if measured_after:
            # "X follows by only a few days Y": chronology too.
            kind, c_end = "chronology", measured_after.end()
        if initial and kind in ("link", "link_weak", "link_by", "chronology"):
            # "Following Y, X ...": Y runs to the comma that closes the opening phrase.
            close = _INITIAL_END.search(sentence, c_end, end)
            y_end = close.start() if close else end
            clauses.append(Clause(((c_end, y_end),), cause=True))
            pending = Clause(
                (), answers=len(clauses) - 1, link_kind=kind, link_text=sentence[c_start:y_end]
            )
            cursor = close.end() if close else end
            continue
        x_span = (cursor, c_start)
        if kind == "link_back":
            clauses.append(Clause((x_span,), cause=True))
            cursor = c_end
            pending = Clause(
                (), answers=len(clauses) - 1, link_kind=kind, link_text=hit.text.strip()
            )
            continue
        y_end = end
        by = _BY_GERUND.search(sentence, c_end, end) if kind == "link_by" else None
        if kind == "link_by" and by is None:
            # "responded to Y with five airstrikes": the action after "with" is X's.
            by = _with_action(sentence, c_end, end, lexicon)
        if by:
            y_end = by.start()
        x_spans = (x_span, (by.start(), end)) if by else (x_span,)
        x_index = len(clauses)
        y_index = x_index + 1
        clauses.append(
            Clause(
                x_spans,
                answers=y_index,
                link_kind=kind,
                link_text=sentence[c_start:y_end].strip(" ,."),
            )
        )
        clauses.append(Clause(((c_end, y_end),), cause=True))
        cursor = end
        break
    if cursor < end:
        if pending is not None:
            clauses.append(
                Clause(
                    ((cursor, end),),
                    answers=pending.answers,
                    link_kind=pending.link_kind,
                    link_text=pending.link_text,
                )
            )
        else:
            clauses.append(plain((cursor, end)))
    elif pending is not None and not clauses:
        clauses.append(Clause(((cursor, end),)))
    return [c for c in clauses if any(e > s for s, e in c.spans)]
