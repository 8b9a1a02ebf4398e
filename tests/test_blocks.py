"""The class-based clustering gives exactly the clusters of the all-pairs reference."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from analysis.events.blocks import MentionClasses, _read_alone, class_key, cluster_mentions_fast
from analysis.events.reconcile import _strength, cluster_mentions, why_different
from analysis.records import Mention

SIDES = ("", "", "US_COALITION", "IRAN_ALIGNED", "ISRAEL")
TYPES = ("", "Explosions/Remote violence", "Battles", "Protests")
PLACES = (
    ("", ""),
    ("Iraq", ""),
    ("Iraq", ""),
    ("Iraq", "Babil"),
    ("Iraq", "Anbar"),
    ("Iraq", "Anbar"),
    ("Iraq", "Karbala"),
    ("Syria", ""),
)
SPANS = (
    ("", "", "", ""),
    ("", "", "", ""),
    ("2020-03-13", "2020-03-13", "2020-03-13", ""),
    ("2020-03-14", "2020-03-14", "2020-03-14", ""),
    ("", "2020-03-10", "2020-03-16", ""),
    ("", "2020-03-28", "2020-04-03", ""),
    ("", "2020-03-01", "2020-03-31", ""),
    ("", "2020-03-01", "2020-03-20", "frame"),
)


#: Locations with coordinates (None when no source gives them): two towns 27 km apart, a
#: place 5 km from the first, an unknown village and an area, so that the clause on
#: different places of one article (reconcile.places_apart) applies and is waived.
LOCATIONS = {
    "": (None, None),
    "Hilla": (32.4637, 44.4199),
    "Hilla south": (32.4200, 44.4199),
    "Kifl": (32.2267, 44.3661),
    "Jurf": (None, None),
    "Babil Governorate": (None, None),
}


def _profile(rng: random.Random) -> dict:
    country, admin1 = rng.choice(PLACES)
    event_date, start, end, basis = rng.choice(SPANS)
    if admin1:
        location = rng.choice(("", "", "Hilla", "Hilla south", "Kifl", "Babil Governorate"))
    else:
        location = rng.choice(("", "", "", "Jurf", "Kifl"))
    latitude, longitude = LOCATIONS[location]
    return dict(
        actor1=rng.choice(("", "US forces", "Kataeb Hezbollah")),
        actor1_side=rng.choice(SIDES),
        actor2_side=rng.choice(SIDES),
        event_type=rng.choice(TYPES),
        weapon=rng.choice(("", "", "drone", "rocket")),
        country=country,
        admin1=admin1,
        location=location,
        latitude=latitude,
        longitude=longitude,
        event_date=event_date,
        date_start=start,
        date_end=end,
        date_basis=basis,
        killed_best=rng.choice((None, 1, 3)),
        injured_best=rng.choice((None, None, 2)),
        # A stated count of sites makes a mention without admin1 join its sites' events.
        sites=rng.choice((None, None, 2, 5)),
    )


def _site_of(rng: random.Random, profile: dict) -> dict:
    """The profile, or the same report at another site (another admin1) now and then, so
    that operations on several sites occur."""
    if profile["admin1"] and rng.random() < 0.3:
        return {**profile, "admin1": rng.choice(("Babil", "Anbar", "Karbala"))}
    return profile


def random_mentions(rng: random.Random, n: int) -> list[Mention]:
    """Mentions drawn from few profiles (so many are twins), articles and sentences, with
    stated responses within an article."""
    profiles = [_profile(rng) for _ in range(rng.randint(1, 8))]
    out: list[Mention] = []
    for i in range(n):
        article = f"art{rng.randint(1, 3)}"
        sentence = rng.randint(0, 6)
        same_article = [m.mention_id for m in out if m.article_id == article]
        answers = (rng.choice(same_article),) if same_article and rng.random() < 0.2 else ()
        # Another event told apart now and then (drawn without the generator, whose draws
        # the other fields keep).
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
                **_site_of(rng, rng.choice(profiles)),
            )
        )
    rng.shuffle(out)
    return out


def _shape(clusters) -> list[tuple]:
    return [
        (
            c.event_id,
            [m.mention_id for m in c.members],
            [m.mention_id for m in c.shared],
            sorted(c.umbrella_ids),
        )
        for c in clusters
    ]


@pytest.mark.parametrize("seed", range(600))
def test_fast_clustering_equals_the_all_pairs_reference(seed):
    rng = random.Random(seed)
    mentions = random_mentions(rng, rng.randint(2, 40))
    assert _shape(cluster_mentions_fast(mentions)) == _shape(cluster_mentions(mentions))


def test_random_sets_exercise_every_step():
    """The generator makes merges, umbrellas, anchoring and refusals (else the comparison
    above would prove little)."""
    merged = umbrellas = anchored = forbidden = operations = 0
    for seed in range(600):
        rng = random.Random(seed)
        mentions = random_mentions(rng, rng.randint(2, 40))
        for c in cluster_mentions(mentions):
            merged += len(c.members) > 1
            operations += len({m.admin1 for m in c.members if m.admin1}) > 1
            umbrellas += bool(c.shared)
            anchored += len(c.members) > 1 and any(
                not m.date_start and not m.event_date for m in c.members
            )
        forbidden += sum(len(v) for v in MentionClasses(mentions).forbidden.values())
    assert merged > 500 and umbrellas > 10 and anchored > 10 and forbidden > 5000
    assert operations > 10


def test_twins_are_one_class_and_a_sentence_keeps_its_items_apart():
    base = dict(
        actor1_side="US_COALITION",
        actor2_side="IRAN_ALIGNED",
        country="Iraq",
        date_start="2020-03-13",
        date_end="2020-03-13",
    )
    one = Mention("a:1", "a", 1, 0, 5, "", **base)
    two = Mention("a:2", "a", 1, 6, 9, "", **base)  # same sentence
    three = replace(one, mention_id="a:3", sentence_index=2, responds_to=("a:1",))
    four = replace(one, mention_id="a:4", sentence_index=3)
    classes = MentionClasses([one, two, three, four])
    assert len({classes.of[i] for i in ("a:1", "a:2", "a:3", "a:4")}) == 1
    assert classes.forbidden["a:1"] == {"a:2", "a:3"}
    assert why_different(one, two) == "two items of one sentence"
    # a:1 and a:4 merge; a:2 (same sentence as a:1) and a:3 (answers a:1) cannot join them.
    shape = _shape(cluster_mentions_fast([one, two, three, four]))
    assert sorted(ids for _, ids, _, _ in shape) == [["a:1", "a:4"], ["a:2", "a:3"]]


def test_groups_share_no_compatible_pair():
    from analysis.events.blocks import components

    for seed in range(50):
        mentions = random_mentions(random.Random(seed), 40)
        classes = MentionClasses(mentions)
        group_of = {i: n for n, ids in enumerate(components(classes)) for i in ids}
        assert sorted(group_of) == sorted(m.mention_id for m in mentions)
        for a in mentions:
            for b in mentions:
                if a is not b and why_different(a, b) is None:
                    assert group_of[a.mention_id] == group_of[b.mention_id]


def _themed(seed: int) -> list[Mention]:
    """Random mentions of four countries (no pair across countries can merge)."""
    out = []
    for theme in range(4):
        for m in random_mentions(random.Random(seed * 10 + theme), 30):
            out.append(
                replace(
                    m,
                    mention_id=f"t{theme}-{m.mention_id}",
                    article_id=f"t{theme}-{m.article_id}",
                    responds_to=tuple(f"t{theme}-{r}" for r in m.responds_to),
                    apart_from=tuple(f"t{theme}-{r}" for r in m.apart_from),
                    country=f"C{theme}",
                )
            )
    return out


def test_cached_groups_give_the_clusters_of_a_build_from_scratch(tmp_path):
    """Clusters from a cache filled by a smaller corpus equal those of the reference; the
    groups of the countries the added article does not touch come from the cache."""
    from analysis.events.block_cache import ClusterCache

    reused = reclustered = 0
    for seed in range(30):
        mentions = _themed(seed)
        before = [m for m in mentions if m.article_id != "t0-art3"]
        directory = tmp_path / str(seed)
        cache = ClusterCache(directory)
        assert _shape(cluster_mentions_fast(before, cache)) == _shape(cluster_mentions(before))
        cache.save()
        again = ClusterCache(directory)
        assert _shape(cluster_mentions_fast(before, again)) == _shape(cluster_mentions(before))
        assert again.misses == 0 and again.hits > 0
        again.save()
        grown = ClusterCache(directory)
        assert _shape(cluster_mentions_fast(mentions, grown)) == _shape(cluster_mentions(mentions))
        reused += grown.hits
        reclustered += grown.misses
    # Groups in countries 1-3 come from the cache; the added article's groups in country 0
    # are clustered again (only those).
    assert reused >= 3 * 30 and 0 < reclustered <= 2 * 30


def test_a_spoiled_or_outdated_cache_file_is_ignored(tmp_path, monkeypatch):
    from analysis.events import block_cache

    mentions = random_mentions(random.Random(3), 40)
    cache = block_cache.ClusterCache(tmp_path)
    expected = _shape(cluster_mentions_fast(mentions, cache))
    cache.save()
    (tmp_path / "clusters.json").write_text('{"fingerprint": "x", "entries": {"k": []}}')
    spoiled = block_cache.ClusterCache(tmp_path)
    assert _shape(cluster_mentions_fast(mentions, spoiled)) == expected and spoiled.hits == 0
    (tmp_path / "clusters.json").write_text("{not json")
    assert block_cache.ClusterCache(tmp_path).get("k") is None


def _rule_pairs(mentions: list[Mention]) -> set[tuple]:
    """Every compatible pair of classes with its strength, by the rule on every pair of
    class representatives read from two articles (no blocking, no cache)."""
    reps = {}
    for m in sorted(mentions, key=lambda x: x.mention_id):
        reps.setdefault(class_key(m), m)
    out = set()
    for k1, r1 in reps.items():
        for k2, r2 in reps.items():
            a, b = _read_alone(r1, "\x00one"), _read_alone(r2, "\x00two")
            if why_different(a, b) is None:
                out.add((k1, k2, _strength(a, b)))
    return out


def _class_pairs(classes: MentionClasses) -> set[tuple]:
    keys = [class_key(rep) for rep in classes.reps]
    return {
        (keys[p], keys[q], s)
        for p, by in classes.partners.items()
        for s, qs in by.items()
        for q in qs
    }


def test_class_pairs_kept_between_builds_are_the_pairs_of_the_rule(tmp_path):
    """After one article is added and another edited, a build pairs only the classes the
    cache lacks, and its pairs are those of the rule on every pair of classes; the
    clusters are the reference's."""
    from analysis.events.block_cache import ClusterCache

    paired_anew = []
    for seed in range(40):
        rng = random.Random(seed)
        mentions = random_mentions(rng, 50)
        articles = sorted({m.article_id for m in mentions})
        added, edited = articles[-1], articles[0]
        before = [m for m in mentions if m.article_id != added]
        cache = ClusterCache(tmp_path / str(seed))
        cluster_mentions_fast(before, cache)
        cache.save()
        after = [
            replace(m, actor1_side="ISRAEL", event_date="2020-03-14", date_start="", date_end="")
            if m.article_id == edited
            else m
            for m in mentions
        ]
        for kept in (ClusterCache(tmp_path / str(seed)), ClusterCache(tmp_path / str(seed))):
            classes = MentionClasses(after, kept)
            assert _class_pairs(classes) == _rule_pairs(after)
            assert _shape(cluster_mentions_fast(after, kept)) == _shape(cluster_mentions(after))
            paired_anew.append((classes.new_classes, len(classes.reps)))
    # Only the classes of the added and the edited article are paired again.
    assert all(n is not None and n < total for n, total in paired_anew)
    assert sum(n for n, _ in paired_anew) > 0


