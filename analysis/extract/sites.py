"""How many sites one operation hit, as a sentence states it.

"Strikes on three sites used by the militia", "hit 85 targets", "five weapons facilities"
say that one operation hit several places: the event table keeps one event with a site
count (``sites``) rather than one event per site (``data/README.md``, *Merge rule*). Only a
number followed, after at most four describing words, by a noun for a place that is hit
counts; a count of people, weapons or attacks does not ("two militiamen at the depot",
"three rockets", "150 attacks on bases": the noun after the number is no site).
"""

from __future__ import annotations

import re

from analysis.extract.numbers import NUMBER, word_number

#: Nouns for the places one operation hits.
_SITE_NOUNS = (
    r"sites?|targets?|facilit(?:y|ies)|locations?|places?|positions?|installations?|"
    r"depots?|compounds?|bases?|headquarters|command\s+centers?|command\s+centres?"
)
#: Words that end a noun phrase: between the number and the noun, they show that the
#: number counts something else ("three were killed at the sites").
_BREAKS = (
    r"at|in|on|of|by|to|from|for|with|near|against|and|or|were|was|is|are|had|has|have|"
    r"been|the|a|an|which|that|who|killed|wounded|injured|dead|people|rockets?|missiles?|"
    r"drones?|attacks?|strikes?|times?"
)
_SITE_COUNT = re.compile(
    rf"(?<![\w-])(?:at\s+least\s+|more\s+than\s+|some\s+|about\s+)?(?P<n>{NUMBER})\s+"
    rf"(?:(?!(?:{_BREAKS})\b)[\w'’.-]+\s+){{0,4}}?(?:{_SITE_NOUNS})\b",
    re.IGNORECASE,
)


def site_count(text: str) -> int | None:
    """The largest number of sites ``text`` says were hit, when two or more; else ``None``.

    Examples
    --------
    >>> site_count("US jets struck three sites used by the militia on Friday")
    3
    >>> site_count("The strikes hit 85 targets at seven locations") is None
    False
    >>> site_count("Two soldiers were wounded at the base") is None
    True
    """
    best = None
    for found in _SITE_COUNT.finditer(text):
        n = word_number(found["n"])
        if n is not None and n >= 2 and (best is None or n > best):
            best = n
    return best
