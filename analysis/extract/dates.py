"""Date expressions of news reporting, resolved against the publication date.

Rules (documented in ``data/lexicon/README.md``):

- a weekday ("on Tuesday", "in the early hours of Friday", "Tuesday's") is the most recent
  such day on or before publication; "Monday night" runs from that Monday to the next
  day, best day Monday, precision ``day`` (one night);
- a month and day without a year ("January 3", "Oct. 7") is the most recent such date on or
  before publication; a month alone ("in December") is the most recent such month;
- "today", "tonight", "this morning" are the publication day; "over the weekend" is the
  latest Saturday and Sunday on or before publication ("last weekend" read on a weekend,
  the one before; precision ``days``); "two weeks ago" is the week around that day;
- "the night of April 13" is that day and the next (one night, precision ``day``); "April
  13-14" is both days; "hours later" is the day of the date before it, "a week later"
  that day a week on (give or take a day);
- "overnight" alone is the night before publication (the day before to publication,
  best day the day before, as for "Monday night"; precision ``day``);
- "last week" is the previous Monday-Sunday week; "in the past week", "over the last two
  months" run from that long before publication to publication (a period, used for
  aggregates); "earlier this month" runs from the first
  of the month to publication; "in recent days" and "a few days ago" are the seven days
  before publication (precision ``days``);
- "earlier in the day", "later that day", "the same day", "hours later", "within hours",
  "minutes later" and "shortly afterwards" take the day of the date
  before them in the discourse (``anchor``); "a day earlier", "the previous day", "two days
  before" are that many days before it, "the next day", "a day later" after it; "a few
  days after" / "days after" mean two to six days before the anchor.

- in an anniversary piece (the headline or the first paragraph says "A year ago on January
  8", "one year on", "on the second anniversary of"), a month and day or a month alone is
  the most recent such date on or before the recalled day: publication that many years
  back (plus :data:`ANNIVERSARY_SLACK_DAYS`, for a piece published a little early);
  weekdays and "last week" still count from publication (see :func:`recalled_date`).

Precision is one of ``day``, ``days``, ``week``, ``month``, ``year``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from analysis.extract.fastre import foldable, lowered, screened

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

_WD = "|".join(w.capitalize() for w in WEEKDAYS)
_MONTH_FULL = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_MONTH_ABBR = r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?"
_MON = rf"(?:{_MONTH_FULL}|{_MONTH_ABBR})"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_PART = r"(?:\s+(?:night|morning|afternoon|evening))?"

# Ordered: the first alternative that matches at a position wins, so longer forms come first.
_PATTERNS = (
    # "the night of April 13": that day and the next (one night).
    (
        "night_of",
        rf"\b(?:on\s+)?the\s+night\s+of\s+(?:(?P<m>{_MON})\s+(?P<d>{_DAY})"
        rf"|(?P<dd>{_DAY})\s+(?P<mm>{_MONTH_FULL})|(?P<w>{_WD}))(?!\d)",
    ),
    # "April 13-14": both days.
    (
        "md_range",
        rf"\b(?P<m>{_MON})\s+(?P<d>{_DAY})\s*[-–]\s*(?P<dd>{_DAY})(?:,?\s+(?P<y>{_YEAR}))?\b",
    ),
    ("dmy", rf"\b(?P<d>{_DAY})\s+(?P<m>{_MON})\s+(?P<y>{_YEAR})\b"),
    ("mdy", rf"\b(?P<m>{_MON})\s+(?P<d>{_DAY}),?\s+(?P<y>{_YEAR})\b"),
    ("my", rf"\b(?P<m>{_MON})\s+(?P<y>{_YEAR})\b"),
    ("md", rf"\b(?P<m>{_MON})\s+(?P<d>{_DAY})(?![\d,]*\s*{_YEAR})(?!\d)"),
    ("dm", rf"\b(?P<d>{_DAY})\s+(?P<m>{_MONTH_FULL})\b"),
    (
        "wd",
        rf"\b(?:in\s+the\s+early\s+hours\s+of\s+|early\s+|late\s+)?(?P<w>{_WD})(?:['’]s)?{_PART}\b",
    ),
    (
        "same_day",
        r"\b(?:earlier|later)\s+(?:in\s+the|that|the\s+same)\s+day\b|\b(?:the|that)\s+same\s+day\b"
        r"|\b(?:(?:a\s+few|several|some|two|three)\s+)?hours\s+(?:later|earlier)\b"
        # "Within hours, the Pentagon ordered ...", "Minutes later", "Shortly afterwards".
        r"|\bwithin\s+(?:a\s+few\s+)?hours\b|\b(?:minutes|moments)\s+later\b"
        r"|\bshortly\s+(?:afterwards?|after\s+(?:that|this))\b",
    ),
    (
        "week_offset",
        r"\b(?P<n>a|one|two|three)\s+weeks?\s+(?P<dir>later|earlier)\b",
    ),
    (
        "day_offset",
        r"\b(?:(?P<n>a|one|two|three|four|five)\s+days?\s+(?P<dir>earlier|before)"
        r"|(?:a|one)\s+day\s+(?P<dir2>later|after)"
        # "Five days later, Iran fired ...": that many days after the date under discussion.
        r"|(?P<n2>two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+days\s+later"
        r"|the\s+(?P<rel>previous|next|following)\s+day|the\s+day\s+(?P<dir3>before|after))\b",
    ),
    (
        "days_after",
        r"\b(?:just\s+)?(?:a\s+few\s+|several\s+|two\s+|three\s+)?days\s+(?:after|later)\b",
    ),
    ("recent_days", r"\b(?:in\s+)?(?:recent|the\s+past\s+few|the\s+last\s+few)\s+days\b"),
    ("days_ago", r"\b(?:a\s+few|several|two|three)\s+days\s+ago\b"),
    # "attacked the previous week": the week before the date under discussion (with "in",
    # "over" or "during" before it, a period: "past_period", which starts earlier).
    ("previous_week", r"\bthe\s+(?:previous|preceding|prior)\s+week\b(?!s)"),
    (
        "past_period",
        r"\b(?:(?:in|over|during|within)\s+)?the\s+(?:past|last|previous)\s+"
        r"(?P<n>\d+|two|three|four|six|several)?\s*(?P<u>days|weeks?|months?|year)\b",
    ),
    ("weeks_ago", r"\b(?P<n>a|one|two|three|four)\s+weeks?\s+ago\b"),
    (
        "weekend",
        r"\b(?:(?:over|during|at)\s+)?(?P<which>the|this|last|this\s+past)\s+weekend(?:['’]s)?\b",
    ),
    (
        "today",
        r"\b(?:(?:earlier|later)\s+)?(?:today|tonight|this\s+(?:morning|afternoon|evening))\b",
    ),
    ("last_week", r"\blast\s+week(?:['’]s)?\b"),
    ("this_week", r"\b(?:earlier\s+)?this\s+week\b"),
    ("last_month", r"\b(?:(?:early|late)\s+)?last\s+month(?:['’]s)?\b"),
    ("this_month", r"\b(?:earlier\s+)?this\s+month\b"),
    ("yesterday", r"\byesterday\b"),
    # Alone, "overnight" is the night before publication ("an overnight strike"); with a
    # day ("overnight Friday") the day is the date.
    (
        "overnight",
        rf"\b(?:overnight|last\s+night)\b(?!\s+(?:on\s+|into\s+|to\s+)?(?:{_WD}|{_MON}|\d))",
    ),
    (
        "month",
        rf"\b(?:in|since|from|until|till|through|by|of|early|late)\s+(?P<m>{_MONTH_FULL})\b(?!\s+\d)",
    ),
    ("month_mid", rf"\bmid-(?P<m>{_MONTH_FULL})\b"),
    ("year", rf"\b(?:in|since|from|until|through|of)\s+(?P<y>{_YEAR})\b"),
)
# Every rule starts with a word boundary: tested once per position, before the rules.
assert all(rx.startswith(r"\b") for _, rx in _PATTERNS)
_FINDER = re.compile(
    r"\b(?:"
    + "|".join(f"(?P<{name}>{re.sub(r'[(][?]P<[a-z]+>', '(?:', rx[2:])})" for name, rx in _PATTERNS)
    + ")",
    re.IGNORECASE,
)
# Sub-patterns re-run on one matched expression to read its fields.
_SINGLE = {name: re.compile(rx, re.IGNORECASE) for name, rx in _PATTERNS}


#: An anniversary piece may come out a few days before the anniversary it marks.
ANNIVERSARY_SLACK_DAYS = 14
_YEARS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}
#: Counts written as words, up to ten ("five days later", "five years ago").
COUNT_WORDS = {**_YEARS, "six": 6, "seven": 7, "eight": 8, "nine": 9}


def years_before(day: dt.date, years: int) -> dt.date:
    """``day`` that many years earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "tenth": 10}
