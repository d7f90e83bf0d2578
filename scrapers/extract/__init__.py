"""Pure extraction helpers: nothing here imports Scrapy. `scrapers.extraction.extract_article` reads one saved
page as a crawl would.

`read_page(html, content_type)` is the one way a page's bytes become the tree the readers see, for the
crawl (the spiders) and for `extract_article` alike: decoded by `decode_page`, parsed as HTML whatever its
first line says (an XHTML page's `<?xml ...?>` would make parsel parse it as XML), and re-parsed with its
deepest nesting cut when it nests deeper than libxml2 allows (which would lose everything below). The tree is
a plain lxml one (`etree.HTMLParser`): lxml.html's element classes cost a lookup at every element access, as
much as a tenth of the extraction, and their methods are not used (`text_content()` is `"".join(el.itertext())`).
"""

from __future__ import annotations

import codecs
import re
from array import array
from typing import Any

from charset_normalizer import from_bytes
from lxml import etree
from parsel import Selector
from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding, read_bom


def read_page(html: bytes, content_type: str | None = None, *, max_depth: int | None = None) -> Selector:
    """The page `html` (served with the `content_type` header, if known) as a tree to read: see the module
    docstring. `max_depth`: flatten the page to this nesting whatever its depth (`DEEP_PAGE_DEPTH`)."""
    # Most pages are UTF-8: parsed from their own bytes, and libxml2 says when they are not (checking them
    # beforehand with Python's decoder cost an eighth of the parse), unless it met more errors than it reports.
    data = html.removeprefix(b"\xef\xbb\xbf")
    root, errors = _parse(data)
    if INVALID_BYTES in errors or (UNTOLD in errors and not _is_utf8(data)) or _is_iso2022_jp(data):
        root, errors = _parse(decode_page(html, content_type).encode("utf-8"))
    if TOO_DEEP in errors or max_depth is not None:  # (libxml2 stopped before it could see every byte)
        root, _ = _parse(flatten(decode_page(html, content_type), max_depth or MAX_DEPTH).encode("utf-8"))
    if max_depth is not None:
        _strip_below(root, max_depth)  # what flattening the text missed (tags its pattern does not see)
    return Selector(root=root, type="html")


def _strip_below(root: Any, depth: int) -> None:
    """Unwrap every element nested deeper than `depth` in the tree of `root`, its text kept."""
    stack = [(root, 0)]
    while stack:
        el, level = stack.pop()
        if level == depth:
            etree.strip_tags(el, "*")
            continue
        stack.extend((child, level + 1) for child in el if isinstance(child.tag, str))


