"""Site-independent reading of an article page: what any news page says about itself.

`read_article` combines the page's structured data (JSON-LD, OpenGraph and other meta tags,
microdata) with its markup (the headline, the byline, the paragraphs of the story) into a
`GenericArticle`. Site profiles start from it and override only what it gets wrong.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
import parsel
from htmldate import find_date

from scrapers.extract import structured
from scrapers.extract.boxes import link_boxes
from scrapers.extract.dates import parse_timestamp, utc_now
from scrapers.extract.structured import JsonObject, MetaTable


@dataclass(kw_only=True)
class GenericArticle:
    """What the page says about its article; absent is None or empty."""

    title: str | None = None
    published_raw: str | None = None
    """Publication time as the page gives it, preferring a machine value with its offset."""
    updated_raw: str | None = None
    authors: list[str] = field(default_factory=list)
    """Names, one per item, without "By", roles or e-mail addresses."""
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
    images: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    """(absolute url, alt, caption) of the body's images, in order."""
    related: list[tuple[str, str]] = field(default_factory=list)
    """(absolute url, title) of the related-stories boxes, in page order."""
    trending: list[tuple[str, str]] = field(default_factory=list)
    """(absolute url, title) of the most-read / popular boxes, top first."""
    sources: dict[str, str] = field(default_factory=dict)
    """Field name -> the signal it was read from."""


@dataclass
class _Page:
    """The signals of one page, parsed once."""

    sel: parsel.Selector
    url: str
    jsonld: list[JsonObject]
    article: JsonObject
    meta: MetaTable
    first_block: Any = None
    """The element of the body's first paragraph, once the body is read."""
    marked_boxes: list[Any] | None = None
    """Elements classed as boxes around the story, met while reading the body."""
    container: Any = None
    """The element holding the body, once it is read."""
    last_block: Any = None
    """The element of the body's last paragraph, once the body is read."""


def read_article(sel: parsel.Selector, url: str) -> GenericArticle:
    """Read an article page without knowing its site."""
    objects = structured.jsonld_objects(sel)
    page = _Page(sel, url, objects, structured.find_article(objects) or {}, structured.meta_table(sel))
    art = GenericArticle()
    _fill(art, "title", *_title(page))
    _fill(art, "published_raw", *_published(page))
    _fill(art, "updated_raw", *_updated(page))
    _fill(art, "tags", *_tags(page))
    _fill(art, "language", *_language(page))
    _fill(art, "canonical_url", *_canonical(page))
    _fill(art, "section", *_section(page))
    _fill(art, "body", *_body(page))
    _fill(art, "authors", *_authors(page))  # after the body: a story may be signed below its last paragraph
    art.body = trim_head(art.body, art.title)
    art.related, art.trending = link_boxes(page.sel, page.url, page.marked_boxes)
    art.images = _images(page)
    _fill(art, "lead", *_lead(page, art.title))
    if art.lead:
        source = art.sources["lead"]
        in_parts = source in ("standfirst", "text under the headline", "dek") or source.endswith(IN_PARTS)
        art.lead, art.body = split_lead(art.body, art.lead, in_parts=in_parts)
        if not art.lead:
            art.lead = None
            del art.sources["lead"]
    return art


def _fill(art: GenericArticle, name: str, value: Any, source: str | None) -> None:
    if value and source:
        setattr(art, name, value)
        art.sources[name] = source


# ----------------------------------------------------------------------------- text

def clean_text(text: str | None) -> str:
    """Whitespace collapsed to single spaces (no-break spaces included), stripped; character references
    left in a value escaped twice ("CD&amp;amp;V" in a meta tag) read."""
    text = " ".join((text or "").split())  # str.split: every Unicode space, and faster than a regex
    return html.unescape(text) if "&" in text and _ENTITY.search(text) else text


_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+\d*);")


# ----------------------------------------------------------------------------- title


def _title(page: _Page) -> tuple[str | None, str | None]:
    # og:title is the headline as the publisher wants it shared; JSON-LD and the visible <h1> are
    # fallbacks (measured on fundus-dev: the <h1> first reads 8 points fewer titles right, as it often
    # carries a kicker or a reworded teaser). Share titles often carry the site name ("Headline | Site"),
    # which goes.
    sites = _site_names(page)
    h1 = _visible_headline(page, sites)
    headline = clean_text(structured.text_value(page.article.get("headline")))
    candidates = (
        ("og:title", clean_text(structured.meta_content(page.meta, "og:title"))),
        ("jsonld", headline),
        ("h1", h1),
        ("twitter:title", clean_text(structured.meta_content(page.meta, "twitter:title"))),
        ("title", clean_text(page.sel.xpath("string(//title)").get())),
    )
    others = [h1, headline]
    sections = [
        *structured.meta_contents(page.meta, "article:section"),
        *(structured.meta_content(page.meta, key) for key in SECTION_META),
        structured.text_value(page.article.get("articleSection")),
    ]
    for source, value in candidates:
        if value:
            title = _complete(strip_site_name(value, sites, others), others)
            return _without_section_suffix(title, [s for s in sections if s]), source
    return None, None


SECTION_META = ("section", "category", "content_category")


def _without_section_suffix(title: str, sections: list[str]) -> str:
    """"Headline-Politik" without the section the CMS glued to the share title."""
    for section in (s.strip() for s in sections):
        if 0 < len(section) < 30:
            for separator in ("-", " - ", " | ", "|"):
                if title.endswith(separator + section) and len(title) > len(separator + section) + 10:
                    return title[: -len(separator + section)].strip()
    return title


def _visible_headline(page: _Page, sites: list[str]) -> str:
    """The first <h1> outside the page's header, navigation and asides that is not the site's name."""
    site_keys = {_key(site) for site in sites}
    for h1 in page.sel.root.iter("h1"):
        if any(a.tag in ("header", "nav", "aside", "footer") and not _is_article_header(a) for a in h1.iterancestors()):
            continue
        text = text_of(h1)
        if len(text) >= 8 and _key(text) not in site_keys:
            return text
    return ""


def _is_article_header(el: Any) -> bool:
    # <header> inside <article> (or <main>) is the story's own header, which holds its headline.
    return el.tag == "header" and any(a.tag in ("article", "main") for a in el.iterancestors())


_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—·*:»/]+\s+|\s*[|ㅣ｜：]\s*")
_DOMAIN_END = re.compile(r"\.[a-z]{2,3}$")


def strip_site_name(title: str, sites: list[str], others: list[str]) -> str:
    """`title` without a trailing " | Site"-style segment: one that names the site, or whose
    removal leaves exactly another headline of the page."""
    wanted = {o.casefold() for o in others if o}
    site_keys = [_key(s) for s in sites if len(_key(s)) >= 3]
    for match in _TITLE_SEPARATOR.finditer(title):
        head, tail = title[: match.start()].strip(), title[match.end() :]
        if not head:
            continue
        if head.casefold() in wanted or any(_names_site(part, site_keys) for part in _TITLE_SEPARATOR.split(tail)):
            return head
    return title