_ANNIVERSARY = re.compile(
    r"\b(?:(?P<n>a|one|two|three|four|five|ten|\d{1,2})\s+years?\s+(?:ago|later|on)\b"
    r"|(?P<ord>first|second|third|fourth|fifth|tenth|\d{1,2}(?:st|nd|rd|th))\s+anniversary\b)",
    re.IGNORECASE,
)
#: Month-day kinds that a recalled day resolves (weekdays and "last week" never are).
_RECALLED_KINDS = frozenset({"md", "dm", "month", "month_mid"})


def recalled_date(title: str, lead: str, published: dt.date) -> dt.date | None:
    """The day an anniversary piece looks back to, or ``None`` for any other article.

    ``title`` is the headline and ``lead`` the first paragraph: only there does "A year
    ago" or "on the second anniversary" frame the whole piece (further down it dates one
    past event). Returns publication moved back that many years, plus
    :data:`ANNIVERSARY_SLACK_DAYS`.

    Examples
    --------
    >>> recalled_date("One year on: the strike on the base", "", dt.date(2021, 1, 8))
    datetime.date(2020, 1, 22)
    """
    for text in (title, lead):
        m = _ANNIVERSARY.search(text or "")
        if m is None:
            continue
        word = (m["n"] or m["ord"] or "").lower()
        years = _YEARS.get(word) or _ORDINALS.get(word)
        if years is None:
            digits = re.match(r"\d+", word)
            years = int(digits.group(0)) if digits else 0
        if not 0 < years <= 50:
            continue
        return years_before(published, years) + dt.timedelta(days=ANNIVERSARY_SLACK_DAYS)
    return None


