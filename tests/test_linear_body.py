"""Readers of the body and of pages nested too deep that once grew faster than the page on some shapes: each
answers as its former definition (copied here as the oracle) on random inputs and on the shape that was slow,
at a small size. How their time grows is `python -m scrapers.scaling`'s to measure."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator, Sequence

from lxml import etree

from scrapers import extract
from scrapers.extract import body
from scrapers.extract.markup import HEAD_FRAGMENT, SENTENCE_END, is_caption_frame, text_of
from scrapers.extract.parsed import Element
from scrapers.extract.text import collapse_space
from scrapers.items import Image

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


OLD_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*?(/?)>")


def old_tags(text: str) -> Iterator[tuple[int, int, int]]:
    """`extract._tags` as it was, with the regex that read from each "<" without a ">" after it to the end."""
    level = 0
    for match in OLD_TAG.finditer(text):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in extract._VOID or self_closing:
            continue
        if closing:
            yield match.start(), match.end(), level
            level = max(level - 1, 0)
        else:
            level += 1
            yield match.start(), match.end(), level


def old_flatten(text: str, depth: int) -> str:
    """`extract.flatten` as it was, on `old_tags`."""
    deepest = max((level for _, _, level in old_tags(text)), default=0)
    if deepest <= depth:
        return text
    first = depth // 2
    last = first + deepest - depth
    parts: list[str] = []
    kept_until = 0
    for start, end, level in old_tags(text):
        if first <= level < last:
            parts.append(text[kept_until:start])
            kept_until = end
    parts.append(text[kept_until:])
    return "".join(parts)


TAG_PIECES = ("<", ">", "/", "/>", "</", "<a", "<DIV", "</div", "<br", "<img", "<x:y-1", " ", "=", "\n", "t", "<>")


def random_markup(rng: random.Random) -> str:
    """Tag soup: tags opened, closed, self-closed, void, left without their ">", stray "<" and ">"."""
    return "".join(rng.choice(TAG_PIECES) for _ in range(rng.randint(0, 120)))


def triples(tags: Sequence[int]) -> list[tuple[int, int, int]]:
    """`extract._tags`'s flat array as (start, end, level) triples."""
    return list(zip(tags[0::3], tags[1::3], tags[2::3], strict=True))


def test_tags_are_the_former_tags() -> None:
    rng = random.Random(11)
    for _ in range(3000):
        text = random_markup(rng)
        tags, deepest = extract._tags(text)
        assert triples(tags) == list(old_tags(text)), text
        assert deepest == max((tag[2] for tag in old_tags(text)), default=0), text
        for depth in (2, 4):
            assert extract.flatten(text, depth) == old_flatten(text, depth), text


def test_deep_page_with_unclosed_tags_flattened_as_before() -> None:
    text = "<html><body>" + "<div>" * 300 + "x" + "<a" * 200
    assert triples(extract._tags(text)[0]) == list(old_tags(text))
    assert extract.flatten(text, 50) == old_flatten(text, 50) != text


def old_other_story(el: Element) -> bool:
    """`body._other_story` as it was, listing every sibling of each article."""
    if el.find(".//h1") is not None:
        return False
    siblings = (*el.itersiblings(), *el.itersiblings(preceding=True))
    if not any(sibling.tag == "article" for sibling in siblings):
        return False
    return any(ancestor.tag == "article" for ancestor in el.iterancestors())


STORY_TAGS = ("article", "article", "div", "h1", "p", "section", "ul", "li", "table", "tr", "td", "figure", "img")


def random_story_page(rng: random.Random) -> bytes:
    """Tag soup of articles in articles, headlines, paragraphs, lists, tables and figures, with comments."""

    def children(depth: int) -> str:
        parts = []
        for _ in range(rng.randint(0, 5 if depth < 6 else 0)):
            if rng.random() < 0.1:
                parts.append("<!-- a comment -->")
            tag = rng.choice(STORY_TAGS)
            text = rng.choice(("", "short", LONG, "A sentence."))
            parts.append(f"<{tag}>{text}{children(depth + 1)}</{tag}>{rng.choice(('', 'tail'))}")
        return "".join(parts)

    return f"<html><head><title>t</title></head><body>{children(0)}</body></html>".encode()


