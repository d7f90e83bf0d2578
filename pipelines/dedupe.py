"""One record per article and run."""

from __future__ import annotations

import struct
import zlib
from itertools import pairwise
from typing import Any
from urllib.parse import urlparse

from pipelines import Duplicate, record_fields


class DropDuplicateArticles:
    """Drop an article whose canonical URL (its URL when it names none) was already output in this run with the
    same title and much the same body (`SAME_STORY` of their word pairs; the same body when either has no title):
    the same story reached under two URLs, such as its AMP copy, whose body differs a little. Only records
    written count (the pipeline runs after the validation): a rejected page has no duplicate. Counted in the crawl
    stats as a duplicate. A record whose title or body differs from those of every record output under its
    canonical URL is another story, written: its page names a canonical URL that is not its own (a template that
    gives every article the section's address, or another article's, and the site's name as every page's
    og:title). Keyed on the canonical URL alone, a site that did so lost all its articles but one, every run,
    with exit 0; keyed on URL and title, one whose pages also shared a title did.

    A page that names no canonical URL (or names each address its own) and is linked with parameters the crawl
    cannot know for noise (`?ref=12`, `;sid=12`) is one page under many URLs: a record whose page address
    without its query and path parameters, title and body are those of a record output is a duplicate too (one
    story was written 82 times). Pages of one address told apart by their query (`article.php?id=7`) have bodies
    of their own, and are kept."""

    def __init__(self) -> None:
        self.titled: dict[tuple[str, int], tuple[set[int], list[bytes]]] = {}
        """By canonical URL and title hash, the body hashes of the records output and the sketches of the latest
        `SKETCHES_KEPT` of their bodies (`sketch`; hashes: the bodies of a run of 20,000 articles would hold
        100 MB)."""
        self.untitled: dict[str, set[int]] = {}
        """By canonical URL, the body hashes of the records output without a title."""
        self.bodies: dict[str, set[int]] = {}
        """By canonical URL, the body hashes of every record output (a record without a title is a duplicate of
        any with its body)."""
        self.stories: set[tuple[str, int, int]] = set()
        """The page address without query and parameters, and the hashes of title and body, of each record
        output with a title and a body."""

    def process_item(self, item: Any) -> Any:
        adapter = record_fields(item)
        key = str(adapter.get("canonical_url") or adapter.get("url"))
        has_title = bool(adapter.get("title"))
        title, body = hash(adapter.get("title")), hash(adapter.get("body"))
        bodies = self.bodies.setdefault(key, set())
        if has_title:
            hashes, sketches = self.titled.setdefault((key, title), (set(), []))
            # Every record is sketched, its own canonical URL or not: one page naming another as canonical (an
            # AMP copy, or a template's wrong address) is compared with the record of that address, which was its
            # own. Sketched only when it named another, such a page was a duplicate of the other's record
            # whatever its story, in either order (loss review).
            words = sketch(str(adapter.get("body") or ""))
            copy = key != str(adapter.get("url"))  # a page naming another address as canonical: a copy of it, or
            # a piece of it (a teaser of its first paragraphs, which is not half the story's word pairs)
            if body in hashes or body in self.untitled.get(key, ()) or any(
                    resemblance(words, other) >= SAME_STORY or (copy and contained(words, other))
                    for other in sketches):
                raise Duplicate(f"duplicate of {key}")
        elif body in bodies:
            raise Duplicate(f"duplicate of {key}")
        story = (page_path(str(adapter.get("url"))), title, body) if has_title and adapter.get("body") else None
        if story in self.stories:
            raise Duplicate(f"duplicate of {story[0]} (the same title and body under other parameters)")
        bodies.add(body)
        if has_title:
            hashes.add(body)
            sketches.append(words)
            if len(sketches) > SKETCHES_KEPT:
                del sketches[0]
        else:
            self.untitled.setdefault(key, set()).add(body)
        if story:
            self.stories.add(story)
        return item


SAME_STORY = 0.5
"""Share of their word pairs (estimated, `resemblance`) two bodies under one canonical URL and title have in
common to be one story. On the 309 test pages: distinct stories share at most 0.19 (two of one band's tours); a
copy without its first paragraph and with a line added, 0.91 as a rule, 0.45 and 0.33 for bodies of seven and
three paragraphs."""

