"""Time and peak memory of ``escalation events`` on one very large article.

The article is real news text: the body sentences of the development corpus
(``--texts``, default ``/work/shared/devcorpus/*/articles``; read at run time, never
copied into the repository) or, without it, of the five seed articles in
``data/raw/articles``, repeated until the text reaches the wanted size. Each size runs in
fresh processes (so that peak memory is that run's alone):

- stages, in one process, with the wall time and the peak resident memory so far after
  each: ``extract`` (:func:`analysis.extract.article.extract_article`), ``build``
  (:func:`analysis.events.build.tables_from_extractions`: clustering, reconciling,
  validating) and ``write`` (:func:`analysis.events.build.write_tables`);
- ``cli``: the whole ``escalation events --no-overrides --no-cache`` on a corpus of that one
  article, in another process.

    python benchmarks/bench_large_article.py [--sizes 1,2,5] [--texts DIR,DIR]  # sizes in MB

The target is linear growth with a small constant: a 5 MB article in under 500 MB.
Results are recorded in CHANGELOG.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


DEVCORPUS = Path("/work/shared/devcorpus")


def article_text(size_bytes: int, texts: list[Path]) -> str:
    """Body text of the articles in ``texts`` (directories of .txt files), repeated to
    ``size_bytes`` (UTF-8) or a little more."""
    from analysis.extract.lexicon import load_lexicon
    from analysis.extract.sentences import split_sentences

    lexicon = load_lexicon(None)
    paragraphs = []
    for path in sorted(p for d in texts for p in d.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        body = [s.text for s in split_sentences(text, "", lexicon.boilerplate) if s.role == "body"]
        paragraphs.append(" ".join(body))
    block = "\n\n".join(paragraphs) + "\n\n"
    repeats = max(1, -(-size_bytes // len(block.encode("utf-8"))))
    return "Headline\n\n" + block * repeats


def default_texts() -> list[Path]:
    found = sorted(DEVCORPUS.glob("*/articles"))
    return found or [ROOT / "data" / "raw" / "articles"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(size_mb: float, texts: list[Path]) -> dict:
    """Run the stages on an article of ``size_mb`` MB in this process."""
    from analysis.events.build import tables_from_extractions, write_tables
    from analysis.extract.article import extract_article
    from analysis.extract.lexicon import load_lexicon
    from analysis.records import Article

    text = article_text(int(size_mb * 1_000_000), texts)
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
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        write_tables(tables, Path(tmp))
        result["write_s"] = round(time.perf_counter() - started, 2)
    result["write_peak_mb"] = round(peak_mb(), 1)
    return result


def measure_cli(size_mb: float, texts: list[Path]) -> dict:
    """Run ``escalation events`` on a corpus of one article of ``size_mb`` MB."""
    from analysis.commands import main

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "articles").mkdir()
        (root / "articles" / "big.txt").write_text(
            article_text(int(size_mb * 1_000_000), texts), encoding="utf-8"
        )
        (root / "articles.csv").write_text(
            "article_id,file,outlet,title,author,published,url\nbig,big.txt,Outlet,,,2024-08-01,\n"
        )
        args = ["events", "--articles", str(root / "articles")]
        args += ["--metadata", str(root / "articles.csv"), "--out", str(root / "out")]
        started = time.perf_counter()
        code = main([*args, "--no-overrides", "--no-cache"])
        seconds = time.perf_counter() - started
    return {
        "size_mb": size_mb,
        "cli_status": code,
        "cli_s": round(seconds, 2),
        "cli_peak_mb": round(peak_mb(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,2,5", help="article sizes in MB, comma-separated")
    parser.add_argument("--texts", default=None, help="directories of .txt files, comma-separated")
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)  # child process
    parser.add_argument("--cli", action="store_true", help=argparse.SUPPRESS)  # child process
    args = parser.parse_args()
    texts = [Path(t) for t in args.texts.split(",")] if args.texts else default_texts()
    if args.one is not None:
        measure_one = measure_cli if args.cli else measure
        print(json.dumps(measure_one(args.one, texts)))
        return
    print(f"texts: {', '.join(map(str, texts))}", flush=True)
    for size in (float(s) for s in args.sizes.split(",")):
        for extra in ([], ["--cli"]):
            child = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--one",
                    str(size),
                    "--texts",
                    ",".join(map(str, texts)),
                    *extra,
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            print(child.stdout.strip(), flush=True)


if __name__ == "__main__":
    main()