def _is_utf8(data: bytes) -> bool:
    """Whether `data` is valid UTF-8: asked only of a page whose errors libxml2 stopped reporting."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_page(html: bytes, content_type: str | None = None) -> str:
    """The page as text: valid UTF-8 is UTF-8 (pages re-saved as UTF-8 often still declare their old charset
    in a header or meta tag, and other bytes are almost never valid UTF-8), anything else by its byte order
    mark, the `content_type` header's charset, its meta declaration or a guess, as browsers do; the page's own
    declaration of another charset wins over a header's UTF-8 that its bytes belie. A page that says UTF-8 but
    is not, and names no other charset (a Windows CMS's cp1252 bytes behind a UTF-8 header, or a cp1252 snippet
    pasted into a UTF-8 template), reads its valid UTF-8 as UTF-8 and every other byte as windows-1252, where a
    browser shows replacement characters (U+FFFD in every accented word of the record). UTF-16 without a byte
    order mark is told by where its zero bytes fall (the high bytes of its ASCII markup), whatever the page
    declares: `charset=utf-16` names no byte order, and a decoder's default order gave CJK-looking noise."""
    if b"\x00" in html[:UTF16_SNIFF] and (utf16 := _utf16_order(html[:UTF16_SNIFF])) and not read_bom(html)[0]:
        return html.decode(utf16, "replace")
    if _is_iso2022_jp(html):
        return html.decode("iso2022_jp")
    try:
        return html.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        pass
    if read_bom(html)[0]:  # a UTF-16 or UTF-32 byte order mark says it all, whatever the header says
        return html_to_unicode(content_type, html, auto_detect_fun=_guess)[1]
    in_page = html_body_declared_encoding(html)
    if in_page and (codec := _codec_name(in_page)) not in (None, "utf-8"):
        # The page's own charset where the header says UTF-8 and the bytes are not (a windows-1251 page
        # behind a server's default UTF-8 header): read as windows-1252 they were mojibake that looked like text.
        return html.decode(codec, "replace")
    in_header = http_content_type_encoding(content_type)
    declared = next((label for label in (in_header, in_page) if label and _codec_name(label)), None)
    if (declared and _codec_name(declared) == "utf-8") or (not declared and (in_header or in_page)):
        # (labels no page is read by, in the header and the page alike: read as UTF-8 with cp1252 bytes)
        return html.removeprefix(b"\xef\xbb\xbf").decode("utf-8", CP1252_BYTES)
    if not declared and _mostly_utf8(html):  # UTF-8 with a stray byte of another encoding, declaring nothing
        return html.removeprefix(b"\xef\xbb\xbf").decode("utf-8", CP1252_BYTES)
    return html_to_unicode(content_type if declared and declared == in_header else None, html,
                           auto_detect_fun=_guess)[1]


def _mostly_utf8(html: bytes) -> bool:
    """Whether the characters past ASCII that `html` spells in valid UTF-8 are at least `MOSTLY_UTF8` times as many
    as the places where it is not valid (each a replacement character of Python's decoder, as a U+FFFD the page
    spells itself): a UTF-8 page into which a snippet of windows-1252 was pasted, declaring no charset. A page in a
    legacy encoding spells few by chance: at most one for five invalid places on the 305 pages of tests/data that
    are not ASCII, re-encoded (Shift_JIS, EUC-KR, windows-125x); the same pages as UTF-8 with one windows-1252 byte
    added, at least two for one. Read whole as windows-1252 such a page was mojibake in every accented word."""
    text = html.decode("utf-8", "replace")
    invalid = text.count("\ufffd")
    spelt = len(text) - len(text.encode("ascii", "ignore")) - invalid
    return spelt >= MOSTLY_UTF8 * invalid


MOSTLY_UTF8 = 2
"""See `_mostly_utf8`: at one for one, "„Zu Fu\\xdf\\x93" in windows-1252 read its "ß“" as one UTF-8 character (a
review)."""


def _is_iso2022_jp(html: bytes) -> bool:
    """Whether the page is in ISO-2022-JP: seven bits, so valid UTF-8 too, but switching to JIS X 0208 by its escape
    (`ESC $ B`, `ESC $ @`) and decoding as ISO-2022-JP. Read as UTF-8, its Japanese was "$B9A$GBg5,"."""
    if b"\x1b$B" not in html and b"\x1b$@" not in html:
        return False
    try:
        html.decode("iso2022_jp")
    except UnicodeDecodeError:
        return False
    return True


UTF16_SNIFF = 1024
"""Bytes of a page's head read for the zero bytes of UTF-16 without a byte order mark."""


def _utf16_order(head: bytes) -> str | None:
    """`utf-16-le` or `utf-16-be` when `head` looks like markup in that order (zero bytes at most odd or most even
    places: the high bytes of ASCII characters), else None."""
    even, odd = head[0::2].count(0), head[1::2].count(0)
    pairs = len(head) // 2
    if odd >= pairs * 0.6 and even <= pairs * 0.05:
        return "utf-16-le"
    if even >= pairs * 0.6 and odd <= pairs * 0.05:
        return "utf-16-be"
    return None