def _names_site(segment: str, site_keys: list[str]) -> bool:
    key = _key(_DOMAIN_END.sub("", segment.strip().casefold()))
    return any(key == site or (len(site) >= 4 and key.startswith(site)) for site in site_keys)


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


_CUT_AT_QUOTE = re.compile(r"\s*[\"„“”«»']")


def _complete(title: str, others: list[str]) -> str:
    # A quote inside a meta attribute cuts the value short; the page headline is whole.
    for other in others:
        cut_short = other.startswith(title) and _CUT_AT_QUOTE.match(other, len(title)) is not None
        if len(other) > len(title) and cut_short:
            return other
    return title


def _site_names(page: _Page) -> list[str]:
    names = [
        structured.meta_content(page.meta, "og:site_name", "application-name", "twitter:site"),
        structured.text_value(page.article.get("publisher")),
    ]
    host = urlsplit(page.url).hostname or ""
    labels = [label for label in host.split(".") if label not in {"www", "m", "amp"}]
    if len(labels) >= 2:
        names.append(labels[-2])
    return [n.lstrip("@") for n in names if n and len(_key(n)) >= 3]


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


def _published(page: _Page) -> tuple[str | None, str | None]:
    machine: tuple[tuple[str, Callable[[], str | None]], ...] = (
        ("jsonld", lambda: structured.text_value(page.article.get("datePublished"))),
        ("meta", lambda: structured.meta_content(page.meta, *PUBLISHED_META)),
        ("itemprop=datePublished", lambda: page.sel.css("[itemprop=datePublished]::attr(datetime)").get()),
        ("time", lambda: page.sel.css("article time::attr(datetime), time::attr(datetime)").get()),
    )
    for index, (source, read) in enumerate(machine):
        if value := (read() or "").strip():
            if _DAY_ONLY.match(value):  # a day alone: another signal may give the same day's time
                for other_source, other in machine[index + 1 :]:
                    if (timed := (other() or "").strip()).startswith(value) and len(timed) > len(value):
                        return timed, other_source
                for obj in page.jsonld:
                    timed = structured.text_value(obj.get("datePublished")) or ""
                    if timed.startswith(value) and len(timed) > len(value):
                        return timed, "jsonld"
            return value, source
    # No machine-readable date: htmldate searches the markup and the text (URL dates, "Published on",
    # date-classed elements) with rules tuned on thousands of pages; it gives a day, or a time when it has one.
    if printed := _printed_date(page):
        return printed, "date line"
    found = find_date(page.sel.root, url=page.url or None, original_date=True, extensive_search=True,
                      outputformat="%Y-%m-%dT%H:%M:%S")
    return (found.removesuffix("T00:00:00"), "htmldate") if found else (None, None)


DATE_WORDS = frozenset({"date", "time", "datetime", "publish", "published", "pubdate", "posted", "timestamp",
                        "dateline", "datum", "fecha", "data", "ngay"})
DATE_LINE_WINDOW = 60
"""How many elements after the headline a printed date line may come."""


def _printed_date(page: _Page) -> str | None:
    """The date line printed near the headline ("10:27 | 17/06/2021 GMT+7", "3. Mai 2024, 10:15 Uhr"), when
    the page gives no machine-readable date: an element classed as a date, short, that reads as a date."""
    h1 = next(page.sel.root.iter("h1"), None)
    if h1 is None:
        return None
    near = [*islice(_following(h1), DATE_LINE_WINDOW), *h1.xpath("preceding::*[position() <= 20]")[::-1]]
    language = (_language(page)[0] or "").split("-")[0].lower()
    languages = [language] if language in DATEPARSER_LANGUAGES else None
    tries = 0
    for el in near:
        if not isinstance(el.tag, str) or not _class_words(el) & DATE_WORDS or _in_figure_or_box(el):
            continue
        text = text_of(el)
        if 6 <= len(text) <= 80 and _YEAR_OR_DAY.search(text):
            for date in _date_parts(text):
                if parse_timestamp(date, timezone=None, now=utc_now(), languages=languages) is not None:
                    return date
            tries += 1
            if tries == DATE_LINE_TRIES:
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


def _updated(page: _Page) -> tuple[str | None, str | None]:
    if value := structured.text_value(page.article.get("dateModified")):
        return value, "jsonld"
    if value := structured.meta_content(page.meta, *UPDATED_META):
        return value, "meta"
    return None, None


# ----------------------------------------------------------------------------- authors

_BY = re.compile(r"^\s*(?:by|von|par|por|di|da|de|av|door|przez|от|автор[ы]?:?)\s+", re.IGNORECASE)
_SPLIT_NAMES = re.compile(r"\s*(?:,|;|\s&\s|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bog\b|\boch\b|\ben\b)\s*")
_EMAIL = re.compile(r"\S+@\S+")


def clean_author(raw: str) -> list[str]:
    """Names in one byline string: "By Ann Lee and Bo Kim" -> ["Ann Lee", "Bo Kim"]."""
    text = _EMAIL.sub("", clean_text(raw))
    text = _BY.sub("", text)
    return [name.strip(" .|-–—") for name in _SPLIT_NAMES.split(text) if name.strip(" .|-–—")]


def _authors(page: _Page) -> tuple[list[str], str | None]:
    # Structured data first; a name there that is the site's or the publisher's own is a house credit, not
    # a person, and the visible byline is read instead.
    sites = [_key(site) for site in _site_names(page) if len(_key(site)) >= 3]
    candidates: tuple[tuple[str, Callable[[], list[str]]], ...] = (
        ("jsonld", lambda: structured.person_names(page.article.get("author"))),
        ("meta", lambda: [name for raw in structured.meta_contents(page.meta, "author") for name in clean_author(raw)]),
        ("itemprop=author",
         lambda: [clean_text(t) for t in page.sel.css("[itemprop=author] [itemprop=name]::text").getall()]),
        ("byline", lambda: _byline_names(page)),
        ("signature", lambda: _signature(page)),
    )
    house: tuple[list[str], str | None] = ([], None)
    for source, read in candidates:  # read lazily: the byline search walks the whole page
        names = _unique([n for n in read() if n and not n.startswith("http")])
        people = [n for n in names if not _names_site_key(n, sites)]
        if people:
            return people, source
        if names and not house[0]:
            house = (names, source)
    return house  # only the house credits the story


def _names_site_key(name: str, site_keys: list[str]) -> bool:
    key = _key(name)
    return any(key == site or key.startswith(site) or site.startswith(key) for site in site_keys if key)


# Class or id words of a byline: "byline", "author", "author-name", "article__author" (not "authority").
_BYLINE_MARK = re.compile(
    r"(?:^|[-_\s])(?:byline|author|authors|author-?name|autor|auteur|autore|contributors?|writer|reporter)(?:$|[-_\s])",
    re.I,
)
_NOT_A_NAME = re.compile(r"\d|@|https?:|[|•]")


