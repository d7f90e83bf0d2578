"""The normalizing pipelines' shortcuts give what the work they spare would give."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import fastjsonschema
import pytest
from jsonschema import Draft202012Validator

from pipelines.text import clean_fields
from pipelines.validate import article_schema, as_json, fast_form, plain
from scrapers.extract.text import are_clean_paragraphs, clean_paragraphs, clean_text, is_clean
from scrapers.items import Link

TEXTS = [
    "Hà Linh", "Hafen in Flammen", "Ha\u0300 Linh", "  Hà   Linh \n", "Hà Linh ", " Hà Linh", "Hà  Linh",
    "tab\there", "no\u00a0break", "an\u200bninh", "soft\u00adhyphen", "bell\x07char", "lone \ud800 surrogate",
    "CD&amp;V", "Q&A: AT&T", "&amp", "AT&T&#39;s", "line\nbreak", "para\u2029graph", "ogham\u1680space", "\ufeffBOM",
    "x", " ", "", "日本語の記事", "e\u0301", "\u0301 leading mark", "zero\u2060joiner", "private \ue000 use",
    "left\u200eto right",
]


@pytest.mark.parametrize("text", TEXTS)
def test_a_text_told_clean_is_what_cleaning_gives(text: str) -> None:
    """A text `is_clean` is its cleaned self; one not told clean may be too (the test is cautious: a format
    character such as U+200E, which cleaning keeps, makes a text not told clean)."""
    assert not is_clean(text) or clean_text(text) == text


@pytest.mark.parametrize("text", ["Hà Linh", "Hafen in Flammen", "x", "日本語の記事", "Q&A: AT&T"])
def test_clean_text_needs_no_work(text: str) -> None:
    assert is_clean(text)


@pytest.mark.parametrize("text", ["Hà  Linh", "Hà Linh ", "no\u00a0break", "an\u200bninh", "CD&amp;V", "Ha\u0300", "",
                                  " "])
def test_text_to_clean_is_not_told_clean(text: str) -> None:
    assert not is_clean(text)


@pytest.mark.parametrize("body", [
    "One line.\n\nTwo lines.", "Ein Absatz über den Hafen.\n\nNoch einer.", "Only one.", "",
    " One  line.\n\n\n\nTwo\nlines. \n \n\n", "One.\n\n\n\nTwo.", "\n\nOne.", "One.\n\n", "One.\n\n\nTwo.",
    "One. \n\nTwo.", "One.\n\n Two.", "One.\nTwo.", "One.\n\nTwo\u00a0words.", "Ha\u0300.\n\nTwo.", "CD&amp;V.\n\nTwo.",
    "AT&T.\n\nQ&A.", "One\u200b.\n\nTwo.", "One.\n \nTwo.",
])
def test_a_body_keeps_its_cleaned_paragraphs(body: str) -> None:
    record: dict[str, Any] = {"body": body}
    clean_fields(record)
    assert record["body"] == clean_paragraphs(body)


@pytest.mark.parametrize(("body", "clean"), [
    ("Ein Absatz über den Hafen.\n\nNoch einer.", True), ("Only one.", True), ("One.\n\n\n\nTwo.", False),
    ("One.\nTwo.", False), ("", True),
])
def test_a_clean_body_is_told_without_cleaning(body: str, clean: bool) -> None:
    assert are_clean_paragraphs(body) is clean


def test_cleaned_fields_are_what_clean_text_gives() -> None:
    record: dict[str, Any] = {"title": "Hà  Linh", "lead": "Lead.", "credit": " ", "site": "",
                              "tags": ["a", " ", "b\u200b"]}
    clean_fields(record)
    assert record == {"title": "Hà Linh", "lead": "Lead.", "credit": None, "site": "", "tags": ["a", "b"]}


def _valid_record() -> dict[str, Any]:
    return {
        "url": "https://example.com/a.html", "canonical_url": "https://example.com/a.html", "site": "example.com",
        "language": "de", "section": ["Politik"], "title": "Hafen in Flammen",
        "published_at": "2024-05-03T10:15:00+02:00", "published_raw": "3. Mai 2024, 10:15 Uhr",
        "published_date": "2024-05-03", "updated_at": None, "authors": ["Anna Beispiel"], "credit": None,
        "lead": "Ein Feuer.", "body": "Erster Absatz.\n\nZweiter.", "tags": ["Hafen"],
        "images": [{"url": "https://example.com/i.jpg", "alt": None, "caption": "Das Feuer"}],
        "related": [{"url": "https://example.com/b.html", "title": "B", "summary": None}], "more_in_section": [],
        "trending": [{"rank": 1, "url": "https://example.com/c.html", "title": "C", "summary": "c"}],
        "sources": {"title": "og:title"}, "scraped_at": "2024-05-03T08:00:00+00:00", "version": 1,
        "schema_version": "1.3",
    }


VALUES: list[Any] = [
    None, "", "x", "http://a b", "https://example.com/x", "https://example.com/#top", "2024-05-03",
    "2024-05-03T10:15:00+02:00", "2024-05-03T10:15:00", 0, 1, -1, 1.5, True, [], ["x"], [""], [None], {}, {"a": "b"},
    {"a": ""}, "de", "zh-Hant", "de-AT", "1.3",
]


def _variants() -> list[dict[str, Any]]:
    """The valid record with each field, and each field of its nested records, set to each of `VALUES` or
    left out."""
    record = _valid_record()
    variants = []
    for name in record:
        for value in VALUES:
            variants.append({**record, name: copy.deepcopy(value)})
        variants.append({key: value for key, value in record.items() if key != name})
    for name in ("images", "related", "trending"):
        for key in record[name][0]:
            for value in VALUES:
                variant = copy.deepcopy(record)
                variant[name][0][key] = copy.deepcopy(value)
                variants.append(variant)
    return variants


def test_the_fast_form_of_the_schema_accepts_what_the_schema_accepts() -> None:
    schema = article_schema()
    validator = Draft202012Validator(schema)
    is_valid = fastjsonschema.compile(fast_form(schema))

    def accepted(record: dict[str, Any]) -> bool:
        try:
            is_valid(record)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    variants = _variants()
    verdicts = [(accepted(record), validator.is_valid(record)) for record in variants]
    assert all(fast == slow for fast, slow in verdicts)
    assert sum(fast for fast, _ in verdicts) > 20 and sum(not fast for fast, _ in verdicts) > 400  # both kinds


def test_the_fast_form_has_no_reference_nor_nullable_one_of() -> None:
    fast = repr({key: value for key, value in fast_form(article_schema()).items() if key != "$defs"})
    assert "$ref" not in fast and "oneOf" not in fast


def test_plain_and_as_json_keep_scalars_of_their_own_type_only() -> None:
    """The walk answers str, int, bool, None (and floats, for `plain`) in their container without a call; a
    subclass of str, a datetime or a float in `as_json` still takes the way of the JSON encoder."""
    class Name(str):
        pass

    when = datetime(2024, 5, 3, tzinfo=UTC)
    value = {"a": [1, True, None, "x", 1.5, Name("n"), when], "b": Link(url="u", title="t"), "c": (2, "y")}
    kept = plain(value)
    assert kept == {"a": [1, True, None, "x", 1.5, "n", when], "b": {"url": "u", "title": "t", "summary": None},
                    "c": [2, "y"]}
    assert type(kept["a"][5]) is Name and kept["a"][6] is when
    assert as_json(value) == {"a": [1, True, None, "x", 1.5, "n", "2024-05-03 00:00:00+00:00"],
                              "b": {"url": "u", "title": "t", "summary": None}, "c": [2, "y"]}
    assert as_json({"a": ["x", None, 3], "b": Link(url="u", title="t")}) == {
        "a": ["x", None, 3], "b": {"url": "u", "title": "t", "summary": None}}


def test_sources_name_the_fields_the_written_record_fills() -> None:
    """`sources` was made when the page was read: a date whose timezone the pipelines could not know was still
    credited to `meta` with `published_at` null, and a byline's note moved to `credit` had no source."""
    from scrapers.items import Article
    from tests.harness import project_crawler, run_pipelines

    fetched = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    article = Article(
        url="https://news.example.com/2024/05/03/harbour-fire-123.html", site="example.com", title="Harbour fire",
        published_at=datetime(2024, 5, 3, 10, 0), published_raw="2024-05-03 10:00:00",  # naive: zone unknown
        authors=["Hà Linh (TH)"], body="The harbour burned all night.", scraped_at=fetched,
        sources={"title": "og:title", "published_at": "meta", "published_raw": "meta", "authors": "byline",
                 "body": "text density"},
    )
    (record,), rejects = run_pipelines(project_crawler("news"), [article])
    assert rejects == []
    assert (record["published_at"], record["authors"], record["credit"]) == (None, ["Hà Linh"], "TH")
    assert record["sources"] == {"title": "og:title", "published_raw": "meta", "authors": "byline", "credit": "byline",
                                 "body": "text density"}


