"""Scorer for the related-stories and most-read boxes against the hand-labelled truth set.

    python -m scrapers.boxbench                       # tests/data/boxes/truth.jsonl, every page
    python -m scrapers.boxbench --show 5              # and the five worst pages of each field
    python -m scrapers.boxbench --truth other.jsonl --data tests/data
    python -m scrapers.boxbench --time                # link_boxes beside the bare parse on every page of --data

The truth (`tests/data/boxes/truth.jsonl`) has one JSON object per page: `dataset` and `id` name the page
(`<data>/<dataset>/pages/<id>.html.gz`), `url` is its URL, `related` the URLs a reader would call related to
the article, `trending` the page's most-read list in rank order (null when the page holds none), and
`related_doubtful` / `trending_doubtful` the links a labeller could not decide on: predicting them is
neither rewarded nor penalised.

For each field the table gives URL-set precision, recall and F1 over all pages pooled (every link counts
once), and the number of pages whose set is exactly right. For trending it also counts the pages holding a
most-read list whose predicted list, doubtful links left out, is the labelled list in the same order.
URLs are compared without their scheme, `www.`, fragment and trailing slash, percent-escapes read and
query parameters sorted.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
TRUTH = DATA / "boxes" / "truth.jsonl"
FIELDS = ("related", "trending")

Extractor = Callable[[bytes, str], Mapping[str, Any]]


def normalize_url(url: str) -> str:
    """`url` without scheme, `www.`, fragment and trailing slash, host lower-cased, percent-escapes read, query
    parameters sorted."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    port = f":{parts.port}" if parts.port else ""
    path = unquote(parts.path).rstrip("/")
    query = f"?{unquote(urlencode(sorted(parse_qsl(parts.query))))}" if parts.query else ""
    return f"{host}{port}{path}{query}"


@dataclass
class FieldScore:
    """Pooled link counts of one field, and its page counts."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    pages: int = 0
    exact_sets: int = 0
    ranked_pages: int = 0
    """Pages whose truth holds a non-empty ranked list (trending only)."""
    exact_ranked: int = 0
    worst: list[tuple[int, str, list[str], list[str]]] = field(default_factory=list)
    """(errors, page id, missed, extra) of every page with an error."""

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def score_page(score: FieldScore, page_id: str, truth: list[str], doubtful: list[str], predicted: list[str],
               *, ranked: bool) -> None:
    """Add one page's links of one field to `score`. `truth` and `predicted` are normalized URLs in order."""
    wanted, unsure = set(truth), set(doubtful) - set(truth)
    kept = [url for url in dict.fromkeys(predicted) if url not in unsure]
    found = set(kept)
    missed, extra = [url for url in truth if url not in found], [url for url in kept if url not in wanted]
    score.true_positives += len(wanted & found)
    score.false_positives += len(extra)
    score.false_negatives += len(missed)
    score.pages += 1
    score.exact_sets += not missed and not extra
    if ranked and truth:
        score.ranked_pages += 1
        score.exact_ranked += kept == list(dict.fromkeys(truth))
    if missed or extra:
        score.worst.append((len(missed) + len(extra), page_id, missed, extra))