def _codec_name(encoding: str) -> str | None:
    """The codec of the charset label `encoding`; None for a label no browser reads a page by: unknown, not a
    text encoding (`rot13`, `base64`), one that cannot decode a page (`idna`, `undefined`), UTF-16 or UTF-32 (a
    page in those is told by its bytes, above: declared on other bytes, it read as CJK-looking noise), or EBCDIC."""
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in NOT_PAGE_CODECS:
        return None
    return info.name


NOT_PAGE_CODECS = frozenset({
    "idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape", "utf-7", "utf-16", "utf-16-le",
    "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "cp037", "cp273", "cp424", "cp500", "cp875", "cp1026", "cp1140",
})
"""Codecs a charset label may name that read no page (see `_codec_name`): a page that declared one raised out of
the reading (`UnicodeError: ... idna ...`), and the article went to the rejects file."""


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    """The bytes a UTF-8 decoder could not read, read as windows-1252 (U+FFFD for the five it leaves undefined)."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start:error.end].decode("cp1252", "replace"), error.end


CP1252_BYTES = "newsharvest.cp1252_bytes"
"""The decoding error handler `_cp1252_bytes`."""
codecs.register_error(CP1252_BYTES, _cp1252_bytes)


def _guess(html: bytes) -> str | None:
    """The encoding of a page that declares none and is not UTF-8. A page whose text (outside its tags, scripts,
    styles and comments) has fewer than `FOREIGN_SHARE` of its letters written in bytes past ASCII (fewer than
    `FOREIGN_SHARE_IN_LANGUAGE` when its `<html lang>` names a language of another script) is Western,
    windows-1252, the web's default: its accents are a few letters among many (at most half on the shortest
    Western pages measured, a title "Öl"), where a page in Cyrillic, Greek, Hebrew, Arabic, Thai or CJK bytes has
    65% or more. Otherwise charset-normalizer (Scrapy's own fallback) reads it in each of the web's legacy
    encodings (`WEB_CODECS`) and ranks the readings by how much of a mess each makes of the text: of the readings
    nearly as clean as the best (within `LANGUAGE_MARGIN`), one in an encoding of the language of the page's
    `<html lang>` (`LEGACY_CODECS`: windows-1251 or KOI8-R for Russian, Shift_JIS or EUC-JP for Japanese) that
    gives that language's script, as a browser falls back to its locale's; else the best reading when it gives
    `MIN_SCRIPT_LETTERS` letters or more, mostly in a script other than Latin; else windows-1252 (its five
    undefined bytes read as replacement characters). Three reviews shaped it: charset-normalizer alone read
    Western pages whose scripts hold a run of accented letters (a slug's "àáäâèéë"), whose headlines are in
    capitals ("PÄÄMINISTERI") or whose rules are em dashes as Cyrillic, Shift_JIS or Hangul; a template's `lang`
    over Western text read it in the lang's encoding. A page in a Latin script other than the Western (Polish in
    windows-1250, Turkish in windows-1254) is read as windows-1252: its few letters that differ cannot be told
    from a Western page's.
    Measured against windows-1252 alone: the 307 real pages of tests/data that are not ASCII, re-encoded in their
    language's legacy encoding without their declarations, with and without their `lang`, read right 564 -> 598
    times of 614 (the Polish, Turkish and Vietnamese, and two English pages of Japanese and Taiwanese papers
    whose few CJK characters stay windows-1252); the reviews' Western pages (2,673 in 12 languages under 14 `lang`
    values, 2,620 real sentences, 6,000 phrases, 1,068 headlines and names in capitals, 416 names) all right
    before and after; their 222 pages in non-Latin scripts (Cyrillic, Greek, Hebrew, Arabic, Thai, Chinese,
    Japanese, Korean; 23 encodings; one line to 60 paragraphs), 3 -> 220."""
    family = _language_codecs(html)
    if _foreign_share(html) < (FOREIGN_SHARE_IN_LANGUAGE if family else FOREIGN_SHARE):
        return "cp1252"
    # (every reading kept: on a short page all may pass charset-normalizer's default bar of mess, 0.2, and none was
    # left to choose from, a review)
    readings = from_bytes(html, cp_isolation=list(WEB_CODECS), threshold=1.0)
    if (best := readings.best()) is None:
        return "cp1252"
    for reading in readings if family else ():
        fitting = [codec for codec in family if codec in reading.could_be_from_charset]
        if fitting and reading.chaos <= best.chaos + LANGUAGE_MARGIN and _in_another_script(str(reading)):
            return fitting[0]
    return str(best.encoding) if _in_another_script(str(best)) else "cp1252"


def _foreign_share(html: bytes) -> float:
    """The share of the letters of the page's text (its first `FOREIGN_SAMPLE` bytes outside tags, scripts, styles
    and comments) that are bytes past ASCII: each such byte counts as a letter, each ASCII letter as one; a run of
    one byte repeated counts once, and a byte standing alone between spaces or tags and a no-break space (0xA0)
    not at all (a review: a Western page's rules of em dashes, leaders of middle dots, frames of "¤", table cells
    of a dash, made its few letters a page in another script)."""
    text = _MARKUP.sub(b" ", _HIDDEN.sub(b" ", html[:FOREIGN_SAMPLE])).replace(b"\xa0", b" ")
    text = _REPEATED.sub(rb"\1", _LONE.sub(b" ", text))
    high = len(text) - len(text.translate(None, _HIGH_BYTES))
    low = len(text) - len(text.translate(None, _ASCII_LETTERS))
    return high / (high + low) if high + low else 0.0


FOREIGN_SAMPLE = 256 * 1024
"""Bytes of a page's start whose letters `_foreign_share` counts (a review's 10 MB pages of hostile markup took 2.8 s
whole; a page's script shows in its first ones)."""
FOREIGN_SHARE = 0.6
"""See `_guess`: the share of a page's letters in bytes past ASCII from which it is read as other than Western."""
FOREIGN_SHARE_IN_LANGUAGE = 0.2
"""`FOREIGN_SHARE` for a page whose `<html lang>` names a language of a non-Latin script: a headline in it over a
site's English menus and footer has a third of its letters past ASCII or more; a paragraph of a Western language,
at most an eighth (the reviews' 2,620 real sentences)."""
_COMMENT = re.compile(rb"<!--.*?(?:-->|\Z)", re.DOTALL)
_HIDDEN = re.compile(rb"<(script|style)\b.*?(?:</\1\s*>|\Z)|" + _COMMENT.pattern, re.IGNORECASE | re.DOTALL)
_MARKUP = re.compile(rb"<[^>]*+>?")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_REPEATED = re.compile(rb"([\x80-\xff])\1{2,}")
_LONE = re.compile(rb"(?<!\S)[\x80-\xff](?!\S)")
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _language_codecs(html: bytes) -> tuple[str, ...]:
    """The legacy encodings of the language the page's `<html lang>` (or `xml:lang`) names, with its region or
    script where that decides (`zh-TW`, `sr-Latn`); none without one. Comments are left out first: a template's
    commented-out `<html lang>` before the page's own named another language (a review)."""
    head = _COMMENT.sub(b"", html[:LANG_SNIFF])
    if (found := _LANG.search(head)) is None:
        return ()
    language, region = found.group(1).decode().lower(), (found.group(2) or b"").decode().lower()
    return LEGACY_CODECS.get(f"{language}-{region}", LEGACY_CODECS.get(language, ()))