def _byline_names(page: _Page) -> list[str]:
    """Names of the first visible byline: `rel=author` links, else an element classed as a byline or
    author; each link in it is one name, else its text split at "and" and commas."""
    links = [a for a in page.sel.root.iter("a") if a.get("rel") == "author" and not _in_other_story(a)]
    if names := [clean_text(text_of(a)) for a in links]:
        return [name for name in names if _looks_like_name(name)]
    for el in page.sel.root.iter("*"):
        if not isinstance(el.tag, str) or el.tag in INVISIBLE_TAGS or el.tag in ("body", "html", "meta", "link"):
            continue
        marks = f"{el.get('class', '')} {el.get('id', '')}"
        if not _BYLINE_MARK.search(marks) or any(a.tag in ("aside", "footer", "nav") for a in el.iterancestors()):
            continue
        if _is_hidden(el) or any(_is_hidden(a) for a in el.iterancestors()) or _in_other_story(el):
            continue
        links = [clean_text(text_of(a)) for a in el.iter("a")]
        names = [name for name in links if _looks_like_name(name)]
        if not names:
            names = [name for name in clean_author(text_of(el)) if _looks_like_name(name)]
        if names:
            return names
    return []


def _signature(page: _Page) -> list[str]:
    """The names signed over or under the story: its first paragraph when that is only names in bold, or
    its last when right-aligned and short (Vietnamese and other outlets sign stories so)."""
    first, last = page.first_block, page.last_block
    if first is not None and first.tag == "p" and len(text := text_of(first)) <= SIGNATURE_LENGTH:
        bold = "".join(text_of(b) for b in first.iter("strong", "b"))
        names = [name for name in clean_author(text) if _looks_like_name(name)]
        if len(bold) >= 0.9 * len(text) and names and all(word[:1].isupper() for word in " ".join(names).split()):
            return names
    if last is None:
        return []
    style = (last.get("style") or "").replace(" ", "").lower()
    aligned = last.get("align") == "right" or "text-align:right" in style or "right" in _class_words(last)
    text = text_of(last)
    if aligned and len(text) <= SIGNATURE_LENGTH:
        return [name for name in clean_author(text) if _looks_like_name(name)]
    return []


SIGNATURE_LENGTH = 60


def _in_other_story(el: Any) -> bool:
    """Whether `el` sits in a teaser, related or promo box: a byline there is another story's."""
    return any(_class_words(a) & BOX_WORDS for a in el.iterancestors())


def _looks_like_name(text: str) -> bool:
    # Names are capitalised in scripts that have case: "capital" or "amw" in an author box is a label.
    words = text.split()
    cased = text != text.lower()
    return (1 <= len(words) <= 5 and 2 <= len(text) <= 50 and not _NOT_A_NAME.search(text)
            and (cased or text == text.upper()))


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out


# ----------------------------------------------------------------------------- tags, language, urls


def _tags(page: _Page) -> tuple[list[str], str | None]:
    # A single keyword string with no commas is often several tags run together ("Berlin Ukraine Unfall"):
    # a later source that lists them apart is taken instead.
    candidates: tuple[tuple[str, Callable[[], list[str]]], ...] = (
        ("jsonld", lambda: structured.keyword_list(page.article.get("keywords"))),
        ("article:tag", lambda: [t for raw in structured.meta_contents(page.meta, "article:tag")
                                 for t in structured.keyword_list(raw)]),
        ("news_keywords", lambda: structured.keyword_list(structured.meta_content(page.meta, "news_keywords"))),
        ("keywords", lambda: structured.keyword_list(structured.meta_content(page.meta, "keywords"))),
    )
    first: tuple[list[str], str | None] = ([], None)
    for source, read in candidates:
        if tags := _unique(read()):
            if len(tags) > 1:
                return tags, source
            first = first if first[0] else (tags, source)
    return first


def _language(page: _Page) -> tuple[str | None, str | None]:
    candidates = (
        ("html lang", page.sel.xpath("/html/@lang").get()),
        ("jsonld", structured.text_value(page.article.get("inLanguage"))),
        ("og:locale", structured.meta_content(page.meta, "og:locale")),
        ("content-language", structured.meta_content(page.meta, "content-language", "language")),
    )
    for source, value in candidates:
        if value and (tag := bcp47(value)):
            return tag, source
    return None, None


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


def _canonical(page: _Page) -> tuple[str | None, str | None]:
    candidates = (
        ("link rel=canonical", page.sel.css('link[rel="canonical"]::attr(href)').get()),
        ("og:url", structured.meta_content(page.meta, "og:url")),
    )
    for source, value in candidates:
        if value and value.strip():
            return urljoin(page.url, value.strip()), source
    return None, None


# ----------------------------------------------------------------------------- lead


def _lead(page: _Page, title: str | None) -> tuple[str | None, str | None]:
    # The standfirst printed on the page (classed as one, a bold first paragraph, or the block printed
    # right under the headline before the body starts); else the page's own summary of the story, which
    # most CMSs fill from the standfirst, when the page prints it.
    candidates: tuple[tuple[str, Callable[[], str | None]], ...] = (
        ("standfirst", lambda: _standfirst(page)),
        ("emphasized first paragraph", lambda: _emphasized_first_paragraph(page)),
        ("text under the headline", lambda: _under_headline(page, title)),
        ("dek", lambda: _dek(page)),
        ("og:description", lambda: structured.meta_content(page.meta, "og:description")),
        ("description", lambda: structured.meta_content(page.meta, "description")),
        ("jsonld description", lambda: structured.text_value(page.article.get("description"))),
    )
    for source, read in candidates:
        if text := clean_text(read()):
            if "description" in source:
                if whole := _printed_whole(page, text):
                    return whole, f"{source}, whole as printed"
                if not _printed(page, text):
                    continue  # a summary written for search and sharing, not a standfirst on the page
                if _styled_apart(page, text):
                    return text, f"{source}, {IN_PARTS}"
            return text, source
    return None, None


def _printed(page: _Page, description: str) -> bool:
    """Whether the page's text holds the start of `description`."""
    probe = " ".join(description.split()[:6])
    return bool(page.sel.root.xpath("boolean(//body//text()[contains(., $probe)])", probe=probe))


IN_PARTS = "printed in parts"
"""The lead's source says this when the page prints the lead as several paragraphs."""


def _styled_apart(page: _Page, description: str) -> bool:
    """Whether `description` starts with a paragraph styled apart from the body's other paragraphs and
    followed by more in its style: a standfirst in several paragraphs (hashed class names)."""
    probe = " ".join(description.split()[:6])
    nodes = page.sel.root.xpath("//body//p[starts-with(normalize-space(.), $probe)]", probe=probe)
    return any(_styled_apart_paragraph(node) for node in nodes)


