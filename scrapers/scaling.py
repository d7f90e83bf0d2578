"""How the reading time of a page grows with the page: pages that repeat one structure n, 2n and 4n times.

    python -m scrapers.scaling                 # every shape at 1,000, 2,000 and 4,000 repeats
    python -m scrapers.scaling --repeats 2000  # at 2,000, 4,000 and 8,000
    python -m scrapers.scaling --only tabs     # one shape

A reader that looks at each element once takes twice as long when the page doubles; one that searches the
whole page for each element of a kind takes four times as long, and a crawl meeting a big page of that kind
seems to hang (a page of 4,000 tab labels once took 10 seconds). For each shape (`SHAPES`: the structures the
readers look for, each repeated) the table gives the page's size at the largest count, the process time of
`extract_article` at each count (the best of three, the counts read in turn) and the growth per doubling from
the smallest count to the largest (the square root of their ratio: one doubling alone is noisier). A growth
above `QUADRATIC` is marked and makes the exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable

QUADRATIC = 2.8
"""Growth per doubling marked as worse than linear: a linear reader measures 1.7-2.3 (caches, allocation), a
quadratic one 3.5-4."""

STORY = "<p>" + "The story's own text, long enough to be read as a paragraph of the article. " * 3 + "</p>"
DESCRIPTION = "alpha beta gamma delta epsilon zeta eta theta iota kappa"


def described(description: str) -> str:
    """The page head's share description."""
    return f"<meta property='og:description' content='{description}'>"


def page(body: str, head: str = "") -> bytes:
    return f"<html><head><title>Title</title>{head}</head><body>{body}</body></html>".encode()


