"""Site-independent reading of an article page: what any news page says about itself.

`read_article` combines the page's structured data (JSON-LD, OpenGraph and other meta tags,
microdata) with its markup (the headline, the byline, the paragraphs of the story) into a
`Reading`. Site profiles start from it and override only what it gets wrong. The lead and the body
have their own modules (`lead.py`, `body.py`); `markup.py` holds what they share with this one.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import accumulate, islice
from typing import Any, cast
from urllib.parse import urljoin, urlsplit

import lxml.html
from htmldate import find_date
from lxml import etree

from scrapers.extract import structured
from scrapers.extract.authors import (
    AGENCY,
    BYLINE_LABEL,
    MAX_BYLINE,
    Byline,
    read_byline,
    starts_with_label,
)
from scrapers.extract.body import Story, body_images, find_story, trim_head
from scrapers.extract.boxes import link_boxes
from scrapers.extract.dates import TIME_OF_DAY, is_relative, names_offset, parse_timestamp, utc_now
from scrapers.extract.lead import printed_in_parts, read_lead, split_lead
from scrapers.extract.links import absolute_url, registrable_domain
from scrapers.extract.markup import (
    ALL_BOLD,
    INVISIBLE_TAGS,
    all_text,
    class_words,
    following,
    in_figure_or_box,
    is_hidden,
    nearest,
    text_key,
    text_of,
    text_within,
    texts_holding,
)
from scrapers.extract.parsed import Element, Parsed
from scrapers.extract.tags import read_tags
from scrapers.extract.text import PLACEHOLDER, clean_text, collapse_space, unique_ignoring_case, without_markup
from scrapers.extract.vocabulary import (
    BOX_CLASS_WORDS,
    BYLINE_CLASS,
    DATE_CLASS_WORDS,
    HOME_CRUMBS,
    META_CLASS_WORDS,
    NAME_JOINERS,
    all_words,
    alternation,
)
from scrapers.items import Image, Link, RankedLink

TEXT_KEYS = 4096
"""`text_key`s kept (`_key`): the readers key the same site names and title parts several times a page (the site's names
six times), and a site's pages share them."""
KEPT_KEY_LENGTH = 500
"""Longest text whose key is kept: site names and title parts are short (the longest of the 309 real pages of
tests/data, 402 characters), and a tag-soup page's whole-page "title" kept 4,096 times over would hold
hundreds of megabytes."""
_kept_key = lru_cache(maxsize=TEXT_KEYS)(text_key)


def _key(text: str) -> str:
    return _kept_key(text) if len(text) <= KEPT_KEY_LENGTH else text_key(text)


@dataclass(frozen=True, kw_only=True)
class Reading:
    """What the page says about its article, field by field as `Article` names them; absent is None or empty."""

    title: str | None = None
    published_raw: str | None = None
    """Publication time as the page gives it, preferring a machine value with its offset."""
    updated_raw: str | None = None
    authors: list[str] = field(default_factory=list)
    """Names, one per item, without "By", roles or e-mail addresses."""
    credit: str | None = None
    """The site or publisher credited instead of a person ("n-tv NACHRICHTEN"), who is in `authors` too."""
    lead: str | None = None
    """The standfirst shown above the body."""
    body: str = ""
    """Paragraphs and subheadings in reading order, joined by a blank line."""
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    """BCP 47 ("vi", "de-DE")."""
    canonical_url: str | None = None
    section: list[str] = field(default_factory=list)
    """Breadcrumb path without the home crumb."""
    images: list[Image] = field(default_factory=list)
    related: list[Link] = field(default_factory=list)
    """The related-stories boxes, in page order."""
    more_in_section: list[Link] = field(default_factory=list)
    """The first list of the article's own section."""
    trending: list[RankedLink] = field(default_factory=list)
    """The most-read / popular boxes, top first."""
    sources: dict[str, str] = field(default_factory=dict)
    """Field name -> the signal it was read from."""


def read_article(parsed: Parsed, *, now: datetime | None = None) -> Reading:
    """Read an article page without knowing its site. Each stage takes what it needs and returns a value with
    the signal it came from; the story (container, first and last blocks) is found once and handed on. `now`
    is when the page was fetched (default: the present): a printed date line is read as of then, as the page
    class reads it again for the record's time, so that the two readings are one when they agree in language
    and zone (each dateparser reading costs about a millisecond, five times a small page's other reading)."""
    story = find_story(parsed)
    sites = _site_names(parsed)
    title, title_source = _title(parsed, sites)
    headline = title if title_source else None
    # A story may be signed over its first or below its last block.
    byline, authors_source = _authors(parsed, story, sites)
    language = _language(parsed)
    found: dict[str, tuple[Any, str | None]] = {
        "title": (title, title_source),
        "published_raw": _published(parsed, language[0], now or utc_now()),
        "updated_raw": _updated(parsed),
        "tags": read_tags(parsed),
        "language": language,
        "canonical_url": _canonical(parsed),
        "section": _section(parsed, headline),
        "body": (story.body, story.source),
        "authors": (byline.names, authors_source),
        "credit": (byline.credit, authors_source),
        "lead": read_lead(parsed, story.first_block, headline),
    }
    values = {name: value for name, (value, source) in found.items() if value and source}
    sources = {name: source for name, (value, source) in found.items() if value and source}
    body = trim_head(values.get("body", ""), values.get("title"))
    if lead := values.pop("lead", None):
        lead, body = split_lead(body, lead, in_parts=printed_in_parts(sources["lead"]))
        if lead:
            values["lead"] = lead
        else:
            del sources["lead"]
    boxes = link_boxes(parsed)
    return Reading(
        **values | {"body": body},
        images=body_images(story, parsed.url),
        related=[Link(url=url, title=title) for url, title in boxes.related],
        more_in_section=[Link(url=url, title=title) for url, title in boxes.section],
        trending=[RankedLink(rank=rank, url=url, title=title)
                  for rank, (url, title) in enumerate(boxes.ranked, start=1)],
        sources=sources,
    )


# ----------------------------------------------------------------------------- title


def _given_title(text: str | None) -> str:
    """A title given as data (a meta tag, JSON-LD) as the record would give it, empty when it holds no text
    (`og:title="&#x200B;"` took the place of the <h1>, and the record was rejected with its title missing), and
    without the tags it holds as text ("Why <em>Dune</em> matters now" was the title, tags and all; fuzzer)."""
    text = clean_text(text) or ""
    return without_markup(text) or text  # (a title of nothing but tags says something, if little)


def _title(parsed: Parsed, sites: list[str]) -> tuple[str | None, str | None]:
    # og:title is the headline as the publisher wants it shared; JSON-LD and the visible <h1> are
    # fallbacks (measured on fundus-dev: the <h1> first reads 8 points fewer titles right, as it often
    # carries a kicker or a reworded teaser). Share titles often carry the site name ("Headline | Site"),
    # which goes. `sites` are the site's names (`_site_names`).
    page_title = text_of_title(parsed)
    sections = [
        *structured.meta_contents(parsed.meta, "article:section"),
        *(structured.meta_content(parsed.meta, key) for key in SECTION_META),
        structured.text_value(parsed.article.get("articleSection")),
    ]
    parts = _TitleParts.of(page_title, [section for section in sections if section])
    h1 = _visible_headline(parsed, sites, parts)
    names = {_key(name) for name in sites}  # the site's own names (a blog's name over the post joins `sites`)
    sites = [*sites, *(text for text in map(text_of, parsed.tagged("h1")[:3]) if _is_blog_label(parsed, text, parts))]
    headline = _given_title(structured.text_value(parsed.article.get("headline")))
    candidates = (
        ("og:title", _given_title(structured.meta_content(parsed.meta, "og:title"))),
        ("jsonld", headline),
        ("h1", h1),
        ("twitter:title", _given_title(structured.meta_content(parsed.meta, "twitter:title"))),
        ("title", page_title),
    )
    others = [h1, headline]
    # A share title that is the site's own name (a template's og:title on every page) names no story: the
    # next signal's headline is taken. The name is the site's (`sites`), or the last part of a two-part <title>
    # whose first part the page's <h1> prints ("Headline | Site"). Any later part whose first part any heading
    # printed was taken too, and "Sport | Headline | Site" with a <h2>Sport</h2> lost its headline.
    title_parts = _TITLE_SEPARATOR.split(page_title)
    if len(title_parts) == 2 and any(_key(text_of(h)) == parts.head for h in parsed.tagged("h1")[:3]):
        last = _key(title_parts[-1])
        if last != parts.head and last not in {_key(text) for text in (h1, headline) if text}:
            names.add(last)
    for source, value in candidates:
        if value and not (source != "title" and _key(value) in names):
            title = _complete(strip_site_name(value, sites, others), others)
            if h1 and source != "h1" and _holds_headline(title, h1):
                return h1, "h1"
            return _without_section_suffix(title, [s for s in sections if s]), source
    return None, None