_CYRILLIC = ("cp1251", "koi8_r", "koi8_u", "iso8859_5")
LEGACY_CODECS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("ru", "uk", "bg", "be", "mk", "kk", "ky", "tg", "mn", "sr", "sr-cyrl"), _CYRILLIC),
    "sr-latn": (),  # (Serbian in the Latin script: a Western page's bytes but for a few letters)
    **dict.fromkeys(("ar", "fa", "ur"), ("cp1256", "iso8859_6")),
    "el": ("cp1253", "iso8859_7"), "he": ("cp1255", "iso8859_8"), "iw": ("cp1255", "iso8859_8"), "th": ("cp874",),
    "ja": ("cp932", "euc_jp"), "ko": ("cp949", "euc_kr"),  # (ISO-2022-JP is seven bits: `_is_iso2022_jp`)
    "zh": ("gb18030", "cp950", "big5hkscs"),
    **dict.fromkeys(("zh-tw", "zh-hant", "zh-hk", "zh-mo"), ("cp950", "big5hkscs", "gb18030")),
}
"""The legacy encodings a page in each language (`<html lang>`, with its region or script where it decides) was
written in before UTF-8, its locale's first: the encodings a browser of that locale falls back to (Shift_JIS as
Windows writes it, cp932; GBK as GB 18030, its superset). A language not named here is read as the text says."""
WEB_CODECS = tuple(dict.fromkeys(("cp1252", *(codec for codecs in LEGACY_CODECS.values() for codec in codecs))))
"""The legacy encodings a page without a declaration is read in: those browsers read pages in (the WHATWG
Encoding Standard's, without the Mac and DOS code pages charset-normalizer would also try: a short Russian page
came out as Mac Cyrillic)."""
LANGUAGE_MARGIN = 0.1
"""How much more of a mess (charset-normalizer's chaos, 0 to 1) a reading in an encoding of the page's `lang` may
make than the best reading and still be taken: a short KOI8-R page under `lang="ru"` made 0.026, EUC-JP under
`lang="ja"` 0.057, where Thai read as clean (a review); at 0.3, short Western pages under a Russian or Greek `lang`
were read in its encoding."""
MIN_SCRIPT_LETTERS = 8
"""Letters past ASCII a reading in a script other than Latin needs to be taken over windows-1252 (`_guess`)."""
LANG_SNIFF = 8192
"""Bytes of the page's start searched for `<html lang>`."""
_LANG = re.compile(rb"""<html\b[^>]{0,1000}?\s(?:xml:)?lang\s*=\s*["']?([a-zA-Z]{2,3})(?:[-_]([a-zA-Z]{2,4}))?""",
                   re.IGNORECASE)