def _styled_apart_paragraph(el: Any) -> bool:
    """Whether paragraph `el` and the few after it in its style differ in style from the paragraphs
    that follow them (the body's)."""
    parent, cls = el.getparent(), el.get("class")
    if el.tag != "p" or not cls or parent is None:
        return False
    paragraphs = [p for p in parent if p.tag == "p"]
    alike = sum(p.get("class") == cls for p in paragraphs)
    return alike <= 4 and len(paragraphs) - alike >= 2 and bool(_same_style_run(el))


def _printed_whole(page: _Page, description: str) -> str | None:
    """The page's own text of a standfirst that `description` cuts short: the block whose text starts
    with the description's words and goes on."""
    words = description.split()
    if len(words) < 8:
        return None
    probe = " ".join(words[:5])
    description_words = _WORD.findall(description.casefold())
    for node in page.sel.root.xpath("//body//text()[contains(., $probe)]", probe=probe):
        el = node.getparent()
        while el is not None and el.tag in INLINE_TAGS:
            el = el.getparent()
        if el is None or el.tag in INVISIBLE_TAGS or el.tag in ("body", "html"):
            continue
        text = text_of(el)
        if len(description) < len(text) <= 1500 and _lead_printed([text], 0, description_words):
            return text
    return None


# Class or id words of a standfirst ("article__intro", "SplitScreenContentHeaderDek", "einleitung"), and
# of the things printed near it that are not one (captions, credits, players, newsletter boxes).
STANDFIRST_WORDS = frozenset({
    "lead", "lede", "leadtext", "standfirst", "intro", "introduction", "summary", "sapo", "dek", "deck",
    "subtitle", "subheadline", "subhead", "excerpt", "abstract", "chapo", "chapeau", "vorspann", "ingress",
    "einleitung", "preface", "entradilla", "occhiello", "sommario", "bajada", "lid", "preamble", "subheader",
})
NOT_STANDFIRST_WORDS = frozenset({
    "caption", "credit", "credits", "image", "img", "photo", "picture", "media", "figure", "video", "audio",
    "player", "newsletter", "promo", "related", "teaser", "author", "byline", "date", "meta", "share",
    "subscribe", "subscription", "paywall", "advert", "advertisement",
})
BOX_WORDS = frozenset({
    "newsletter", "promo", "related", "teaser", "subscribe", "subscription", "paywall", "advert", "advertisement",
})
"""Class words of a box around an element: a standfirst is not inside one."""
EMPHASIS_WORDS = frozenset({"bold", "strong", "medium", "semibold", "emphasis", "lead", "intro"})
STANDFIRST_TAGS = frozenset({"p", "div", "h2", "h3", "span", "section", "header"})
STANDFIRST_WINDOW = 150
"""How many elements after the headline a standfirst may come (further down, such classes mark boxes)."""


def _class_words(el: Any) -> set[str]:
    marks = f"{el.get('class', '')} {el.get('id', '')} {el.get('itemprop', '')}"
    return {word.lower() for word in _CLASS_WORD.split(marks) if word}


def _standfirst(page: _Page) -> str | None:
    """The first element soon after the headline classed as a standfirst that holds a sentence or a few,
    with the paragraphs printed right after it in the same style (a standfirst in several paragraphs)."""
    h1 = next(page.sel.root.iter("h1"), None)
    after = page.sel.root.iter("*") if h1 is None else _following(h1)
    for el in islice(after, STANDFIRST_WINDOW):
        if not isinstance(el.tag, str) or el.tag not in STANDFIRST_TAGS:
            continue
        words = _class_words(el)
        if not words & STANDFIRST_WORDS or words & NOT_STANDFIRST_WORDS or _in_figure_or_box(el):
            continue
        text = text_of(el)
        if 40 <= len(text) <= 1000 and _link_text_length(el) < len(text) / 2 and not _mostly_caption(el, text):
            return "\n\n".join([text, *(text_of(sibling) for sibling in _same_style_run(el))])
    return None


def _following(el: Any) -> Iterator[Any]:
    """The elements after `el` in document order (not inside it), lazily: XPath's following:: axis builds
    them all."""
    node = el
    while node is not None:
        for sibling in node.itersiblings():
            yield from sibling.iter()
        node = node.getparent()


def _mostly_caption(el: Any, text: str) -> bool:
    """Whether most of `el`'s text is a figure's caption or credit (a "lead" image block)."""
    captions = sum(len(text_of(f)) for f in el.iter("figcaption", "figure") if f.getparent() is not None)
    return captions >= len(text) / 2


def _same_style_run(el: Any, limit: int = 4) -> list[Any]:
    """The siblings right after `el` with its tag and class that hold text rather than links, up to `limit`."""
    run: list[Any] = []
    cls = el.get("class")
    if not cls:
        return run
    sibling = el.getnext()
    while sibling is not None and len(run) < limit and sibling.tag == el.tag and sibling.get("class") == cls:
        text = text_of(sibling)
        if _link_text_length(sibling) >= len(text) / 2:
            break  # a link to another story printed in the standfirst's style
        run.append(sibling)
        sibling = sibling.getnext()
    return run


HEADLINE_TAGS = ("h1", "h2")
NOT_UNDER_HEADLINE = frozenset({"figure", "aside", "nav", "ul", "ol", "time", "address", "button", "form", "table"})


def _under_headline(page: _Page, title: str | None) -> str | None:
    """The text block printed right under the headline, before the body starts: a standfirst the page
    does not class as one. Kickers, bylines, dates and images between the two are passed over."""
    headline = _headline_element(page, title)
    guessed = headline is None
    if guessed:
        headline = _story_heading(page)
        if headline is None:
            return None
    node, hops = headline, 0
    while node is not None and hops < 4:
        for sibling in node.itersiblings():
            if not isinstance(sibling.tag, str) or sibling.tag in INVISIBLE_TAGS:
                continue
            text, words = text_of(sibling), _class_words(sibling)
            if sibling is page.first_block or page.first_block in sibling.iterdescendants():
                # The body starts right away, unless with a sentence set as a subheading (a dek).
                return text if sibling.tag in ("h2", "h3") and len(text) >= DEK_LENGTH else None
            if (
                sibling.tag in NOT_UNDER_HEADLINE
                or (words & NOT_STANDFIRST_WORDS and not words & STANDFIRST_WORDS)
                or any(d.tag in ("time", "address", "button") for d in sibling.iterdescendants())
                or _is_hidden(sibling)
                or "hidden" in words
                or len(text) < 40
                or (len(text) < 150 and _CLOCK_TIME.search(text))
                or _link_text_length(sibling) >= len(text) / 2
                or _mostly_caption(sibling, text)
            ):
                continue
            if len(text) > 1000 or sibling.tag not in STANDFIRST_TAGS:
                return None
            if guessed and not _before_body(page, sibling):
                return None  # a heading inside the story, not over it
            if _styled_apart_paragraph(sibling):
                return "\n\n".join([text, *(text_of(more) for more in _same_style_run(sibling))])
            return text
        node, hops = node.getparent(), hops + 1
    return None


_CLOCK_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}(?!\d)")
"""A time of day: a short line holding one is a dateline or byline, not a standfirst."""