MIN_HEADLINE_WORDS = 4
"""Words of a visible <h1> that a share title may wrap: a shorter one may be a label ("Live", "Politik")."""


def _holds_headline(title: str, h1: str) -> bool:
    """Whether the share title is the visible headline with text added: "<h1> and more words" after it, or
    a kicker before it that no colon sets apart ("Exclusive <h1>"; "Kicker: <h1>" is the publisher's title)."""
    if len(h1.split()) < MIN_HEADLINE_WORDS or len(title) <= len(h1):
        return False
    if title.startswith(h1):
        return True
    return title.endswith(h1) and not title[: -len(h1)].rstrip().endswith((":", "："))


SECTION_META = ("section", "category", "content_category")


_NO_ELEMENT = etree.Element("none")


def _microdata_time(el: Element) -> str | None:
    """The time a microdata `itemprop` element gives: its `datetime` (a `<time>`) or `content` (a `<meta>`), else
    its text when that is a machine timestamp with its offset (`<div itemprop="datePublished">2019-11-13T23:06:00
    +01:00</div>`, as the microdata rules read an element's value: the page's instant was read as the meta tag's
    day). A text without an offset is left to the other signals: "2018-10-15 10:33:49" beside a published time of
    10:33:49+00:00 was read in another zone, four hours later."""
    if value := el.get("datetime") or el.get("content"):
        return value
    text = (el.text or "").strip() if not len(el) else ""
    return text if _ZONED_ISO.match(text) else None


def _first_microdata_time(parsed: Parsed, prop: str) -> str | None:
    """The first time the page's `itemprop=<prop>` elements give (`_microdata_time`)."""
    return next(filter(None, map(_microdata_time, parsed.itemprops.get(prop, ()))), None)


def _first_attribute(elements: Iterable[Element], name: str) -> str | None:
    """The attribute `name` of the first of `elements` that has it."""
    return next((value for el in elements if (value := el.get(name)) is not None), None)


def _without_section_suffix(title: str, sections: list[str]) -> str:
    """"Headline-Politik" without the section the CMS glued to the share title."""
    for section in (s.strip() for s in sections):
        if 0 < len(section) < 30:
            for separator in ("-", " - ", " | ", "|"):
                if title.endswith(separator + section) and len(title) > len(separator + section) + 10:
                    return title[: -len(separator + section)].strip()
    return title


def _visible_headline(parsed: Parsed, sites: list[str], parts: _TitleParts) -> str:
    """The first <h1> outside the page's header, navigation and asides that is not the site's name."""
    site_keys = {_key(site) for site in sites}
    for h1 in parsed.tagged("h1"):
        if any(not _is_article_header(a) for a in h1.iterancestors(*PAGE_PART_TAGS)):
            continue
        text = text_of(h1)
        if len(text) >= 8 and _key(text) not in site_keys and not _is_blog_label(parsed, text, parts):
            return text
    return ""


@dataclass(frozen=True)
class _TitleParts:
    """The page's `<title>` split at its separators, as keys (`text_key`): its first part and the others. Split
    once per page: the headline readers ask it of each <h1>."""

    head: str
    rest: frozenset[str]
    _printed: list[tuple[Parsed, bool]] = field(default_factory=list, compare=False, repr=False)
    """`head_printed`'s answer for the page asked about (one page, as a rule)."""

    @staticmethod
    def of(page_title: str, sections: Sequence[str] = ()) -> _TitleParts:
        """The parts of `page_title`; a first part that names the page's section (`sections`) is none of them:
        "Opinion | Headline - Site" is the headline's title, not a post's "Post title | Blog name" (the <h1>
        "Headline" was taken for a blog's name, and the title for "Opinion")."""
        head, *rest = _TITLE_SEPARATOR.split(page_title) or [""]
        if rest and _key(head) in {_key(section) for section in sections}:
            head, *rest = rest
        return _TitleParts(_key(head), frozenset(_key(part) for part in rest))

    def head_printed(self, parsed: Parsed) -> bool:
        """Whether a heading of the page reads the title's first part. Asked of each <h1> that names a later part,
        it is one answer for the page: searching the headings again for each made a page of 2,000 such <h1>s
        grow with the square of their number."""
        for seen, printed in self._printed:
            if seen is parsed:
                return printed
        printed = any(_key(text_of(h)) == self.head for h in parsed.headings)
        self._printed.append((parsed, printed))
        return printed


def _is_blog_label(parsed: Parsed, text: str, parts: _TitleParts) -> bool:
    """Whether an <h1> is the blog's name over the post: `<title>` reads "Post title – <h1>" (`parts`), and the
    post title stands in a heading of its own."""
    return _key(text) in parts.rest and parts.head_printed(parsed)


def text_of_title(parsed: Parsed) -> str:
    return collapse_space(all_text(next(iter(parsed.tagged("title")), _NO_ELEMENT)))


def _is_article_header(el: Element) -> bool:
    # <header> inside <article> (or <main>) is the story's own header, which holds its headline.
    return el.tag == "header" and next(el.iterancestors("article", "main"), None) is not None


PAGE_PART_TAGS = ("header", "nav", "aside", "footer")
"""The page's parts around the story: an <h1> inside one is the site's, unless the part is the story's own header.
Ancestors are found by lxml's tag filter (`iterancestors(*tags)`, in C) rather than by a test of each one in
Python."""


_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—·*:»/]+\s+|\s*[|ㅣ｜：]\s*")


_DOMAIN_END = re.compile(r"\.[a-z]{2,3}$")


def strip_site_name(title: str, sites: list[str], others: list[str]) -> str:
    """`title` without a trailing " | Site"-style segment: one that names the site, or whose
    removal leaves exactly another headline of the page."""
    separators = list(_TITLE_SEPARATOR.finditer(title))
    if not separators:
        return title
    wanted = {o.casefold() for o in others if o}
    site_keys = [_key(s) for s in sites if len(_key(s)) >= 3]
    # Whether a segment after each separator names the site, in one pass from the end (splitting the rest
    # again at every separator took seconds on a tag-soup "title" of 600 dashes).
    named_after = []
    named = False
    for at, match in reversed(list(enumerate(separators))):
        end = separators[at + 1].start() if at + 1 < len(separators) else len(title)
        named = named or _names_site(title[match.end() : end], site_keys)
        named_after.append(named)
    longest = max((len(other) for other in wanted), default=0)
    lengths = {len(other) for other in wanted}
    indent = len(title) - len(title.lstrip())
    ascii_only = title.isascii()
    folded: list[int] | None = None
    """Folded length of each start of a non-ASCII title (a character may fold to several: "ß" to "ss")."""
    for match, site_follows in zip(separators, reversed(named_after), strict=True):
        if site_follows:
            if head := title[: match.start()].strip():
                return head
            continue
        if match.start() - indent > longest:
            continue  # longer than any other headline (the separator takes the spaces before it)
        end = match.start()
        while end > indent and title[end - 1].isspace():
            end -= 1
        if end <= indent:
            continue  # nothing before the separator
        # A head is cut and folded only when it folds to the length of another headline: a long headline full of
        # separators ("a|a|a|...", a headline of the page itself) cut and folded at each took seconds.
        if ascii_only:
            if end - indent not in lengths:
                continue
        else:
            folded = folded or list(accumulate((len(c.casefold()) for c in title), initial=0))
            if folded[end] - folded[indent] not in lengths:
                continue
        if (head := title[indent:end]).casefold() in wanted:
            return head
    return title