def load_truth(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def predicted_urls(record: Mapping[str, Any], name: str) -> list[str]:
    """The URLs of the record's link list `name`, normalized, in order."""
    links: Iterable[Any] = record.get(name) or []
    return [normalize_url(link["url"] if isinstance(link, Mapping) else str(link)) for link in links]


def score(truth: list[dict[str, Any]], extract: Extractor, data: Path = DATA) -> dict[str, FieldScore]:
    """Run `extract` on every labelled page and score its related and trending links."""
    scores = {name: FieldScore() for name in FIELDS}
    for page in truth:
        html = gzip.decompress((data / page["dataset"] / "pages" / f"{page['id']}.html.gz").read_bytes())
        record = extract(html, page["url"])
        for name in FIELDS:
            wanted = [normalize_url(url) for url in page.get(name) or []]
            doubtful = [normalize_url(url) for url in page.get(f"{name}_doubtful") or []]
            score_page(scores[name], f"{page['dataset']}/{page['id']}", wanted, doubtful,
                       predicted_urls(record, name), ranked=name == "trending")
    return scores


def table(scores: Mapping[str, FieldScore]) -> str:
    rows = ["| field | precision | recall | F1 | tp | fp | fn | exact set | exact ranked list |",
            "|---|---|---|---|---|---|---|---|---|"]
    for name, s in scores.items():
        ranked = f"{s.exact_ranked} of {s.ranked_pages}" if name == "trending" else "-"
        rows.append(f"| {name} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.true_positives} "
                    f"| {s.false_positives} | {s.false_negatives} | {s.exact_sets} of {s.pages} | {ranked} |")
    return "\n".join(rows)


def failures(scores: Mapping[str, FieldScore], limit: int) -> str:
    out = []
    for name, s in scores.items():
        for errors, page_id, missed, extra in sorted(s.worst, reverse=True)[:limit]:
            out.append(f"{name} {page_id}: {errors} wrong")
            out += [f"    missed {url}" for url in missed] + [f"    extra  {url}" for url in extra]
    return "\n".join(out)


def dataset_pages(data: Path = DATA) -> Iterator[tuple[str, bytes]]:
    """(URL, HTML) of every page of the datasets in `data` (each `<name>/truth.jsonl` beside `<name>/pages/`)."""
    for truth in sorted(data.glob("*/truth.jsonl")):
        for page in load_truth(truth):
            path = truth.parent / "pages" / f"{page['id']}.html.gz"
            if "url" in page and path.exists():
                yield page["url"], gzip.decompress(path.read_bytes())


def link_box_timing(pages: Iterable[tuple[str, bytes]], runs: int = 6) -> dict[str, list[float]]:
    """Milliseconds per page of lxml's bare parse and of `link_boxes` on the parsed page (its one walk, which
    every stage shares, not counted), each the fastest of
    `runs` runs, the two taken in turn (the machine may be shared: compare them, not the times of two runs)."""
    from lxml.html import document_fromstring

    from scrapers.extract import decode_page, read_page
    from scrapers.extract.boxes import link_boxes
    from scrapers.extract.parsed import parse_page

    times: dict[str, list[float]] = {"bare parse": [], "link_boxes": []}
    for url, html in pages:
        parsed = parse_page(read_page(html), url)
        link_boxes(parsed)  # the first call compiles patterns and loads the suffix list
        parse = boxes = float("inf")
        for _ in range(runs):
            start = time.perf_counter()
            document_fromstring(decode_page(html))
            middle = time.perf_counter()
            link_boxes(parsed)
            end = time.perf_counter()
            parse, boxes = min(parse, (middle - start) * 1000), min(boxes, (end - middle) * 1000)
        times["bare parse"].append(parse)
        times["link_boxes"].append(boxes)
    return times


def timing_table(times: Mapping[str, list[float]]) -> str:
    parse = statistics.median(times["bare parse"])
    rows = []
    for name, values in times.items():
        median, p90 = statistics.median(values), statistics.quantiles(values, n=10)[-1]
        rows.append(f"{name}: median {median:.2f} ms ({median / parse:.2f}x the parse), p90 {p90:.2f} ms "
                    f"({p90 / parse:.2f}x the parse median)")
    return "\n".join([f"{len(times['bare parse'])} pages", *rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--truth", type=Path, default=TRUTH)
    parser.add_argument("--data", type=Path, default=DATA, help="folder of the datasets the truth names")
    parser.add_argument("--show", type=int, default=0, metavar="N", help="list the N worst pages of each field")
    parser.add_argument("--time", action="store_true", help="time link_boxes beside the bare parse instead")
    args = parser.parse_args(argv)
    if args.time:
        print(timing_table(link_box_timing(dataset_pages(args.data))))
        return 0

    from scrapers.extraction import extract_article

    truth = load_truth(args.truth)
    scores = score(truth, extract_article, args.data)
    print(f"{args.truth}: {len(truth)} pages")
    print(table(scores))
    if args.show:
        print(failures(scores, args.show))
    return 0


if __name__ == "__main__":
    sys.exit(main())
