"""Page classes: what one fetched page says, read without Scrapy.

`ArticlePage` reads an article page field by field, one method per `Article` field; its defaults are the
generic reading (structured data, meta tags, page heuristics) that works on any news site. A site or
platform profile subclasses it and overrides only what the defaults get wrong. `SectionPage` reads a
listing page: which article links it holds, which sections it links to, where its next page is.
"""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import datetime
from functools import cached_property
from typing import Any, ClassVar

from parsel import Selector

from scrapers.extract.dates import TIME_OF_DAY, parse_timestamp
from scrapers.extract.discover import next_page, page_kind
from scrapers.extract.generic import Reading, primary_language, read_article
from scrapers.extract.links import absolute_url, registrable_domain
from scrapers.extract.listed import Listed
from scrapers.extract.parsed import Parsed, parse_page
from scrapers.extract.structured import meta_content
from scrapers.extract.zones import site_country, site_timezone, zone_guessed
from scrapers.items import Article, Image, Link, RankedLink

# Fields the page does not read: they come from the fetch (url, scraped_at) or the schema itself.
_NOT_FROM_PAGE = {"url", "scraped_at", "version", "schema_version", "sources"}
# Fields whose generic source is recorded under another name, and the readers of ArticlePage itself.
_GENERIC_NAME = {"published_at": "published_raw", "published_date": "published_raw", "updated_at": "updated_raw"}
_OWN_READER = {"site": "url", "images": "body",
               "related": "link boxes", "more_in_section": "link boxes", "trending": "link boxes"}
_FROM_PAGE = tuple(f.name for f in fields(Article) if f.name not in _NOT_FROM_PAGE)
"""The fields `to_item` reads, in the order of `Article` (`dataclasses.fields` builds them anew at each call)."""


_PROFILE_READERS: dict[type, dict[str, str]] = {}


def _profile_readers(page_class: type) -> dict[str, str]:
    """The fields `to_item` reads that a profile's own method reads on pages of `page_class`, each with the
    source `sources` credits (`profile <module>`): the same for every page of a class, so found once per class
    (`ArticlePage`'s own: none)."""
    if page_class not in _PROFILE_READERS:
        owners = {name: next(cls for cls in page_class.__mro__ if name in cls.__dict__) for name in _FROM_PAGE}
        _PROFILE_READERS[page_class] = {
            name: f"profile {owner.__module__.rsplit('.', 1)[-1]}"
            for name, owner in owners.items() if owner is not ArticlePage
        }
    return _PROFILE_READERS[page_class]




def _day_only(raw: str, moment: datetime) -> bool:
    """Whether `raw` names a day and no time of it: read as midnight, with no hour and minutes in the text."""
    return (moment.hour, moment.minute, moment.second) == (0, 0, 0) and not TIME_OF_DAY.search(raw)


