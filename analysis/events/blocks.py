"""Complete-linkage clustering of mentions in time and memory linear in their number.

:func:`analysis.events.reconcile.cluster_mentions` checks every pair of a candidate block
and keeps every compatible pair. One long article (a live blog, a year's timeline) puts
thousands of mentions with the same dates and sides into one block, and most of them are
compatible with each other: the pairs grow with the square of the article's length. This
module gives the same clusters without listing those pairs.

Mentions are grouped into *classes*: mentions that agree on every field except where they
were read (``mention_id``, ``article_id``, ``sentence_index``, ``char_start``, ``char_end``),
what they answer (``responds_to``) and what they are told apart from (``apart_from``). The
merge rule (:func:`~analysis.events.reconcile.why_different`) looks at those fields only
through three clauses, *two items of one sentence*, *one answers the other* and *told as
another event*; so two mentions are compatible exactly when their classes are (the rule
applied to one representative of each, read from different articles) and the pair is not
one of the few *forbidden* pairs of one sentence, of a stated response, of another event
told apart or of two specific places of one article
(:func:`~analysis.events.reconcile.places_apart`). Class pairs are found with the same
candidate blocks, and within a block only classes whose date intervals overlap are
compared (clause 4: a sorted sweep). The pair strength
(:func:`~analysis.events.reconcile._strength`) is a property of the classes too. The
compatible class pairs of a build can be kept (:mod:`analysis.events.block_cache`): the
next build tries only its new classes, each against every class whose dates overlap.

The greedy complete linkage then runs on clusters, not pairs. Pairs are taken by strength,
then by the smaller and the larger id; for one mention ``a`` at one strength, the only pairs
that can change anything are, for each other cluster, the one with the smallest partner
``b > a`` in it: a later partner in the same cluster is either already merged or fails too,
because a cluster that does not fit another never fits it after either has grown. Each
cluster keeps its members per class, so the first partner in a cluster is found by
bisection, and whether two clusters fit is decided from their classes and the forbidden
pairs of the smaller one. Umbrella crediting and the second pass use the same summaries,
and so does the joining of the sites of one operation: the reference's predicates
(:func:`~analysis.events.reconcile.one_operation`, and
:func:`~analysis.events.reconcile.why_different` with ``across_sites``) on one
representative per class pair, plus the forbidden pairs.

Anchoring is :func:`analysis.events.reconcile._anchor_undated` itself, run on a summary of
each event (:func:`_anchor`): one mention per class and article (its fields, its articles
and its per-article casualty figures are those of the whole event) and the mentions that
an undated mention may not join, so that an undated mention costs the size of that
summary, not of the event. With a cache, the decisions of the last build are kept for the
undated mentions whose inputs did not change (:func:`_anchor_with_cache`); the few left
are decided on the events they read alone (:func:`_decide_few`).

Mentions with no compatible pair between them form independent groups
(:func:`components`); each group is clustered on its own, and its result can be kept
between builds (:mod:`analysis.events.block_cache`).

:func:`cluster_mentions_fast` returns exactly what
:func:`~analysis.events.reconcile.cluster_mentions` returns (tested on random mention
sets); the straightforward function stays the reference and serves pairs checked elsewhere.
A change of the merge rule that reads a field of :data:`PLACE_FIELDS` other than through
the two clauses above, or of the anchoring rule that reads more of an event than its
classes, articles and casualty figures, must be mirrored here: the random comparison
fails until it is. So must a change of which events an undated mention gathers as
candidates (:func:`analysis.events.reconcile.reads_event`, tested against the indexes).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import marshal
import operator
from bisect import bisect_right, insort
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from analysis.events.block_cache import ClusterCache
from analysis.events.reconcile import (
    Cluster,
    _anchor_undated,
    _single,
    _strength,
    anchor_facts,
    candidate_blocks,
    clusters_of,
    in_pool,
    interval,
    mention_bytes,
    merge_reason,
    one_operation,
    places_apart,
    reads_event,
    why_different,
)
from analysis.records import Mention

log = logging.getLogger("analysis.events.reconcile")

#: Fields that say where a mention was read and what it answers: the merge rule sees them
#: only through its one-sentence and response clauses (see the module docstring).
PLACE_FIELDS = frozenset(
    [
        "mention_id",
        "article_id",
        "sentence_index",
        "char_start",
        "char_end",
        "responds_to",
        "apart_from",
    ]
)
_CLASS_FIELDS = tuple(f.name for f in dataclasses.fields(Mention) if f.name not in PLACE_FIELDS)
_class_values = operator.attrgetter(*_CLASS_FIELDS)


def class_key(m: Mention) -> tuple:
    """The fields that decide, with the forbidden pairs, which mentions ``m`` may merge with."""
    return _class_values(m)


def class_digest(key: tuple) -> str:
    """SHA-256 of the class fields ``key`` of a mention (:func:`class_key`): the name of
    its class in the pairs kept between builds (:mod:`analysis.events.block_cache`)."""
    # marshal format 0: the same bytes for equal values, whatever the objects' history.
    return hashlib.sha256(marshal.dumps(key, 0)).hexdigest()


#: Pair only the new classes (each against every class) when they are at most this many
#: class pairs; else sweep the candidate blocks again (the same pairs).
_NEW_PAIRS_AT_MOST = 2_000_000


def _read_alone(m: Mention, name: str) -> Mention:
    """A copy of ``m`` read alone, as the first sentence of a made-up article ``name``
    (also its id), answering nothing and told apart from nothing.

    The same value as ``dataclasses.replace`` gives; made without its per-field checks
    and ``__init__`` (a mention has no ``__post_init__``), which cost more than the
    pairing itself when every class of a large corpus is copied.
    """
    copy = object.__new__(Mention)
    fields = copy.__dict__
    fields.update(vars(m))
    fields.update(mention_id=name, article_id=name, sentence_index=0, responds_to=(), apart_from=())
    return copy


class MentionClasses:
    """Mentions grouped into classes, with the compatible class pairs and forbidden pairs.

    Parameters
    ----------
    mentions
        Mentions with unique ids.
    cache
        Class pairs of an earlier build (:class:`analysis.events.block_cache.ClusterCache`):
        only the classes it did not have are paired (with every class), and this build's
        pairs are kept in it. The pairs are the same with or without it.

    Attributes
    ----------
    of
        mention id -> class number.
    compatible
        Ordered pairs of class numbers whose mentions satisfy the rule (both orders).
    partners
        class -> strength -> classes compatible with it at that strength (itself included).
    forbidden
        mention id -> ids it may never merge with although their classes are compatible:
        items of one sentence, stated responses, events told apart, different places of
        one article.
    forbidden_sites
        The same without the places: the pairs that may not be sites of one operation.
    new_classes
        How many classes were paired as new against the cache's pairs (``None``: every
        class pair was swept).
    """

    def __init__(self, mentions: Iterable[Mention], cache: ClusterCache | None = None):
        self.by_id: dict[str, Mention] = {m.mention_id: m for m in mentions}
        numbers: dict[tuple, int] = {}
        reps: list[Mention] = []
        self.of: dict[str, int] = {}
        for mid in sorted(self.by_id):
            m = self.by_id[mid]
            key = class_key(m)
            if key not in numbers:
                numbers[key] = len(reps)
                reps.append(m)
            self.of[mid] = numbers[key]
        self.reps = reps
        self._keys = list(numbers)
        self._across: dict[tuple[int, int], bool] = {}
        self.compatible: set[tuple[int, int]] = set()
        self.partners: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.new_classes: int | None = None
        if cache is None:
            self._pair_classes(reps)
        else:
            self._pair_with_cache(reps, cache)
        for by_strength in self.partners.values():
            for partner_classes in by_strength.values():
                partner_classes.sort()
        self.forbidden: dict[str, set[str]] = defaultdict(set)
        by_sentence: dict[tuple[str, int], list[str]] = defaultdict(list)
        for mid, m in self.by_id.items():
            by_sentence[m.article_id, m.sentence_index].append(mid)
            # A stated response, and another event told apart (reconcile.told_apart).
            for target in (*m.responds_to, *m.apart_from):
                if target in self.by_id and target != mid:
                    self.forbidden[mid].add(target)
                    self.forbidden[target].add(mid)
        for ids in by_sentence.values():
            if len(ids) > 1:
                for mid in ids:
                    self.forbidden[mid].update(i for i in ids if i != mid)
        # The sites of one operation waive the place clauses: they see only the pairs of
        # one sentence and of a stated response.
        self.forbidden_sites = {mid: set(ids) for mid, ids in self.forbidden.items()}
        # Two specific places of one article (clause 9, reconcile.places_apart) read the
        # article, which classes leave out: forbidden pairs, found per pair of compatible
        # classes of one article (the clause reads only class fields besides the article).
        located: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
        for mid in sorted(self.by_id):
            m = self.by_id[mid]
            if m.location:
                located[m.article_id][self.of[mid]].append(mid)
        for groups in located.values():
            for p, ids in groups.items():
                partners = {q for by in self.partners.get(p, {}).values() for q in by}
                for q in sorted(partners):
                    if q <= p or q not in groups:
                        continue
                    if places_apart(self.by_id[ids[0]], self.by_id[groups[q][0]]):
                        for a in ids:
                            self.forbidden[a].update(groups[q])
                        for b in groups[q]:
                            self.forbidden[b].update(ids)

    def _pair_classes(self, reps: Sequence[Mention]) -> None:
        """Find the compatible class pairs: the rule on two copies of each representative.

        Each class is represented twice, read from two made-up articles, so that a class
        is paired with itself when two of its mentions (from different sentences) merge.
        """
        copies = []
        for n, rep in enumerate(reps):
            for side in "ab":
                name = f"\x00class{n:09d}{side}"
                copies.append(_read_alone(rep, name))
        number = {c.mention_id: int(c.mention_id[6:15]) for c in copies}
        seen: set[tuple[int, int]] = set()
        for block in candidate_blocks(copies):
            # Clause 4 (overlapping dates) is necessary: sweep the block by start date so
            # that only overlapping intervals are compared.
            spans = sorted(
                ((interval(c), c) for c in block if interval(c) is not None),
                key=lambda p: (p[0][0], p[1].mention_id),
            )
            for i, (span, c) in enumerate(spans):
                for other_span, d in spans[i + 1 :]:
                    if other_span[0] > span[1]:
                        break
                    p, q = sorted((number[c.mention_id], number[d.mention_id]))
                    if (p, q) in seen or (p == q and c.mention_id[-1] == d.mention_id[-1]):
                        continue
                    seen.add((p, q))
                    if why_different(c, d) is None:
                        self._add(p, q, _strength(c, d))

    def _add(self, p: int, q: int, strength: int) -> None:
        """Record the compatible pair of classes ``p`` and ``q`` (either order)."""
        self.compatible.add((p, q))
        self.compatible.add((q, p))
        self.partners[p][strength].append(q)
        if p != q:
            self.partners[q][strength].append(p)

    def _pair_with_cache(self, reps: Sequence[Mention], cache: ClusterCache) -> None:
        """:meth:`_pair_classes` with the pairs of an earlier build: its pairs of classes
        still present are kept, and each new class is tried against every class.

        The merge rule reads a class pair only through the two representatives (read from
        two made-up articles) and gives the same answer and strength in either order, so a
        pair found in another build, with other class numbers, is the pair found here.
        Blocking only spares the rule pairs it would reject; a new class is instead tried
        against every class whose dates overlap its own (clause 4) and whose sides may
        match (clauses 1-3).
        """
        digests = [class_digest(key) for key in self._keys]
        number = {d: n for n, d in enumerate(digests)}
        old_classes, old_pairs = cache.class_pairs()
        known = set(old_classes)
        new = [n for n, d in enumerate(digests) if d not in known]
        kept: set[tuple[int, int, int]] = set()
        try:
            now = [number.get(d) for d in old_classes]
            for p, q, strength in old_pairs:
                if not (0 <= p < len(now) and 0 <= q < len(now)) or type(strength) is not int:
                    raise ValueError(p, q, strength)
                if now[p] is not None and now[q] is not None:
                    kept.add((now[p], now[q], strength))
        except (TypeError, ValueError):
            old_classes = []  # a spoiled entry: sweep every pair again
        if not old_classes or len(new) * len(reps) > _NEW_PAIRS_AT_MOST:
            self._pair_classes(reps)
        else:
            # In any order: the lists of partners are sorted once all pairs are in.
            for p, q, strength in kept:
                self._add(p, q, strength)
            self._pair_new(reps, new)
            self.new_classes = len(new)
            cache.pairs_kept = len(kept)
        found = sorted(
            (p, q, s)
            for p, by in self.partners.items()
            for s, qs in by.items()
            for q in qs
            if p <= q
        )
        cache.put_class_pairs(digests, found)

    def _pair_new(self, reps: Sequence[Mention], new: Sequence[int]) -> None:
        """Pair the classes ``new`` with every class (themselves and each other included)."""
        spans = [interval(rep) for rep in reps]
        is_new = set(new)
        for n in new:
            span = spans[n]
            if span is None:
                continue  # clause 4: an undated class pairs with none
            u = reps[n]
            a = _read_alone(u, f"\x00class{n:09d}a")
            for q, other in enumerate(spans):
                if other is None or other[0] > span[1] or span[0] > other[1]:
                    continue
                if q in is_new and q < n:
                    continue  # tried when q was the new class
                rep = reps[q]
                if (rep.actor1_side and u.actor1_side and rep.actor1_side != u.actor1_side) or (
                    rep.actor2_side and u.actor2_side and rep.actor2_side != u.actor2_side
                ):
                    continue  # clauses 2 and 3
                b = _read_alone(rep, f"\x00class{q:09d}b")
                if why_different(a, b) is None:
                    self._add(min(n, q), max(n, q), _strength(a, b))

    def across_sites(self, p: int, q: int) -> bool:
        """Whether mentions of classes ``p`` and ``q`` may be two sites of one operation
        (:func:`~analysis.events.reconcile.why_different` ``across_sites``), read from
        different articles: the one-sentence and response clauses are the forbidden pairs."""
        key = (p, q) if p <= q else (q, p)
        if key not in self._across:
            a, b = (
                _read_alone(self.reps[n], name)
                for n, name in ((key[0], "\x00sitea"), (key[1], "\x00siteb"))
            )
            self._across[key] = why_different(a, b, across_sites=True) is None
        return self._across[key]

    def strengths(self) -> list[int]:
        """Every strength of a compatible class pair, strongest first."""
        return sorted({s for by in self.partners.values() for s in by}, reverse=True)


class _Linkage:
    """Complete-linkage clusters over the mentions ``ids`` (one pass of the clustering).

    Clusters are union-find sets; each is named (``label``) by its smallest id, as the
    reference names them, and keeps its members, its class counts and, per class, the
    sorted ids of its members (mentions appended later as umbrellas are kept out of those).
    """

    def __init__(self, ids: Sequence[str], classes: MentionClasses):
        self.classes = classes
        self.parent = {i: i for i in ids}
        self.label = {i: i for i in ids}
        self.members: dict[str, list[str]] = {i: [i] for i in ids}
        self.counts: dict[str, Counter] = {i: Counter([classes.of[i]]) for i in ids}
        self.per_class: dict[int, dict[str, list[str]]] = defaultdict(dict)
        for i in ids:
            self.per_class[classes.of[i]][i] = [i]
        self.appended: dict[str, str] = {}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def where(self, x: str) -> str | None:
        """The root of the cluster holding ``x``, or ``None``."""
        if x in self.parent:
            return self.find(x)
        return self.appended.get(x)

    def fits(self, rx: str, ry: str) -> bool:
        """Whether every pair across the clusters ``rx`` and ``ry`` satisfies the rule."""
        compatible = self.classes.compatible
        if not all((p, q) in compatible for p in self.counts[rx] for q in self.counts[ry]):
            return False
        small, other = (rx, ry) if len(self.members[rx]) <= len(self.members[ry]) else (ry, rx)
        forbidden = self.classes.forbidden
        return not any(
            self.where(y) == other for x in self.members[small] for y in forbidden.get(x, ())
        )

    def fits_across_sites(self, rx: str, ry: str) -> bool:
        """Whether every pair across the clusters ``rx`` and ``ry`` may be two sites of one
        operation (the rule with its place clause waived)."""
        across = self.classes.across_sites
        if not all(across(p, q) for p in self.counts[rx] for q in self.counts[ry]):
            return False
        forbidden = self.classes.forbidden_sites
        return not any(self.where(y) == ry for x in self.members[rx] for y in forbidden.get(x, ()))

    def fits_one(self, mid: str, root: str) -> bool:
        """Whether the mention ``mid`` (in no cluster) fits the cluster ``root``."""
        p, compatible = self.classes.of[mid], self.classes.compatible
        if not all((p, q) in compatible for q in self.counts[root]):
            return False
        return not any(self.where(y) == root for y in self.classes.forbidden.get(mid, ()))

    def union(self, rx: str, ry: str) -> None:
        if len(self.members[rx]) < len(self.members[ry]):
            rx, ry = ry, rx
        self.parent[ry] = rx
        self.label[rx] = min(self.label[rx], self.label.pop(ry))
        self.members[rx].extend(self.members.pop(ry))
        gone_counts = self.counts.pop(ry)
        self.counts[rx].update(gone_counts)
        for p in gone_counts:
            gone = self.per_class[p].pop(ry, None)
            if gone is None:
                continue
            kept = self.per_class[p].get(rx)
            if kept is None:
                self.per_class[p][rx] = gone
            elif len(gone) * 8 < len(kept):
                for i in gone:
                    insort(kept, i)
            else:
                self.per_class[p][rx] = sorted(kept + gone)

    def first_partners(self, a: str, classes: Iterable[int]) -> list[tuple[str, str]]:
        """For each other cluster, its smallest member ``b > a`` of ``classes`` that ``a``
        may merge with: ``(b, root)`` pairs sorted by ``b``."""
        ra, forbidden = self.find(a), self.classes.forbidden.get(a, set())
        best: dict[str, str] = {}
        for q in classes:
            for root, ids in self.per_class[q].items():
                if root == ra:
                    continue
                j = bisect_right(ids, a)
                while j < len(ids) and ids[j] in forbidden:
                    j += 1
                if j < len(ids) and (root not in best or ids[j] < best[root]):
                    best[root] = ids[j]
        return sorted((b, root) for root, b in best.items())

    def link(self, ids: Sequence[str]) -> None:
        """Greedy complete linkage: pairs by strength, then by id, as the reference does."""
        classes, by_id = self.classes, self.classes.by_id
        verbose = log.isEnabledFor(logging.INFO)
        for strength in classes.strengths():
            for a in ids:
                partner_classes = classes.partners.get(classes.of[a], {}).get(strength)
                if not partner_classes:
                    continue
                for b, root in self.first_partners(a, partner_classes):
                    ra = self.find(a)
                    # Clusters change only by merging into a's cluster here, so ``root`` is
                    # still the root of b's cluster.
                    if self.fits(ra, root):
                        self.union(ra, root)
                        if verbose:
                            log.info("merge %s + %s: %s", a, b, merge_reason(by_id[a], by_id[b]))

    def homes(self, mid: str) -> list[str]:
        """Roots of the clusters holding a compatible partner of ``mid`` that it fits."""
        forbidden = self.classes.forbidden.get(mid, set())
        roots: set[str] = set()
        for by_strength_classes in self.classes.partners.get(self.classes.of[mid], {}).values():
            for q in by_strength_classes:
                for root, ids in self.per_class[q].items():
                    if root in roots:
                        continue
                    if len(ids) > len(forbidden) or any(i not in forbidden for i in ids):
                        roots.add(root)
        return sorted((r for r in roots if self.fits_one(mid, r)), key=self.label.__getitem__)

    def append(self, mid: str, root: str) -> None:
        """Add ``mid`` to the cluster ``root`` without making it a partner for later ones."""
        self.members[root].append(mid)
        self.counts[root][self.classes.of[mid]] += 1
        self.appended[mid] = root

    def by_label(self) -> dict[str, list[str]]:
        return {self.label[r]: ids for r, ids in self.members.items()}


class _Pass:
    """What :func:`analysis.events.reconcile._anchor_undated` reads and moves: label -> ids."""

    def __init__(self, members: dict[str, list[str]]):
        self.members = members


def _anchor(
    classes: MentionClasses,
    passes: list[_Pass],
    shared: dict[str, list[str]],
    cache: ClusterCache | None = None,
    encoded: Mapping[str, bytes] | None = None,
) -> None:
    """Third pass: :func:`analysis.events.reconcile._anchor_undated` itself, shown a summary
    of each event, then its moves applied to the events. With a ``cache`` (and the
    :func:`analysis.events.reconcile.mention_bytes` of the mentions), the decisions of the
    last build whose inputs did not change are kept (:func:`_anchor_with_cache`).

    The summary keeps one mention per class and article (the anchoring clauses see an
    event's fields, its articles and each article's largest casualty figures, all of which
    it keeps) and every mention that an undated mention may not join (same sentence, stated
    response), so that the decisions are those on whole events while an undated mention
    costs the size of a summary, not of an event.
    """
    by_id = classes.by_id
    undated = [
        ids[0]
        for p in passes
        for ids in p.members.values()
        if len(ids) == 1 and interval(by_id[ids[0]]) is None
    ]
    keep = {i for u in undated for i in classes.forbidden.get(u, ())}

    def summary(ids: list[str]) -> list[str]:
        seen: set[tuple[int, str]] = set()
        out = []
        for i in ids:
            key = (classes.of[i], by_id[i].article_id)
            if key not in seen or i in keep:
                seen.add(key)
                out.append(i)
        return out

    shown = [_Pass({root: summary(ids) for root, ids in p.members.items()}) for p in passes]
    sizes = [{root: len(ids) for root, ids in p.members.items()} for p in shown]
    shown_shared = {root: summary(ids) for root, ids in shared.items()}
    if cache is None or encoded is None:
        _anchor_undated(by_id, shown, shown_shared)
    else:
        _anchor_with_cache(by_id, shown, shown_shared, cache, encoded)
    moved = []
    for n, p in enumerate(shown):
        for root in sizes[n]:
            if root not in p.members:
                moved.append((n, root))
    homes = {
        u: (n, root)
        for n, p in enumerate(shown)
        for root, ids in p.members.items()
        for u in ids[sizes[n].get(root, 0) :]
    }
    for n, u in moved:
        m, home = homes[u]
        passes[n].members.pop(u)
        passes[m].members[home].append(u)


#: Decide every undated mention again, rather than those whose inputs changed, when more
#: groups of mentions than this changed since the last build (checking each against
#: every kept decision would cost more than deciding).
_CHANGED_GROUPS_AT_MOST = 200
#: Decide the undated mentions left on the events they read alone (rather than on
#: indexes of every event) when they are at most this many.
_PENDING_AT_MOST = 500


def _group(key: str) -> tuple[int, str]:
    """``"pass:label"`` as ``(pass, label)``."""
    n, label = key.split(":", 1)
    return int(n), label


def _keep_decisions(
    by_id, shown, shared, digests, undated, old_undated, old_reads, changed, given, kept
):
    """Fill ``given`` (``(pass, label)`` -> events fitted) and ``kept`` (``"pass:label"`` ->
    ``(digest, events read, events fitted)``) with the decisions of
    :func:`_anchor_with_cache` that still hold."""
    facts = []
    for key in sorted(changed & digests.keys()):
        n, root = _group(key)
        members = [by_id[i] for i in (*shown[n].members[root], *shared.get(root, ()))]
        if any(interval(m) is not None for m in members):
            facts.append(anchor_facts(members))
    clean: dict[int, bool] = {}  # number of a list of groups read -> none changed
    for key, (n, root) in undated.items():
        entry = old_undated.get(key)
        if entry is None:
            continue
        if type(entry) is str:
            digest, read, fits = entry, (), ()
        else:
            digest, number, fits = entry
            if type(number) is not int or not 0 <= number < len(old_reads):
                raise ValueError(number)
            read = old_reads[number]
            if number not in clean:
                # ``changed`` holds the groups that left too.
                clean[number] = changed.isdisjoint(read)
            if not clean[number]:
                continue
        if digest != digests[key]:
            continue
        if fits and not (set(fits) <= set(read) and all(k in digests for k in fits)):
            continue  # a spoiled entry: a decision fits only groups it read
        if any(reads_event(by_id[root], f) for f in facts):
            continue
        given[n, root] = [_group(k) for k in fits]
        kept[key] = (digest, read, fits)


def _decide_few(
    by_id: dict[str, Mention],
    shown: list[_Pass],
    shared: dict[str, list[str]],
    pending: list[tuple[int, str]],
    record: dict,
) -> None:
    """Decide the undated mentions ``pending`` (``(pass, label)``) as
    :func:`analysis.events.reconcile._anchor_undated` would on every event, shown only the
    events that one of them reads (:func:`analysis.events.reconcile.reads_event`): a
    decision reads nothing else, so the indexes of a few events give it. Fills ``record``
    and moves nothing."""
    # The mentions by pool (those of one country and sides, or of one article without a
    # country, share theirs).
    pools: dict[object, list[Mention]] = defaultdict(list)
    for _, root in pending:
        u = by_id[root]
        pools[(u.country, u.actor1_side, u.actor2_side) if u.country else u.article_id].append(u)
    sub: list[dict[str, list[str]]] = [{} for _ in shown]
    for n, p in enumerate(shown):
        for root, ids in p.members.items():
            if len(ids) == 1 and root not in shared and interval(by_id[root]) is None:
                continue  # an undated mention alone: no event
            members = [by_id[i] for i in (*ids, *shared.get(root, ()))]
            # The pool first (the known sides and country, the articles): cheaper than
            # every fact of the event, and most events are in no pool of the few.
            singles = (
                _single(frozenset(m.actor1_side for m in members if m.actor1_side)),
                _single(frozenset(m.actor2_side for m in members if m.actor2_side)),
                _single(frozenset(m.country for m in members if m.country)),
            )
            articles = {m.article_id for m in members}
            facts = None
            for mentions in pools.values():
                if not in_pool(mentions[0], singles, articles):
                    continue
                if facts is None:
                    if all(interval(m) is None for m in members):
                        break  # no event
                    facts = anchor_facts(members)
                if any(reads_event(u, facts) for u in mentions):
                    sub[n][root] = list(ids)
                    break
    for n, root in pending:
        sub[n][root] = [root]
    labels = {root for members in sub for root in members}
    _anchor_undated(
        by_id,
        [_Pass(members) for members in sub],
        {root: list(ids) for root, ids in shared.items() if root in labels},
        None,
        record,
    )


def _anchor_with_cache(
    by_id: dict[str, Mention],
    shown: list[_Pass],
    shared: dict[str, list[str]],
    cache: ClusterCache,
    encoded: Mapping[str, bytes],
) -> None:
    """:func:`analysis.events.reconcile._anchor_undated` deciding again only the undated
    mentions whose inputs changed since the last build (kept in ``cache``).

    A decision reads the undated mention and the events it gathers as candidates, and
    only those (every event that :func:`analysis.events.reconcile.reads_event` accepts;
    nothing of the other events, nor their number). So a kept decision is the decision
    made afresh when the mention is the same (every field, pass and label), no event it
    read changed or left, and no group of mentions that changed or came since is one it
    would read. Groups are compared by a digest of everything the pass is shown of them
    (pass, label, summary and umbrella credits, every field of each mention, in order).
    """
    digests: dict[str, str] = {}
    undated: dict[str, tuple[int, str]] = {}
    for n, p in enumerate(shown):
        for root, ids in p.members.items():
            key = f"{n}:{root}"
            digest = hashlib.sha256(key.encode() + b"\0")
            for i in ids:
                digest.update(encoded[i] + b"\0")
            digest.update(b"\1")
            for i in shared.get(root, ()):
                digest.update(encoded[i] + b"\0")
            digests[key] = digest.hexdigest()[:32]
            if len(ids) == 1 and interval(by_id[root]) is None:
                undated[key] = (n, root)
    old_groups, old_undated, old_reads = cache.anchoring()
    given: dict[tuple[int, str], list[tuple[int, str]]] = {}
    kept: dict[str, object] = {}
    try:
        changed = {key for key, _ in old_groups.items() ^ digests.items()}
        if old_undated and len(changed) <= _CHANGED_GROUPS_AT_MOST:
            _keep_decisions(
                by_id, shown, shared, digests, undated, old_undated, old_reads, changed, given, kept
            )
    except (TypeError, ValueError, AttributeError, KeyError, IndexError):
        given, kept = {}, {}  # a spoiled entry: decide every mention again
    cache.anchors_kept = len(given)
    record: dict[tuple[int, str], tuple[set, list]] = {}
    pending = [
        (n, root)
        for n, root in undated.values()
        if (n, root) not in given and (by_id[root].actor1_side or by_id[root].actor2_side)
    ]
    if given and pending and len(pending) <= _PENDING_AT_MOST:
        _decide_few(by_id, shown, shared, pending, record)
        for key in pending:
            read, fits = record.get(key, ((), []))
            given[key] = fits
        _anchor_undated(by_id, shown, shared, given, None)
    else:
        _anchor_undated(by_id, shown, shared, given, record)
    cache.anchors_decided = len(record)
    # Each list of groups read is stored once (many mentions of an article read the same).
    reads: dict[tuple[str, ...], int] = {}
    decisions: dict[str, object] = {}
    for key, (n, root) in undated.items():
        if key in kept:
            digest, read, fits = kept[key]
            read = tuple(read)
        elif (n, root) in record:
            digest = digests[key]
            read = tuple(sorted(f"{m}:{home}" for m, home in record[n, root][0]))
            fits = [f"{m}:{home}" for m, home in record[n, root][1]]
        else:
            digest, read, fits = digests[key], (), []  # no side known: reads nothing
        if read or fits:
            decisions[key] = [digest, reads.setdefault(read, len(reads)), list(fits)]
        else:
            decisions[key] = digest
    cache.put_anchoring(digests, decisions, [list(read) for read in reads])


def components(classes: MentionClasses) -> list[list[str]]:
    """Groups of mention ids with no compatible pair between groups, each sorted.

    Two classes with a compatible pair are in one group; a mention whose class has no
    compatible partner is a group of its own. The clustering of a group does not depend on
    the other groups (except for anchoring, which runs afterwards on all of them).
    """
    parent: dict[int, int] = {}

    def find(p: int) -> int:
        while parent.setdefault(p, p) != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    for p, q in classes.compatible:
        if p <= q:  # each pair is held in both orders (a class with itself: a group)
            rp, rq = find(p), find(q)
            if rp != rq:
                parent[max(rp, rq)] = min(rp, rq)
    root = {p: find(p) for p in parent}
    groups: dict[object, list[str]] = defaultdict(list)
    for mid in sorted(classes.by_id):
        p = classes.of[mid]
        groups[root.get(p, mid)].append(mid)
    return sorted(groups.values())


def component_key(mentions: Iterable[Mention], encoded: Mapping[str, bytes] | None = None) -> str:
    """SHA-256 of a group's mentions (every field), the cache key of its clustering.
    ``encoded`` (:func:`analysis.events.reconcile.mention_bytes` of the mentions, or more)
    spares making them."""
    ordered = sorted(mentions, key=lambda x: x.mention_id)
    if encoded is None:
        encoded = mention_bytes(ordered)
    return hashlib.sha256(b"\0".join(encoded[m.mention_id] for m in ordered) + b"\0").hexdigest()


def _cluster_group(classes: MentionClasses, ids: Sequence[str]) -> list:
    """Both passes and the umbrella credits of one group (JSON-able):
    ``[[[label, ids], ...] first pass, {label: umbrella ids}, [[label, ids], ...] second]``."""
    by_id = classes.by_id
    placed = [i for i in ids if by_id[i].admin1]
    unplaced = [i for i in ids if not by_id[i].admin1]
    first = _Linkage(placed, classes)
    first.link(placed)
    for mid in unplaced:
        if not by_id[mid].sites:
            continue  # no count of sites: no operation (spares the search for homes)
        # One operation on several sites: its place-specific events become one.
        fits = first.homes(mid)
        if not one_operation(by_id[mid], len(fits)):
            continue
        home = fits[0]
        for other in fits[1:]:
            root = first.find(home)
            if first.fits_across_sites(root, other):
                first.union(root, other)
                log.info(
                    "merge sites %s + %s: one operation (%s)",
                    first.label[first.find(home)],
                    other,
                    mid,
                )
    shared: dict[str, list[str]] = defaultdict(list)
    leftovers = []
    for mid in unplaced:
        fits = first.homes(mid)
        if not fits:
            leftovers.append(mid)
            continue
        home = first.label[fits[0]]
        first.append(mid, fits[0])
        log.info("merge %s into event of %s: %s", mid, home, merge_reason(by_id[mid], by_id[home]))
        for other in fits[1:]:
            shared[first.label[other]].append(mid)
            log.info("credit umbrella %s also to event of %s", mid, first.label[other])
    second = _Linkage(leftovers, classes)
    second.link(leftovers)
    return [
        sorted([label, sorted(members)] for label, members in first.by_label().items()),
        {label: sorted(credits) for label, credits in sorted(shared.items())},
        sorted([label, sorted(members)] for label, members in second.by_label().items()),
    ]


def cluster_mentions_fast(
    mentions: Iterable[Mention],
    cache: ClusterCache | None = None,
    encoded: Mapping[str, bytes] | None = None,
) -> list[Cluster]:
    """Group mentions into events; the same result as
    :func:`analysis.events.reconcile.cluster_mentions` without listing compatible pairs.

    Parameters
    ----------
    mentions
        Mentions with unique ``mention_id`` values, from any number of articles.
    cache
        Results of earlier builds per group of mentions
        (:class:`analysis.events.block_cache.ClusterCache`): a group whose mentions and
        reconciler did not change is not clustered again. The result is the same with or
        without it.
    encoded
        :func:`analysis.events.reconcile.mention_bytes` of ``mentions`` (made here when
        ``None`` and needed): what the cache keys read of each mention.

    Returns
    -------
    Clusters sorted by event id; every mention is a member of exactly one cluster.
    """
    classes = MentionClasses(mentions, cache)
    by_id = classes.by_id
    if cache is not None and encoded is None:
        encoded = mention_bytes(by_id.values())
    first: dict[str, list[str]] = {}
    second: dict[str, list[str]] = {}
    shared: dict[str, list[str]] = {}
    for ids in components(classes):
        if len(ids) == 1:
            second[ids[0]] = list(ids)
            continue
        key = component_key((by_id[i] for i in ids), encoded) if cache is not None else ""
        result = cache.get(key) if cache is not None else None
        if result is None:
            result = _cluster_group(classes, ids)
            if cache is not None:
                cache.put(key, result)
        first.update((label, list(members)) for label, members in result[0])
        shared.update((label, list(credits)) for label, credits in result[1].items())
        second.update((label, list(members)) for label, members in result[2])

    passes = [_Pass(first), _Pass(second)]
    _anchor(classes, passes, shared, cache, encoded)
    return clusters_of(by_id, [source.members for source in passes], shared)