def _in_menu(el: Any) -> bool:
    return any(a.tag in ("li", "nav") for a in el.iterancestors())


def _story_heading(page: _Page) -> Any:
    """The first heading of the story's <article> when no heading prints the title (the share title is
    reworded), outside breadcrumbs and menus."""
    for article in page.sel.root.iter("article"):
        for el in article.iter(*HEADLINE_TAGS):
            if not _in_menu(el) and text_of(el):
                return el
    return None


def _before_body(page: _Page, el: Any) -> bool:
    """Whether `el` comes before the body's first paragraph in the page."""
    first = page.first_block
    if first is None:
        return False
    for node in page.sel.root.iter():
        if node is el:
            return True
        if node is first:
            return False
    return False


def _dek(page: _Page) -> str | None:
    """A body opening with a subheading that is a sentence or a few: the story's dek."""
    first = page.first_block
    if first is not None and first.tag in ("h2", "h3") and len(text := text_of(first)) >= DEK_LENGTH:
        return text
    return None


DEK_LENGTH = 60
"""A subheading this long is a sentence, not a section title."""


def _headline_element(page: _Page, title: str | None) -> Any:
    """The heading that prints `title`, or its end (the title may lead with a kicker); not one in a
    breadcrumb or menu."""
    key = _key(title or "")
    for el in page.sel.root.iter(*HEADLINE_TAGS):
        if _in_menu(el):
            continue
        text = _key(text_of(el))
        if not key or not text:
            continue
        if text == key or (len(text) >= 20 and text in key) or (len(text) >= 8 and key.endswith(text)):
            return el
    return None


def _in_figure_or_box(el: Any) -> bool:
    ancestors = list(el.iterancestors())
    if any(a.tag in ("aside", "nav", "footer", "figure", "figcaption") for a in ancestors):
        return True
    return any(_class_words(a) & BOX_WORDS for a in ancestors[:3])


def _emphasized_first_paragraph(page: _Page) -> str | None:
    """The body's first paragraph when it is set apart as a standfirst: all in bold, or classed so."""
    el = page.first_block
    if el is None or el.tag != "p":
        return None
    text = text_of(el)
    if not 60 <= len(text) <= 800:
        return None
    bold = "".join(text_of(b) for b in el if isinstance(b.tag, str) and b.tag in ("strong", "b"))
    if len(bold) >= 0.9 * len(text) or _class_words(el) & EMPHASIS_WORDS:
        return text
    return None


LEAD_SEARCH = 3
"""How many paragraphs at the top of the body may repeat the lead."""
LEAD_MIN_WORDS = 8
"""Fewer words than this are too few to tell a lead cut short from another text starting alike."""
_WORD = re.compile(r"\w+")


def split_lead(body: str, description: str, *, in_parts: bool = False) -> tuple[str, str]:
    """The lead and the body without it. When a paragraph among the body's first few prints the standfirst
    that `description` repeats (or cuts short at a word limit), that paragraph is the lead, in full, and
    leaves the body; otherwise the lead is `description` and the body stays whole. A standfirst the page
    prints in several paragraphs (`in_parts`) takes them all; else a description that goes on past the
    paragraph it starts with (a summary of the first paragraphs) takes only that one. A paragraph that
    prints the description after a dateline ("BERLIN (AP) —") is the lead, dateline and all."""
    paragraphs = body.split("\n\n")
    lead_words = _WORD.findall(description.casefold())
    search = _first_paragraphs(paragraphs)
    for index in range(search):
        end = _lead_printed(paragraphs, index, lead_words, in_parts=in_parts)
        if not end and not in_parts and _after_dateline(_WORD.findall(paragraphs[index].casefold()), lead_words):
            end = index + 1  # the description repeats the paragraph without its dateline ("BERLIN (AP) —")
        if end:
            return "\n\n".join(paragraphs[:end][index:]), "\n\n".join(paragraphs[:index] + paragraphs[end:])
    if not in_parts and len(lead_words) >= LEAD_MIN_WORDS:
        for paragraph in paragraphs[search:]:
            if _lead_printed([paragraph], 0, lead_words, in_parts=False):
                return "", body  # a summary quoting a paragraph further down the story: no standfirst
    return description, body


DATELINE_WORDS = 6
"""How many words a dateline ("BERLIN --", "WASHINGTON (AP) —") may put before a paragraph's first sentence."""


def _first_paragraphs(paragraphs: list[str]) -> int:
    """How many blocks from the top hold the body's first `LEAD_SEARCH` paragraphs (short lines above
    them, a video's title or a time stamp, do not count)."""
    seen = 0
    for index, paragraph in enumerate(paragraphs):
        seen += len(paragraph) >= HEAD_FRAGMENT
        if seen == LEAD_SEARCH:
            return index + 1
    return len(paragraphs)


def _after_dateline(words: list[str], lead_words: list[str]) -> bool:
    """Whether the paragraph is the lead printed after a dateline."""
    if len(lead_words) < LEAD_MIN_WORDS:
        return False
    for start in range(1, min(DATELINE_WORDS, len(words)) + 1):
        if words[start : start + len(lead_words)] == lead_words:
            return True
    return False


def _lead_printed(paragraphs: list[str], index: int, lead_words: list[str], *, in_parts: bool = True) -> int:
    """When the paragraphs from `index` on print the lead, the index past the last of them; else 0.
    A description is often the standfirst, or the first paragraph, cut at a word limit ("..." at the
    end): its last part then starts with all the remaining words but the last, which may be cut mid-word.
    The printed paragraphs are the lead, whole, rather than printed twice (measured: aeb body F1 +0.009,
    fundus-dev lead -0.010, one page whose truth keeps the cut description)."""
    covered, end = 0, index
    while end < len(paragraphs) and covered < len(lead_words):
        words = _WORD.findall(paragraphs[end].casefold())
        rest = lead_words[covered:]
        if words and words == rest[: len(words)]:
            if not in_parts and len(words) >= LEAD_MIN_WORDS:
                return end + 1
            covered, end = covered + len(words), end + 1
        elif len(lead_words) >= LEAD_MIN_WORDS and len(rest) < len(words) and words[: len(rest) - 1] == rest[:-1]:
            return end + 1  # the description stops short inside this paragraph
        else:
            break
    return end if covered == len(lead_words) else 0


# ----------------------------------------------------------------------------- section


def _section(page: _Page) -> tuple[list[str], str | None]:
    if crumbs := structured.breadcrumb_names(page.jsonld):
        return _drop_home(crumbs), "jsonld BreadcrumbList"
    if section := structured.meta_content(page.meta, "article:section"):
        return [section], "article:section"
    return [], None


_HOME = re.compile(r"^(?:home|start|startseite|accueil|inicio|portada|homepage|forside|etusivu|trang chủ)$", re.I)


def _drop_home(crumbs: list[str]) -> list[str]:
    if crumbs and (_HOME.match(crumbs[0]) or len(crumbs) > 1):
        return crumbs[1:]
    return crumbs


