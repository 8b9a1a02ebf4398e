"""The regex speed layer finds exactly what the plain patterns find, on real text.

Every fast form of the extractor (lowered, screened, the vocabularies' fast matchers, the
joined boilerplate rules) is run against its plain form over every article in
``data/raw/`` and, when present, the development corpus next to the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.extract import casualties, clauses, dates, reading, sentences
from analysis.extract.fastre import foldable, lowered, phrase_forms, screened
from analysis.extract.lexicon import compile_phrases, load_lexicon

ROOT = Path(__file__).resolve().parents[1]
DEVCORPUS = ROOT.parent / "shared" / "devcorpus"


def _texts() -> list[tuple[str, str]]:
    paths = sorted((ROOT / "data" / "raw").rglob("*.txt"))
    if DEVCORPUS.is_dir():
        paths += sorted(DEVCORPUS.rglob("articles/*.txt"))
    return [(p.name, p.read_text(encoding="utf-8")) for p in paths]


TEXTS = _texts()
LEXICON = load_lexicon()


def _chunks(text: str) -> list[str]:
    # Paragraphs and sentences as the extractor sees them, plus the whole text.
    parts = [text, *(line for line in text.splitlines() if line.strip())]
    parts += [s.text for s in sentences.split_sentences(text, "", LEXICON.boilerplate)]
    return parts


def _spans(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def _pairs() -> list[tuple[str, re.Pattern, re.Pattern, bool]]:
    """(name, plain, fast, fast searches lowered text)."""
    out = [
        ("dates.hint", dates._HINT, dates._HINT_LOWER, True),
        ("dates.finder", dates._FINDER, dates._FINDER_LOWER, True),
        ("reading.quantity", reading.QUANTITY, reading._QUANTITY_LOWER, True),
        ("reading.speaker", reading._SPEAKER_AT, reading._SPEAKER_LOWER, True),
        ("sentences.final", sentences._FINAL_PLAIN, sentences._FINAL, False),
        ("clauses.quote_end", clauses._QUOTE_END_PLAIN, clauses._QUOTE_END, False),
    ]
    for name, plain, fast in zip(
        casualties._Patterns._fields, casualties._AS_WRITTEN, casualties._LOWERED, strict=True
    ):
        out.append((f"casualties.{name}", plain, fast, True))
    for name, plain, fast in zip(
        reading._LookBack._fields, reading._LOOK_BACK, reading._LOOK_BACK_LOWER, strict=True
    ):
        out.append((f"reading.{name}", plain, fast, True))
    for name, plain, fast in zip(
        clauses._AttributionPatterns._fields, clauses._AS_WRITTEN, clauses._LOWERED, strict=True
    ):
        out.append((f"clauses.{name}", plain, fast, True))
    for scope, patterns in LEXICON.boilerplate_scopes.items():
        for k, (plain, fast) in enumerate(patterns):
            if fast is not None:
                out.append((f"boilerplate.{scope}.{k}", plain, fast, True))
    return out


def test_corpus_is_there():
    assert len([n for n, _ in TEXTS]) >= 5  # the seed articles at least


@pytest.mark.parametrize("name", ["actors", "actions", "weapons", "places", "cues", "attribution"])
def test_vocabulary_fast_matcher_equals_plain_on_every_article(name):
    matcher = getattr(LEXICON, name)
    # Places: the compiled part (the gazetteer's towns are looked up word by word).
    matcher = matcher.matcher if name == "places" else matcher
    assert matcher.fast is not None
    for article, text in TEXTS:
        for chunk in _chunks(text):
            assert matcher.find(chunk) == matcher.find_plain(chunk), (article, chunk[:80])


def test_fast_patterns_equal_plain_on_every_article():
    pairs = _pairs()
    assert len(pairs) > 30
    for article, text in TEXTS:
        for chunk in _chunks(text):
            if not foldable(chunk):
                continue
            low = chunk.lower()
            for name, plain, fast, lowered_text in pairs:
                got = _spans(fast, low if lowered_text else chunk)
                assert got == _spans(plain, chunk), (name, article, chunk[:80])


def test_lowered_keeps_case_sensitive_groups_and_escapes():
    pattern = re.compile(r"\bStrike(?-i:US)\D", re.IGNORECASE)
    assert lowered(pattern).pattern == r"\bstrike(?-i:US)\D"
    assert lowered(re.compile("abc")) is None  # not case-insensitive: nothing to lower


def test_foldable_refuses_text_whose_lowering_moves_offsets():
    assert foldable("Strikes hit “three” sites – 12 killed")
    assert not foldable("İstanbul")  # lowers to two characters


def test_screen_skips_positions_but_keeps_matches():
    plain = re.compile(r"(?:ab|cd)+")
    fast = screened(plain, "ac")
    text = "xxabcdyyab zzcd"
    assert _spans(fast, text) == _spans(plain, text) == [(2, 6), (8, 10), (13, 15)]


def test_phrase_forms_guard_keeps_capital_only_phrases_exact():
    pattern = compile_phrases(["US", "air strike"])
    fast, guard = phrase_forms(pattern, {"u", "a"})
    assert fast is not None and guard is not None
    # The fast form finds "us" in lowered text; the guard says to check it against the
    # plain pattern, which refuses the pronoun.
    assert _spans(fast, "let us see the us air strike") == [(4, 6), (15, 17), (18, 28)]
    assert _spans(pattern, "let us see the US air strike") == [(15, 17), (18, 28)]
    assert guard.match("let us see", 4) is not None


def test_no_private_regex_parser():
    for module in ("fastre", "lexicon", "reading", "dates", "sentences", "clauses", "casualties"):
        source = (ROOT / "analysis" / "extract" / f"{module}.py").read_text(encoding="utf-8")
        assert "re._parser" not in source and "re._constants" not in source
        assert "id(" not in source.replace("_id(", "")