LONG = "Story text that is long enough to count as a paragraph of the article body here. "


def test_other_story_answers_as_before() -> None:
    rng = random.Random(3)
    seen = {True: 0, False: 0}
    for _ in range(400):
        root = extract.read_page(random_story_page(rng)).root
        for el in root.iter(etree.Element):
            answer = body._other_story(el)
            assert answer == old_other_story(el), etree.tostring(el)
            seen[answer] += 1
    assert seen[True] > 100 and seen[False] > 100


def test_sibling_articles_as_before() -> None:
    for wrapper in ("div", "article"):
        html = f"<html><body><{wrapper}>" + f"<article><p>{LONG}</p></article>" * 300 + f"</{wrapper}></body></html>"
        root = extract.read_page(html.encode()).root
        answers = [body._other_story(el) for el in root.iter("article")]
        assert answers == [old_other_story(el) for el in root.iter("article")]
        assert any(answers) == (wrapper == "article")


def old_story_started(blocks: list[body.Block]) -> bool:
    """`body._story_started` as it was, looking at every block read so far at each list and table."""
    return any(block is not None and block.tag == "p" for _, block in blocks)


class CheckedBlocks(body._Blocks):
    """Blocks that check each answer on whether the story started against the former definition's."""

    asked = 0

    def story_started(self) -> bool:
        answer = super().story_started()
        assert answer == old_story_started(self)
        CheckedBlocks.asked += 1
        return answer


def test_story_started_answers_as_before() -> None:
    rng = random.Random(5)
    elements = [etree.Element(tag) for tag in ("p", "div", "li", "h2")] + [None]
    for _ in range(500):
        blocks = CheckedBlocks()
        for _ in range(rng.randint(0, 30)):
            if rng.random() < 0.4:
                blocks.story_started()
            blocks.append(("text", rng.choice(elements)))
        blocks.story_started()


def test_blocks_read_as_before() -> None:
    rng = random.Random(9)
    for _ in range(300):
        root = extract.read_page(random_story_page(rng)).root
        container = root.find("body")
        checked = CheckedBlocks()
        body._collect(container, checked, body._Verdicts())
        assert checked == body._blocks(container, body._Verdicts())
    assert CheckedBlocks.asked > 300


def test_lists_between_texts_as_before() -> None:
    html = "<html><body><div>" + f"<div>{LONG}</div><ul><li>short item</li></ul>" * 200 + f"<p>{LONG}</p>"
    html += "<ul><li>an item of the list after the story started</li></ul></div></body></html>"
    checked = CheckedBlocks()
    body._collect(extract.read_page(html.encode()).root.find("body"), checked, body._Verdicts())
    assert checked[-1][0] == "an item of the list after the story started"
    assert [text for text, _ in checked].count(LONG.strip()) == 201


def old_body_images(story: body.Story, url: str) -> list[Image]:
    """`body.body_images` as it was, reading the caption of a figure again for each of its images."""
    container = story.container
    if container is None:
        return []
    scope = container.getparent()
    if scope is None:
        scope = container
    images: dict[str, Image] = {}
    boxed: dict[Element, bool] = {}
    framed: set[Element] = set()  # (caption frames: figures of their images)
    for img in scope.iter("img"):
        ancestors = list(body._ancestors_below(img, scope))
        if any(body._is_box(a, boxed, framed) for a in ancestors):
            continue
        figure = next((a for a in ancestors if a.tag == "figure" or a in framed), None)
        if container not in ancestors and figure is None:
            continue
        src = body._image_url(img, url)
        if src and src not in images:
            figcaption = figure.find(".//figcaption") if figure is not None else None
            if figure is not None and figcaption is None and figure.tag != "figure":
                figcaption = next((el for el in figure.iterdescendants() if isinstance(el.tag, str)
                                   and el.tag != "img" and is_caption_frame(el) and el.find(".//img") is None), None)
            caption = text_of(figcaption) if figcaption is not None else None
            images[src] = Image(url=src, alt=collapse_space(img.get("alt")) or None, caption=caption or None)
    return list(images.values())