def _names_site(segment: str, site_keys: list[str]) -> bool:
    key = _key(_DOMAIN_END.sub("", segment.strip().casefold()))
    return any(key == site or (len(site) >= 4 and key.startswith(site) and len(segment.split()) <= SITE_NAME_WORDS)
               for site in site_keys)


SITE_NAME_WORDS = 3
"""Words of a title's segment that begins with the site's name and is its name with a word or two more ("Hafenblatt
Online", "NYTimes.com Blogs"); longer, a part of the headline that begins with it ("Take C.A.R.E. - comwrap auf der
DMEXCO 2018" on comwrap.com lost its second half)."""


_CUT_AT_QUOTE = re.compile(r"\s*[\"„“”«»']")


def _complete(title: str, others: list[str]) -> str:
    # A quote inside a meta attribute cuts the value short; the page headline is whole.
    for other in others:
        cut_short = other.startswith(title) and _CUT_AT_QUOTE.match(other, len(title)) is not None
        if len(other) > len(title) and cut_short:
            return other
    return title


def _site_names(parsed: Parsed) -> list[str]:
    names = [
        structured.meta_content(parsed.meta, "og:site_name", "application-name", "twitter:site"),
        structured.text_value(parsed.article.get("publisher")),
    ]
    names.append(_host_name(parsed.url))
    return [n.lstrip("@") for n in names if n and len(_key(n)) >= 3]


def _host_name(url: str) -> str:
    """The name the site's address gives it: the label before its public suffix ("entermedia" of
    `entermedia.co.kr`, "sky" of `news.sky.com`). The label before the last one was "co" or "com" under a country's
    second level (`.co.kr`, `.com.vn`), and "<title> - Entermedia" kept the site's name."""
    domain = registrable_domain(url)
    try:
        ipaddress.ip_address(domain.strip("[]"))
        return ""  # an address (`127.0.0.1`, `[::1]`) names no site (review)
    except ValueError:
        pass
    label = domain.split(".")[0]
    return "" if label == "www" else label  # (`www.gov.uk`, under the public suffix `gov.uk`: no name)


# ----------------------------------------------------------------------------- dates


PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "sailthru.date",
    "parsely-pub-date",
)


UPDATED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified")


def _published(parsed: Parsed, language: str | None, now: datetime) -> tuple[str | None, str | None]:
    """The publication time as the page gives it and its signal; `language` is the page's (`_language`), `now`
    the fetch time that a relative date line counts back from. A time without its offset, or a day alone, gives
    way to a machine-readable time of the same day (and the same clock time, when it has one) that has its
    offset, from any signal of the page: `"November 19, 2019"` in the article's JSON-LD beside
    `article:published_time` `2019-11-19T11:21:08+00:00`, a printed "18 November 2019" beside a ClaimReview's
    `datePublished`. The instant is the page's own then, not a guess of its site's zone (of 180 pages of other
    sites labelled by hand, 17 had a day or a naive time where the page held its instant)."""
    value, source = _published_as_given(parsed, language, now)
    if value and source and not names_offset(value) and (zoned := _zoned_twin(parsed, value, language, now)):
        return zoned
    return value, source


_ZONED_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?\s?(?:Z|[+-]\d{2}:?\d{2})$")
_ISO_DAY_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?")


def _zoned_twin(parsed: Parsed, value: str, language: str | None, now: datetime) -> tuple[str, str] | None:
    """A machine-readable time with its offset on the day of `value` (a text without one), at its clock time
    when it shows one; with its signal. None when the page holds none."""
    zoned = [(match, candidate.strip(), source) for candidate, source in _published_candidates(parsed)
             if (match := _ZONED_ISO.match(candidate.strip()))]
    if not zoned:  # (most pages: the text is not read again)
        return None
    if (iso := _ISO_DAY_TIME.match(value)) is not None:
        day, clock = iso.group(1), iso.group(2)
    else:
        languages = [language.split("-")[0]] if language else None
        moment = parse_timestamp(value, timezone=None, now=now, languages=languages)
        if moment is None or is_relative(value, languages=languages):
            return None
        day, clock = moment.date().isoformat(), moment.strftime("%H:%M") if TIME_OF_DAY.search(value) else None
    twins = [(match, candidate, source) for match, candidate, source in zoned
             if match.group(1) == day and clock in (None, match.group(2))]
    if len({match.group(2) for match, _, _ in twins}) != 1:
        return None  # none, or times that disagree (a video's beside the article's): the day stays as it is
    return twins[0][1], twins[0][2]


def _published_candidates(parsed: Parsed) -> Iterator[tuple[str, str]]:
    """Every publication time the page's machine-readable signals give, with its signal: the meta tags and
    `itemprop`s, then the JSON-LD objects that are no embedded media (a VideoObject's time is the video's)."""
    for name in (*PUBLISHED_META, "article:published"):
        for content in structured.meta_contents(parsed.meta, name):
            yield content, "meta"
    for el in parsed.itemprops.get("datePublished", ()):
        if stated := _microdata_time(el):
            yield stated, "itemprop=datePublished"
    for obj in parsed.jsonld:
        if MEDIA_TYPES & structured.types_of(obj):
            continue
        if value := structured.text_value(obj.get("datePublished")):
            yield value, "jsonld"


MEDIA_TYPES = frozenset({"videoobject", "imageobject", "audioobject", "mediaobject", "podcastepisode", "clip"})
"""JSON-LD types (lower case, as `structured.types_of` gives them) of media embedded in an article."""


def _published_as_given(parsed: Parsed, language: str | None, now: datetime) -> tuple[str | None, str | None]:
    """The publication time as the page's first signal gives it, and that signal."""
    machine: tuple[tuple[str, Callable[[], str | None]], ...] = (
        ("jsonld", lambda: structured.text_value(parsed.article.get("datePublished"))),
        ("meta", lambda: structured.meta_content(parsed.meta, *PUBLISHED_META)),
        ("itemprop=datePublished", lambda: _first_microdata_time(parsed, "datePublished")),
        ("time", lambda: _page_time(parsed)),
    )
    unreadable: tuple[str, str] | None = None
    for index, (source, read) in enumerate(machine):
        if value := (read() or "").strip():
            if not _names_a_year(value):  # "0000-00-00 00:00:00", "Invalid Date", "{{ article.date }}": the
                unreadable = unreadable or (value, source)  # next signal may hold the page's date
                continue
            if _DAY_ONLY.match(value):  # a day alone: another signal may give the same day's time
                for other_source, other in machine[index + 1 :]:
                    if (timed := (other() or "").strip()).startswith(value) and len(timed) > len(value):
                        return timed, other_source
                for obj in parsed.jsonld:
                    timed = structured.text_value(obj.get("datePublished")) or ""
                    if timed.startswith(value) and len(timed) > len(value):
                        return timed, "jsonld"
            return value, source
    # No machine-readable date: the date line printed near the headline; else htmldate, which searches the
    # markup and the text (URL dates, "Published on", date-classed elements) with rules tuned on thousands of
    # pages and gives a day, or a time when it has one.
    if printed := _printed_date(parsed, language, now):
        return printed, "date line"
    if unreadable:  # kept as the page's raw date text, which names no date
        return unreadable
    try:
        tree = _html_tree(parsed.sel.root)
        found = find_date(tree, url=parsed.url or None, original_date=True, extensive_search=True,
                          outputformat=HTMLDATE_FORMAT)
        if found and found[8:10] == "01":
            # The first of a month may be a year or a month without a day, which htmldate's search of the text
            # pads ("© 2019" in the footer was 2019-01-01, "March 2024" 2024-01-01; fuzzer): kept only when the
            # page's markup says it too.
            found = find_date(tree, url=parsed.url or None, original_date=True, extensive_search=False,
                              outputformat=HTMLDATE_FORMAT)
    except (ValueError, OverflowError):  # htmldate on a broken date text ("2000-1-1T00:00:00+3000"): no date
        found = None
    return (found.removesuffix("T00:00:00"), "htmldate") if found else (None, None)