def _in_another_script(text: str) -> bool:
    """Whether the non-ASCII letters among the first `SCRIPT_SAMPLE` characters of `text` are `MIN_SCRIPT_LETTERS`
    or more, mostly not Latin (at or past U+0250) and not a few repeated (half as many distinct ones at least: a
    row of one symbol read in a double-byte encoding is one character again and again, "뿓뿓뿓")."""
    letters = [char for char in _NON_ASCII.findall(text, 0, SCRIPT_SAMPLE) if char.isalpha()]
    others = [char for char in letters if char >= "\u0250"]
    return (len(letters) >= MIN_SCRIPT_LETTERS and len(others) * 2 > len(letters)
            and len(set(others)) >= MIN_SCRIPT_LETTERS // 2)


SCRIPT_SAMPLE = 200_000
"""Characters of a page whose letters `_in_another_script` reads (a page's script shows in its first ones)."""
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _parse(data: bytes) -> tuple[Any, set[str]]:
    """The HTML tree of `data` read as UTF-8 (as parsel builds it), and the kinds of error libxml2 met (with
    `UNTOLD` when it met more than it reports).
    Without `collect_ids` libxml2 keeps no table of the ids (no reader looks an id up; building it cost a
    twentieth of the parse)."""
    parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True, collect_ids=False)
    body = data.strip()
    if b"\x00" in body:
        body = body.replace(b"\x00", b"")
    body = _without_attribute_floods(body) or b"<html/>"
    root = etree.fromstring(body, parser=parser)
    if root is None:
        root = etree.fromstring(b"<html/>", parser=parser)
    errors = {error.type_name for error in parser.error_log}
    if len(parser.error_log) >= LIBXML2_REPORTED_ERRORS:
        errors.add(UNTOLD)
    return root, errors


