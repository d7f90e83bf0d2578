"""Readers of the headline, the byline and the tags that once searched the page again for each of many repeated
elements (blog-name <h1>s, separators of a headline, nested tag lists, tag labels, nested author marks) answer
what that search answered. Each old definition is kept here as the oracle, asked on random pages and on the
repeated shape at a small size. How the time grows with the page is `python -m scrapers.scaling`'s to measure."""

from __future__ import annotations

import random

from scrapers.extract import read_page
from scrapers.extract.generic import _is_blog_label, _key, _TitleParts, text_of_title
from scrapers.extract.markup import text_of
from scrapers.extract.parsed import Parsed, parse_page

URL = "https://example.com/news/story-1"


def parsed_page(body: str, head: str = "<title>T</title>") -> Parsed:
    return parse_page(read_page(f"<html><head>{head}</head><body>{body}</body></html>".encode()), URL)


# ----------------------------------------------------------------------------- blog-name <h1>s


def is_blog_label_by_search(parsed: Parsed, text: str, parts: _TitleParts) -> bool:
    """The blog-name test as it was: the headings searched for the title's first part at each <h1> asked."""
    if _key(text) not in parts.rest:
        return False
    return any(_key(text_of(h)) == parts.head for h in parsed.headings)


HEADING_TEXTS = ("Blog Name Here", "Post title here", "post TITLE here!", "Other words", "", "Blog")
SEPARATORS = (" – ", " | ", " - ", ": ", "|")


def random_headings_page(rng: random.Random) -> tuple[Parsed, _TitleParts]:
    parts = [rng.choice(HEADING_TEXTS) for _ in range(rng.randint(1, 3))]
    title = "".join(part + (rng.choice(SEPARATORS) if at < len(parts) - 1 else "") for at, part in enumerate(parts))
    body = "".join(
        f"<{tag}>{rng.choice(HEADING_TEXTS)}</{tag}>"
        for tag in rng.choices(("h1", "h2", "h3", "h4", "p", "div"), k=rng.randint(0, 8))
    )
    parsed = parsed_page(body, f"<title>{title}</title>")
    return parsed, _TitleParts.of(text_of_title(parsed))


def test_blog_label_as_by_search_on_random_pages() -> None:
    rng = random.Random(1)
    labels = 0
    for _ in range(400):
        parsed, parts = random_headings_page(rng)
        for text in [*HEADING_TEXTS, *(text_of(h) for h in parsed.tagged("h1"))]:
            expected = is_blog_label_by_search(parsed, text, parts)
            assert _is_blog_label(parsed, text, parts) == expected
            labels += expected
        # The same parts asked of another page answer for that page.
        other, _ = random_headings_page(rng)
        for text in HEADING_TEXTS:
            assert _is_blog_label(other, text, parts) == is_blog_label_by_search(other, text, parts)
    assert labels > 50  # the random pages hold blog labels, not only pages without any


def test_blog_label_on_many_blog_name_headlines() -> None:
    for post in ("<h2>Post title here</h2>", "<h2>Another title</h2>"):
        parsed = parsed_page(
            "<h1>Blog Name Here</h1>" * 50 + post + "<p>text</p>", "<title>Post title here – Blog Name Here</title>"
        )
        parts = _TitleParts.of(text_of_title(parsed))
        for h1 in parsed.tagged("h1"):
            text = text_of(h1)
            assert _is_blog_label(parsed, text, parts) == is_blog_label_by_search(parsed, text, parts)
        assert _is_blog_label(parsed, "Blog Name Here", parts) == (post == "<h2>Post title here</h2>")
