"""The output schema: one `Article` per article page, one JSON Lines record each.

Field names are the same in the item, the page method that reads them, the sample JSON and the output.
Page classes fill these from the page; pipelines then set each field's output format (text normalized,
timestamps as ISO 8601 strings, URLs absolute and canonical). `schema/article.schema.json` describes the
finished record; `SCHEMA_VERSION` changes whenever a field is added, removed or changes meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

SCHEMA_VERSION = "1.3"


@dataclass(kw_only=True)
class Image:
    """An image of the article body."""

    url: str
    alt: str | None = None
    """The `alt` attribute as the page has it; None when absent or empty."""
    caption: str | None = None
    """The caption the page prints under the image; None when it prints none."""


@dataclass(kw_only=True)
class Link:
    """A link to another article, as a box on the page lists it."""

    url: str
    title: str
    summary: str | None = None
    """The teaser text printed under the title; None when the box shows only a title."""


@dataclass(kw_only=True)
class RankedLink(Link):
    """A link of a ranked box (most read, trending): `rank` 1 is the top of the box."""

    rank: int = 0


@dataclass(kw_only=True)
class Article:
    """One article page; becomes one line of the JSON Lines output."""

    url: str
    """The URL the page was fetched from."""
    canonical_url: str | None = None
    """`<link rel=canonical>` or `og:url`, absolute; None when the page names none."""
    site: str
    """Registrable host of the site, e.g. `thoidai.com.vn`."""
    language: str | None = None
    """The page's declared language as its BCP 47 language subtag, lowercase, without the region (`vi`, `de`
    for `de-AT`), with a script subtag when the page gives one (`zh-Hant`)."""
    section: list[str] = field(default_factory=list)
    """Breadcrumb path from the top section down, home crumb dropped: `["Quốc tế", "Nhịp sống"]`."""
    title: str = ""
    published_at: datetime | str | None = None
    """First publication, timezone-aware; the pipeline writes it as ISO 8601 with offset. None when the page
    shows no date, or a date whose timezone cannot be known (its text stays in `published_raw`)."""
    published_raw: str | None = None
    """The date text exactly as the page prints it (whitespace collapsed)."""
    published_date: str | None = None
    """The calendar day of first publication as the page gives it (`2021-06-17`, in the page's own offset); set
    also when the page gives no way to know its timezone and `published_at` is None. None when it shows no date."""
    updated_at: datetime | str | None = None
    """Last modification the page states, as `published_at`; None when it states none."""
    authors: list[str] = field(default_factory=list)
    """Person names, one per item; bylines are split and their notes moved to `credit`."""
    credit: str | None = None
    """The note beside the byline: `TH` (compiled), `Theo AFP`, the value of a `Nguồn:` (source) line."""
    lead: str | None = None
    """The standfirst (sapo) printed above the body."""
    body: str = ""
    """Paragraphs and subheadings in reading order, joined by a blank line; no lead, captions, inline
    related boxes or ads."""
    tags: list[str] = field(default_factory=list)
    """The page's tags, or its keywords meta when it shows no tags."""
    images: list[Image] = field(default_factory=list)
    """Images of the article body in page order."""
    related: list[Link] = field(default_factory=list)
    """Inline related boxes, then the related-articles box, in page order, unique by URL."""
    more_in_section: list[Link] = field(default_factory=list)
    """The "other stories of this section" box."""
    trending: list[RankedLink] = field(default_factory=list)
    """The most-read box, ranked 1..n, unique by URL."""
    sources: dict[str, str] = field(default_factory=dict)
    """For each field the page filled, the signal it was read from: `jsonld`, `og:title`, `byline`,
    `standfirst`, `text density`, ... or `profile <name>` for a site or platform profile's own reader."""
    scraped_at: datetime | str | None = None
    """When the page was fetched, written as UTC ISO 8601."""
    version: int = 1
    """1 the first time the article is output; with `STATE_URI`, each output of a changed article counts up."""
    schema_version: str = SCHEMA_VERSION