def test_the_html_a_record_s_texts_hold_as_text_goes_but_the_body_s_and_the_bylines_stay() -> None:
    # An escaped <script> in a keyword was a tag, "<b>Flooded</b> street" a caption, an <img onerror> a crumb of the
    # section (fuzzer). The story may print "<div>" (an article on HTML); SplitBylines reads "<br>" between names;
    # East Asian text quotes a work's title in angle brackets, which is no tag (an aeb page's lead).
    record: dict[str, Any] = {
        "title": "Why <em>Dune</em> matters", "lead": "A review of <The Palace: Tale of Jang Noksu>, at last",
        "body": "Write <div> to open a block.", "authors": ["Ann Lee<br>Bo Kim"],
        "tags": ["<script>alert(1)</script>", "storm", "<b>coast</b>", "undefined"],
        "section": ["<img src=x onerror=alert(1)>Weather"],
        "images": [{"url": "https://x.example/a.jpg?a=<b>", "alt": "<script>alert(1)</script> flooded street",
                    "caption": "<b>Flooded</b> street, Monday"}],
        "related": [{"url": "https://x.example/b.html", "title": "Sto<b>rm</b> hits the <i>coast</i>", "rank": 1}],
    }
    clean_fields(record)
    assert record["title"] == "Why Dune matters"
    assert record["lead"] == "A review of <The Palace: Tale of Jang Noksu>, at last"
    assert record["body"] == "Write <div> to open a block."
    assert record["authors"] == ["Ann Lee<br>Bo Kim"]
    assert record["tags"] == ["storm", "coast", "undefined"]  # (placeholders: the tag reader's to drop)
    assert record["section"] == ["Weather"]
    assert record["images"] == [{"url": "https://x.example/a.jpg?a=<b>", "alt": "flooded street",
                                 "caption": "Flooded street, Monday"}]
    assert record["related"][0]["title"] == "Storm hits the coast"