SHAPES: dict[str, Callable[[int], bytes]] = {
    "paragraphs": lambda n: page("<h1>Headline</h1>" + STORY * n),
    "headlines": lambda n: page("<h1>Headline</h1><p>text</p>" * n),
    "headed articles": lambda n: page("<article><h1>Headline</h1><p>text of it</p></article>" * n),
    "articles": lambda n: page("<article><p>text of it</p></article>" * n),
    "subheadings": lambda n: page("<article>" + (STORY + "<h2>Subheading</h2>") * n + "</article>"),
    "links in a paragraph": lambda n: page("<p>" + "<a href='/a'>link</a> text " * n + "</p>"),
    "one-link paragraphs": lambda n: page("".join(f"<p><a href='/a/{i}'>Story {i} headline words</a></p>"
                                                  for i in range(n))),
    "teaser cards": lambda n: page("".join(f"<div class='card'><a href='/a/{i}'><img src='/i.jpg'><h3>Story {i}"
                                           " headline words</h3></a></div>" for i in range(n))),
    "most-read list": lambda n: page(STORY + "<h2>Most read</h2><ol class='most-read'>" + "".join(
        f"<li><a href='/a/{i}'>Story {i} headline</a></li>" for i in range(n)) + "</ol>"),
    "box labels": lambda n: page("".join(f"<div><h2>Most read</h2><ol><li><a href='/a/{i}'>Some story {i}</a></li>"
                                         "</ol></div>" for i in range(n))),
    "aria-labelled boxes": lambda n: page("".join(f"<nav aria-label='Related stories'><a href='/a/{i}'>Story {i}"
                                                  "</a></nav>" for i in range(n))),
    "tabs": lambda n: page("".join(f"<button aria-controls='p{i}'>Most read</button><div id='p{i}'>"
                                   f"<a href='/a/{i}'>Story {i}</a></div>" for i in range(n))),
    "tag labels": lambda n: page(STORY + "".join(f"<div>Tags: <a href='/t/{i}'>t{i}</a></div>" for i in range(n))),
    "tag labels, then the headline": lambda n: page("".join(f"<div>Tags: <a href='/t/{i}'>t{i}</a></div>"
                                                            for i in range(n)) + "<h1>Headline</h1>" + STORY),
    "tag lists": lambda n: page(STORY + "".join(f"<ul class='tags'><li><a href='/t/{i}'>t{i}</a></li></ul>"
                                                for i in range(n))),
    "bylines": lambda n: page("<h1>Headline</h1>" + "<p>By Ann Lee</p>" * n + STORY),
    "byline labels": lambda n: page("<div><strong>Author:</strong> Ann Lee</div>" * n + STORY),
    "author marks": lambda n: page("".join(f"<span class='author'>By John Smith{i}</span>" for i in range(n))
                                   + STORY),
    "date lines": lambda n: page("<h1>Headline</h1>" + "<p>12 March 2024</p>" * n + STORY),
    "times": lambda n: page("".join(f"<time datetime='2024-03-{i % 28 + 1:02d}T10:00:00Z'>March</time>"
                                    for i in range(n))),
    "figures": lambda n: page("<article>" + (STORY + "<figure><img src='/i.jpg'><figcaption>Caption</figcaption>"
                                              "</figure>") * n + "</article>"),
    "breadcrumb": lambda n: page("<ol class='breadcrumb'>" + "".join(f"<li><a href='/s{i}/'>S{i}</a></li>"
                                                                    for i in range(n)) + "</ol>" + STORY),
    "marked blocks": lambda n: page("".join(f"<div id='d{i}' class='story-body article content'><p>text {i}</p>"
                                            "</div>" for i in range(n))),
    "line breaks": lambda n: page("<p>" + "a line<br>" * n + "</p>"),
    "comments": lambda n: page("<p>x<!-- a comment -->y</p>" * n),
    "JSON-LD authors": lambda n: page(STORY, "<script type='application/ld+json'>" + json.dumps(
        {"@type": "NewsArticle", "headline": "h", "author": [{"name": f"Ann Lee{i}"} for i in range(n)],
         "keywords": [f"k{i}" for i in range(n)]}) + "</script>"),
    "JSON-LD scripts": lambda n: page(STORY, "<script type='application/ld+json'>"
                                      '{"@type": "NewsArticle", "headline": "h"}</script>' * n),
    "meta tags": lambda n: page(STORY, "".join(f"<meta name='keywords' content='k{i}'>" for i in range(n))),
    # Shapes that once made a reader search a whole block, list or page for each element (counts scaled to the
    # sizes that showed it: a few hundred nested elements, tens of thousands of fragments).
    "an unclosed string in a script": lambda n: page(
        "<p>short</p><script>var a='<p><p><p>';\"" + '\\"' * (n + n // 4) + "</script>"),
    "unclosed tags below the nesting limit": lambda n: (
        "<html><body>" + "<div>" * 3000 + "x" + "<a" * (5 * n)).encode(),
    "a description repeated by short paragraphs": lambda n: page(
        "<div><span>w w w w w w w w</span></div><div>" + "<p>w.</p>" * (n // 2) + STORY * 3 + "</div>",
        described("w " * (n // 2 + 100))),
    "a description starting many lines": lambda n: page(
        "<div>" + (DESCRIPTION + " other words here<br>") * n + "</div>", described(DESCRIPTION)),
    "paragraphs starting with the description": lambda n: page(
        "<div>" + f"<p class='x'>{DESCRIPTION}</p>" * n + "</div>", described(DESCRIPTION)),
    "nested labelled boxes": lambda n: page(
        STORY + "<nav aria-label='Related stories'>" * (n // 2)
        + "<a href='/news/a-b-c-d'>Same headline words here</a>" * (n // 2) + "</nav>" * (n // 2)),
    "nested most-read boxes": lambda n: page(
        STORY + "<nav aria-label='Most read'>" * (n // 2)
        + "<a href='/news/a-b-c-d'>Same headline words here</a>" * (n // 2) + "</nav>" * (n // 2)),
    "box labels in one list": lambda n: page(STORY + "<ul>" + "<li><span>Most read</span></li>" * n + "</ul>"),
    "labels beside links": lambda n: page(
        STORY + "<div>" + "<div><a href='/news/a-b-c-d-e'>Long link text here</a><span>Related</span></div>" * n
        + "</div>"),
    "image links to one story": lambda n: page(
        STORY + "<div class='related'><ul>" + "<li><a href='/news/story-a-b-c-d'><img src='x.jpg'></a></li>" * n
        + "</ul></div>"),
    "blog-name headlines": lambda n: page(
        "<h1>Blog Name Here</h1>" * n + "<h2>Post title here</h2>" + STORY,
        "<title>Post title here – Blog Name Here</title>"),
    "nested tag lists": lambda n: page(
        "<h1>Headline</h1>" + STORY + ("<div class='tags'>" + "<a href='/t/x'>t</a>" * 40) * (n // 4)
        + "</div>" * (n // 4)),
    "tag labels in one block": lambda n: page(
        "<h1>Headline</h1>" + STORY + "<div>" + "<div>Tags:</div><a href='/t/x'>x</a>" * n + "</div>"),
    "tag labels without links": lambda n: page(
        "<h1>Headline</h1>" + STORY + "<div>" + "<div>Tags:</div><p>x</p>" * n + "</div>"),
    "sibling articles": lambda n: page(
        "<div>" + "<article><p>A story's text, one sentence of it.</p></article>" * (2 * n) + "</div>"),
    "text blocks between lists": lambda n: page(
        "<div>" + "<div>A block of text, one sentence of it.</div><ul><li>short item</li></ul>" * (2 * n) + "</div>"),
    "a long share title": lambda n: page(
        STORY + "<h2>Heading that is long enough here</h2>" * (2 * n),
        f"<meta property='og:title' content='{'word ' * (40 * n)}'>"),
    "a headline of separators": lambda n: page("<h1>" + "a|" * (25 * n) + "</h1>" + STORY),
    "a non-ASCII headline of separators": lambda n: page("<h1>" + "é|" * (25 * n) + "</h1>" + STORY),
    "nested standfirsts": lambda n: page(
        "<h1>Headline</h1>" + "<div class='standfirst'>" * 150 + STORY * n + "</div>" * 150),
    "fragments above the story": lambda n: page(
        "<div>" + "".join(f"<p>b{i}</p>" for i in range(25 * n)) + STORY * 3 + "</div>"),
    "nested author marks": lambda n: page(
        "<h1>Headline</h1>" + "<div class='author'>by 12" * (n // 2) + "</div>" * (n // 2) + STORY),
    "nested boxes of image links": lambda n: page(
        STORY + "<nav aria-label='Related stories'>" * (n // 20)
        + "<a href='/news/a-b-c-d'><img src='x.jpg'></a>" * (n // 20) + "</nav>" * (n // 20)),
    "images in one figure": lambda n: page(
        "<article>" + STORY + "<figure>" + "".join(f"<img src='/i{i}.jpg'>" for i in range(n)) + "<figcaption>"
        + "<b>c</b> " * n + "</figcaption></figure></article>"),
}


def read_time(html: bytes) -> float:
    """Seconds of process time `extract_article` takes on `html`."""
    from scrapers.extraction import extract_article

    start = time.process_time()
    extract_article(html, "https://example.com/news/story-1")
    return time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=1000, help="the smallest count (default 1,000)")
    parser.add_argument("--only", action="append", choices=sorted(SHAPES), help="a shape (repeatable)")
    args = parser.parse_args(argv)
    read_time(page(STORY))  # imports and caches
    counts = (args.repeats, 2 * args.repeats, 4 * args.repeats)
    columns = " | ".join(f"ms at {n:,}" for n in counts)
    print(f"| shape | KB at {counts[-1]:,} | {columns} | growth per doubling |")
    print("|---|---|" + "---|" * len(counts) + "---|")
    worse = []
    for name in args.only or SHAPES:
        pages = [SHAPES[name](n) for n in counts]
        tries = [[read_time(html) for html in pages] for _ in range(3)]
        times = [min(each) for each in zip(*tries, strict=True)]
        growth = (times[-1] / max(times[0], 1e-9)) ** 0.5
        mark = " **worse than linear**" if growth > QUADRATIC else ""
        if mark:
            worse.append(name)
        print(f"| {name} | {len(SHAPES[name](counts[-1])) // 1024:,} | "
              + " | ".join(f"{1000 * t:.0f}" for t in times) + f" | {growth:.1f}{mark} |", flush=True)
    if worse:
        print(f"worse than linear: {', '.join(worse)}")
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main())
