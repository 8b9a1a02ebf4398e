"""Counts as news text states them."""

import pytest

from analysis.extract.numbers import Count, parse_count, word_number


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("four", Count(4, 4, 4)),
        ("14", Count(14, 14, 14)),
        ("2,500", Count(2500, 2500, 2500)),
        ("twenty-five", Count(25, 25, 25)),
        ("two dozen", Count(24, 24, 24)),
        ("a hundred", Count(100, 100, 100)),
        ("one hundred and twenty", Count(120, 120, 120)),
        ("at least 170", Count(170, 170, None)),
        ("at least four", Count(4, 4, None)),
        ("more than 150", Count(151, 151, None)),
        ("more than a hundred", Count(101, 101, None)),
        ("over 20", Count(21, 21, None)),
        ("up to 5", Count(None, None, 5)),
        ("about 3,500", Count(None, 3500, None)),
        ("nearly 40", Count(None, 40, 40)),
        ("four or five", Count(4, 4, 5)),
        ("between 10 and 20", Count(10, 10, 20)),
        ("no", Count(0, 0, 0)),
        ("none", Count(0, 0, 0)),
        ("a", Count(1, 1, 1)),
        ("another", Count(1, 1, 1)),
    ],
)
def test_parse_count(phrase, expected):
    assert parse_count(phrase) == expected


@pytest.mark.parametrize("phrase", ["a number of", "several", "dozens of", "hundreds of", "many"])
def test_vague_counts_are_unknown_but_flagged(phrase):
    count = parse_count(phrase)
    assert (count.low, count.best, count.high, count.vague) == (None, None, None, True)


def test_not_a_count():
    assert parse_count("missiles") is None
    assert parse_count("four missiles") is None
    assert word_number("forty-two") == 42
    assert word_number("drones") is None


def test_adding_counts_keeps_unknowns_honest():
    assert Count(3, 3, 3) + Count(2, 2, 2) == Count(5, 5, 5)
    assert Count(3, 3, 3) + Count(None, None, None, vague=True) == Count(3, None, None, True)
    assert Count(1, 1, None) + Count(1, 1, None) == Count(2, 2, None)
