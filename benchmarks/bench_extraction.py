"""Extraction speed on one core: articles per second for 1k, 2k and 4k articles.

By default articles are built from the seed texts and from sentences generated out of the
lexicons, so the vocabulary mix is realistic. With ``--corpus DIR`` (a corpus of parts,
each with ``articles/`` and ``articles.csv``, such as the development corpus) its real
texts are repeated to each size instead; the target is at least 50 articles/s on one core
for 2,000 articles. Run: ``python benchmarks/bench_extraction.py [--sizes ...] [--corpus DIR]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import resource
import time
from pathlib import Path

from analysis.extract.article import extract_article
from analysis.extract.corpus import load_corpus
from analysis.extract.lexicon import load_lexicon
from analysis.extract.sentences import split_sentences
from analysis.records import Article

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = (
    "{actor} {verb} {target} in {place} on {weekday}, killing {n} people and injuring {m}.",
    "{target} in {place} was targeted by {actor} with {weapon} on {weekday}.",
    "The attack wounded {n} service members, officials said.",
    "{actor} launched {weapon} at {place} in response to {action} on {target} last week.",
    "Since {month}, {actor} have targeted {target} more than {n} times.",
    "{n} civilians were killed and several more injured in {place}, police said.",
)


def _seed_articles() -> list[Article]:
    return load_corpus(ROOT / "data" / "raw" / "articles", ROOT / "data" / "raw" / "articles.csv")


def corpus_articles(corpus: Path) -> list[Article]:
    """Every article of every part of ``corpus`` (folders holding ``articles.csv``)."""
    parts = sorted(p for p in corpus.iterdir() if (p / "articles.csv").is_file())
    return [a for part in parts for a in load_corpus(part / "articles", part / "articles.csv")]


def repeated_corpus(size: int, texts: list[Article]) -> list[Article]:
    """``size`` articles cycling through ``texts``, each with its own id."""
    return [
        Article(
            f"{texts[i % len(texts)].article_id}-{i}",
            *list(vars(texts[i % len(texts)]).values())[1:],
        )
        for i in range(size)
    ]


def synthetic_corpus(size: int, seed: int = 7) -> list[Article]:
    """``size`` articles: every fifth a seed text, the rest 6-14 generated sentences."""
    lexicon = load_lexicon()
    rng = random.Random(seed)
    actor_names = sorted({v.actor for v in lexicon.actors.table.values() if v.role == "any"})
    targets = ["U.S. troops", "a US base", "coalition personnel", "the PMF", "Kataib Hezbollah"]
    places = sorted({v.location for v in lexicon.places.table.values()})
    weapons = ["rockets", "one-way drones", "ballistic missiles", "artillery", "an IED"]
    verbs = ["struck", "attacked", "bombed", "targeted", "shelled"]
    actions = ["a rocket attack", "drone attacks", "an airstrike", "the assassination"]
    weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    months = ["October", "January", "May 2019", "Oct. 7"]
    seeds = _seed_articles()
    corpus = []
    for i in range(size):
        if i % 5 == 0:
            base = seeds[i // 5 % len(seeds)]
            corpus.append(Article(f"{base.article_id}-{i}", *list(vars(base).values())[1:]))
            continue
        sentences = []
        for _ in range(rng.randint(6, 14)):
            sentences.append(
                rng.choice(TEMPLATES).format(
                    actor=rng.choice(actor_names),
                    verb=rng.choice(verbs),
                    target=rng.choice(targets),
                    place=rng.choice(places),
                    weekday=rng.choice(weekdays),
                    weapon=rng.choice(weapons),
                    action=rng.choice(actions),
                    month=rng.choice(months),
                    n=rng.choice(["two", "four", "12", "at least 170", "a dozen"]),
                    m=rng.choice(["three", "several", "18"]),
                )
            )
        text = f"Attack reported near {rng.choice(places)}\n\n" + "\n\n".join(sentences)
        published = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 1600))
        corpus.append(Article(f"synthetic-{i:05d}", "", "Synthetic", "", "", published, "", text))
    return corpus


def long_article(texts: list[Article], megabytes: float) -> Article:
    """One article of ``megabytes`` MB: the texts' body sentences, concatenated and repeated."""
    lexicon = load_lexicon()
    body = [
        s.text
        for a in texts
        for s in split_sentences(a.text, a.title, lexicon.boilerplate)
        if s.role == "body"
    ]
    block = "\n\n".join(body)
    size = int(megabytes * 1_000_000)
    text = ("\n\n".join([block] * (size // len(block) + 1)))[:size]
    return Article("long", "long.txt", "Benchmark", "", "", texts[0].published, "", text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000])
    parser.add_argument("--corpus", type=Path, default=None, help="repeat this corpus's texts")
    parser.add_argument(
        "--long-mb", type=float, nargs="+", default=None, help="time one article of these sizes"
    )
    args = parser.parse_args()
    lexicon = load_lexicon()
    texts = corpus_articles(args.corpus) if args.corpus is not None else None
    if args.long_mb:
        # One very long article: time should grow linearly with its length.
        source = texts or _seed_articles()
        print(f"{'MB':>5} {'seconds':>8} {'mentions':>9} {'peak RSS GB':>12}")
        for mb in args.long_mb:
            article = long_article(source, mb)
            start = time.perf_counter()
            found = len(extract_article(article, lexicon).mentions)
            elapsed = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
            print(f"{mb:>5} {elapsed:>8.2f} {found:>9} {peak:>12.2f}")
        return
    print(f"{'articles':>8} {'seconds':>8} {'articles/s':>11} {'mentions':>9}")
    for size in args.sizes:
        corpus = synthetic_corpus(size) if texts is None else repeated_corpus(size, texts)
        # The corpus is input, not work: keep the collector from re-scanning it on every pass.
        gc.collect()
        gc.freeze()
        start = time.perf_counter()
        mentions = sum(len(extract_article(a, lexicon).mentions) for a in corpus)
        elapsed = time.perf_counter() - start
        print(f"{size:>8} {elapsed:>8.2f} {size / elapsed:>11.0f} {mentions:>9}")
        del corpus
        gc.unfreeze()


if __name__ == "__main__":
    main()
