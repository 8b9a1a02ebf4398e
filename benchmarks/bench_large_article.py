"""Time and peak memory of ``escalation events`` on one very large article.

The article is real news text: the body sentences of the five seed articles in
``data/raw/articles``, repeated until the text reaches the wanted size. Each size runs in a
fresh process (so that peak memory is that run's alone) and reports, per stage, the wall
time and the peak resident memory so far:

- ``extract``: :func:`analysis.extract.article.extract_article` on the one article;
- ``build``: :func:`analysis.events.build.tables_from_extractions` (clustering the mentions
  into events, reconciling, validating).

    python benchmarks/bench_large_article.py [--sizes 1,5]      # sizes in MB

The target is linear growth with a small constant: a 5 MB article in under 500 MB.
Results and the diagnosis are recorded in CHANGELOG.md (2026-11-30).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def article_text(size_bytes: int) -> str:
    """Body text of the seed articles, repeated to ``size_bytes`` (UTF-8) or a little more."""
    from analysis.extract.lexicon import load_lexicon
    from analysis.extract.sentences import split_sentences

    lexicon = load_lexicon(None)
    paragraphs = []
    for path in sorted((ROOT / "data" / "raw" / "articles").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        body = [s.text for s in split_sentences(text, "", lexicon.boilerplate) if s.role == "body"]
        paragraphs.append(" ".join(body))
    block = "\n\n".join(paragraphs) + "\n\n"
    repeats = max(1, -(-size_bytes // len(block.encode("utf-8"))))
    return "Headline\n\n" + block * repeats


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(size_mb: float) -> dict:
    """Run both stages on an article of ``size_mb`` MB in this process."""
    from analysis.events.build import tables_from_extractions
    from analysis.extract.article import extract_article
    from analysis.extract.lexicon import load_lexicon
    from analysis.records import Article

    text = article_text(int(size_mb * 1_000_000))
    lexicon = load_lexicon(None)
    article = Article("big", "big.txt", "Outlet", "", "", dt.date(2024, 8, 1), "", text)
    result = {"size_mb": round(len(text.encode("utf-8")) / 1e6, 2), "start_peak_mb": peak_mb()}
    started = time.perf_counter()
    extraction = extract_article(article, lexicon)
    result["extract_s"] = round(time.perf_counter() - started, 2)
    result["extract_peak_mb"] = round(peak_mb(), 1)
    result["mentions"] = len(extraction.mentions)
    started = time.perf_counter()
    tables = tables_from_extractions([extraction])
    result["build_s"] = round(time.perf_counter() - started, 2)
    result["build_peak_mb"] = round(peak_mb(), 1)
    result["events"] = len(tables.events)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,5", help="article sizes in MB, comma-separated")
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)  # child process
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one)))
        return
    for size in (float(s) for s in args.sizes.split(",")):
        child = subprocess.run(
            [sys.executable, __file__, "--one", str(size)],
            capture_output=True,
            text=True,
            check=True,
        )
        print(child.stdout.strip(), flush=True)


if __name__ == "__main__":
    main()