# ----------------------------------------------------------------------------- body
#
# The body is found the way a reader finds it: the element holding most of the page's
# paragraph text (text in navigation, asides, link lists and boxes marked as related
# stories, sharing or ads does not count), then its paragraphs and subheadings in order.

INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "button", "select", "head"})
SKIP_TAGS = INVISIBLE_TAGS | frozenset({"figure", "figcaption", "aside", "nav", "footer", "form", "header", "table"})
INLINE_TAGS = frozenset(
    {"a", "span", "strong", "b", "em", "i", "u", "s", "small", "big", "sup", "sub", "mark", "abbr", "cite",
     "q", "time", "font", "code", "var", "kbd", "dfn", "ins", "del", "bdi", "bdo", "label", "wbr", "br", "img"}
)
BLOCK_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "pre"})
HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
LIST_TAGS = frozenset({"ul", "ol", "dl"})
# Words of class names and ids that mark boxes around the story rather than the story.
BOILERPLATE_WORD = re.compile(
    r"related|share|sharing|social|newsletter|caption|advert|ads?$|adslot|adunit|promo(?!ted)|recommend"
    r"|comments?$|subscri|breadcrumb|mostread|outbrain|taboola|sidebar|byline|authors?$|teaser|taglist|cookie"
    r"|consent|modal|popup|banner|sponsor|toolbar|visuallyhidden|sronly"
    r"|gallery|slideshow|carousel|lightbox|popular|trending|donat|embed|footer$",
)
_TAGS_MARK = re.compile(r"[-_]tags?$|^tags?$", re.IGNORECASE)
# Words that make a class a state of the element ("has-comments", "comments-enabled").
STATE_WORD = frozenset({"has", "is", "with", "no", "enabled", "disabled", "show", "hide", "active", "count", "open"})
_CLASS_WORD = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")
MIN_PARAGRAPH = 20
WIDEN = 1.6
"""An ancestor holding this many times the chosen container's text holds a story split in parts."""


def _body(page: _Page) -> tuple[str, str | None]:
    guard = _Exclusions(page.sel.root)
    page.marked_boxes = guard.marked
    for node in page.sel.css("[itemprop=articleBody]"):
        blocks = _blocks(node.root, guard)
        if sum(len(text) for text, _ in blocks) > 300:
            page.container = node.root
            return _join(page, blocks), "itemprop=articleBody"
    container = page.container = _best_container(page.sel.root, guard)
    body = _join(page, _blocks(container, guard)) if container is not None else ""
    # Pages that render the story with JavaScript often still carry it whole in their JSON-LD.
    structured_body = structured.text_value(page.article.get("articleBody")) or ""
    if len(structured_body) > max(2 * len(body), 300):
        page.first_block = None
        return "\n\n".join(p for p in (clean_text(line) for line in structured_body.splitlines()) if p), "jsonld"
    if len(body) < SHORT_BODY and (scripted := _body_in_scripts(page)) and len(scripted) > 2 * len(body):
        page.first_block = page.last_block = None
        return scripted, "script data"
    return body, "text density" if body else None


SHORT_BODY = 300
"""A body this short may be a page whose story its scripts render."""
_STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"')
_ESCAPED_PARAGRAPH = re.compile(r"\\u003cp[\s>\\]|<p[\s>]", re.IGNORECASE)


def _body_in_scripts(page: _Page) -> str:
    """The story as a page that renders it with JavaScript carries it: HTML in a string of its inline
    data (Next.js `__NEXT_DATA__` and `self.__next_f.push`, Nuxt, Apollo state), often JSON within a
    JavaScript string. The longest such string with three or more paragraphs, read as a body."""
    best = ""
    for script in page.sel.root.iter("script"):
        code = script.text or ""
        if script.get("src") or "ld+json" in (script.get("type") or ""):
            continue
        for markup in _html_strings(code):
            fragment = lxml.html.fragment_fromstring(markup, create_parent="div")
            blocks: list[tuple[str, Any]] = []
            _collect(fragment, blocks)
            text = "\n\n".join(text for text, _ in blocks)
            if len(text) > len(best):
                best = text
    return best


def _html_strings(code: str, depth: int = 0) -> Iterator[str]:
    """The innermost string values in `code` that hold three or more paragraphs of HTML."""
    if depth > 2 or len(_ESCAPED_PARAGRAPH.findall(code)) < 3:
        return
    for literal in _STRING_LITERAL.findall(code):
        if len(_ESCAPED_PARAGRAPH.findall(literal)) < 3:
            continue
        try:
            value = json.loads(literal)
        except ValueError:
            continue
        inner = list(_html_strings(value, depth + 1)) if isinstance(value, str) and '"' in value else []
        yield from inner or ([value] if isinstance(value, str) else [])


IMAGE_SOURCES = ("data-src", "data-original", "data-lazy-src", "src")


def _images(page: _Page) -> list[tuple[str, str | None, str | None]]:
    """The images of the body's container, with their alt text and the caption of their figure, in page
    order; beside the container only a figure counts (the lead image above the text). Images in boxes
    (related stories, galleries, ads) do not."""
    container = page.container
    if container is None:
        return []
    scope = container.getparent() if container.getparent() is not None else container
    images: dict[str, tuple[str, str | None, str | None]] = {}
    for img in scope.iter("img"):
        ancestors = list(img.iterancestors())
        ancestors = ancestors[: ancestors.index(scope)] if scope in ancestors else ancestors
        figure = next((a for a in ancestors if a.tag == "figure"), None)
        if (container not in ancestors and figure is None) or any(is_boilerplate(a) for a in ancestors):
            continue
        url = _image_url(img, page.url)
        if url and url not in images:
            figcaption = figure.find(".//figcaption") if figure is not None else None
            caption = text_of(figcaption) if figcaption is not None else None
            images[url] = (url, clean_text(img.get("alt")) or None, caption or None)
    return list(images.values())


def _image_url(img: Any, base: str) -> str | None:
    for name in IMAGE_SOURCES:
        src = (img.get(name) or "").strip()
        if src and not src.startswith("data:"):
            return str(urljoin(base, src))
    return None


_SENTENCE_END = re.compile(r"[.!?:;…。！？\"”’»)]$")
HEAD_FRAGMENT = 50
LABEL_REPEATS = 3
"""A short line printed this many times between the paragraphs is a label ("Article content", "Advertisement")."""
"""Blocks shorter than this at the top of a body, not ending a sentence, are labels rather than story."""


def _without_labels(blocks: list[str]) -> list[str]:
    """`blocks` without a short line printed again and again between paragraphs ("Article content",
    "Advertisement"); a short line repeated among other short lines (a schedule, a table) stays."""
    counts = Counter(block for block in blocks if _may_be_label(block))

    def apart(index: int, block: str) -> bool:  # a paragraph, the same label again, or the body's edge
        return not 0 <= index < len(blocks) or len(blocks[index]) >= HEAD_FRAGMENT or blocks[index] == block

    between_paragraphs = Counter(
        block
        for index, block in enumerate(blocks)
        if counts[block] and apart(index - 1, block) and apart(index + 1, block)
    )
    labels = {block for block, n in counts.items() if n >= LABEL_REPEATS and between_paragraphs[block] >= 0.75 * n}
    return [block for block in blocks if block not in labels and block.casefold() not in AD_LABELS]


