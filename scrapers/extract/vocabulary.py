"""Words the generic reader recognises on a page, grouped by meaning, and by language where they are words of
the page's text (ISO 639-1 keys; `*` for marks that are no one language's).

Two kinds: words of class names and ids (`article__intro`, `byline`), which are mostly English whatever the
page's language, with the other languages' that sites use in their markup; and words a reader sees
(labels, prefixes, crumbs), which are listed per language. Matching is case-insensitive throughout.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# ----------------------------------------------------------------------------- class and id words

BOILERPLATE_CLASS = re.compile(
    r"related|share|sharing|social|newsletter|caption|advert|ads?$|adslot|adunit|promo(?!ted)|recommend"
    r"|comments?$|subscri|breadcrumb|mostread|outbrain|taboola|sidebar|byline|authors?$|teaser|taglist|cookie"
    r"|consent|modal|popup|banner|sponsor|toolbar|visuallyhidden|sronly"
    r"|gallery|slideshow|carousel|lightbox|popular|trending|donat|embed|footer$",
)
"""Words of class names and ids that mark boxes around the story rather than the story (matched at a word's start)."""

STATE_CLASS_WORDS = frozenset({
    "has", "is", "with", "no", "enabled", "disabled", "show", "hide", "active", "count", "open",
})
"""Words that make a class a state of the element ("has-comments", "comments-enabled"), not a box."""

BOX_CLASS_WORDS = frozenset({
    "newsletter", "promo", "related", "teaser", "subscribe", "subscription", "paywall", "advert", "advertisement",
})
"""Class words of a box around an element: a standfirst or a byline is not inside one."""

STANDFIRST_CLASS_WORDS = frozenset({
    "lead", "lede", "leadtext", "standfirst", "intro", "introduction", "summary", "sapo", "dek", "deck",
    "subtitle", "subheadline", "subhead", "excerpt", "abstract", "chapo", "chapeau", "vorspann", "ingress",
    "einleitung", "preface", "entradilla", "occhiello", "sommario", "bajada", "lid", "preamble", "subheader",
})
"""Class words of a standfirst ("article__intro", "SplitScreenContentHeaderDek", "einleitung")."""

NEAR_STANDFIRST_CLASS_WORDS = frozenset({
    "caption", "credit", "credits", "image", "img", "photo", "picture", "media", "figure", "video", "audio",
    "player", "author", "byline", "date", "meta", "share",
})
"""Class words of what is printed near a standfirst and is none (captions, credits, players, bylines)."""

EMPHASIS_CLASS_WORDS = frozenset({"bold", "strong", "medium", "semibold", "emphasis", "lead", "intro"})
"""Class words of a paragraph set apart in bold or as an intro."""

DATE_CLASS_WORDS = frozenset({
    "date", "time", "datetime", "publish", "published", "pubdate", "posted", "timestamp", "dateline",
    "datum", "fecha", "data", "ngay",
})
"""Class words of an element that prints the date line."""

BYLINE_CLASS = re.compile(
    r"(?:^|[-_\s])(?:byline|author|authors|author-?name|autor|auteur|autore|contributors?|writer|reporter)(?:$|[-_\s])",
    re.I,
)
"""Class or id words of a byline: "byline", "author", "author-name", "article__author" (not "authority")."""

# ----------------------------------------------------------------------------- words of the text, by language

BYLINE_PREFIXES: dict[str, tuple[str, ...]] = {
    "en": ("by",), "de": ("von",), "fr": ("par",), "es": ("por",), "it": ("di", "da"), "pt": ("de",),
    "sv": ("av",), "nl": ("door",), "pl": ("przez",), "ru": ("от", "автор", "авторы", "автор:", "авторы:"),
}
"""The word a byline starts with, before the names ("By Ann Lee", "Von Anna Beispiel")."""

NAME_JOINERS: dict[str, tuple[str, ...]] = {
    "en": ("and",), "de": ("und",), "fr": ("et",), "es": ("y",), "it": ("e",), "pt": ("e",),
    "da": ("og",), "no": ("og",), "sv": ("och",), "nl": ("en",),
}
"""The word between two names of a byline ("Ann Lee and Bo Kim")."""

HOME_CRUMBS: dict[str, tuple[str, ...]] = {
    "en": ("home", "homepage"), "de": ("start", "startseite"), "fr": ("accueil",), "es": ("inicio", "portada"),
    "da": ("forside",), "no": ("forside",), "fi": ("etusivu",), "vi": ("trang chủ",),
}
"""The first crumb of a breadcrumb that is the home page."""

AD_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("ad", "advert", "advertisement", "advertising", "sponsored", "story continues below advertisement",
           "article continues below advertisement", "scroll to continue", "continue reading below"),
    "de": ("anzeige", "werbung"), "fr": ("publicité",), "es": ("publicidad",), "it": ("pubblicità",),
    "da": ("reklame",), "no": ("annonse", "reklame"), "sv": ("annons",), "fi": ("mainos",),
    "pl": ("reklama",), "cs": ("reklama",), "nl": ("advertentie",), "vi": ("quảng cáo",), "ko": ("광고",),
    "ja": ("広告",),
}
"""Lines printed in the story that only announce an ad slot."""

NEXT_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("next", "next page", "older", "older posts", "more"), "de": ("weiter", "nächste", "nächste seite"),
    "fr": ("suivant", "page suivante"), "es": ("siguiente",), "pt": ("próxima",), "it": ("successiva",),
    "nl": ("volgende",), "sv": ("nästa",), "no": ("neste",), "pl": ("następna",), "ru": ("далее",),
    "vi": ("sau", "trang sau"), "*": ("›", "»", "→", ">"),
}
"""The label of a listing's link to its next page."""


def all_words(by_language: dict[str, tuple[str, ...]]) -> frozenset[str]:
    """Every word of a per-language table, in lower case."""
    return frozenset(word.casefold() for words in by_language.values() for word in words)


def alternation(words: Iterable[str]) -> str:
    """`words` as one regex alternation, longest first (so that no word stops short at another it starts with)."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=lambda word: (-len(word), word)))
