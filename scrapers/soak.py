"""Soak test of extraction: real pages, mutated the way the web mangles them, through `extract_article`.

    python -m scrapers.soak --pages 100000             # the figure the README quotes (about an hour on one core)
    python -m scrapers.soak --pages 2000 --seed 7      # a quick look; the same seed gives the same pages
    python -m scrapers.soak --pages 100000 --save soak-failures/

Each page is one of the real pages of `tests/data` (fundus-dev and aeb) with one to three mutations drawn
from `MUTATIONS` (cut short, bytes flipped, control characters, spans deleted, repeated or swapped, tags left
open, deep nesting, other encodings and declarations, absurd dates, broken JSON-LD, huge attributes,
odd character references), or, one page in twenty, tag soup generated from nothing. Every page goes through
`extract_article` as a crawl would read it. The report gives the pages read, the uncaught exceptions by type
(each with the page, its mutations and seed, so `--only SEED` replays it), and the slowest pages.
`--save DIR` writes each failing page there. Exit status 1 when any exception escaped.
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
FETCHED_AT = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
"""A fixed fetch time, so that a replayed seed reads its page exactly as the soak did."""

Mutation = Callable[[bytes, random.Random], bytes]


def cut_short(page: bytes, rng: random.Random) -> bytes:
    return page[: rng.randrange(len(page) + 1)]


def flip_bytes(page: bytes, rng: random.Random) -> bytes:
    data = bytearray(page)
    for _ in range(rng.randint(1, 64)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


CONTROL = [bytes([n]) for n in (*range(0, 9), 11, 12, *range(14, 32), 127)] + [
    b"\xed\xa0\x80", b"\xff", b"\xfe", b"\xef\xbf\xbe", b"\xc0\x80", b"\xe2\x80\xae", b"\xef\xbb\xbf",
]


def control_characters(page: bytes, rng: random.Random) -> bytes:
    data = page
    # The meta description and the title are where a control character once broke the lead reader.
    for marker in (b'name="description" content="', b"<title>", b'"headline":"', b"<p>"):
        at = data.find(marker)
        if at >= 0 and rng.random() < 0.5:
            at += len(marker)
            data = data[:at] + b"".join(rng.choices(CONTROL, k=rng.randint(1, 5))) + data[at:]
    for _ in range(rng.randint(1, 20)):
        at = rng.randrange(len(data) + 1)
        data = data[:at] + rng.choice(CONTROL) + data[at:]
    return data


def span(page: bytes, rng: random.Random, longest: int = 20_000) -> tuple[int, int]:
    start = rng.randrange(len(page) + 1)
    return start, min(len(page), start + rng.randint(1, longest))


def delete_span(page: bytes, rng: random.Random) -> bytes:
    start, end = span(page, rng)
    return page[:start] + page[end:]


def repeat_span(page: bytes, rng: random.Random) -> bytes:
    start, end = span(page, rng, 5_000)
    return page[:end] + page[start:end] * rng.randint(1, 20) + page[end:]


def swap_spans(page: bytes, rng: random.Random) -> bytes:
    a, b = sorted(rng.sample(range(len(page) + 1), 2)) if len(page) > 1 else (0, 0)
    c = rng.randint(a, b)
    return page[:a] + page[c:b] + page[a:c] + page[b:]


def open_tags(page: bytes, rng: random.Random) -> bytes:
    data = page
    if rng.random() < 0.5:
        data = data.replace(rng.choice([b"</div>", b"</p>", b"</article>", b"</section>", b"</span>"]), b"")
    for _ in range(rng.randint(1, 30)):
        at = rng.randrange(len(data) + 1)
        data = data[:at] + rng.choice([b"<div>", b"<table><tr><td>", b"<p>", b"<ul><li>", b"<script>",
                                       b"<!--", b"<![CDATA[", b"<style>", b"<textarea>", b"</body>",
                                       b"</html>", b"<html>", b"<head>", b"<svg>", b"<math>"]) + data[at:]
    return data


def nest_deeply(page: bytes, rng: random.Random) -> bytes:
    depth = rng.choice([100, 1_000, 5_000, 20_000])
    tag = rng.choice([b"div", b"span", b"b", b"section", b"td"])
    at = page.find(b"<body")
    at = page.find(b">", at) + 1 if at >= 0 else 0
    closing = (b"</" + tag + b">") * depth if rng.random() < 0.5 else b""
    return page[:at] + (b"<" + tag + b">") * depth + page[at:] + closing


def reencode(page: bytes, rng: random.Random) -> bytes:
    text = page.decode("utf-8", "replace")
    choice = rng.randrange(7)
    if choice == 0:
        return text.encode("utf-16")
    if choice == 1:
        return text.encode("windows-1258", "replace")
    if choice == 2:
        return text.encode("latin-1", "replace").replace(b"utf-8", b"windows-1252").replace(b"UTF-8", b"EUC-JP")
    if choice == 3:
        return b'<?xml version="1.0" encoding="utf-8"?>\n' + page
    if choice == 4:
        return b"\xef\xbb\xbf" + page.replace(b"charset=utf-8", b"charset=iso-8859-1")
    if choice == 5:
        return page.replace(b"<html", b'<html xmlns="http://www.w3.org/1999/xhtml"', 1)
    return b"\xff\xfe" + page


ABSURD_DATES = [
    b"1970-01-01T00:00:00Z", b"9999-12-31T23:59:59Z", b"0000-00-00", b"-0001-01-01", b"2024-13-45T25:61:61",
    b"99999999999999999999", b"1e309", b"NaN", b"", b"2024-02-30", b"+275760-09-13T00:00:00Z",
    b"\xe2\x80\x8f2024\xe2\x80\x8e-05-03", b"Tuesday", b"12/31/99999", b"2024-05-03T10:00:00+99:00",
]


def absurd_dates(page: bytes, rng: random.Random) -> bytes:
    data = page
    for key in (b'"datePublished":"', b'"datePublished": "', b'"dateModified":"', b'published_time" content="',
                b'datetime="'):
        at = data.find(key)
        while at >= 0:
            start = at + len(key)
            end = data.find(b'"', start)
            if end < 0:
                break
            data = data[:start] + rng.choice(ABSURD_DATES) + data[end:]
            at = data.find(key, start + 1)
    return data


def break_json_ld(page: bytes, rng: random.Random) -> bytes:
    junk = rng.choice([
        b'{"@type":"NewsArticle","headline":' + b"[" * 500 + b"]" * 500 + b"}",
        b'{"@type":["NewsArticle",null,7],"author":{"name":{"name":[1,2]}},"headline":12,"datePublished":[]}',
        b'{"@graph":[{"@type":"NewsArticle","articleBody":null,"author":"' + b"x" * 100_000 + b'"}]}',
        b'{"@type":"NewsArticle","datePublished":1e999,"headline":"\\ud800"}',
        b"{not json at all", b"null", b"[]", b'"a string"', b"{" * 10_000,
    ])
    at = page.find(b"</head>")
    at = at if at >= 0 else 0
    return page[:at] + b'<script type="application/ld+json">' + junk + b"</script>" + page[at:]


def huge_attributes(page: bytes, rng: random.Random) -> bytes:
    at = page.find(b"<p")
    at = at if at >= 0 else 0
    value = rng.choice([b"x" * 1_000_000, b" ".join([b"byline"] * 20_000), b'"' * 10_000])
    return page[:at] + b'<div class="' + value + b'" data-x="' + value[:1000] + b'">' + page[at:]


def odd_references(page: bytes, rng: random.Random) -> bytes:
    data = page
    for _ in range(rng.randint(1, 20)):
        at = rng.randrange(len(data) + 1)
        data = data[:at] + rng.choice([b"&#0;", b"&#xD800;", b"&#99999999;", b"&#x110000;", b"&bogus;",
                                       b"&#1;", b"&#x1b;", b"&amp", b"&#", b"&#x;"]) + data[at:]
    return data


MUTATIONS: dict[str, Mutation] = {
    "cut_short": cut_short, "flip_bytes": flip_bytes, "control_characters": control_characters,
    "delete_span": delete_span, "repeat_span": repeat_span, "swap_spans": swap_spans, "open_tags": open_tags,
    "nest_deeply": nest_deeply, "reencode": reencode, "absurd_dates": absurd_dates,
    "break_json_ld": break_json_ld, "huge_attributes": huge_attributes, "odd_references": odd_references,
}

SOUP_TAGS = ["div", "p", "span", "article", "main", "section", "h1", "h2", "a", "time", "meta", "script",
             "table", "td", "li", "ul", "figure", "figcaption", "img", "header", "footer", "nav", "aside"]


def tag_soup(rng: random.Random) -> bytes:
    """A page generated from nothing: random tags, attributes and text, opened and closed at random."""
    parts = ["<!DOCTYPE html>" if rng.random() < 0.5 else "", "<html><head><title>Soup</title></head><body>"]
    for _ in range(rng.randint(1, 3_000)):
        tag = rng.choice(SOUP_TAGS)
        roll = rng.random()
        if roll < 0.4:
            attrs = rng.choice(["", ' class="story-body"', ' class="byline author"', ' itemprop="articleBody"',
                                ' property="og:title" content="Soup"', ' datetime="2024-05-03T10:00:00Z"',
                                ' href="javascript:alert(1)"', ' href="/news/2024/05/03/soup-12345.html"'])
            parts.append(f"<{tag}{attrs}>")
        elif roll < 0.7:
            parts.append(f"</{tag}>")
        else:
            words = rng.randint(1, 60)
            parts.append(" ".join(rng.choice(["Soup", "news", "der", "tin", "mới", "年", "—", "\u200b", "&amp;"])
                                  for _ in range(words)))
    return "".join(parts).encode("utf-8")


@dataclass(frozen=True)
class Page:
    seed: int
    name: str
    """The real page it came from (its file name in tests/data), or `tag soup`."""
    mutations: tuple[str, ...]
    html: bytes


def load_pages(data: Path) -> list[tuple[str, bytes]]:
    paths = sorted(data.glob("*/pages/*.html.gz"))
    return [(f"{path.parent.parent.name}/{path.name.removesuffix('.html.gz')}", gzip.decompress(path.read_bytes()))
            for path in paths]


def make_page(seed: int, originals: list[tuple[str, bytes]]) -> Page:
    rng = random.Random(seed)
    if rng.random() < 0.05:
        return Page(seed, "tag soup", (), tag_soup(rng))
    name, html = rng.choice(originals)
    names = tuple(rng.sample(sorted(MUTATIONS), rng.randint(1, 3)))
    for mutation in names:
        html = MUTATIONS[mutation](html, rng)
    return Page(seed, name, names, html)


@dataclass
class Failure:
    page: Page
    error: str
    where: str


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10_000, help="how many mutated pages to read")
    parser.add_argument("--seed", type=int, default=0, help="first seed; page i uses seed + i")
    parser.add_argument("--only", type=int, help="read only the page of this seed (to replay a failure)")
    parser.add_argument("--data", type=Path, default=DATA, help="folder of the datasets (*/pages/*.html.gz)")
    parser.add_argument("--save", type=Path, help="write each failing page to this folder")
    parser.add_argument("--slowest", type=int, default=5, help="how many of the slowest pages to list")
    args = parser.parse_args(argv)

    from scrapers.extract.dates import parse_timestamp
    from scrapers.extraction import extract_article

    originals = load_pages(args.data)
    if not originals:
        parser.error(f"no pages under {args.data}")
    seeds = [args.only] if args.only is not None else range(args.seed, args.seed + args.pages)
    # Warm-up, not timed: the imports, and dateparser's one-time load of every locale (about 10 s) that the
    # first date in an unknown language costs a process.
    extract_article(originals[0][1], "https://example.com/warm-up", FETCHED_AT)
    parse_timestamp("Tuesday, the fifth", timezone=None, now=FETCHED_AT)
    failures: list[Failure] = []
    slowest: list[tuple[float, Page]] = []
    total = 0.0
    started = time.monotonic()
    for count, seed in enumerate(seeds, start=1):
        page = make_page(seed, originals)
        start = time.perf_counter()
        try:
            extract_article(page.html, "https://news.example.com/2026/01/15/soak-page-12345.html", FETCHED_AT)
        except Exception as error:  # the soak's purpose: every escaped exception is reported
            failures.append(Failure(page, f"{type(error).__name__}: {error}"[:300], traceback.format_exc(limit=-3)))
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / f"seed-{seed}.html").write_bytes(page.html)
        elapsed = time.perf_counter() - start
        total += elapsed
        slowest = sorted([*slowest, (elapsed, page)], key=lambda entry: -entry[0])[: args.slowest]
        if count % 2_000 == 0:
            print(f"  {count} pages, {len(failures)} exceptions, slowest {slowest[0][0]:.2f} s (seed "
                  f"{slowest[0][1].seed}), {time.monotonic() - started:.0f} s so far", flush=True)
    print(report(len(seeds), total, failures, slowest))
    return 1 if failures else 0


def report(pages: int, total: float, failures: list[Failure], slowest: list[tuple[float, Page]]) -> str:
    kinds = Counter(failure.error.split(":")[0] for failure in failures)
    lines = [f"soak: {pages} pages read, {len(failures)} uncaught exceptions, "
             f"mean {total / max(pages, 1) * 1000:.1f} ms a page, slowest {slowest[0][0]:.2f} s" if slowest else ""]
    lines += [f"  {kind}: {n}" for kind, n in kinds.most_common()]
    for failure in failures[:20]:
        page = failure.page
        lines.append(f"  seed {page.seed} ({page.name}; {', '.join(page.mutations) or 'generated'}): {failure.error}")
        lines.append("    " + failure.where.strip().splitlines()[-2].strip() if failure.where.strip() else "")
    lines.append("slowest pages:")
    lines += [f"  {elapsed:.2f} s  seed {page.seed} ({page.name}; {', '.join(page.mutations) or 'generated'}; "
              f"{len(page.html)} bytes)" for elapsed, page in slowest]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
