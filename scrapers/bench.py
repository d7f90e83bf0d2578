"""Benchmark: our extraction beside the open-source peers on the evaluation datasets, in one command.

    python -m scrapers.bench                      # both datasets, every installed peer
    python -m scrapers.bench --peers trafilatura  # a quicker look
    python -m scrapers.bench --datasets aeb --peers none

For each dataset of tests/data it runs the evaluation's scorer (`../shared/eval/score.py` beside the checkout,
or `--scorer`) on `scrapers.extraction:extract_article` and the peers, and prints its table (without the scorer,
our own figures from `scrapers.quality`); then the cost of extraction against the bare parse, timed in one
process page by page: median and p90 ms per page of `lxml.html.document_fromstring` alone, of our extraction
and of trafilatura, and the ratios; and where our time goes: the stages of the generic reader timed alone on each
page (our parse, the walk that indexes the tree, the story, the link boxes) and what remains of the extraction
(the other fields, the record, the pipelines). Peers need their libraries
(`pip install '.[bench]'` gives trafilatura; newspaper4k, news-please, goose3, readability-lxml and htmldate
are picked up when installed).
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from importlib.util import find_spec
from itertools import pairwise
from pathlib import Path

from scrapers import quality

PEERS = {
    "trafilatura": "trafilatura", "trafilatura-desc": "trafilatura", "newspaper4k": "newspaper",
    "news-please": "newsplease", "goose3": "goose3", "readability": "readability", "htmldate": "htmldate",
}
OURS = "scrapers.extraction:extract_article"
DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SCORER = Path(__file__).resolve().parents[2] / "shared" / "eval" / "score.py"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA, help="folder of the datasets (default: tests/data)")
    parser.add_argument("--scorer", type=Path, default=SCORER, help="the evaluation's score.py, for the peer tables")
    parser.add_argument("--datasets", default="fundus-dev,aeb")
    parser.add_argument("--peers", default="all", help="comma-separated peer names, 'all' (installed) or 'none'")
    args = parser.parse_args(argv)

    peers = chosen_peers(args.peers)
    for name in args.datasets.split(","):
        dataset = args.data / name
        if args.scorer.is_file():
            command = [sys.executable, str(args.scorer), str(dataset), "-e", OURS, *(f"-e=peer:{p}" for p in peers)]
            print(f"$ score.py {name} -e {OURS} {' '.join(f'-e peer:{p}' for p in peers)}", flush=True)
            result = subprocess.run(command, capture_output=True, text=True, check=False)
            print(result.stdout, flush=True)
            if result.returncode != 0:
                print(result.stderr[-2000:], file=sys.stderr)
                return result.returncode
        else:
            print(f"(no scorer at {args.scorer}: peer tables left out; our figures by scrapers.quality)", flush=True)
            quality.main(["--data", str(args.data), "--datasets", name])
        print(parse_cost(dataset), "\n", flush=True)
    return 0


def chosen_peers(spec: str) -> list[str]:
    if spec == "none":
        return []
    names = list(PEERS) if spec == "all" else spec.split(",")
    return [name for name in names if find_spec(PEERS[name]) is not None]


def parse_cost(dataset: Path) -> str:
    """Milliseconds per page, median and p90, of the bare lxml parse, our extraction and trafilatura (when
    installed), timed in this one process page by page (each page: parse, ours, trafilatura, so the
    machine's load falls alike on all three), and the ratios of the medians."""
    from lxml.html import document_fromstring

    from scrapers.extract import decode_page
    from scrapers.extraction import extract_article

    truth = [json.loads(line) for line in (dataset / "truth.jsonl").read_text(encoding="utf-8").splitlines() if line]
    pages = [(gzip.decompress((dataset / "pages" / f"{t['id']}.html.gz").read_bytes()), t.get("url") or "")
             for t in truth]
    runners: dict[str, Callable[[bytes, str], object]] = {
        "lxml parse": lambda html, url: document_fromstring(decode_page(html)),
        "extract_article": extract_article,
    }
    if find_spec("trafilatura") is not None:
        from trafilatura import bare_extraction

        runners["trafilatura"] = lambda html, url: bare_extraction(
            decode_page(html), url=url or None, with_metadata=True, include_comments=False, include_tables=True)
    times: dict[str, list[float]] = {name: [] for name in runners}
    for run in runners.values():  # warm-up: imports and caches
        run(*pages[0])
    for html, url in pages:
        for name, run in runners.items():
            start = time.perf_counter()
            run(html, url)
            times[name].append((time.perf_counter() - start) * 1000)
    bare = statistics.median(times["lxml parse"])
    lines = [f"{dataset.name}: {len(pages)} pages; ms per page on {cpu_model()}"]
    for name, ms in times.items():
        median, p90 = statistics.median(ms), statistics.quantiles(ms, n=10)[-1]
        lines.append(f"  {name:<16} median {median:6.2f}  p90 {p90:6.2f}  ({median / bare:4.1f}x the parse)")
    if "trafilatura" in times:
        ratio = statistics.median(times["trafilatura"]) / statistics.median(times["extract_article"])
        lines.append(f"  extract_article is {ratio:.1f}x faster than trafilatura (medians)")
    stages = stage_cost(pages, times["extract_article"])
    lines.append("  of which (medians of each stage timed alone, ms and x the parse): " + ", ".join(
        f"{name} {median:.2f} ({median / bare:.1f}x)" for name, median in stages.items()))
    return "\n".join(lines)


def stage_cost(pages: list[tuple[bytes, str]], whole: list[float]) -> dict[str, float]:
    """Median ms per page of the generic reader's stages, each timed alone on each page: `read_page` (our parse),
    `parse_page` (the one walk that indexes the tree), `find_story`, `link_boxes`; and of what the page's
    extraction (`whole`, timed beside the parse) spends beyond them. A page nested deeper than the readers recurse
    is read flattened, as `extract_article` reads it."""
    from scrapers.extract import DEEP_PAGE_DEPTH

    names = ("parse", "index walk", "story", "link boxes")
    times: dict[str, list[float]] = {name: [] for name in (*names, "the rest")}
    for (html, url), total in zip(pages, whole, strict=True):
        try:
            marks = _stage_marks(html, url, None)
        except RecursionError:
            marks = _stage_marks(html, url, DEEP_PAGE_DEPTH)
        spent = [(end - begin) * 1000 for begin, end in pairwise(marks)]
        for name, ms in zip(names, spent, strict=True):
            times[name].append(ms)
        times["the rest"].append(max(total - sum(spent), 0.0))
    return {name: statistics.median(ms) for name, ms in times.items()}


def _stage_marks(html: bytes, url: str, max_depth: int | None) -> tuple[float, ...]:
    """The moments one page's stages start and the last ends (`stage_cost`)."""
    from scrapers.extract import read_page
    from scrapers.extract.body import find_story
    from scrapers.extract.boxes import link_boxes
    from scrapers.extract.parsed import parse_page
    from scrapers.extraction import collector_paused

    with collector_paused():  # as extract_article reads a page
        start = time.perf_counter()
        sel = read_page(html, max_depth=max_depth)
        parsed_at = time.perf_counter()
        parsed = parse_page(sel, url)
        walked_at = time.perf_counter()
        find_story(parsed)
        story_at = time.perf_counter()
        link_boxes(parsed)
        return start, parsed_at, walked_at, story_at, time.perf_counter()


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []:
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "an unknown CPU"


if __name__ == "__main__":
    sys.exit(main())