MAX_ATTRIBUTES = 1_000
"""Attributes of one element kept: libxml2 compares each attribute of an element with all those before it, and an
element of 80,000 attributes (a 700 KB page) took 52 s to parse, on the crawl's only thread (SIGTERM waited for
it); 20,000 took 0.7 s. Real elements have a few dozen."""
FLOOD_WINDOW = 32_768
"""Bytes of a page looked into at every step of this size for a `>` and a `<`: an element of more than
`MAX_ATTRIBUTES` attributes long enough to cost a second spans such a window without one of them (quoted
values may hold `>`, not both; a step finds the next of each a few bytes on, where a search of every tag cost a
fifth of the parse)."""
ATTRIBUTE = re.compile(rb"""\s*+[^\s=/>"'<]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]*+))?+""")
"""One attribute of a start tag in a page's bytes, with its spaces before it and its value, quoted or not (a
quoted value may hold `<` and `>`)."""


def _without_attribute_floods(body: bytes) -> bytes:
    """`body` with each start tag of more than `MAX_ATTRIBUTES` attributes cut to its first ones; the same bytes
    object when it has none (as every real page). Each tag is looked into once: the search goes on after its end."""
    step = FLOOD_WINDOW
    at, checked = 0, -1  # where the search goes on; the end of the last tag looked into
    while (window := next((pos for pos in range(at, len(body) - step, step) if _suspect(body, pos)), None)) is not None:
        at = window + step
        walk = _looks_inside_tag(body, window)
        if (tag := _tag_over(body, window, checked, walk=walk)) is None:
            if walk:
                checked = max(checked, window)  # every tag before the window was walked over: none reaches it
            continue  # a long text or script, or a tag looked into already
        _, end, kept_end, count = tag
        checked = end
        if count > MAX_ATTRIBUTES:
            body = body[:kept_end] + body[end:]  # the tag's first attributes, then whatever closed it
            checked = at = kept_end
        else:
            at = max(at, end)
    return body


FLOOD_SAMPLE = 2048
"""Bytes at the start of each window whose `=` are counted: a flood of attributes with values holds one every
few bytes, however its values are quoted (`a1="<>"`); markup, one every 30 or more."""
FLOOD_DENSITY = 14
"""Bytes per `=` in the sample at or below which the window is looked into (the densest sample of the 309 dev
pages has one in 15.7 bytes)."""
ATTRIBUTE_RUN = 48
"""Attributes with values in a row, outside any tag's end, that mark a window as the inside of a flood: real tags
have a few dozen attributes at most, and markup between them has a `>`."""
VALUED_RUN = re.compile(rb"""(?:\s*+[^\s=/>"'<]++\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>"'=<]++)){%d}""" % ATTRIBUTE_RUN)
"""`ATTRIBUTE_RUN` attributes with values, one after the other (as `ATTRIBUTE` reads them)."""
TAG_NAME = re.compile(rb"<[a-zA-Z][^\s/>]*+")
"""The `<` and name of a start tag, in a page's bytes."""


def _suspect(body: bytes, pos: int) -> bool:
    """Whether the window at `pos` may lie inside a tag of many attributes: no `>` or no `<` in it, or `=` in
    its first bytes as densely as attributes have them."""
    end = pos + FLOOD_WINDOW
    return body.find(b">", pos, end) < 0 or body.find(b"<", pos, end) < 0 or _looks_inside_tag(body, pos)