AD_LABELS = frozenset({
    "ad", "advert", "advertisement", "advertising", "sponsored", "anzeige", "werbung", "publicité", "publicidad",
    "pubblicità", "reklame", "annonse", "annons", "mainos", "reklama", "advertentie", "quảng cáo", "광고", "広告",
    "story continues below advertisement", "article continues below advertisement", "scroll to continue",
    "continue reading below",
})
"""Lines that only announce an ad slot."""


def _may_be_label(block: str) -> bool:
    return len(block) < HEAD_FRAGMENT and not _SENTENCE_END.search(block) and any(c.isalpha() for c in block)


def trim_head(body: str, title: str | None) -> str:
    """`body` without the headline printed again in it, without short labels repeated between its
    paragraphs, and without the short fragments above its first real paragraph and below its last:
    gallery counters ("1 / 8"), photo credits, "Back to Gallery", kickers, box headings."""
    headline = (title or "").casefold()
    blocks = [block for block in body.split("\n\n") if block.casefold() != headline]
    blocks = _without_labels(blocks)
    while len(blocks) > 1 and len(blocks[0]) < HEAD_FRAGMENT and not _SENTENCE_END.search(blocks[0]):
        blocks.pop(0)
    while len(blocks) > 1 and len(blocks[-1]) < HEAD_FRAGMENT and not _SENTENCE_END.search(blocks[-1]):
        blocks.pop()  # box headings and labels left below the story ("Most Popular Videos")
    return "\n\n".join(blocks)


def _join(page: _Page, blocks: list[tuple[str, Any]]) -> str:
    page.first_block = blocks[0][1] if blocks else None
    page.last_block = blocks[-1][1] if blocks else None
    return "\n\n".join(text for text, _ in blocks)


def text_of(el: Any) -> str:
    """Visible text of an element, whitespace collapsed (scripts and styles left out)."""
    parts: list[str] = []
    _gather_text(el, parts)
    return clean_text("".join(parts))


def _gather_text(el: Any, parts: list[str]) -> None:
    if el.text:
        parts.append(el.text)
    for child in el:
        if isinstance(child.tag, str) and child.tag not in INVISIBLE_TAGS:
            if child.tag == "br":
                parts.append(" ")
            _gather_text(child, parts)
        if child.tail:
            parts.append(child.tail)


def _link_text_length(el: Any) -> int:
    return sum(len(clean_text(a.text_content())) for a in el.iter("a"))


class _Exclusions:
    """Which elements sit in navigation, an aside, a hidden element or a box marked as
    boilerplate. A marked box that holds the headline is the article itself (WordPress and
    Drupal print tags and states into the article's classes), so it is not excluded; nor is a
    form, layout table or marked box that holds most of the page's paragraph text (a page wrapped
    in one ASP.NET <form>, a table layout, a layout column classed "l-sidebar-fixed")."""

    def __init__(self, root: Any) -> None:
        self.verdicts: dict[Any, bool] = {}
        headline = next(root.iter("h1"), None)
        self.holds_headline = set(headline.iterancestors()) if headline is not None else set()
        self.paragraph_text = _paragraph_text(root)
        self.marked: list[Any] = []
        """Elements excluded for their class or id (related, most-read, share boxes...), in the order met."""

    def excluded(self, el: Any) -> bool:
        node = el
        chain = []
        verdict = False
        while node is not None:
            known = self.verdicts.get(node)
            if known is not None:
                verdict = known
                break
            chain.append(node)
            if self._is_box(node):
                verdict = True
                break
            node = node.getparent()
        for seen in chain:
            self.verdicts[seen] = verdict
        return verdict

    def _is_box(self, el: Any) -> bool:
        if el.tag in ("body", "html", "article", "main") or el in self.holds_headline:
            return False
        if el.tag in INVISIBLE_TAGS:
            return True
        if el.tag in SKIP_TAGS:  # a form, table, aside or header that holds the story is a layout wrapper
            return not self._holds_most_text(el)
        if is_boilerplate(el) and not self._holds_most_text(el):
            self.marked.append(el)
            return True
        return is_teaser_list(el) and not self._holds_most_text(el)

    def _holds_most_text(self, el: Any) -> bool:
        inside = _paragraph_text(el)
        return inside >= 500 and inside >= 0.5 * self.paragraph_text


def _paragraph_text(el: Any) -> int:
    """Length of the text of the <p> elements in `el`."""
    return sum(len(p.text_content()) for p in el.iter("p"))


def is_boilerplate(el: Any) -> bool:
    """Whether the element's class, id or style marks it as something other than the story."""
    marks = f"{el.get('class', '')} {el.get('id', '')}".split()
    return any(_marks_boilerplate(mark) for mark in marks) or _is_hidden(el)


TEASER_ITEMS = 3
"""A run of this many cards (a linked headline, with or without a picture and an excerpt) is a list of
other stories, not part of this one."""


def is_teaser_list(el: Any) -> bool:
    """Whether `el` is a list of story cards: most of its three or more items lead with a linked headline."""
    if len(el) < TEASER_ITEMS:
        return False
    items = [child for child in el if isinstance(child.tag, str) and child.tag not in INVISIBLE_TAGS]
    linked = [item for item in items if item.tag == "a" or item.find(".//a") is not None]
    if len(linked) < TEASER_ITEMS:
        return False
    cards = sum(_is_card(item) for item in linked)
    if cards < TEASER_ITEMS:
        return False
    with_text = sum(1 for item in items if any(t.strip() for t in item.itertext()))  # a card's picture may be an item
    return cards >= 0.6 * with_text


CARD_SIZE = 80
"""A card has fewer elements than this; a larger item is a section of the page, not a card."""


def _is_card(item: Any) -> bool:
    """A small item with a linked headline (a heading holding a link, or a heading inside one), or with a
    link and a picture."""
    nodes = list(islice(item.iter(), CARD_SIZE + 1))
    if len(nodes) > CARD_SIZE:
        return False
    headings = [n for n in nodes if n.tag in HEADING_TAGS]
    for heading in headings:
        if any(True for _ in heading.iter("a")) or any(a.tag == "a" for a in heading.iterancestors()):
            return True
    if not any(n.tag in ("img", "picture") for n in nodes):
        return False
    link_text = sum(len(text_of(a)) for a in nodes if a.tag == "a")
    return link_text >= 15 and link_text >= 0.2 * len(text_of(item))


@lru_cache(maxsize=8192)
def _marks_boilerplate(mark: str) -> bool:
    if _TAGS_MARK.search(mark):
        return True
    words = [word.lower() for word in _CLASS_WORD.split(mark) if word]
    if STATE_WORD.intersection(words):
        return False
    return any(BOILERPLATE_WORD.match(word) for word in words)