HTMLDATE_FORMAT = "%Y-%m-%dT%H:%M:%S"


def _page_time(parsed: Parsed) -> str | None:
    """The `datetime` of the first `<time>` that dates the page: not one in the site's header, a menu, a sidebar
    or a footer (a header's "today" dated every article of a site the day it was fetched), nor another story's
    in a teaser or a box (a most-read list's first item; fuzzer)."""
    others: OtherStories | None = None
    for el in parsed.tagged("time"):
        if (value := el.get("datetime")) is None:
            continue
        if (around := next(el.iterancestors("nav", "aside", "footer", "header"), None)) is not None and next(
                around.iterancestors("article", "main"), None) is None and not (
                around.tag == "header" and bool(_HEADLINE_IN(around))):
            continue  # the site's: an article's own <header> holds its headline; its own footer sits in <article>
        others = others or OtherStories(parsed.url)
        if others.hold(el):
            continue
        return value
    return None


_HEADLINE_IN = etree.XPath("boolean(.//h1 | .//h2 | .//h3)")
"""Whether an element holds a headline (h1 to h3), compiled once."""


def _html_tree(root: Element) -> lxml.html.HtmlElement:
    """The tree as htmldate takes it (lxml.html elements): a plain lxml tree read again through its markup."""
    if isinstance(root, lxml.html.HtmlElement):
        return root
    return lxml.html.document_fromstring(etree.tostring(root, encoding="unicode"))


DATE_LINE_WINDOW = 60
"""How many elements after the headline a printed date line may come."""
_DATE_LINE_BEFORE = etree.XPath("preceding::*[position() <= 20]")
"""The 20 elements before the headline where a printed date line may come, compiled once (`el.xpath` compiles its
expression at every call: a tenth of the date line's search on a small page)."""


def _printed_date(parsed: Parsed, page_language: str | None, now: datetime) -> str | None:
    """The date line printed near the headline ("10:27 | 17/06/2021 GMT+7", "3. Mai 2024, 10:15 Uhr"), when
    the page gives no machine-readable date: an element classed as a date, short, that reads as a date, in the
    page's language (`page_language`, BCP 47) when dateparser knows it, relative dates counted back from `now`."""
    h1 = next(iter(parsed.tagged("h1")), None)
    if h1 is None:
        return None
    before = cast("list[Element]", _DATE_LINE_BEFORE(h1))
    near = [*islice(following(h1), DATE_LINE_WINDOW), *before[::-1]]
    language = (page_language or "").split("-")[0].lower()
    languages = [language] if language in DATEPARSER_LANGUAGES else None
    # In page order from the headline: the nearest line is the story's. Those classed only as the story's meta
    # have tries of their own: a meta line that names no date leaves the date lines theirs (review; tried after
    # every date-classed line instead, a comment's date far below the story won over the meta line under the
    # headline, second review).
    tries = {True: 0, False: 0}
    for el in near:
        if not isinstance(el.tag, str) or not (words := class_words(el) & DATE_CLASS_WORDS) or in_figure_or_box(el):
            continue
        meta_only = not words - META_CLASS_WORDS
        if tries[meta_only] == DATE_LINE_TRIES:
            continue
        text = text_of(el)
        if 6 <= len(text) <= 80 and _YEAR_OR_DAY.search(text):
            for date in _date_parts(text):
                if parse_timestamp(date, timezone=None, now=now, languages=languages) is not None:
                    return date
            tries[meta_only] += 1
            if all(count == DATE_LINE_TRIES for count in tries.values()):
                break
    return None


_YEAR_OR_DAY = re.compile(r"\b(?:1[89]|20)\d\d\b|\b\d{1,2}[./-]\d{1,2}\b")


_FIRST_DIGIT = re.compile(r"\d")


def _date_parts(text: str) -> list[str]:
    """`text` without the label before its date ("Veröffentlicht am 13. Mai 2026" -> "13. Mai 2026"); a
    capitalised word right before the first number may be the month ("May 3, 2024") and is tried first."""
    first = _FIRST_DIGIT.search(text)
    if first is None or first.start() == 0:
        return [text]
    words = text[: first.start()].split()
    date = text[first.start() :]
    return [f"{words[-1]} {date}", date] if words and words[-1].isalpha() and words[-1][0].isupper() else [date]


DATEPARSER_LANGUAGES = frozenset({
    "ar", "bg", "bn", "ca", "cs", "da", "de", "el", "en", "es", "et", "fa", "fi", "fr", "he", "hi", "hr", "hu", "id",
    "it", "ja", "ko", "lt", "lv", "ms", "nb", "nl", "pl", "pt", "ro", "ru", "sk", "sl", "sr", "sv", "th", "tl", "tr",
    "uk", "vi", "zh",
})
"""Languages dateparser reads; the page's own narrows its search (and keeps it fast)."""


DATE_LINE_TRIES = 3
"""Date-classed texts read with dateparser before giving up (it is slow on text that is no date)."""


_DAY_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR = re.compile(r"(?<!\d)[1-9]\d\d\d(?!\d)|^\d{8}(?:T?\d{4,6}Z?)?$|^\d{9,13}$"
                   r"|\b\d{1,2}[ -][^\W\d_]{3,9}\.?[ -]\d\d\b")
"""A year (1000-9999: one outside the sane window, 9999-12-31, is a date the record leaves out with its text kept,
`pipelines.timestamps`), a compact date (`20240503`, `20240503T101500Z`), a Unix time in seconds or milliseconds,
or an RFC 822 date's two-digit year (`03 May 24 10:00 GMT`)."""


def _names_a_year(value: str) -> bool:
    """Whether the machine-readable date `value` names a year: one that does not (a CMS's zero date, a script's
    "Invalid Date" or "NaN-NaN-NaN", a template left unfilled) hid a good date of the next signal."""
    return len(value) <= 200 and _YEAR.search(value) is not None


def _updated(parsed: Parsed) -> tuple[str | None, str | None]:
    if value := structured.text_value(parsed.article.get("dateModified")):
        return value, "jsonld"
    if value := structured.meta_content(parsed.meta, *UPDATED_META):
        return value, "meta"
    for el in parsed.itemprops.get("dateModified", ()):  # microdata
        if value := clean_text(_microdata_time(el)):
            return value, "itemprop=dateModified"
    for el in parsed.tagged("time"):  # WordPress's <time class="updated" datetime="...">
        if (value := clean_text(el.get("datetime"))) and UPDATED_CLASS_WORDS & class_words(el):
            return value, "time"
    return None, None


UPDATED_CLASS_WORDS = frozenset({"updated", "modified", "aktualisiert", "actualise", "actualizado"})
"""Class words of a `<time>` that gives the page's last change (WordPress themes print `class="updated"`):
without structured data, `updated_at` was none (newcomer review)."""


# ----------------------------------------------------------------------------- authors


_UI_WORDS = frozenset({
    "name", "posted", "follow", "folgen", "suivre", "seguir", "segui", "volgen", "edit", "bearbeiten", "share",
    "teilen", "email", "e-mail", "profile", "profil", "contact", "kontakt", "subscribe", "abonnieren", "login",
})
"""Interface words that author boxes hold beside the name ("Follow", "Name *", "Edit")."""


