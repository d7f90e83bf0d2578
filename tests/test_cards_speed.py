"""The length shortcuts of `trim_head` (a block longer than the headline or than every ad line is not compared with
it) give what comparing every casefolded block gives."""

from __future__ import annotations

import random
import sys

import pytest

from scrapers.extract.body import AD_LINE_MAX, AD_LINES, _is_ad_line, trim_head

FOLDING = ["ß", "ẞ", "ﬁ", "ﬃ", "İ", "ı", "Σ", "ς", "ŉ", "ΐ", "K", "µ", "\u0345", "ᾼ"]
"""Characters that casefold to more than one character, or to another one."""


def test_casefolding_never_shortens_a_character() -> None:
    assert all(len(chr(code).casefold()) >= 1 for code in range(sys.maxunicode + 1))


@pytest.mark.parametrize("line", sorted(AD_LINES))
def test_ad_lines_in_any_case(line: str) -> None:
    assert _is_ad_line(line)
    assert _is_ad_line(line.upper())
    assert not _is_ad_line(line + ".")
    assert len(line) <= AD_LINE_MAX


def test_ad_line_with_folding_characters() -> None:
    assert _is_ad_line("ANZEIGE")
    assert not _is_ad_line("Anzeigeß")
    assert not _is_ad_line("ß" * AD_LINE_MAX)


def _reference_trim(body: str, title: str | None) -> list[str]:
    headline = (title or "").casefold()
    return [block for block in body.split("\n\n") if block.casefold() != headline]


def test_headline_in_other_case_and_with_folding_characters() -> None:
    story = "Der Hafen brannte die ganze Nacht, sagte die Feuerwehr am Morgen."
    for title, block in [("Großbrand an der Straße", "GROSSBRAND AN DER STRASSE"),
                         ("GROSSBRAND AN DER STRASSE", "Großbrand an der Straße"),
                         ("Ǉubav ΣΟΦΊΑ", "ǉubav σοφία")]:
        assert trim_head(f"{block}\n\n{story}", title) == story


def test_random_blocks_against_comparing_every_block() -> None:
    rng = random.Random(7)
    pieces = [*FOLDING, " ", ".", "Anzeige", "advertisement", "Titel", "Straße", "STRASSE", "word "]
    for _ in range(3000):
        blocks = ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 8))) for _ in range(rng.randrange(1, 6))]
        title = rng.choice(blocks)
        title = rng.choice([title, title.upper(), title.casefold(), title.replace("ß", "SS"), title + "x"])
        body = "\n\n".join(blocks)
        kept = _reference_trim(body, title)
        # what the headline filter keeps is what trim_head starts from: a block dropped as the headline is gone
        trimmed = trim_head(body, title).split("\n\n")
        assert all(block in kept for block in trimmed if block)
        for block in blocks:
            assert _is_ad_line(block) == (block.casefold() in AD_LINES)
