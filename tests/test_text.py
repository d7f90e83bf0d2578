from __future__ import annotations

import pytest

from scrapers.extract.text import (
    _INVISIBLE_CHARACTERS,
    SPACED_INVISIBLE,
    clean_paragraphs,
    clean_text,
    is_clean,
    unique,
    unique_ignoring_case,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Hà   Linh \n", "Hà Linh"),
        ("Ha\u0300 Linh", "Hà Linh"),  # decomposed (NFD) input comes out NFC
        ("an\u200bninh\u00admạng", "anninhmạng"),
        ("tab\there\u00a0nbsp", "tab here nbsp"),
        ("bell\x07char", "bellchar"),
        ("giới hạn .", "giới hạn ."),
        ("CD&amp;V  Fraktion", "CD&V Fraktion"),  # a reference escaped twice in a meta tag reads
        ("Q&A: AT&T", "Q&A: AT&T"),
        ("   ", None),
        ("", None),
        (None, None),
    ],
)
def test_clean_text(raw: str | None, expected: str | None) -> None:
    assert clean_text(raw) == expected


def test_clean_paragraphs_keeps_one_blank_line_between_paragraphs() -> None:
    assert clean_paragraphs(" One  line.\n\n\n\nTwo\nlines. \n \n\n") == "One line.\n\nTwo lines."


def test_unique_keeps_first_of_each() -> None:
    assert unique(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]


def test_unique_ignoring_case_keeps_the_first_spelling() -> None:
    assert unique_ignoring_case(["Hafen", "b", "HAFEN", "B", "hafen", "c"]) == ["Hafen", "b", "c"]


@pytest.mark.parametrize(("text", "cleaned"), [
    # what a character reference names is cleaned as the text around it (fuzzer: tags with a line break, a
    # zero-width space, a no-break space; text not in NFC)
    ("budget&#10;2024", "budget 2024"), ("tax&#x200B;es", "taxes"), ("Local&nbsp;News", "Local News"),
    ("A&#32;&#32;B", "A B"), (" &#32;A", "A"), ("Cafe&#x301;", "Caf\xe9"), ("CD&amp;amp;V", "CD&amp;V"),
])
def test_character_references_are_cleaned_as_the_text_around_them(text: str, cleaned: str) -> None:
    assert clean_text(text) == cleaned
    assert clean_text(cleaned) == cleaned or "&" in cleaned  # cleaning twice changes nothing more


@pytest.mark.parametrize(("text", "cleaned"), [
    ("Storm\x85hits coast", "Storm hits coast"),  # NEL is a line break: a space, not nothing (fuzzer)
    ("Anna\u202eSmith", "AnnaSmith"),  # a right-to-left override turns what follows around (a spoofer's)
    ("Storm\U0001fffe hits\ufdd0", "Storm hits"),  # noncharacters of any plane
    ("Storm\u200b hits", "Storm hits"),
])
def test_what_is_no_text_goes_and_a_line_break_is_a_space(text: str, cleaned: str) -> None:
    assert clean_text(text) == cleaned
    assert not is_clean(text)


def test_every_invisible_character_is_unprintable_and_only_the_separators_are_whitespace() -> None:
    # what `clean_text`'s cautious test of a text for invisible characters rests on
    invisible = _INVISIBLE_CHARACTERS.findall("".join(map(chr, range(0x110000))))
    assert invisible and not [char for char in invisible if char.isprintable()]
    assert "".join(char for char in invisible if char.isspace()) == SPACED_INVISIBLE


@pytest.mark.parametrize("text", ["a\x1cb", "a\x1f b\n", "tab\tand\u00adhyphen", "line\nzero\u200bwidth", "\ud800 x\n"])
def test_invisible_characters_go_from_text_with_whitespace(text: str) -> None:
    assert clean_text(text) == (" ".join(_INVISIBLE_CHARACTERS.sub("", text).split()) or None)