def _looks_inside_tag(body: bytes, pos: int) -> bool:
    """Whether the first bytes of the window at `pos` look like the inside of a tag of many attributes: `=` as
    densely as a flood of attributes has them, or a run of `ATTRIBUTE_RUN` attributes with values (quoted values
    may hold `<` and `>`, and be long: `a1="<x>...<x>"` every 36 bytes held libxml2 10 s at 80,000 of them, a
    3 MB page, where the `=` were too sparse to count as dense), read from just after one of the window's first
    quotes: one of those is where a value ends, whichever quote the values use."""
    if _dense(body, pos) or _tagless_run(body, pos):
        return True
    end = pos + FLOOD_SAMPLE
    for quote in b'"', b"'":
        at = pos
        for _ in range(2):
            if (at := body.find(quote, at, end)) < 0:
                break
            at += 1
            if VALUED_RUN.match(body, at) is not None:
                return True
    return False


def _tagless_run(body: bytes, pos: int) -> bool:
    """Whether the first bytes of the window at `pos` are a run of `ATTRIBUTE_RUN` attributes, with values or not,
    and no tag begins among them: the inside of a tag of many valueless attributes (a quoted `<x>` every few hundred
    of them put a `<` and a `>` in every window, and too few `=` to count as dense: 80,000 held libxml2 12 s; known
    since the last session). Prose matches too (words are names of attributes without values): read, such a window
    is looked into, at the cost of a walk over the tags before it, once."""
    end = pos + FLOOD_SAMPLE
    if body.count(b"<", pos, end) > 1 or (space := body.find(b" ", pos, end)) < 0:
        return False
    return ANY_RUN.match(body, space + 1) is not None  # (from a word's start: the window may begin inside one)


ANY_RUN = re.compile(rb"""(?:\s*+[^\s=/>"'<.,;:!?()\x80-\xff]{1,64}+"""
                     rb"""(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>"'=<]++))?+){%d}""" % ATTRIBUTE_RUN)
"""`ATTRIBUTE_RUN` attributes, with values or not, one after the other, their names ASCII, up to 64 bytes, and
without the punctuation of prose: a sentence's words read as names without values, 48 of them in a row before a
full stop or a comma are rare (and Thai text, spaced words without that punctuation, is not ASCII: review); each
such window cost a walk over the tags before it."""


def _dense(body: bytes, pos: int) -> bool:
    """Whether the first bytes of the window at `pos` hold `=` as densely as a flood of attributes does."""
    return body.count(b"=", pos, pos + FLOOD_SAMPLE) * FLOOD_DENSITY >= FLOOD_SAMPLE


def _tag_over(body: bytes, window: int, checked: int, *, walk: bool) -> tuple[int, int, int, int] | None:
    """The start tag that spans `window`, begun after `checked`: (where its attributes begin, where they end,
    where its first `MAX_ATTRIBUTES` end, how many it has); None when no tag spans it. Found by looking back
    from the window at the last few `<` (a window of text or script without one: most of those looked into); with
    `walk`, for a window dense with attributes whose values may hold `<` (which starts no tag), by walking the
    tags from `checked` on, each over its quoted values."""
    if not walk:
        before = window
        for _ in range(TAG_TRIES):
            start = body.rfind(b"<", 0, before)
            if start < 0 or start < checked:
                return None
            before = start
            if (found := _attributes_from(body, start)) is not None:
                return found if found[1] >= window else None
        return None
    pos = max(checked, 0)
    while (start := body.find(b"<", pos, window)) >= 0:
        if (found := _attributes_from(body, start)) is None:
            pos = start + 1
            continue
        if found[1] >= window:  # its attributes reach the window: the tag that spans it
            return found
        pos = found[1]
    return None


TAG_TRIES = 8
"""`<` looked back at from a window without `<` or `>` for the tag that spans it."""