def test_spoiled_class_pairs_are_paired_again(tmp_path):
    from analysis.events.block_cache import ClusterCache

    mentions = random_mentions(random.Random(7), 50)
    cache = ClusterCache(tmp_path)
    cluster_mentions_fast(mentions, cache)
    cache.save()
    text = (tmp_path / "clusters.json").read_text()
    # Point every stored pair at a class number that does not exist.
    spoiled = text.replace('"compatible":[[', '"compatible":[[-5,')
    assert spoiled != text
    (tmp_path / "clusters.json").write_text(spoiled)
    again = MentionClasses(mentions, ClusterCache(tmp_path))
    assert again.new_classes is None and _class_pairs(again) == _rule_pairs(mentions)


def test_kept_event_rows_equal_merged_ones_and_spoiled_rows_are_merged_again(tmp_path):
    import json

    from analysis.events.block_cache import ClusterCache
    from analysis.events.reconcile import reconcile

    clusters = cluster_mentions_fast(random_mentions(random.Random(5), 40))
    expected = reconcile(clusters)
    cache = ClusterCache(tmp_path)
    assert reconcile(clusters, cache) == expected
    cache.save()
    kept = ClusterCache(tmp_path)
    assert reconcile(clusters, kept) == expected and kept.row_hits == len(clusters)
    path = tmp_path / "clusters.json"
    stored = json.loads(path.read_text())
    rows = sorted(stored["rows"])
    for n, key in enumerate(rows):
        # A value missing, or a number of field names that does not exist.
        stored["rows"][key] = stored["rows"][key][:-1] if n % 2 else [99, *stored["rows"][key][1:]]
    path.write_text(json.dumps(stored))
    spoiled = ClusterCache(tmp_path)
    assert reconcile(clusters, spoiled) == expected and spoiled.row_hits == 0