class ArticlePage:
    """An article page: `to_item()` calls the method named after each `Article` field."""

    timezone: ClassVar[str | None] = None
    """IANA zone of dates printed without an offset; None when the site's zone is unknown."""
    languages: ClassVar[tuple[str, ...] | None] = None
    """Languages of the page's date text, for dateparser; None lets it guess."""

    def __init__(self, sel: Selector, *, url: str, fetched_at: datetime) -> None:
        self.sel = sel
        self.url = url
        self.fetched_at = fetched_at
        self.fell_back: set[str] = set()

    def to_item(self) -> Article:
        values: dict[str, Any] = {name: getattr(self, name)() for name in _FROM_PAGE}
        values["sources"] = self.sources(values)
        return Article(url=self.url, scraped_at=self.fetched_at, **values)

    def fallback(self, name: str) -> Any:
        """The generic reading of the field `name`, for a profile's method that found nothing on the page;
        `sources` then credits that reading, not the profile."""
        self.fell_back.add(name)
        return getattr(ArticlePage, name)(self)

    def sources(self, values: dict[str, Any]) -> dict[str, str]:
        """Which signal each filled field came from: the profile that reads it, or the generic reader's
        own account (`jsonld`, `og:title`, `byline`, ...)."""
        found: dict[str, str] = {}
        profiled = _profile_readers(type(self))
        generic: dict[str, str] | None = None
        for name, value in values.items():
            if value in (None, "", [], {}):
                continue
            if name in profiled and name not in self.fell_back:
                found[name] = profiled[name]
            else:
                generic = self.generic.sources if generic is None else generic
                found[name] = generic.get(_GENERIC_NAME.get(name, name), _OWN_READER.get(name, "page"))
        for name in ("published_at", "published_date"):
            if name in found and "published_raw" in found:
                found[name] = found["published_raw"]  # the time is read from that text
        return found

    def not_article_reason(self) -> str | None:
        """Why this page, though fetched as an article, is not one: its kind (`listing`, `profile`, `video`,
        `other`) when neither its structured data nor its text make it an article; None for an article."""
        kind = page_kind(self.parsed, self.body(), self.title())
        return None if kind == "article" else kind

    @cached_property
    def parsed(self) -> Parsed:
        """The page read once (JSON-LD, meta tags): what the generic reading and `meta` share."""
        return parse_page(self.sel, self.url)

    @cached_property
    def generic(self) -> Reading:
        return read_article(self.parsed, now=self.fetched_at)

    def canonical_url(self) -> str | None:
        return self.generic.canonical_url

    def site(self) -> str:
        return registrable_domain(self.url)

    def language(self) -> str | None:
        """The language subtag alone, lowercase (`de` for `de-AT`, `de-DE`, `de_DE`), with its script
        subtag when the page gives one (`zh-Hant`); the region says where, not which language."""
        return primary_language(self.generic.language)

    def section(self) -> list[str]:
        return self.generic.section

    def title(self) -> str:
        return self.generic.title or ""

    def published_raw(self) -> str | None:
        return self.generic.published_raw

    def published_at(self) -> datetime | None:
        """The instant of publication; None for a day without a time (its day is `published_date`)."""
        return self.instant(self.published_raw())

    def published_date(self) -> str | None:
        """The day of `published_at` in the page's offset; without a known zone, the day the text names."""
        moment = self.published_at()
        if moment is None and (raw := self.published_raw()):
            languages = list(self.languages) if self.languages else None
            moment = parse_timestamp(raw, timezone=None, now=self.fetched_at, languages=languages)
        return moment.date().isoformat() if moment is not None else None

    def updated_at(self) -> datetime | None:
        """The instant of the last update; None for a day without a time."""
        return self.instant(self.generic.updated_raw)

    def instant(self, raw: str | None) -> datetime | None:
        """The moment `raw` names (`timestamp`); None for a day without a time ("2024-05-03"), whose midnight in
        the site's zone would be an instant the page never gave."""
        moment = self.timestamp(raw)
        return None if moment is not None and raw and _day_only(raw, moment) else moment

    def authors(self) -> list[str]:
        """Bylines as printed; the pipeline splits them into names and moves notes to `credit`."""
        return self.generic.authors

    def credit(self) -> str | None:
        return self.generic.credit

    def lead(self) -> str | None:
        return self.generic.lead

    def body(self) -> str:
        return self.generic.body

    def tags(self) -> list[str]:
        return self.generic.tags

    def images(self) -> list[Image]:
        return self.generic.images

    def related(self) -> list[Link]:
        return self.generic.related

    def more_in_section(self) -> list[Link]:
        return self.generic.more_in_section

    def trending(self) -> list[RankedLink]:
        return self.generic.trending

    def meta(self, name: str) -> str | None:
        """The first non-empty content of `<meta name=...>` or `<meta property=...>` (any case)."""
        return meta_content(self.parsed.meta, name.casefold())

    def timestamp(self, raw: str | None) -> datetime | None:
        """The moment `raw` names on this page; each text read once (`published_at` is read for its own field
        and again for `published_date`)."""
        if not raw or not raw.strip():
            return None  # no text, no moment (as `parse_timestamp` says), without looking up the site's zone
        if raw in self._moments:
            return self._moments[raw]
        languages = list(self.languages) if self.languages else None
        language = self.generic.language or self.language()  # with its region
        zone = self.timezone or site_timezone(self.url, language)
        moment = self._moments[raw] = parse_timestamp(
            raw, timezone=zone, now=self.fetched_at, languages=languages, country=site_country(self.url, language),
            zone_known=self.timezone is not None or not zone_guessed(self.url, language))
        return moment

    @cached_property
    def _moments(self) -> dict[str | None, datetime | None]:
        """The moments `timestamp` has read, by text (a datetime cannot be changed by whoever receives it)."""
        return {}


class SectionPage:
    """A section front or the home page: article links, section links, next page."""

    timezone: ClassVar[str | None] = None
    article_url: ClassVar[re.Pattern[str]] = re.compile(r"^https?://[^/]+/.+")
    """What an article URL of the site looks like."""

    def __init__(self, sel: Selector, *, url: str, fetched_at: datetime) -> None:
        self.sel = sel
        self.url = url
        self.fetched_at = fetched_at

    def articles(self) -> list[Listed]:
        """Article links of the listing, in page order, each once."""
        urls = (absolute_url(href, self.url) for href in self.sel.css("a::attr(href)").getall())
        return [Listed(url) for url in dict.fromkeys(u for u in urls if u and self.is_article_url(u))]

    def sections(self) -> list[str]:
        """Section fronts the page links to from its menu (the home page's way into every section)."""
        return []

    def next_page(self) -> str | None:
        return next_page(self.sel, self.url)

    def is_article_url(self, url: str) -> bool:
        return self.looks_like_article(url) and registrable_domain(url) == registrable_domain(self.url)

    @classmethod
    def looks_like_article(cls, url: str) -> bool:
        """Whether `url` has the shape of the site's article URLs (whatever page it was found on)."""
        return bool(cls.article_url.match(url))
