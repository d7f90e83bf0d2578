"""Benchmark: our extraction beside the open-source peers on the evaluation datasets, in one command.

    python -m scrapers.bench                      # both datasets, every installed peer
    python -m scrapers.bench --peers trafilatura  # a quicker look
    python -m scrapers.bench --data ../shared/data --datasets aeb

For each dataset it runs the shared scorer (`<data>/../eval/score.py`) on `scrapers.extract:extract_article`
and the peers, and prints its table; then the cost of extraction against the bare parse: median ms per page
of `lxml.html.document_fromstring` alone, of our extraction, and their ratio. Peers need their libraries
(`pip install '.[bench]'` gives trafilatura; newspaper4k, news-please, goose3, readability-lxml and htmldate
are picked up when installed).
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import subprocess
import sys
import time
from importlib.util import find_spec
from pathlib import Path

PEERS = {
    "trafilatura": "trafilatura", "trafilatura-desc": "trafilatura", "newspaper4k": "newspaper",
    "news-please": "newsplease", "goose3": "goose3", "readability": "readability", "htmldate": "htmldate",
}
OURS = "scrapers.extract:extract_article"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--datasets", default="fundus-dev,aeb")
    parser.add_argument("--peers", default="all", help="comma-separated peer names, 'all' (installed) or 'none'")
    args = parser.parse_args(argv)

    scorer = args.data.parent / "eval" / "score.py"
    if not scorer.is_file():
        parser.error(f"no scorer at {scorer}: give --data, the folder of the evaluation datasets")
    peers = chosen_peers(args.peers)
    for name in args.datasets.split(","):
        dataset = args.data / name
        command = [sys.executable, str(scorer), str(dataset), "-e", OURS, *(f"-e=peer:{peer}" for peer in peers)]
        print(f"$ score.py {name} -e {OURS} {' '.join(f'-e peer:{p}' for p in peers)}", flush=True)
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        print(result.stdout, flush=True)
        if result.returncode != 0:
            print(result.stderr[-2000:], file=sys.stderr)
            return result.returncode
        print(parse_cost(dataset), "\n", flush=True)
    return 0


def chosen_peers(spec: str) -> list[str]:
    if spec == "none":
        return []
    names = list(PEERS) if spec == "all" else spec.split(",")
    return [name for name in names if find_spec(PEERS[name]) is not None]


def parse_cost(dataset: Path) -> str:
    """Median ms per page of the bare lxml parse and of our extraction, on the same pages."""
    from lxml.html import document_fromstring

    from scrapers.extract import decode_page, extract_article

    pages = [(gzip.decompress(path.read_bytes()), path) for path in sorted((dataset / "pages").glob("*.html.gz"))]
    parse, extract = [], []
    extract_article(pages[0][0], "")  # warm-up: imports and caches
    for html, _ in pages:
        start = time.perf_counter()
        document_fromstring(decode_page(html))
        parse.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        extract_article(html, "")
        extract.append((time.perf_counter() - start) * 1000)
    bare, ours = statistics.median(parse), statistics.median(extract)
    return (f"{dataset.name}: {len(pages)} pages; median ms/page: lxml parse {bare:.1f}, extract_article {ours:.1f}"
            f" ({ours / bare:.1f}x the parse)")


if __name__ == "__main__":
    sys.exit(main())