def clean_author(raw: str) -> list[str]:
    """Names in one byline string: "By Ann Lee and Bo Kim" -> ["Ann Lee", "Bo Kim"]; none when the text is
    longer than a byline can be. `read_byline` with its notes left out."""
    return read_byline(raw).names


def _read_bylines(texts: Iterable[str], *, printed: bool = True) -> Byline:
    """The names of `texts`, each read as a byline, with their notes; a printed text's parts that do not look
    like a name ("Follow", "Name *", "12") are left out."""
    names: list[str] = []
    notes: list[str] = []
    for text in texts:
        if _ADDRESS.match(text):
            continue  # an address given as the author (JSON-LD's `author: "/people/ann.jpg"`, a data: URI): nobody
        found = read_byline(text)
        names += [name for name in map(_without_ui_words, found.names) if not PLACEHOLDER.search(name)
                  and not _NO_NAME.match(name) and (not printed or _looks_like_name(name))]
        notes += found.notes
    return Byline(names, notes)


_NOBODY = Byline([], [])

_ADDRESS = re.compile(r"\s*(?:(?:https?|data|javascript|mailto|ftp|file|tel):|//|\.{0,2}/|www\.)", re.IGNORECASE)
"""The start of an address, where a name should be: read as a byline, `data:image/png;base64,AAAA` was three
authors and `/rel/img.jpg` one (fuzzer)."""

_NO_NAME = re.compile(r"^(?:none|n/?a|false|true|unknown|author|\[\w+\])$", re.IGNORECASE)
"""Values where a name should be that name nobody ("N/A", "unknown", "[author]"), beside a program's or a template's
(`PLACEHOLDER`: a meta author "undefined" was one; fuzzer)."""


def _without_ui_words(name: str) -> str:
    """`name` without the interface words an author box prints before or after it: "Ann Lee Follow" ->
    "Ann Lee", "Name *" -> "" (a word inside a name still makes it none, in `_looks_like_name`)."""
    words = name.split()
    while words and words[-1].casefold().strip("*:") in _UI_WORDS:
        words.pop()
    while words and words[0].casefold().strip("*:") in _UI_WORDS:
        words.pop(0)
    return " ".join(words).strip(" *:") if len(words) < len(name.split()) else name


HOUSE = "house credit:"
"""Source prefix of a site's or publisher's own name credited instead of a person. It stays in `authors`, as
the evaluation truth has it (moving it out measured fundus-dev authors 0.888 -> 0.800, 11 pages), and is
named in `credit` too, so that a consumer can tell it from a person."""


def _authors(parsed: Parsed, story: Story, site_names: list[str]) -> tuple[Byline, str | None]:
    # Structured data first; a name there that is the site's or the publisher's own (`site_names`) is a house
    # credit, not a person, and the visible byline is read instead.
    sites = [_key(site) for site in site_names if len(_key(site)) >= 3]
    host_key = _host_name(parsed.url).casefold()
    others = OtherStories(parsed.url)
    candidates: tuple[tuple[str, Callable[[], Byline]], ...] = (
        ("jsonld", lambda: _read_bylines(structured.person_names(parsed.article.get("author")), printed=False)),
        ("meta", lambda: _read_bylines(structured.meta_contents(parsed.meta, "author"), printed=False)),
        ("itemprop=author", lambda: _read_bylines(_microdata_author_names(parsed), printed=False)),
        ("byline", lambda: _byline_names(parsed, others)),
        ("byline label", lambda: _labelled_byline(parsed, others)),
        ("byline line", lambda: _printed_byline(parsed, story, others)),
        ("signature", lambda: _signature(story.first_block, story.last_block)),
    )
    organisations = _organisations(parsed.article.get("author"))
    named: tuple[Byline, str | None] = (_NOBODY, None)
    credited: tuple[Byline, str | None] = (_NOBODY, None)
    for source, read in candidates:  # read lazily: the byline search walks the whole page
        found = read()
        names = unique_ignoring_case([n for n in found.names if n and not n.startswith("http")])
        people = [n for n in names if not _names_site_key(n, sites, host_key)]
        if any(not _is_organisation(n, organisations) for n in people):
            return _with_cosigners(parsed, Byline(people, found.notes), source, others)
        if people and not named[1]:  # an agency or another organisation alone: a printed person comes first
            named = (Byline(people, found.notes), source)
        elif names and not named[1]:  # only the house credits the story
            named = (Byline(names, names), f"{HOUSE} {source}")
        if found.notes and not credited[1]:
            credited = (Byline([], found.notes), source)  # a source line alone ("Theo AFP"): credit, no person
    return named if named[1] else credited


def _microdata_author_names(parsed: Parsed) -> list[str]:
    """The texts of the `itemprop=name` elements inside `itemprop=author` ones (CSS `[itemprop=author]
    [itemprop=name]::text`), in page order; read from the microdata index (`Parsed.itemprops`) on a page that has
    both (the CSS search walks every element: 0.27 ms a page on the 22 pages of tests/data that ask it, a tenth
    of the parse), and by that search only when one such name element holds another (whose texts then interleave
    with its own)."""
    if "author" not in parsed.itemprops or "name" not in parsed.itemprops:
        return []
    authors = set(parsed.itemprops["author"])
    names = [el for el in parsed.itemprops["name"] if any(a in authors for a in el.iterancestors())]
    chosen = set(names)
    if any(a in chosen for el in names for a in el.iterancestors()):  # a name inside another: texts interleave
        return parsed.sel.css("[itemprop=author] [itemprop=name]::text").getall()
    return [text for el in names for text in cast("list[str]", _OWN_TEXTS(el))]


_OWN_TEXTS = etree.XPath("text()", smart_strings=False)
"""An element's own text nodes (CSS `::text`), as plain strings."""


def _organisations(value: Any) -> set[str]:
    """The names, case-folded, of the JSON-LD authors typed as an organisation (`Organization`,
    `NewsMediaOrganization`)."""
    items = value if isinstance(value, list) else [value]
    found: set[str] = set()
    for item in items:
        if isinstance(item, dict) and any("organization" in kind for kind in structured.types_of(item)):
            found.update(name.casefold() for name in structured.person_names(item))
    return found


_DOMAIN = re.compile(r"\w\.[a-z]{2,6}$", re.IGNORECASE)


def _is_organisation(name: str, organisations: set[str]) -> bool:
    """Whether a credited name is an organisation's, not a person's: typed so in JSON-LD, a news agency
    ("Reuters", "dpa") or a web address ("ntv.com.tr")."""
    return name.casefold() in organisations or bool(AGENCY.match(name) or _DOMAIN.search(name))


def _with_cosigners(parsed: Parsed, people: Byline, source: str, others: OtherStories) -> tuple[Byline, str]:
    """`people`, or the page's `rel=author` byline when it names them all and others beside them (structured
    data that credits one of two signed authors)."""
    if source not in ("jsonld", "meta"):
        return people, source
    links = (a for a in parsed.tagged("a") if a.get("rel") == "author" and not others.hold(a))
    linked = _read_bylines(text_of(a) for a in links)
    names = unique_ignoring_case(linked.names)
    known = {name.casefold() for name in people.names}
    if len(names) > len(people.names) and known <= {name.casefold() for name in names}:
        return Byline(names, linked.notes), "byline"
    return people, source


def _names_site_key(name: str, site_keys: list[str], host_key: str = "") -> bool:
    """Whether `name` is the site's own: its name or the start of it, or its initials the host's name
    ("Deutsche Welle" on dw.com)."""
    key = _key(name)
    if any(key == site or key.startswith(site) or site.startswith(key) for site in site_keys if key):
        return True
    words = re.sub(r"\(.*?\)", " ", name).split()  # "Deutsche Welle (www.dw.com)"
    return len(words) >= 2 and "".join(word[0] for word in words).casefold() == host_key


