"""Sentence splitting, offsets and roles."""

import pytest

from analysis.extract.lexicon import load_lexicon
from analysis.extract.sentences import split_sentences

TEXT = (
    "Militias shell Baghdad base after U.S. raid\n\n"
    "BAGHDAD – Maj. Gen. John Smith said U.S. forces struck a depot on Oct. 7 near Kut. "
    "Two guards were hurt.\n\n"
    "The attack was condemned by the U.\n\nS and Coalition partners.\n\n"
    "Militias vow revenge\n\n"
    "Follow her on Twitter @reporter.\n\n"
    "Check Also\n\nAn unrelated teaser about football."
)


def test_offsets_point_into_the_raw_text():
    for s in split_sentences(TEXT, "", load_lexicon().boilerplate):
        assert TEXT[s.start : s.end] == s.text


def test_abbreviations_do_not_end_sentences_and_broken_lines_are_joined():
    body = [
        s.text for s in split_sentences(TEXT, "", load_lexicon().boilerplate) if s.role == "body"
    ]
    assert body == [
        "Maj. Gen. John Smith said U.S. forces struck a depot on Oct. 7 near Kut.",
        "Two guards were hurt.",
        "The attack was condemned by the U.\n\nS and Coalition partners.",
    ]


def test_roles():
    roles = [(s.role, s.text[:12]) for s in split_sentences(TEXT, "", load_lexicon().boilerplate)]
    assert roles[0] == ("headline", "Militias she")
    assert ("heading", "Militias vow") in roles
    assert ("boilerplate", "Follow her o") in roles
    assert roles[-1] == ("boilerplate", "An unrelated")


def test_standfirst_without_a_precise_date_is_set_aside():
    text = (
        "Strikes in Iraq\n\nThe strikes answered attacks on troops.\n\n"
        "On Monday jets struck a site."
    )
    roles = [s.role for s in split_sentences(text, "Strikes in Iraq", ())]
    assert roles == ["headline", "standfirst", "body"]


@pytest.mark.parametrize(
    "dateline",
    [
        "AMMAN, Mar 9 (Reuters) - ",
        "SANAA (AP) — ",
        "MOSUL, Iraq, Mar 9 – ",
        "TEHRAN — ",
        "Amman (AFP) - ",
    ],
)
def test_wire_datelines_are_cut_from_the_lead(dateline):
    text = f"Jets hit depot\n\n{dateline}Jets struck a depot on Tuesday. Two guards were hurt."
    sentences = split_sentences(text, "", ())
    lead = next(s for s in sentences if s.role == "body")
    assert lead.text == "Jets struck a depot on Tuesday."
    assert text[lead.start : lead.end] == lead.text


def test_a_lead_with_a_dateline_is_never_a_standfirst():
    text = "Jets hit depot\n\nKIRKUK, Mar 9 (Reuters) - Jets struck a depot, officials said."
    roles = [s.role for s in split_sentences(text, "", ())]
    assert roles == ["headline", "body"]