FIGURE_PIECES = (
    "<figure>", "</figure>", "<figcaption>", "</figcaption>", "<figcaption>A <b>caption</b> here</figcaption>",
    "<div>", "</div>", "<div class='related'>", "<aside>", "</aside>", "<p>Text of the story.</p>", "caption text",
    "<img src='/a.jpg'>", "<img src='/b.jpg' alt=' An  alt '>", "<img data-src='/c.jpg' src='data:x'>", "<img>",
)


def test_body_images_as_before() -> None:
    rng = random.Random(13)
    found = 0
    for _ in range(400):
        markup = "".join(rng.choice(FIGURE_PIECES) for _ in range(rng.randint(0, 40)))
        root = extract.read_page(f"<html><body><article>{markup}</article></body></html>".encode()).root
        for container in root.iter(etree.Element):
            story = body.Story("", None, container, None, None)
            images = body.body_images(story, "https://example.com/news/1")
            assert images == old_body_images(story, "https://example.com/news/1"), markup
            found += sum(image.caption is not None for image in images)
    assert found > 100


def test_figure_of_many_images_as_before() -> None:
    html = "<html><body><article><p>Text.</p><figure>" + "".join(f"<img src='/i{i}.jpg'>" for i in range(100))
    html += "<figcaption>" + "<b>c</b> " * 100 + "</figcaption></figure></article></body></html>"
    container = extract.read_page(html.encode()).root.find(".//article")
    story = body.Story("", None, container, None, None)
    images = body.body_images(story, "https://example.com/news/1")
    assert images == old_body_images(story, "https://example.com/news/1")
    assert len(images) == 100 and images[-1].caption == "c " * 99 + "c"


def old_trim_head(text: str, title: str | None) -> str:
    """`body.trim_head` as it was, popping the fragments above the story off the front one by one."""
    headline = (title or "").casefold()
    blocks = [block for block in text.split("\n\n") if len(block) > len(headline) or block.casefold() != headline]
    blocks = body._without_labels(blocks)
    while len(blocks) > 1 and len(blocks[0]) < HEAD_FRAGMENT and not SENTENCE_END.search(blocks[0]):
        blocks.pop(0)
    while len(blocks) > 1 and (
            (len(blocks[-1]) < HEAD_FRAGMENT and not SENTENCE_END.search(blocks[-1]))
            or body._prompt(blocks[-1])):
        blocks.pop()
    return "\n\n".join(blocks)


BODY_PIECES = ("1 / 8", "Photo: AP", "Advertisement", "Back to Gallery", "The Headline", "A sentence.", "", "Kicker",
               LONG, "Sign up for our newsletter", "Short line", "x" * 80)


def test_trim_head_as_before() -> None:
    rng = random.Random(17)
    trimmed = 0
    for _ in range(3000):
        text = "\n\n".join(rng.choice(BODY_PIECES) for _ in range(rng.randint(0, 12)))
        title = rng.choice((None, "", "The Headline", "the headline"))
        new = body.trim_head(text, title)
        assert new == old_trim_head(text, title), (text, title)
        trimmed += new != text
    assert trimmed > 1000


def test_many_fragments_above_the_story_as_before() -> None:
    text = "\n\n".join(f"b{i}" for i in range(2000)) + "\n\n" + LONG + "\n\nend"
    assert body.trim_head(text, "T") == old_trim_head(text, "T") == LONG