_NOT_A_NAME = re.compile(r"\d|@|https?:|[|•*]")


def _byline_names(parsed: Parsed, others: OtherStories) -> Byline:
    """Names of the first visible byline: `rel=author` links, else an element classed as a byline or
    author; each link in it is one name, else its text split at "and" and commas."""
    links = [a for a in parsed.tagged("a") if a.get("rel") == "author" and not others.hold(a)]
    if (found := _read_bylines(text_of(a) for a in links)).names:
        return Byline(unique_ignoring_case(found.names), found.notes)
    marks_of = {el: marks for el, marks in _byline_marked(parsed) if _marks_byline(marks)}
    marked = list(marks_of)
    inner: dict[Element, list[Element]] | None = None  # (made when a box is first read as text)
    for el in marked:
        if not _may_be_byline(el, others):
            continue
        found = _read_bylines(_linked_names(el, others))
        # a text longer than MAX_BYLINE names nobody: not read past it (each of 2,000 nested author-classed
        # elements read whole grew with the square of their number)
        if not found.names and (text := _byline_text(el)) is not None:
            inner = _inner_bylines(marked) if inner is None else inner
            found = _names_of_inner(inner.get(el, []), marks_of, others) or _read_bylines([text])
        if found.names:
            return found
    return _NOBODY


def _may_be_byline(el: Element, others: OtherStories) -> bool:
    """Whether the element classed as a byline `el` may be the story's: shown, not the site's (an aside, a footer,
    a menu) and not another story's."""
    if el.tag in INVISIBLE_TAGS or el.tag in ("body", "html", "meta", "link"):
        return False
    if next(el.iterancestors("aside", "footer", "nav"), None) is not None:
        return False
    return not (others.hidden(el) or others.hold(el))


def _inner_bylines(marked: list[Element]) -> dict[Element, list[Element]]:
    """For each of the elements classed as a byline (`marked`, in page order), those inside it with no other
    such element between: found by one climb from each to the nearest one above it, which stops there (nested
    author boxes climb a step each)."""
    among = set(marked)
    inner: dict[Element, list[Element]] = {}
    for el in marked:
        if (outer := next((a for a in el.iterancestors() if a in among), None)) is not None:
            inner.setdefault(outer, []).append(el)
    return inner


def _names_of_inner(elements: list[Element], marks_of: dict[Element, str], others: OtherStories) -> Byline | None:
    """The names the author elements inside a byline box print, each read apart (`elements`: `_inner_bylines`;
    `marks_of`: their marks), those not shown or another story's left out: the first that names someone, and those
    marked as it is (co-authors, `<span class="author">` each); None when none names anyone. Read apart, their
    names do not run into what the box prints beside them: `<span class="author">Lisa Kaczke and Trevor J.
    Mitchell</span> <span>Sioux Falls Argus Leader</span>` in a `byline-section` read as one text lost the second
    name. Elements marked otherwise are other parts of the byline (`author-location`, `authors-more`; review)."""
    names: list[str] = []
    notes: list[str] = []
    first: str | None = None
    for el in elements:
        if (first is not None and marks_of.get(el) != first) or not _may_be_byline(el, others):
            continue
        if (text := _byline_text(el)) is not None and (found := _read_bylines([text])).names:
            first = marks_of.get(el)
            names += found.names
            notes += found.notes
    return Byline(unique_ignoring_case(names), notes) if names else None


def _linked_names(el: Element, others: OtherStories) -> Iterator[str]:
    """The texts of the links of the byline `el`, each with the name its text joins to it right after it ("<a>Ann
    Lee</a> and Bo Kim": a co-author without a page of their own was lost; fuzzer), up to the next separator or
    link: "<a>Reuters</a>, Washington" (a place), "| Politics & Economy", "| Photos by Cy Dee" join no name
    (review)."""
    for anchor in el.iter("a"):
        if others.hidden(anchor):  # a hidden "follow the author and the topics" panel in the box (aeb: Telegraph)
            continue
        yield text_of(anchor)
        if anchor.tail and (joined := _JOINED_NAME.match(anchor.tail)):
            yield joined.group(1)


_JOINED_NAME = re.compile(rf"\s*(?:(?:{alternation(all_words(NAME_JOINERS))})\s|&)\s*([^|,;/•·\n]+)", re.IGNORECASE)
"""A word that joins names ("and", "und", "et"), then the name it joins, up to a separator."""


LINE_BREAKS = frozenset({"br", "div", "p", "li", "h2", "h3", "h4", "h5", "h6", "time"})
"""Children of a byline element that print on a line of their own: their texts are parts of the byline apart,
not one run of letters ("By Ann Lee and Eric Tucker<div>Associated Press</div>" read "Eric TuckerAssociated
Press"; "by Jeff Foust<br><span>Monday, November 18, 2019</span>" read "Jeff Foust Monday"). Only a byline
whose such children all hold only text (`_own_line`) is read so: a child of further elements is a box of its
own parts ("<div><span>Tom Davies</span><span>Associated Press</span></div>"), which their marks name better."""


def _own_line(child: Element) -> bool:
    """Whether `child` of a byline element prints a line of text of its own (`LINE_BREAKS`)."""
    return isinstance(child.tag, str) and child.tag in LINE_BREAKS and (child.tag == "br" or not len(child))


def _byline_text(el: Element) -> str | None:
    """`text_within(el, MAX_BYLINE)`, with " | " (a byline separator) where a child in `LINE_BREAKS` begins
    and ends a line of it, and where two elements' letters meet (`_joined`); None past MAX_BYLINE."""
    breaking = [child for child in el if isinstance(child.tag, str) and child.tag in LINE_BREAKS]
    if breaking and not all(_own_line(child) for child in breaking):
        return text_within(el, MAX_BYLINE)  # a box of parts (see `LINE_BREAKS`)
    if not breaking:
        text = text_within(el, MAX_BYLINE)
        if text is None or not len(el):
            return text
        parted = collapse_space(_joined(_texts_in_order(el))).strip()
        return parted if len(parted) <= MAX_BYLINE else text
    lines: list[str] = []
    line = [el.text or ""]
    size = len(line[0])
    for child in el:
        breaks = _own_line(child)
        if breaks:
            lines.append(_joined(line))
            line = []
        if isinstance(child.tag, str) and child.tag != "br" and child.tag not in INVISIBLE_TAGS:
            if (text := text_within(child, MAX_BYLINE)) is None:
                return None
            line.append(text)
            size += len(text)
        if breaks:
            lines.append(_joined(line))
            line = []
        line.append(child.tail or "")
        size += len(child.tail or "")
        if size > 2 * MAX_BYLINE:  # (collapsed, it may fit still: read as one line, `text_within` reads exactly)
            return text_within(el, MAX_BYLINE)
    lines.append(_joined(line))
    text = " | ".join(kept for kept in (collapse_space(line).strip() for line in lines) if kept)
    return text if len(text) <= MAX_BYLINE else None


def _texts_in_order(el: Element) -> list[str]:
    """The texts of `el` and of its visible descendants, with their tails, in reading order, one item per text
    node (`el`'s own tail left out), for `_joined`."""
    texts: list[str] = []
    walk = etree.iterwalk(el, events=("start", "end"))
    for event, node in walk:
        if node is not el and (not isinstance(node.tag, str) or node.tag in INVISIBLE_TAGS):
            if event == "start":
                walk.skip_subtree()
                continue
        elif event == "start":
            texts.append(node.text or "")
            continue
        if node is not el:
            texts.append(node.tail or "")
    return texts


