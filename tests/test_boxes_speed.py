"""The shortcuts the box reader takes give what the general computation gives."""

from __future__ import annotations

import re

import pytest

from scrapers.extract.boxes import _INLINE, _KINDS, Labels
from scrapers.extract.vocabulary import INLINE_RELATED_LABELS, OTHER_LIST_LABELS, RANKED_LABELS, RELATED_LABELS
from tests.test_boxes import boxes, card

ALL_LABELS = sorted({label for group in (RELATED_LABELS, RANKED_LABELS, OTHER_LIST_LABELS, INLINE_RELATED_LABELS)
                     for words in group.values() for label in words})


def variants(label: str) -> list[str]:
    """`label` as pages write it: in other cases, with letters that match others ignoring case (the Kelvin sign
    for K, the long s for s, the dotted capital I), and with words after it."""
    return [label, label.upper(), label.title(), label.capitalize() + ": Politik", label.upper() + " heute",
            label.replace("k", "\u212a"), label.replace("s", "\u017f"), label.replace("i", "\u0130"), "x" + label]


@pytest.mark.parametrize("labels", [*_KINDS.values(), _INLINE], ids=[*_KINDS, "inline"])
def test_a_label_is_matched_among_those_of_its_first_letter_as_among_all(labels: Labels) -> None:
    # `match` tries only the labels whose first letter is the text's; the pattern of all of them is the reference
    texts = [text for label in ALL_LABELS for text in variants(label)]
    found = [matched(labels.match(text)) for text in texts]
    assert found == [matched(labels.pattern.match(text)) for text in texts]
    assert sum(map(bool, found)) > len(ALL_LABELS)  # most labels are found, in several of their variants


def matched(match: re.Match[str] | None) -> str | None:
    return match.group() if match else None


def test_a_paragraph_saying_more_than_its_headline_link_is_no_teaser() -> None:
    # the link's text is read before the paragraph's: a headline-long link inside a sentence is not a teaser line
    long = "<p>" + "Der Hafen stand am Morgen still, die Feuerwehr war mit vielen Kräften im Einsatz. " * 2 + "</p>"
    sentence = f"<p>Wie berichtet: {card(1)[4:-5]}, sagte die Polizei.</p>"
    alone = f"<p>{card(2)[4:-5]}</p>"
    assert boxes(f"<article>{long}{sentence}{long}{alone}{long}</article>") == ([2], [])
