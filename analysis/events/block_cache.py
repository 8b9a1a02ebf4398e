"""Clustering results kept between builds, one entry per independent group of mentions.

Mentions fall into groups that share no compatible pair
(:func:`analysis.events.blocks.components`); a group's clusters depend on its mentions and
on the merge rule alone. :class:`ClusterCache` keeps each group's result under a key made
of its mentions and the source of the reconciler (:func:`reconciler_fingerprint`), so that
a build after adding one article reclusters only the groups that article touches. The
decisions of the corpus-wide anchoring pass are kept too, each undated mention's with the
events it read (:func:`analysis.events.blocks._anchor_with_cache`): a build decides again
only the mentions whose inputs changed. The merged
fields of each event (:func:`analysis.events.reconcile.event_fields`) are kept too, under
a key of everything they read (:func:`analysis.events.reconcile.fields_key`); the
corpus-wide links of stated answers are made again every time. The compatible pairs of
mention classes (:class:`analysis.events.blocks.MentionClasses`) are kept too, each class
named by a digest of its fields (:func:`analysis.events.blocks.class_digest`), so that a
build pairs only the classes it has not seen before.

The entries live in one JSON file, rewritten atomically after each build with only the
entries that build used.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from analysis.extract.lexicon import area_names, places_within
from analysis.files import atomic_write_text

#: Bump when the stored layout changes.
FORMAT = 4
_SOURCES = ("reconcile.py", "blocks.py", "block_cache.py")
_FILE = "clusters.json"


def reconciler_fingerprint() -> str:
    """SHA-256 of the source of the merge rule, of the clustering and of this cache, and of
    the area names the rule reads (:func:`analysis.extract.lexicon.area_names`)."""
    digest = hashlib.sha256(f"format {FORMAT}\n".encode())
    here = Path(__file__).resolve().parent
    for name in _SOURCES:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
    # The place clause reads which locations are areas from the vocabularies.
    digest.update("\n".join(sorted(area_names())).encode())
    # Anchoring reads which towns lie inside an area.
    digest.update("\n".join(sorted("\t".join(p) for p in places_within())).encode())
    return digest.hexdigest()


class ClusterCache:
    """Clustering results of groups of mentions, on disk.

    Parameters
    ----------
    directory
        Where the file lives (created when first saved).
    """

    def __init__(self, directory: str | Path):
        self.path = Path(directory) / _FILE
        self.fingerprint = reconciler_fingerprint()
        self.hits = 0
        self.misses = 0
        self._old: dict[str, list] = {}
        self._used: dict[str, list] = {}
        self.row_hits = 0
        self._old_rows: dict[str, list] = {}
        self._old_names: list[tuple[str, ...]] = []
        self._used_rows: dict[str, tuple[tuple[str, ...], list]] = {}
        #: Compatible class pairs taken from the last build (set when they are used).
        self.pairs_kept = 0
        self._old_pairs: tuple[list[str], list[list[int]]] = ([], [])
        self._new_pairs: tuple[list[str], list[list[int]]] | None = None
        self._old_anchoring: object = None
        self._new_anchoring: dict | None = None
        #: Undated mentions whose anchoring was taken from the last build, and those
        #: decided again (that know a side).
        self.anchors_kept = 0
        self.anchors_decided = 0
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stored = None
        if isinstance(stored, dict) and stored.get("fingerprint") == self.fingerprint:
            entries = stored.get("entries")
            self._old = entries if isinstance(entries, dict) else {}
            rows, names = stored.get("rows"), stored.get("row_names")
            if (
                isinstance(rows, dict)
                and isinstance(names, list)
                and all(isinstance(n, list) and all(isinstance(x, str) for x in n) for n in names)
            ):
                self._old_rows, self._old_names = rows, [tuple(n) for n in names]
            self._old_anchoring = stored.get("anchoring")
            pairs = stored.get("pairs")
            if isinstance(pairs, dict):
                classes, compatible = pairs.get("classes"), pairs.get("compatible")
                if isinstance(classes, list) and isinstance(compatible, list):
                    self._old_pairs = (classes, compatible)

    def get(self, key: str) -> list | None:
        """The stored result of the group ``key``, or ``None``."""
        found = self._old.get(key)
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        self._used[key] = found
        return found

    def put(self, key: str, result: list) -> None:
        """Keep ``result`` (JSON-able) for the group ``key``."""
        self._used[key] = result

    def get_row(self, key: str) -> dict | None:
        """The stored fields of the event ``key``, or ``None`` (hits counted in ``row_hits``)."""
        found = self._old_rows.get(key)
        if not isinstance(found, list) or not found:
            return None
        # Stored as [number of its field names, *values]: a list of names per row would be
        # most of the file and of the time to read it.
        number = found[0]
        if type(number) is not int or not 0 <= number < len(self._old_names):
            return None
        names = self._old_names[number]
        if len(names) != len(found) - 1:
            return None
        self.row_hits += 1
        self._used_rows[key] = (names, found[1:])
        return dict(zip(names, found[1:], strict=True))

    def put_row(self, key: str, row: dict) -> None:
        """Keep the fields ``row`` (JSON-able values) of the event ``key``."""
        self._used_rows[key] = (tuple(row), list(row.values()))

    def class_pairs(self) -> tuple[list[str], list[list[int]]]:
        """The class pairs of the last build: the digests of its classes, and its compatible
        pairs as ``[p, q, strength]`` (``p <= q``, numbers of classes in that list); two
        empty lists when there are none."""
        return self._old_pairs

    def put_class_pairs(self, classes: list[str], compatible: list) -> None:
        """Keep the class pairs of this build (as :meth:`class_pairs` returns them)."""
        self._new_pairs = (classes, compatible)

    def anchoring(self) -> tuple[dict, dict, list]:
        """The anchoring pass of the last build: ``"pass:label" -> digest`` of each group of
        mentions it was shown; ``"pass:label" -> digest`` or ``[digest, number of the
        events read, events fitted]`` of each undated mention (events as
        ``"pass:label"``); and the lists of events read, each once. Empty when there is
        none. The entries are read as they were stored: the reader checks them
        (:func:`analysis.events.blocks._anchor_with_cache`)."""
        stored = self._old_anchoring
        if not isinstance(stored, dict):
            return {}, {}, []
        groups, undated, reads = stored.get("groups"), stored.get("undated"), stored.get("reads")
        if not (isinstance(groups, dict) and isinstance(undated, dict) and isinstance(reads, list)):
            return {}, {}, []
        return groups, undated, reads

    def put_anchoring(self, groups: dict, undated: dict, reads: list) -> None:
        """Keep the anchoring pass of this build (as :meth:`anchoring` returns it)."""
        self._new_anchoring = {"groups": groups, "undated": undated, "reads": reads}

    def save(self) -> None:
        """Write the entries this build used (and only those)."""
        classes, compatible = self._new_pairs or ([], [])
        numbers: dict[tuple[str, ...], int] = {}
        rows = {
            key: [numbers.setdefault(names, len(numbers)), *values]
            for key, (names, values) in self._used_rows.items()
        }
        text = json.dumps(
            {
                "fingerprint": self.fingerprint,
                "entries": self._used,
                "row_names": [list(names) for names in numbers],
                "rows": rows,
                "pairs": {"classes": classes, "compatible": compatible},
                "anchoring": self._new_anchoring or {},
            },
            sort_keys=True,
            separators=(",", ":"),
            check_circular=False,  # plain lists and dicts made here
        )
        atomic_write_text(self.path, text)