def _joined(texts: list[str]) -> str:
    """`texts` (of text nodes in reading order) joined, with a byline separator (" | ") where one ends in a
    letter and the next begins with one, unless a capital before a small letter: two elements that meet
    without a space print apart (the layout sets them on lines of their own or spaces them), as in
    "Ann Lee<span>Reuters</span>" or "Anna Müller<span>dpa</span>", which one run of letters glued into
    "Ann LeeReuters"; a drop capital ("<b>J</b>ohn") is no seam."""
    parts: list[str] = []
    for text in texts:
        if not text:
            continue
        if parts and (end := parts[-1][-1]).isalpha() and (start := text[0]).isalpha() and not (
                end.isupper() and start.islower()):
            parts.append(" | ")
        parts.append(text)
    return "".join(parts)


def _marks_byline(marks: str) -> bool:
    """Whether an element's marks (`Parsed.marked`) name it a byline (`BYLINE_CLASS`). Most marks hold none of
    the stems of its words, which a case-sensitive search of the lowered marks tells at a third of the cost of the
    case-blind one; on ASCII marks only, as the case-blind search matches a few other letters to ASCII ones (the
    Kelvin sign, the dotless i)."""
    if marks.isascii() and not _BYLINE_STEMS.search(marks.lower()):
        return False
    return BYLINE_CLASS.search(marks) is not None


BYLINE_STEMS = ("aut", "byline", "contributor", "reporter", "writer")
"""What every word of `BYLINE_CLASS` holds ("author", "autor", "auteur", "contributors", ...)."""
_BYLINE_STEMS = re.compile("|".join(BYLINE_STEMS))


def _byline_marked(parsed: Parsed) -> Sequence[tuple[Element, str]]:
    """The entries of `parsed.marked` whose marks `_marks_byline` may accept, in page order: those whose lowered
    marks hold one of `BYLINE_STEMS`, found by one search of the page's distinct marks joined
    (`Parsed.lowered_marks`, which the box reader searches too; `markup.texts_holding`). Marks that are not
    all ASCII are all of them (the case-blind search reads more than the stems)."""
    text = parsed.lowered_marks
    if text is None or not text.isascii():
        return parsed.marked
    distinct = parsed.distinct_marks
    hits = {distinct[index] for index in texts_holding(text, BYLINE_STEMS)}
    return [entry for entry in parsed.marked if entry[1] in hits]


BYLINE_LABEL_TAGS = frozenset({"strong", "b", "span", "em", "dt", "th", "label", "small", "div", "p"})
"""Elements that print a byline's label apart from the names after it."""
BYLINE_LABEL_LENGTH = 40
"""Characters of a byline label's element text ("Autorin/Autor", "Text und Fotos:"); longer is a sentence."""


def _labelled_byline(parsed: Parsed, others: OtherStories) -> Byline:
    """The names printed as plain text after a byline label standing on its own: "<strong>Autorin/Autor</strong>
    Roman Goncharenko", "<span>Text:</span> Anna Meier"."""
    for own in parsed.texts:  # the texts of the page, in page order: an element's own text comes first in it
        if own.is_tail or len(own) > BYLINE_LABEL_LENGTH:
            continue
        el = own.getparent()
        if el is None or el.tag not in BYLINE_LABEL_TAGS or len(el) or not BYLINE_LABEL.match(own.strip()):
            continue
        if in_figure_or_box(el) or others.hold(el):
            continue
        sibling = el.getnext()
        after = collapse_space(el.tail) or (collapse_space(text_of(sibling)) if sibling is not None else "")
        found = _read_bylines([after]) if after else _NOBODY
        if found.names and len(after) <= SIGNATURE_LENGTH:
            return found
    return _NOBODY


PRINTED_BYLINE_WINDOW = 60
"""Elements after the headline a byline line may come: as many as a date line (`DATE_LINE_WINDOW`)."""
PRINTED_BYLINE_LENGTH = 120
"""Characters of a byline line with its label, names and what it prints beside them ("By Ann Lee and Bo Kim |
3 May 2024"); a sentence of the story that starts "By" or "Par" is longer."""


def _printed_byline(parsed: Parsed, story: Story, others: OtherStories) -> Byline:
    """The names of a byline printed as plain text, its label part of the line: "Von Anna Beispiel", "Par Jean
    Dupont | 3 mai", "<li>Von: <a>Bill McCarthy</a>, <a>Marisha Goldhamer</a></li>". Looked for between the
    headline and the story's first block, in that block, and in its last (a story signed "Von Anna Beispiel"
    under it): a sentence of the story that starts with "By" or "Par" is longer, or names no capitalised name."""
    h1 = next(iter(parsed.tagged("h1")), None)
    near = list(islice(following(h1), PRINTED_BYLINE_WINDOW)) if h1 is not None else []
    if story.first_block is not None and story.first_block in near:  # up to the first block and within it
        end = near.index(story.first_block) + sum(1 for _ in story.first_block.iter())
        near = near[:end]
    for el in [*near, *([story.last_block] if story.last_block is not None else [])]:
        own = (el.text or "").strip()
        if not own or not isinstance(el.tag, str) or el.tag in INVISIBLE_TAGS or not starts_with_label(own):
            continue
        text = text_of(el)
        if len(text) > PRINTED_BYLINE_LENGTH or in_figure_or_box(el) or others.hold(el):
            continue
        found = _read_bylines([text])
        if found.names and all(word[:1].isupper() for name in found.names for word in name.split()):
            return found
    return _NOBODY


def _signature(first: Element | None, last: Element | None) -> Byline:
    """The names signed over or under the story: its first paragraph when that is only names in bold, or
    its last when right-aligned and short (Vietnamese and other outlets sign stories so)."""
    if first is not None and first.tag == "p" and len(text := text_of(first)) <= SIGNATURE_LENGTH:
        bold = "".join(text_of(b) for b in first.iter("strong", "b"))
        found = _read_bylines([text])
        capitalised = all(word[:1].isupper() for word in " ".join(found.names).split())
        if len(bold) >= ALL_BOLD * len(text) and found.names and capitalised:
            return found
    if last is None:
        return _NOBODY
    style = (last.get("style") or "").replace(" ", "").lower()
    aligned = last.get("align") == "right" or "text-align:right" in style or "right" in class_words(last)
    text = text_of(last)
    if aligned and len(text) <= SIGNATURE_LENGTH:
        return _read_bylines([text])
    return _NOBODY


SIGNATURE_LENGTH = 60


class OtherStories:
    """Whether an element of one page sits in another story's box (`hold`), or is hidden (`hidden`). What each
    ancestor holds (its first heading, whether it holds the headline) and whether it or one above it is a box or
    hidden is kept for the next element asked about: a page's bylines share their ancestors, and searching them
    again for each made a page of 4,000 author marks without a heading (or 1,000 nested ones) grow with the
    square of their number."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._headings: dict[Element, Element | None] = {}
        self._headlines: dict[Element, bool] = {}
        self._boxed: dict[Element, Element | None] = {}
        self._hidden: dict[Element, Element | None] = {}

    def hold(self, el: Element) -> bool:
        """Whether `el` sits in a teaser, related or promo box: a byline there is another story's. A box word on
        an element that holds the headline is the article's own state (`paywall`), not another story. A box
        without such a word is a teaser still when the nearest heading around the byline is a linked one,
        another story's headline ("<a><h3>Other story</h3></a> ... Von Christoph Reisinger")."""
        if nearest(el.getparent(), self._is_box, self._boxed) is not None:
            return True
        for ancestor in islice(el.iterancestors(), TEASER_DEPTH):
            heading = self._first_heading(ancestor)
            if heading is not None:
                link = next(heading.iter("a"), None)
                link = next((a for a in heading.iterancestors("a")), None) if link is None else link
                return heading.tag != "h1" and link is not None and _links_away(link.get("href") or "", self.url)
        return False

    def hidden(self, el: Element) -> bool:
        """Whether `el` or an element around it is hidden (`markup.is_hidden`)."""
        return nearest(el, is_hidden, self._hidden) is not None

    def _is_box(self, el: Element) -> bool:
        return bool(class_words(el) & BOX_CLASS_WORDS) and not self._holds_headline(el)

    def _holds_headline(self, el: Element) -> bool:
        if (found := self._headlines.get(el)) is None:
            found = self._headlines[el] = el.find(".//h1") is not None
        return found

    def _first_heading(self, el: Element) -> Element | None:
        if el not in self._headings:
            self._headings[el] = next(el.iter("h1", "h2", "h3", "h4"), None)
        return self._headings[el]