def _is_hidden(el: Any) -> bool:
    style = el.get("style", "").replace(" ", "").lower()
    return el.get("hidden") is not None or "display:none" in style or el.get("aria-hidden") == "true"


def _text_blocks(root: Any) -> dict[Any, list[int]]:
    """Elements that hold text directly (through inline children), with [text, link text] lengths."""
    blocks: dict[Any, list[int]] = {}
    for text in root.xpath("//body//text()[normalize-space()]"):
        node = text.getparent()
        if text.is_tail:
            node = node.getparent()
        in_link = False
        while node is not None and node.tag in INLINE_TAGS:
            in_link = in_link or node.tag == "a"
            node = node.getparent()
        if node is None or node.tag in INVISIBLE_TAGS:
            continue
        counts = blocks.setdefault(node, [0, 0])
        length = len(clean_text(text))
        counts[0] += length
        if in_link:
            counts[1] += length
    return blocks


def _best_container(root: Any, guard: _Exclusions) -> Any:
    scores: dict[Any, float] = {}
    good: dict[Any, int] = {}
    story = _first_of_several_stories(root)
    for block, (length, link_length) in _text_blocks(root).items():
        weight = length - link_length
        if length < MIN_PARAGRAPH or weight <= length / 2 or block.tag in LIST_TAGS or guard.excluded(block):
            continue
        if story is not None and story not in block.iterancestors():
            continue  # the next story of an endless-scroll page
        share = 1.0
        for depth, node in enumerate(block.iterancestors()):
            if depth < 3:
                scores[node] = scores.get(node, 0.0) + weight * share
                share /= 2
            good[node] = good.get(node, 0) + weight
    if not scores:
        return None
    best = max(scores, key=lambda n: scores[n])
    # Widen to the ancestor that holds clearly more of the story: the next one up when it does, or one
    # further up past wrappers that hold only this part (paragraphs each wrapped in their own divs).
    while (parent := best.getparent()) is not None and good.get(parent, 0) > 1.15 * good[best]:
        best = parent
    for ancestor in list(best.iterancestors()):
        if ancestor.tag in ("body", "html"):
            break
        if good.get(ancestor, 0) > WIDEN * good[best]:
            best = ancestor
    return best


def _first_of_several_stories(root: Any) -> Any:
    """On a page that prints several stories, each an <article> with its own <h1> (endless scroll), the
    first: the page's own; None on a page with one story."""
    stories = [article for article in root.iter("article") if any(True for _ in article.iter("h1"))]
    outermost = [a for a in stories if not any(b in a.iterancestors() for b in stories)]
    return outermost[0] if len(outermost) >= 2 else None


def _blocks(container: Any, guard: _Exclusions) -> list[tuple[str, Any]]:
    """The paragraphs and subheadings of `container` in order, each with its element (None for loose text)."""
    blocks: list[tuple[str, Any]] = []
    _collect(container, blocks)
    return blocks


BLOCK_LEVEL = BLOCK_TAGS | LIST_TAGS | frozenset(
    {"div", "section", "article", "main", "li", "h1", "table", "blockquote", "figure", "header", "footer",
     "aside", "nav", "form", "hr", "center", "details", "summary"}
)


def _collect(el: Any, blocks: list[tuple[str, Any]]) -> None:
    run: list[str] = []
    links = [0]  # characters of the run inside links
    if el.text:
        run.append(el.text)
    for child in el:
        tag = child.tag
        if tag == "table" and not is_boilerplate(child):
            _flush(run, links, blocks)
            _add_table(child, blocks)
        elif not isinstance(tag, str) or tag in SKIP_TAGS or is_boilerplate(child) or is_teaser_list(child):
            pass
        elif tag in LIST_TAGS:
            _flush(run, links, blocks)
            _add_list(child, blocks)
        elif tag == "h1":
            _flush(run, links, blocks)
        elif tag in BLOCK_LEVEL:
            _flush(run, links, blocks)
            if _has_blocks(child):
                _collect(child, blocks)
            else:
                _add_block(child, blocks)
        elif tag == "br":
            run.append("\n")
        else:
            run.append(text_of(child))
            links[0] += _link_text_length(child) if tag != "a" else len(run[-1])
        if child.tail:
            run.append(child.tail)
    _flush(run, links, blocks)


def _add_list(el: Any, blocks: list[tuple[str, Any]]) -> None:
    """The items of a list written as text (a list of links is a box) within the story: a list above its
    first paragraph sums the story up ("In brief"), apart from the body."""
    if not any(block is not None and block.tag == "p" for _, block in blocks):
        return
    items = [item for item in el if isinstance(item.tag, str) and item.tag in ("li", "dt", "dd")]
    texts = [text_of(item) for item in items]
    total = sum(len(t) for t in texts)
    if not total or sum(_link_text_length(item) for item in items) > LIST_LINKS * total:
        return
    if total / len(items) < LIST_ITEM_MIN:
        return
    for item, text in zip(items, texts, strict=True):
        if text:
            blocks.append((text, item))


def _add_table(el: Any, blocks: list[tuple[str, Any]]) -> None:
    """A table of data within the story, a row a line; a table laying out the page is read as blocks."""
    rows = [row for row in el.iter("tr") if next(row.iterancestors("table"), None) is el]
    if any(_has_blocks(cell) for row in rows for cell in row if isinstance(cell.tag, str)):
        _collect(el, blocks)  # cells holding paragraphs: a layout table
        return
    if not any(block is not None and block.tag == "p" for _, block in blocks):
        return  # a table above the story's first paragraph: a fact box, a scoreboard
    texts = [" ".join(t for t in (text_of(cell) for cell in row if isinstance(cell.tag, str)) if t) for row in rows]
    total = sum(len(t) for t in texts)
    if not total or sum(_link_text_length(row) for row in rows) > LIST_LINKS * total:
        return
    for row, text in zip(rows, texts, strict=True):
        if text:
            blocks.append((text, row))


LIST_LINKS = 0.3
LIST_ITEM_MIN = 20


def _has_blocks(el: Any) -> bool:
    return any(isinstance(c.tag, str) and c.tag in BLOCK_LEVEL for c in el)


def _flush(run: list[str], links: list[int], blocks: list[tuple[str, Any]]) -> None:
    # Loose text between blocks, as pages that write paragraphs as <br>-separated text have; a run of
    # links (a tag cloud, a link bar) is not text.
    text = clean_text("".join(run))
    link_length = links[0]
    run.clear()
    links[0] = 0
    if len(text) >= MIN_PARAGRAPH * 3 and link_length < len(text) / 2:
        blocks.append((text, None))


def _add_block(el: Any, blocks: list[tuple[str, Any]]) -> None:
    text = text_of(el)
    if not text:
        return
    if el.tag not in HEADING_TAGS and len(text) < 300 and _link_text_length(el) > 0.6 * len(text):
        return
    blocks.append((text, el))
