"""Text clean-up shared by page classes and pipelines."""

from __future__ import annotations

import html
import re
import unicodedata

# Zero-width characters, soft hyphen and BOM carry no text; C0/C1 controls other than whitespace are noise (NEL,
# U+0085, is a line break: a space, as `str.split` reads it); the noncharacters (U+FDD0-U+FDEF and the last two
# of every plane, U+FFFE, U+1FFFF...) are no characters (an XML export holding one could not be read back); the
# bidirectional overrides (U+202D, U+202E) turn the text that follows them around, as a spoofer uses them.
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x202D, 0x202E]
    + [c for c in range(0x20) if chr(c) not in "\t\n\r\f\v"]
    + [c for c in range(0x7F, 0xA0) if c != 0x85]
    + list(range(0xFDD0, 0xFDF0))
    + [plane + end for plane in range(0, 0x110000, 0x10000) for end in (0xFFFE, 0xFFFF)]
)
_INVISIBLE_CHARACTERS = re.compile("[" + "".join(re.escape(chr(code)) for code in _INVISIBLE) + "\ud800-\udfff]")
"""The same characters as one class, removed by the regex engine rather than a mapping looked up per character
(`str.translate` with a dict): 0.6 instead of 1.7 ms for a story of the test data (over 2,000 characters).
Lone surrogates (U+D800-U+DFFF) are removed too: they are no characters, a page's JSON-LD can hold one as an
escape (`"\\ud800"`), and a record holding one cannot be written as UTF-8."""


def collapse_space(text: str | None) -> str:
    """Whitespace runs (no-break spaces included) as one space, stripped; character references left in a
    value escaped twice ("CD&amp;amp;V" in a meta tag) read. The page's text as the reader measures and
    compares it."""
    text = " ".join((text or "").split())  # str.split: every Unicode space, and faster than a regex
    if "&" not in text or not _ENTITY.search(text):
        return text
    # What the references name is cleaned as the text around them was: "budget&#10;2024", "tax&#x200B;es",
    # "Local&nbsp;News" gave a tag with a line break, a zero-width space, a no-break space (fuzzer).
    text = _INVISIBLE_CHARACTERS.sub("", html.unescape(text))
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+\d*);")


def clean_text(text: str | None) -> str | None:
    """`collapse_space` of the text in NFC with invisible and control characters removed: a field's value
    as the record gives it. None for None or for text that is empty once cleaned.
    """
    if text is None:
        return None
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _may_hold_invisible(text):
        text = _INVISIBLE_CHARACTERS.sub("", text)
    return collapse_space(text) or None


SPACED_INVISIBLE = "\x1c\x1d\x1e\x1f"
"""The invisible characters that `str.split` takes for whitespace (the information separators)."""


def _may_hold_invisible(text: str) -> bool:
    """False only if `text` holds none of the characters `_INVISIBLE_CHARACTERS` removes (a cautious test).
    Each of those is unprintable (`str.isprintable`: control, format, surrogate or unassigned; tests/test_text.py
    checks every code point), so a text that is printable once its whitespace runs are spaces holds none but
    the four that `str.split` reads as whitespace, looked for apart. The regex search of the text, which most
    texts pass through unchanged, walks its class at every character: 0.4 ms for a body of 5,000 characters,
    where splitting and joining it takes 0.01 (the search was 0.3 ms a page over the 309 real pages of
    tests/data, two thirds of it in the pipelines' cleaning of the bodies and of the texts of bylines)."""
    if text.isprintable():
        return False
    return not " ".join(text.split()).isprintable() or any(char in text for char in SPACED_INVISIBLE)


PARAGRAPH_BREAK = "\n\n"
"""What joins the paragraphs of a cleaned body (as the reader joins them)."""


def clean_paragraphs(text: str) -> str:
    """`clean_text` applied to each paragraph of `text` (paragraphs split at blank lines), empty ones dropped,
    joined again by one blank line."""
    paragraphs = (clean_text(part) for part in re.split(r"\n\s*\n", text))
    return PARAGRAPH_BREAK.join(part for part in paragraphs if part)


# Most text reaches the pipelines clean already (the reader made it), and the reader measures texts that have
# nothing to collapse: telling so by tests that run in C over the string spares the work (cleaning took two
# thirds of the text pipeline; measuring by splitting and joining, a fifth more of the story's text blocks).


def is_collapsed(text: str) -> bool:
    """True only if `collapse_space(text)` is `text` (a cautious test: False leaves it open): one printable
    line (the ASCII space is the only whitespace `str.isprintable` lets by, and it lets no control, format
    (zero-width) or surrogate character by) with no space doubled or at an end, and no character reference to
    read. Not the empty string."""
    return (text.isprintable() and "  " not in text and text[:1] not in ("", " ") and text[-1] != " "
            and _no_reference(text))


def is_clean(text: str) -> bool:
    """True only if `clean_text(text)` is `text` (as cautious): `is_collapsed` (so no invisible character
    either) and in NFC (as an ASCII string is)."""
    return is_collapsed(text) and (text.isascii() or unicodedata.is_normalized("NFC", text))