def _links_away(href: str, url: str) -> bool:
    """Whether a link leads to another page than `url` (an empty or `#` link, or the page's own, does not)."""
    href = href.strip()
    if not href or href.startswith("#"):
        return False
    try:
        there = urlsplit(urljoin(url, href))
    except ValueError:
        return False
    here = urlsplit(url)
    return (there.netloc, there.path.rstrip("/")) != (here.netloc, here.path.rstrip("/"))


TEASER_DEPTH = 4
"""Levels above a byline its story's heading is looked for: a teaser card wraps its headline and byline in a
few elements; further up, the headings of the page's other parts are no longer the byline's own."""


def _looks_like_name(text: str) -> bool:
    # Names are capitalised in scripts that have case: "capital" or "amw" in an author box is a label.
    words = text.split()
    cased = text != text.lower()
    return (1 <= len(words) <= 5 and 2 <= len(text) <= 50 and not _NOT_A_NAME.search(text)
            and (cased or text == text.upper()) and not any(word.casefold().strip("*:") in _UI_WORDS for word in words))


# ----------------------------------------------------------------------------- tags, language, urls


def _language(parsed: Parsed) -> tuple[str | None, str | None]:
    candidates = (
        ("html lang", _html_lang(parsed.root)),
        ("jsonld", structured.text_value(parsed.article.get("inLanguage"))),
        ("og:locale", structured.meta_content(parsed.meta, "og:locale")),
        ("content-language", structured.meta_content(parsed.meta, "content-language", "language")),
    )
    for source, value in candidates:
        if value and (tag := bcp47(value)):
            return tag, source
    return None, None


def _html_lang(root: Element) -> str | None:
    """The `lang` attribute of the document's <html> element (XPath `/html/@lang`, without a search)."""
    html = root.getroottree().getroot()
    return html.get("lang") if html.tag == "html" else None


_LANG_TAG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$", re.IGNORECASE)


def bcp47(value: str) -> str | None:
    """A language tag in BCP 47 form: "de_DE" -> "de-DE", "EN" -> "en"; None if it is not one."""
    tag = value.strip().split(",")[0].strip().replace("_", "-")
    if not _LANG_TAG.match(tag):
        return None
    parts = tag.split("-")
    head = [parts[0].lower()]
    rest = [p.upper() if len(p) == 2 else p.title() if len(p) == 4 else p for p in parts[1:]]
    return "-".join(head + rest)


def primary_language(tag: str | None) -> str | None:
    """`de-AT` gives `de`, `zh-Hant-TW` gives `zh-Hant`: the language and its script, without the region."""
    if not tag:
        return None
    parts = tag.split("-")
    return "-".join([parts[0].lower(), *(part.title() for part in parts[1:2] if len(part) == 4 and part.isalpha())])


def _canonical(parsed: Parsed) -> tuple[str | None, str | None]:
    candidates = (
        ("link rel=canonical", _first_attribute((el for el in parsed.tagged("link") if el.get("rel") == "canonical"),
                                                "href")),
        ("og:url", structured.meta_content(parsed.meta, "og:url")),
    )
    for source, value in candidates:
        if value and value.strip():
            try:
                return urljoin(parsed.url, value.strip()), source
            except ValueError:  # "http://[::1": a malformed address is no canonical URL, and no failed page
                continue
    return None, None


# ----------------------------------------------------------------------------- section


def _section(parsed: Parsed, title: str | None) -> tuple[list[str], str | None]:
    if crumbs := structured.breadcrumb_names(parsed.jsonld):
        return _without_headline(_drop_home(crumbs), title), "jsonld BreadcrumbList"
    if section := structured.meta_content(parsed.meta, "article:section"):
        return [section], "article:section"
    if crumbs := _printed_breadcrumb(parsed):
        return _without_headline(_drop_home(crumbs), title), "breadcrumb"
    return [], None


def _printed_breadcrumb(parsed: Parsed) -> list[str]:
    """The crumbs of the first breadcrumb the page prints (an element of a `breadcrumb` class, id or
    `aria-label`, outside the footer): its list items, else its links, each a short text, separators
    ("»", ">", "/") left out. A page without structured data read no section from "Startseite » Politik »
    Landespolitik" (newcomer review)."""
    labelled = [el for el in parsed.aria_labelled if "breadcrumb" in (el.get("aria-label") or "").lower()]
    if labelled or parsed.lowered_marks is None or "breadcrumb" in parsed.lowered_marks:
        marked = [el for el, marks in parsed.marked if "breadcrumb" in marks.lower()]
        for el in dict.fromkeys(marked + labelled):
            if el.tag in INVISIBLE_TAGS or next(el.iterancestors("footer"), None) is not None:
                continue
            return _crumbs(el, parsed.url)
    return []


def _crumbs(el: Element, url: str) -> list[str]:
    """The crumbs of the breadcrumb `el` (see `_printed_breadcrumb`); none when one of its links leaves the site
    (a box of an author's Twitter and e-mail, classed as a breadcrumb on an aeb page). Its last item, when no
    link, is the page itself: left out (a wording of the headline)."""
    site = registrable_domain(url) if url else ""
    for anchor in el.iter("a"):
        target = absolute_url(anchor.get("href"), url) if url else None
        if target is None or (site and registrable_domain(target) != site):
            return []
    items = list(el.iter("li")) or list(el.iter("a"))
    if items and items[-1].tag == "li" and next(items[-1].iter("a"), None) is None:
        items = items[:-1]
    crumbs = [crumb for crumb in (_CRUMB_SEPARATORS.sub("", text_of(item)).strip() for item in items) if crumb]
    if 1 <= len(crumbs) <= MAX_CRUMBS and all(len(crumb) <= MAX_CRUMB for crumb in crumbs):
        return list(dict.fromkeys(crumbs))
    return []


MAX_CRUMBS = 8
MAX_CRUMB = 80
"""Crumbs of a printed breadcrumb, and characters of one: more, or longer, is no breadcrumb (a menu, a teaser)."""
_CRUMB_SEPARATORS = re.compile(r"^[\s»›>/|•·→]+|[\s»›>/|•·→]+$")


_HOME = re.compile(rf"^(?:{alternation(all_words(HOME_CRUMBS))})$", re.I)


def _without_headline(crumbs: list[str], title: str | None) -> list[str]:
    """The breadcrumb path without its last crumb when that crumb is the article itself: the headline, the
    headline cut short, or another wording of it (a sentence of `HEADLINE_WORDS` words or more; section names
    are a few words). On fundus-dev 52 of 128 pages ended their breadcrumb so."""
    if not crumbs:
        return crumbs
    if len(crumbs[-1].split()) >= HEADLINE_WORDS:
        return crumbs[:-1]
    last, headline = _key(crumbs[-1]), _key(title or "")
    cut_short = len(last) >= HEADLINE_CRUMB and (headline.startswith(last) or last.startswith(headline))
    if headline and last and (last == headline or cut_short):
        return crumbs[:-1]
    return crumbs


HEADLINE_CRUMB = 20
"""A last crumb this long (in characters) that begins the headline is the headline cut short."""
HEADLINE_WORDS = 6
"""A last crumb of this many words is a headline: the longest section name kept on fundus-dev has 3."""


def _drop_home(crumbs: list[str]) -> list[str]:
    if crumbs and (_HOME.match(crumbs[0]) or len(crumbs) > 1):
        return crumbs[1:]
    return crumbs
