"""Readers of the body and of pages nested too deep that once grew faster than the page on some shapes: each
answers as its former definition (copied here as the oracle) on random inputs and on the shape that was slow,
at a small size. How their time grows is `python -m scrapers.scaling`'s to measure."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator

from scrapers.extract import body

OLD_STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"')


def old_html_strings(code: str, depth: int = 0) -> Iterator[str]:
    """`body._html_strings` as it was, with the regex that read an unterminated string from each of its quotes."""
    if depth > 2 or len(body._ESCAPED_PARAGRAPH.findall(code)) < 3:
        return
    for literal in OLD_STRING_LITERAL.findall(code):
        if len(body._ESCAPED_PARAGRAPH.findall(literal)) < 3:
            continue
        try:
            value = json.loads(literal)
        except ValueError:
            continue
        inner = list(old_html_strings(value, depth + 1)) if isinstance(value, str) and '"' in value else []
        yield from inner or ([value] if isinstance(value, str) else [])


SCRIPT_PIECES = ('"', '\\"', "\\", "\\\\", "a", " ", "\n", "<p>", "\\u003cp>", "<p ", '{"x":', "}", ",", "\\n", "é")


def random_script(rng: random.Random) -> str:
    """JavaScript-like text of quotes, escapes, line breaks and paragraphs, strings nested in strings."""
    return "".join(rng.choice(SCRIPT_PIECES) for _ in range(rng.randint(0, 80)))


def closed_literals(code: str) -> list[str]:
    return [m.group() for m in body._STRING_LITERAL.finditer(code) if m.group(1) is not None]


def test_string_literals_are_the_former_regex_matches() -> None:
    rng = random.Random(20261202)
    for _ in range(3000):
        code = random_script(rng)
        assert closed_literals(code) == OLD_STRING_LITERAL.findall(code), code


def test_html_strings_answer_as_before() -> None:
    rng = random.Random(7)
    found = 0
    for _ in range(600):
        inner = "".join(rng.choice(("<p>a</p>", "<p>b", "x", '\\"', "\\n")) for _ in range(rng.randint(0, 8)))
        code = random_script(rng) + json.dumps(json.dumps(inner)) + random_script(rng)
        new = list(body._html_strings(code))
        assert new == list(old_html_strings(code)), code
        found += bool(new)
    assert found > 50  # the random scripts do hold strings of paragraphs


def test_unterminated_string_of_escaped_quotes_as_before() -> None:
    code = "var a='<p><p><p>';" + '"' + '\\"' * 500
    assert list(body._html_strings(code)) == list(old_html_strings(code)) == []
    code += '"; b = "<p>1</p><p>2</p><p>3</p>"'
    assert list(body._html_strings(code)) == list(old_html_strings(code))
    assert closed_literals(code) == OLD_STRING_LITERAL.findall(code)