SKETCHES_KEPT = 20
"""Sketches compared under one canonical URL and title: the latest records'. A template giving every page one
canonical URL and one title compared each record with all before it (2,000 records: 66 s)."""

SKETCH_SIZE = 64
"""Word-pair hashes kept of a body: the smallest of them, enough to estimate the share two bodies have in common
within about a tenth, and to find a teaser of a tenth of a story in it (`contained`: of the first tenth, fifth,
third and half of the 175 longest bodies of the 309 test pages, 32 kept missed 41 of 700, 64 miss 10, all
tenths)."""

SKETCH_TEXT = 5_000
"""Characters of a body its sketch reads: the opening paragraphs tell one story from another (0.2-0.5 ms a
record)."""


def sketch(body: str) -> bytes:
    """The `SKETCH_SIZE` smallest hashes of the word pairs of the body's opening (a bottom-k sketch), packed as
    8-byte numbers: every record's is kept for the run (about 550 bytes; as a frozenset of 32 ints, 2 KB: 20,000
    records held 40 MB more, crawlbench's memory grew 11% over the crawl). Pairs, not words: two short
    stories under one shared preamble ("Follow us ...") shared half their words. The words' hashes are the same
    in every process (CRC-32, spread over 64 bits): Python's own string hash changes with each process, and
    whether a teaser was found in its story changed from one run to the next (one run in sixty)."""
    words = [zlib.crc32(word.encode(errors="surrogatepass")) * _SPREAD & _MASK  # a lone surrogate of a JSON text
             for word in body[:SKETCH_TEXT].lower().split()]
    smallest = sorted({(first * 1_000_003 ^ second) & _MASK for first, second in pairwise(words)})[:SKETCH_SIZE]
    return struct.pack(f"<{len(smallest)}Q", *smallest)


_MASK = (1 << 64) - 1
"""Word-pair hashes as unsigned 64-bit numbers, for packing."""

_SPREAD = 0x9E3779B97F4A7C15
"""An odd multiplier taking a word's 32-bit CRC to 64 bits whose high ones depend on all of it (the sketch keeps
the smallest values)."""


def resemblance(one: bytes, other: bytes) -> float:
    """The share of word pairs two bodies have in common (Jaccard), estimated from their sketches: of the smallest
    hashes of both together, those both hold."""
    first = frozenset(struct.unpack(f"<{len(one) // 8}Q", one))
    second = frozenset(struct.unpack(f"<{len(other) // 8}Q", other))
    union = sorted(first | second)[:SKETCH_SIZE]
    if not union:
        return 1.0
    return sum(1 for value in union if value in first and value in second) / len(union)


CONTAINED_SAMPLES = 2
"""Values of a sketch that must fall within another's range for `contained` to say anything."""
CONTAINED_SHARE = 0.9
"""Share of those values the other sketch must hold: a piece of a story holds them all, another story none (a
hash shared by chance is one in 2**64), a story sharing a preamble with it its preamble's share."""


def contained(part: bytes, whole: bytes) -> bool:
    """Whether the word pairs of the body sketched as `part` are among those of the body sketched as `whole`, as
    their sketches tell: a sketch holds every pair of its body whose hash is at most its largest, so the values
    of `part` up to that largest are each in `whole` when `part` is a piece of it. (Sketching every record, a
    teaser of a story's first paragraphs naming the story as canonical was written as a second record: the
    whole story has ten times its pairs, and their resemblance is a tenth; review.)"""
    piece = struct.unpack(f"<{len(part) // 8}Q", part)
    values = frozenset(struct.unpack(f"<{len(whole) // 8}Q", whole))
    if not values:
        return False
    inside = [value for value in piece if value <= max(values)]
    held = sum(value in values for value in inside)
    return len(inside) >= CONTAINED_SAMPLES and held >= CONTAINED_SHARE * len(inside)


def page_path(url: str) -> str:
    """`url` without its query, fragment and path parameters (`;sid=12`)."""
    parts = urlparse(url)
    return parts._replace(params="", query="", fragment="").geturl()