def are_clean_paragraphs(body: str) -> bool:
    """True only if `clean_paragraphs(body)` is `body` (as cautious): non-empty paragraphs joined by one blank
    line, each `is_clean`. Told of the body with each blank line read as a space: a line break left over is
    not printable, an empty paragraph leaves two spaces or one at an end; and a paragraph's NFC is the whole's
    (a space composes with nothing). The empty body is clean."""
    return body == "" or is_clean(body.replace(PARAGRAPH_BREAK, " "))


def _no_reference(text: str) -> bool:
    """True only if `text` holds no character reference that `collapse_space` would read ("&amp;" for "&"): a text
    without "&", or one that `html.unescape` leaves as it is."""
    return "&" not in text or html.unescape(text) == text


def unique(values: list[str]) -> list[str]:
    """`values` in order with repeats dropped."""
    return list(dict.fromkeys(values))


def unique_ignoring_case(values: list[str]) -> list[str]:
    """`values` in order with repeats dropped, compared case-blind (the first spelling kept)."""
    first: dict[str, str] = {}
    for value in values:
        first.setdefault(value.casefold(), value)
    return list(first.values())


def without_markup(text: str) -> str:
    """`text` without the HTML it holds as text (a meta tag's or JSON-LD's `Why <em>Dune</em> matters`, an escaped
    `<script>` in a keyword), collapsed: scripts and styles with what they hold, and each tag that is markup (see
    `_is_markup`); an inline tag inside a word leaves nothing (`Sto<b>rm</b>`), any other a space (`<a>Ann Lee</a>
    <a>Bo Kim</a>` is two names). A tag named as the text's subject stays (`The <dialog> element ships`). Text
    without a tag is returned as it is."""
    if "<" not in text:
        return text
    text = _SCRIPT_IN_TEXT.sub(" ", text)
    closed = {name.lower() for name in _CLOSING_TAG.findall(text)}
    opened = {name.lower() for name in _OPENING_TAG.findall(text)}

    def gap(tag: re.Match[str]) -> str:
        if not _is_markup(tag, text, opened, closed):
            return tag.group()
        before = text[tag.start() - 1] if tag.start() else ""
        after = text[tag.end()] if tag.end() < len(text) else ""
        between_tags = before == ">" or after == "<"  # (`</a><a>`: two names, not one)
        return "" if tag.group(1).lower() in INLINE_MARKUP and not between_tags else " "

    return collapse_space(_TAG_IN_TEXT.sub(gap, text))


def _is_markup(tag: re.Match[str], text: str, opened: set[str], closed: set[str]) -> bool:
    """Whether the tag is markup, not a tag's name written as the text's subject: it has attributes
    (`<img src=x>`), it is a line break, the text both opens and closes its element (`<b>...</b>`), or it is
    glued to the text (`<p>Der Sturm`, `the <i>coast`); a lone tag standing as a word (`The <dialog> element`)
    is the subject."""
    name = tag.group(1).lower()
    if "=" in tag.group() or name in ("br", "wbr", "hr") or (name in opened and name in closed):
        return True
    before = text[tag.start() - 1] if tag.start() else " "
    after = text[tag.end()] if tag.end() < len(text) else " "
    return not (before in _WORD_EDGE and after in _WORD_EDGE)


_WORD_EDGE = frozenset(" \t\n\"'“”‘’«»(),.;:!?")
"""Characters around a word: a tag between them stands as a word of the text."""


_SCRIPT_IN_TEXT = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_TAG_IN_TEXT = re.compile(
    r"</?(a|abbr|address|area|article|aside|audio|b|base|bdi|bdo|big|blockquote|body|br|button|canvas|caption|center"
    r"|cite|code|col|colgroup|data|dd|del|details|dfn|dialog|div|dl|dt|em|embed|fieldset|figcaption|figure|font"
    r"|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|input|ins|kbd|label|legend|li|link|main|map|mark|math|meta"
    r"|nav|noscript|object|ol|option|p|picture|pre|q|s|samp|script|section|select|small|source|span|strike|strong"
    r"|style|sub|summary|sup|svg|table|tbody|td|template|textarea|tfoot|th|thead|time|title|tr|tt|u|ul|var|video|wbr)"
    r"(?:\s[^<>=]*+=[^<>]*+)?\s*+/?>",
    re.IGNORECASE,
)
"""An HTML tag written as text: a tag's name, and attributes only with a value (`<img src=x>`): East Asian text
quotes a work's title in angle brackets (`<The Palace: Tale of Jang Noksu>`, `<A Tale of Two Cities>`), which
read as tags lost the title (an aeb page's lead)."""
_CLOSING_TAG = re.compile(r"</([a-zA-Z][a-zA-Z0-9]*)\s*>")
_OPENING_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)(?:\s[^<>]*)?/?>")
INLINE_MARKUP = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "em", "font", "i", "mark", "q", "s",
                           "small", "span", "strong", "sub", "sup", "time", "u", "var"})
"""Tags inside a word's run (`<b>`, `<em>`, `<a>`): they leave no space where they stood."""



PLACEHOLDER = re.compile(r"^(?:undefined|null|nan|\[object \w+\])$|%%|\$\{|\{\{|\}\}", re.IGNORECASE)
"""A program's or a template's value where text should be ("undefined", "[object Object]", "%%AUTHOR%%",
"${author}", "{{tag}}"): no author, no tag (fuzzer)."""