@dataclass(frozen=True)
class DateResolution:
    """A date interval with its best single day and precision (ISO strings)."""

    date_start: str
    date_end: str
    event_date: str
    precision: str


@dataclass(frozen=True)
class DateMatch:
    """A date expression found in a sentence (offsets into that sentence)."""

    start: int
    end: int
    text: str
    kind: str


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _span(
    start: dt.date, end: dt.date, precision: str, best: dt.date | None = None
) -> DateResolution:
    return DateResolution(_iso(start), _iso(end), _iso(best or end), precision)


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _day(text: str) -> int:
    return int(re.match(r"\d+", text).group(0))


#: The part of a month named by "early", "mid-" or "late": days 1-10, 11-20, 21 to the end.
_PART_OF_MONTH = re.compile(r"^(early|mid|late)\b", re.IGNORECASE)


def _part_of_month(text: str, span: DateResolution) -> DateResolution:
    """``span`` (a month up to publication) narrowed to the part ``text`` names ("late
    July": 21 to 31 July, precision ``week``), or ``span`` itself."""
    part = _PART_OF_MONTH.match(text.strip())
    if part is None:
        return span
    start, end = dt.date.fromisoformat(span.date_start), dt.date.fromisoformat(span.date_end)
    first, last = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}[part.group(1).lower()]
    lo = start.replace(day=first)
    hi = min(end, start.replace(day=min(last, calendar.monthrange(start.year, start.month)[1])))
    if hi < lo:
        return span  # "late March" in an article of 12 March: only what has passed
    return _span(lo, hi, "day" if lo == hi else "week", lo + (hi - lo) // 2)


def _month_span(year: int, month: int, published: dt.date) -> DateResolution:
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    end = min(last, published)
    mid = dt.date(year, month, 15)
    return _span(dt.date(year, month, 1), end, "month", mid if end >= mid else end)


def _recent_month(month: int, published: dt.date) -> int:
    return published.year if month <= published.month else published.year - 1


def _recent_day(month: int, day: int, published: dt.date) -> dt.date | None:
    for year in (published.year, published.year - 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            return None
        if candidate <= published:
            return candidate
    return None


def resolve_date(
    expression: str, published: dt.date, anchor: dt.date | None = None
) -> DateResolution | None:
    """Resolve one date expression.

    Parameters
    ----------
    expression
        The raw phrase ("on Tuesday", "Jan. 8", "last week", "30 July 2024").
    published
        Publication date of the article.
    anchor
        Day of the date before this one in the discourse, for "earlier in the day" and
        "a few days after"; without it those expressions resolve to ``None``.

    Returns
    -------
    DateResolution or None
        ``None`` when the phrase holds no date expression or it cannot be resolved.

    Examples
    --------
    >>> resolve_date("on Tuesday", dt.date(2024, 7, 31)).event_date
    '2024-07-30'
    >>> resolve_date("in December", dt.date(2020, 3, 13)).date_start
    '2019-12-01'
    """
    matches = find_dates(re.sub(r"\s+", " ", expression.strip()))
    if not matches:
        return None
    return resolve_match(matches[0], published, anchor)


def resolve_match(
    match: DateMatch,
    published: dt.date,
    anchor: dt.date | None = None,
    recalled: dt.date | None = None,
) -> DateResolution | None:
    """Resolve a :class:`DateMatch` found by :func:`find_dates` (see :func:`resolve_date`).

    ``recalled``: the day an anniversary piece looks back to (:func:`recalled_date`); a
    month and day or a month alone is then resolved against it instead of publication.
    """
    kind, body = match.kind, match.text
    if recalled is not None and kind in _RECALLED_KINDS:
        published = min(recalled, published)
    m = _SINGLE[kind].search(body)
    if kind == "night_of":
        if m["w"]:
            target = WEEKDAYS.index(m["w"].lower())
            day = published - dt.timedelta(days=(published.weekday() - target) % 7)
        else:
            day = _recent_day(_month(m["m"] or m["mm"]), _day(m["d"] or m["dd"]), published)
        return _span(day, day + dt.timedelta(days=1), "day", day) if day else None
    if kind == "md_range":
        month, first, last = _month(m["m"]), _day(m["d"]), _day(m["dd"])
        try:
            start = (
                dt.date(int(m["y"]), month, first)
                if m["y"]
                else _recent_day(month, first, published)
            )
            end = start.replace(day=last) if start else None
        except ValueError:
            return None
        if start is None or end < start:
            return None
        return _span(start, end, "day" if (end - start).days <= 1 else "days", start)
    if kind == "week_offset":
        if anchor is None:
            return None
        n = _YEARS.get(m["n"].lower(), 1)
        sign = 1 if m["dir"].lower() == "later" else -1
        day = anchor + dt.timedelta(days=sign * 7 * n)
        if day > published:
            return None
        end = min(day + dt.timedelta(days=1), published)
        return _span(day - dt.timedelta(days=1), end, "days", day)
    if kind == "previous_week":
        if anchor is None:
            return None
        monday = anchor - dt.timedelta(days=anchor.weekday() + 7)
        return _span(monday, monday + dt.timedelta(days=6), "week", monday + dt.timedelta(days=3))
    if kind == "weeks_ago":
        n = _YEARS.get(m["n"].lower(), 1)
        day = published - dt.timedelta(days=7 * n)
        end = min(day + dt.timedelta(days=3), published)
        return _span(day - dt.timedelta(days=3), end, "week", day)
    if kind == "weekend":
        # The latest Saturday on or before publication; "last weekend" read on a Saturday
        # or Sunday is the one before.
        saturday = published - dt.timedelta(days=(published.weekday() - 5) % 7)
        if m["which"].lower() == "last" and published - saturday < dt.timedelta(days=2):
            saturday -= dt.timedelta(days=7)
        end = min(saturday + dt.timedelta(days=1), published)
        return _span(saturday, end, "days", saturday)
    if kind == "today":
        return _span(published, published, "day")
    if kind in ("dmy", "mdy"):
        try:
            day = dt.date(int(m["y"]), _month(m["m"]), _day(m["d"]))
        except ValueError:
            return None
        return _span(day, day, "day")
    if kind == "my":
        return _month_span(int(m["y"]), _month(m["m"]), published)
    if kind in ("md", "dm"):
        day = _recent_day(_month(m["m"]), _day(m["d"]), published)
        return _span(day, day, "day") if day else None
    if kind == "wd":
        target = WEEKDAYS.index(m["w"].lower())
        day = published - dt.timedelta(days=(published.weekday() - target) % 7)
        if body.lower().endswith("night"):
            # "Saturday night" runs past midnight: Saturday and Sunday (one night, precision
            # ``day``; a live report can be dated Saturday where it was written while Sunday
            # has begun where the night fell); best is the day named.
            return _span(day, day + dt.timedelta(days=1), "day", day)
        return _span(day, day, "day")
    if kind == "same_day":
        return _span(anchor, anchor, "day") if anchor else None
    if kind == "day_offset":
        if anchor is None:
            return None
        word = (m["n"] or m["n2"] or "a").lower()
        n = int(word) if word.isdigit() else COUNT_WORDS.get(word, 1)
        later = bool(m["dir2"] or m["n2"]) or (m["rel"] or "").lower() in ("next", "following")
        later = later or (m["dir3"] or "").lower() == "after"
        day = anchor + dt.timedelta(days=n if later else -n)
        # Nothing reported happened after publication.
        return _span(day, day, "day") if day <= published else None
    if kind == "days_after":
        if anchor is None:
            return None
        return _span(anchor - dt.timedelta(days=6), anchor - dt.timedelta(days=2), "days")
    if kind in ("recent_days", "days_ago"):
        low, high = (7, 0) if kind == "recent_days" else (6, 2)
        return _span(
            published - dt.timedelta(days=low), published - dt.timedelta(days=high), "days"
        )
    if kind == "past_period":
        # "in the past week", "over the last two months": a period running to publication.
        n = {"two": 2, "three": 3, "four": 4, "six": 6, "several": 3}.get(
            (m["n"] or "").lower(), int(m["n"]) if (m["n"] or "").isdigit() else 1
        )
        unit = m["u"].lower().rstrip("s")
        days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * n
        precision = {"day": "days", "week": "week", "month": "month", "year": "year"}[unit]
        return _span(published - dt.timedelta(days=days), published, precision)
    if kind == "overnight":
        # A night is dated by the evening it began, as "Monday night" is.
        evening = published - dt.timedelta(days=1)
        return _span(evening, published, "day", evening)
    if kind == "yesterday":
        day = published - dt.timedelta(days=1)
        return _span(day, day, "day")
    if kind == "last_week":
        monday = published - dt.timedelta(days=published.weekday() + 7)
        return _span(monday, monday + dt.timedelta(days=6), "week", monday + dt.timedelta(days=3))
    if kind == "this_week":
        monday = published - dt.timedelta(days=published.weekday())
        return _span(monday, published, "week")
    if kind == "last_month":
        first = (published.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        return _part_of_month(body, _month_span(first.year, first.month, published))
    if kind == "this_month":
        return _span(published.replace(day=1), published, "month")
    if kind in ("month", "month_mid"):
        month = _month(re.search(_MONTH_FULL, body, re.IGNORECASE).group(0))
        span = _month_span(_recent_month(month, published), month, published)
        return _part_of_month("mid" if kind == "month_mid" else body, span)
    if kind == "year":
        y = int(re.search(_YEAR, body).group(0))
        end = min(dt.date(y, 12, 31), published)
        mid = dt.date(y, 7, 1)
        return _span(dt.date(y, 1, 1), end, "year", mid if end >= mid else end)
    return None


_HINT = re.compile(
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"|\d\d\d\d|yesterday|overnight|week|month|\bdays?\b|today|tonight|\bthis\s+\w+ing\b"
    r"|\bhours\b|\bnight\b",
    re.IGNORECASE,
)


# The characters each can start with, as the patterns above are written.
_HINT_LOWER = screened(lowered(_HINT), r"\dadfhjmnostwy")
_FINDER_LOWER = screened(lowered(_FINDER), r"0-9abdefhijlmnorstuwy")


def find_dates(sentence: str, folded: str | None = None) -> list[DateMatch]:
    """Date expressions in ``sentence``, left to right (offsets into ``sentence``).

    A preposition is not part of the match except in fixed phrases ("in the early hours of
    Friday"); resolve each match with :func:`resolve_date`. ``folded``: ``sentence.lower()``
    if :func:`analysis.extract.fastre.foldable` (``sentence``) is known to hold.
    """
    # Text whose letters are all ASCII (nearly all of it) is searched in lower case with the
    # faster case-sensitive patterns; lowering keeps every offset.
    if folded is not None or foldable(sentence):
        searched = sentence.lower() if folded is None else folded
        hints, finder = _HINT_LOWER, _FINDER_LOWER
    else:
        searched, hints, finder = sentence, _HINT, _FINDER
    # Every date expression holds one of the hint words; the full pattern runs only near them.
    windows: list[list[int]] = []
    for hint in hints.finditer(searched):
        start, end = max(0, hint.start() - 40), min(len(sentence), hint.end() + 30)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = end
        else:
            windows.append([start, end])
    # The outer group that matched names the rule (inner groups do not capture).
    return [
        DateMatch(m.start(), m.end(), sentence[m.start() : m.end()], m.lastgroup)
        for start, end in windows
        for m in finder.finditer(searched[:end], start)
    ]


#: Kinds counted from a day of the discourse ("two days before", "the previous week").
RELATIVE_KINDS = frozenset({"same_day", "day_offset", "week_offset", "previous_week"})


def resolve_from_span(
    match: DateMatch, published: dt.date, span: DateResolution
) -> DateResolution | None:
    """Resolve a relative date (:data:`RELATIVE_KINDS`) counted from an interval rather
    than a day ("In late July ... the previous week"; "since early February ... Two days
    before that"): the expression counted from its first day and from its last, joined."""
    if match.kind not in RELATIVE_KINDS:
        return None
    first = resolve_match(match, published, dt.date.fromisoformat(span.date_start))
    last = resolve_match(match, published, dt.date.fromisoformat(span.date_end))
    if first is None or last is None:
        return None
    start, end = first.date_start, last.date_end
    days = (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days
    precision = "day" if days == 0 else "days" if days <= 6 else "week" if days <= 14 else "month"
    middle = dt.date.fromisoformat(start) + dt.timedelta(days=days // 2)
    return DateResolution(start, end, _iso(middle), precision)


def preceded_by(sentence: str, match: DateMatch, words: tuple[str, ...]) -> str | None:
    """The word of ``words`` just before ``match`` (or starting it), if any."""
    head = sentence[: match.start()].rstrip().lower()
    lead = match.text.lower()
    for word in words:
        if head.endswith(" " + word) or head == word or lead.startswith(word + " "):
            return word
    return None