@pytest.mark.parametrize(("text", "cleaned"), [
    ("The <dialog> element ships in Safari", "The <dialog> element ships in Safari"),  # a tag as the subject
    ("Safari now supports <dialog> and <details>", "Safari now supports <dialog> and <details>"),
    ("<a href=x>Ann Lee</a><a href=y>Bo Kim</a>", "Ann Lee Bo Kim"),  # two names, not "Ann LeeBo Kim"
    ("<em>Dune</em><em>Part Two</em>", "Dune Part Two"),
    ("Sto<b>rm</b> warning", "Storm warning"),  # inside a word: nothing
    # beside punctuation: nothing; an unclosed tag glued to the text is markup (second review)
    ("Why <em>Dune</em>, explained", "Why Dune, explained"),
    ("<i>Dune</i>'s sequel", "Dune's sequel"),
    ("<p>Der Sturm traf die Küste.<p>Tausende ohne Strom.", "Der Sturm traf die Küste. Tausende ohne Strom."),
    ("The <b>storm</b> hit the <i>coast", "The storm hit the coast"),
])
def test_markup_goes_and_a_tag_named_as_the_subject_stays(text: str, cleaned: str) -> None:
    # (review: an article about HTML lost the tag names of its title; adjacent names were glued)
    record: dict[str, Any] = {"title": text, "tags": [text]}
    clean_fields(record)
    assert (record["title"], record["tags"]) == (cleaned, [cleaned])