def _attributes_from(body: bytes, start: int) -> tuple[int, int, int, int] | None:
    """The attributes of the start tag at `start` (as `_tag_over` gives them), or None when no tag starts there."""
    if (name := TAG_NAME.match(body, start)) is None:
        return None
    pos = kept_end = name.end()
    count = 0
    while (attribute := ATTRIBUTE.match(body, pos)) is not None and attribute.end() > pos:
        count += 1
        pos = attribute.end()
        if count == MAX_ATTRIBUTES:
            kept_end = pos
    return name.end(), pos, kept_end, count


INVALID_BYTES = "ERR_INVALID_ENCODING"
"""libxml2's error for bytes that are not UTF-8: the page is decoded by its declaration or a guess instead."""
LIBXML2_REPORTED_ERRORS = 100
"""How many errors of a parse libxml2 reports (its XML_MAX_ERRORS; the fatal depth error comes on top): a
page with bytes that are not UTF-8 after a hundred other errors (a tag soup) gets no `INVALID_BYTES`, and is
checked with Python's decoder instead. None of the 309 real pages of tests/data reaches a hundred."""
UNTOLD = "(more errors than libxml2 reports)"
"""The mark `_parse` adds to the kinds of error when libxml2 reported `LIBXML2_REPORTED_ERRORS` of them."""
TOO_DEEP = "ERR_RESOURCE_LIMIT"
"""libxml2's error for nesting past its limit, where it stops reading the page."""

MAX_DEPTH = 500
"""Elements nested deeper than this are unwrapped (their text kept) when a page nests deeper than libxml2's
limit (2048 with huge_tree); no real page comes near it."""

DEEP_PAGE_DEPTH = 250
"""Nesting a page is read again at when reading it ran past Python's recursion limit (a page nested 900 or
more deep, still within libxml2's limit): the readers walk the story recursively."""

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)([^>]*+)(>|\Z)")
"""A tag, self-closing when group 3 ends in "/"; without its ">" (group 4 empty), a tag left open at the end of
the text, where reading stops. The possessive loop reads each character once: `<...[^>]*?(/?)>` read from each
"<" without a ">" after it to the end of the text (quadratic: 8000 unclosed `<a` after 3000 nested <div>s took
2.3 s) to match nothing from there on."""
_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]
)


def flatten(text: str, depth: int) -> str:
    """`text` nesting at most about `depth` deep: the tags of the elements at a band of nesting levels, from
    `depth // 2` down as many levels as the page nests too deep, are removed with their content kept. The
    page's outer layout and its innermost structure (the story's paragraphs, mostly) stay as they are."""
    tags, deepest = _tags(text)
    if deepest <= depth:
        return text
    first = depth // 2
    last = first + deepest - depth
    parts: list[str] = []
    kept_until = 0
    for at in range(0, len(tags), 3):
        if first <= tags[at + 2] < last:
            parts.append(text[kept_until:tags[at]])
            kept_until = tags[at + 1]
    parts.append(text[kept_until:])
    return "".join(parts)


def _tags(text: str) -> tuple[array[int], int]:
    """Where each opening or closing tag of a non-void element starts and ends, and the nesting level of its
    element (an element of `<html>` is 1; unclosed elements count as open, which only errs deeper), three numbers
    a tag in one flat array; and the deepest level. One pass: the page that needs it has 200,000 tags and more,
    read in the crawl's reactor (a generator read twice, for the depth and then the cut, took 0.6 s of a
    100,000-deep page, which held every fetch in flight as long; this takes about 0.3 s). A flat array of
    machine integers: a tuple a tag took 504 MB for the 2,700,000 tags of an 8 MB page (70 MB before)."""
    tags = array("q")
    add = tags.extend
    level = deepest = 0
    for match in _TAG.finditer(text):
        closing, name, rest, end = match.groups()
        if not end:
            break  # no ">" follows: no tag either
        if rest.endswith("/") or name.lower() in _VOID:
            continue
        if closing:
            add((match.start(), match.end(), level))
            level = level - 1 if level else 0
        else:
            level += 1
            if level > deepest:
                deepest = level
            add((match.start(), match.end(), level))
    return tags, deepest
