"""The indexed anchoring pass decides as trying every event of the corpus would."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace

import pytest

from analysis.events import reconcile
from analysis.events.block_cache import ClusterCache
from analysis.events.blocks import cluster_mentions_fast
from analysis.events.reconcile import (
    _anchor_signature,
    _may_anchor,
    chosen_anchors,
    cluster_mentions,
    interval,
    one_item_per_sentence,
    reads_event,
    strong_evidence,
    why_not_anchored,
    within_frame,
)
from analysis.records import Mention

SIDES = ("", "", "US_COALITION", "IRAN_ALIGNED", "ISRAEL")
TYPES = ("", "Explosions/Remote violence", "Battles", "Protests")
PLACES = (
    ("", "", ""),
    ("Iraq", "", ""),
    ("Iraq", "", ""),
    ("Iraq", "Babil", ""),
    ("Iraq", "Babil", "Hilla"),
    ("Iraq", "Anbar", ""),
    ("Iraq", "Anbar", "Al Asad"),
    ("Syria", "", ""),
    ("Jordan", "", "Tower 22"),
    # A town inside an area (data/lexicon/within.csv) and another town of the area.
    ("", "", "Golan Heights"),
    ("", "", "Majdal Shams"),
    ("", "", "Mas'ade"),
)
SPANS = (
    ("", "", "", ""),
    ("", "", "", ""),
    ("", "", "", ""),
    ("2020-03-13", "2020-03-13", "2020-03-13", ""),
    ("2020-03-14", "2020-03-14", "2020-03-14", ""),
    ("", "2020-03-10", "2020-03-16", ""),
    ("", "2020-04-28", "2020-05-03", ""),
    ("", "2020-03-01", "2020-03-20", "frame"),
    ("", "2020-04-01", "2020-05-31", "frame"),
)


def _straightforward(by_id, passes, shared) -> None:
    """Anchoring as the module docstring states it: every dated event of the corpus is
    tried with :func:`why_not_anchored`, no index, no blocking."""
    events = {}
    for n, source in enumerate(passes):
        for root, ids in source.members.items():
            members = [by_id[i] for i in ids] + [by_id[i] for i in shared.get(root, ())]
            if any(interval(m) is not None for m in members):
                events[n, root] = members
    moves = []
    for n, source in enumerate(passes):
        for root, ids in sorted(source.members.items()):
            u = by_id[root]
            if len(ids) != 1 or interval(u) is not None:
                continue
            fits = [k for k in sorted(events) if why_not_anchored(u, events[k]) is None]
            fits = chosen_anchors(
                fits,
                lambda k, u=u: strong_evidence(u, events[k]),
                lambda k, u=u: any(m.country == u.country for m in events[k]),
                lambda k, u=u: within_frame(u, events[k]),
            )
            if len(fits) == 1:
                moves.append(((n, root), fits[0]))
    for (n, root), (m, home) in one_item_per_sentence(moves, by_id):
        passes[n].members.pop(root)
        passes[m].members[home].append(root)


def random_mentions(rng: random.Random, n: int) -> list[Mention]:
    """Mentions of few profiles over several articles, many undated (or dated only by
    their article's frame), with casualty counts that often agree."""
    out = []
    for i in range(n):
        article = f"art{rng.randint(1, 5)}"
        sentence = rng.randint(0, 5)
        country, admin1, location = rng.choice(PLACES)
        event_date, start, end, basis = rng.choice(SPANS)
        same_article = [m.mention_id for m in out if m.article_id == article]
        answers = (rng.choice(same_article),) if same_article and rng.random() < 0.1 else ()
        # Another event told apart now and then (drawn without the generator).
        apart = (same_article[i % len(same_article)],) if same_article and i % 7 == 3 else ()
        out.append(
            Mention(
                mention_id=f"{article}:{i:03d}",
                article_id=article,
                sentence_index=sentence,
                char_start=sentence * 100 + i,
                char_end=sentence * 100 + i + 10,
                sentence_text="",
                responds_to=answers,
                apart_from=apart,
                actor1_side=rng.choice(SIDES),
                actor2_side=rng.choice(SIDES),
                event_type=rng.choice(TYPES),
                country=country,
                admin1=admin1,
                location=location,
                event_date=event_date,
                date_start=start,
                date_end=end,
                date_basis=basis,
                killed_best=rng.choice((None, None, 1, 3)),
                injured_best=rng.choice((None, None, 2)),
                sites=rng.choice((None, None, None, 3)),
            )
        )
    rng.shuffle(out)
    return out


def _shape(clusters) -> list[tuple]:
    return [
        (c.event_id, [m.mention_id for m in c.members], [m.mention_id for m in c.shared])
        for c in clusters
    ]


def _anchored(clusters) -> int:
    return sum(
        1
        for c in clusters
        for m in c.members
        if len(c.members) > 1 and interval(m) is None and not m.date_basis
    )


@pytest.mark.parametrize("seed", range(300))
def test_indexed_anchoring_equals_trying_every_event(seed, monkeypatch):
    rng = random.Random(seed)
    mentions = random_mentions(rng, rng.randint(5, 60))
    indexed = _shape(cluster_mentions(mentions))
    fast = _shape(cluster_mentions_fast(mentions))
    monkeypatch.setattr(reconcile, "_anchor_undated", _straightforward)
    reference = _shape(cluster_mentions(mentions))
    assert indexed == reference
    assert fast == reference


def test_random_sets_anchor_by_every_kind_of_evidence():
    """The generator anchors many undated mentions, by their article and by its time frame
    (else the comparison above would prove little)."""
    anchored = 0
    reasons: Counter = Counter()
    for seed in range(300):
        rng = random.Random(seed)
        mentions = random_mentions(rng, rng.randint(5, 60))
        clusters = cluster_mentions(mentions)
        anchored += _anchored(clusters)
        for c in clusters:
            dated = [m for m in c.members if interval(m) is not None]
            for u in c.members:
                if interval(u) is None and dated and u.date_basis == "frame":
                    reasons["frame"] += 1
                elif (
                    interval(u) is None
                    and dated
                    and any(m.article_id == u.article_id for m in dated)
                ):
                    reasons["article"] += 1
    assert anchored > 100
    assert reasons["frame"] > 10 and reasons["article"] > 10


def test_signature_filter_is_necessary_for_anchoring():
    """Every event that :func:`why_not_anchored` accepts passes the index filter: the
    filter may drop candidates, never change a decision. Checked on every undated mention
    against every single-mention and two-mention event of random sets."""
    accepted = 0
    for seed in range(100):
        mentions = random_mentions(random.Random(seed), 30)
        dated = [m for m in mentions if interval(m) is not None]
        events = [[m] for m in dated] + [[a, b] for a, b in zip(dated, dated[1:], strict=False)]
        for u in mentions:
            if interval(u) is not None:
                continue
            for members in events:
                if why_not_anchored(u, members) is None:
                    accepted += 1
                    assert _may_anchor(u, _anchor_signature(members))
    assert accepted > 100


def test_a_mention_with_a_conflicting_side_is_not_a_candidate():
    """Hand-built: an event whose mentions know two initiator sides cannot take an undated
    mention that names either; one that names only the target can still join."""
    base = dict(sentence_text="", country="Iraq", killed_best=3)
    us = Mention(
        "a:1", "a", 1, 0, 5, actor1_side="US_COALITION", actor2_side="IRAN_ALIGNED",
        date_start="2020-03-13", date_end="2020-03-13", **base,
    )  # fmt: skip
    other = Mention(
        "b:1", "b", 1, 0, 5, actor1_side="ISRAEL", date_start="2020-03-13",
        date_end="2020-03-13", **base,
    )  # fmt: skip
    undated = Mention("c:1", "c", 1, 0, 5, actor1_side="US_COALITION", **base)
    target_only = Mention("d:1", "d", 1, 0, 5, actor2_side="IRAN_ALIGNED", **base)
    mixed = _anchor_signature([us, other])
    assert mixed[0] == {"US_COALITION", "ISRAEL"}
    assert not _may_anchor(undated, mixed)
    assert why_not_anchored(undated, [us, other]) == "actor1_side differs"
    assert _may_anchor(target_only, mixed)
    assert why_not_anchored(target_only, [us, other]) is None  # three killed, both


def test_an_undated_mention_reads_exactly_the_events_reads_event_accepts(monkeypatch):
    """The candidates the indexes gather for each undated mention are the events that
    :func:`reconcile.reads_event` accepts one by one: what a kept decision depends on."""
    indexed = reconcile._anchor_undated
    compared = gathered = 0

    def checked(by_id, passes, shared, given=None, record=None):
        nonlocal compared, gathered
        events = {}
        for n, source in enumerate(passes):
            for root, ids in source.members.items():
                members = [by_id[i] for i in (*ids, *shared.get(root, ()))]
                if any(interval(m) is not None for m in members):
                    events[n, root] = reconcile.anchor_facts(members)
        undated = [
            (n, root)
            for n, source in enumerate(passes)
            for root, ids in source.members.items()
            if len(ids) == 1 and interval(by_id[root]) is None
        ]
        seen: dict = {}
        indexed(by_id, passes, shared, None, seen)
        for n, root in undated:
            u = by_id[root]
            expected = {k for k, facts in events.items() if reads_event(u, facts)}
            read = seen[n, root][0] if (n, root) in seen else set()
            assert read == expected, root
            compared += 1
            gathered += len(read)

    monkeypatch.setattr(reconcile, "_anchor_undated", checked)
    for seed in range(300):
        rng = random.Random(seed)
        cluster_mentions(random_mentions(rng, rng.randint(5, 60)))
    assert compared > 2000 and gathered > 1000


def _copy_cache(source, target):
    target.mkdir()
    (target / "clusters.json").write_bytes((source / "clusters.json").read_bytes())


@pytest.mark.parametrize("few_at_most", [50, 0])
def test_anchoring_kept_between_builds_equals_deciding_afresh(tmp_path, monkeypatch, few_at_most):
    """After an article is added, after one is edited and after one is removed, the
    clusters built with the anchoring decisions of the last build equal the reference's;
    most decisions are kept, and those the change touches are made again (on the events
    they read alone, or on indexes of every event)."""
    from analysis.events import blocks

    monkeypatch.setattr(blocks, "_PENDING_AT_MOST", few_at_most)
    kept = decided = 0
    for seed in range(60):
        rng = random.Random(seed)
        mentions = random_mentions(rng, rng.randint(20, 60))
        articles = sorted({m.article_id for m in mentions})
        if len(articles) < 3:
            continue
        added, edited, dropped = articles[-1], articles[0], articles[1]
        before = [m for m in mentions if m.article_id != added]
        first = ClusterCache(tmp_path / f"{seed}")
        cluster_mentions_fast(before, first)
        first.save()
        changes = {
            "added": mentions,
            "edited": [
                replace(m, killed_best=3, date_basis="frame", event_date="")
                if m.article_id == edited and interval(m) is None
                else replace(m, injured_best=2)
                if m.article_id == edited
                else m
                for m in mentions
            ],
            "removed": [m for m in mentions if m.article_id != dropped],
        }
        for name, after in changes.items():
            directory = tmp_path / f"{seed}-{name}"
            _copy_cache(tmp_path / f"{seed}", directory)
            cache = ClusterCache(directory)
            assert _shape(cluster_mentions_fast(after, cache)) == _shape(cluster_mentions(after))
            undated = sum(1 for m in after if interval(m) is None)
            kept += cache.anchors_kept
            decided += undated - cache.anchors_kept
    assert kept > 500 and decided > 100


def test_spoiled_anchoring_decisions_are_made_again(tmp_path):
    import json

    mentions = random_mentions(random.Random(11), 60)
    cache = ClusterCache(tmp_path)
    expected = _shape(cluster_mentions_fast(mentions, cache))
    cache.save()
    path = tmp_path / "clusters.json"
    stored = json.loads(path.read_text())
    undated = stored["anchoring"]["undated"]
    assert undated
    for n, key in enumerate(sorted(undated)):
        # A decision naming an event it never read, a list of the wrong length, a number.
        undated[key] = [undated[key], [], ["0:nowhere"]] if n % 3 == 0 else [1] if n % 3 else 5
    path.write_text(json.dumps(stored))
    spoiled = ClusterCache(tmp_path)
    assert _shape(cluster_mentions_fast(mentions, spoiled)) == expected
    assert spoiled.anchors_kept == 0
