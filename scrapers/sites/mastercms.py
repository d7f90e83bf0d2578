"""MasterCMS, the platform of many Vietnamese outlets (thoidai.com.vn, baoquocte.vn, congthuong.vn, ...).

Article pages: a breadcrumb, `h1.article-detail-title`, the date line `10:27 | 17/06/2021 GMT+7`, the sapo,
then the body in `div.__MASTERCMS_CONTENT`. The editor stores its embeds inside the body: image tables
(`table.MASTERCMS_TPL_TABLE`: image row, caption row) and inline related-article tables whose class changed
with the years (`__MB_ARTICLE_A` in 2019, `__mb_article_in_image` in 2021, `tpl_CMS_ARTICLE_EMBED` in 2024).
Below the body come the byline, the source line and boxes of article cards (`div.article`: image, `h3` title,
`div.article-desc`) told apart only by their heading: "Tin bài liên quan", "Các tin bài khác", "Đọc nhiều".
Section pages list cards in `div._BX_LISTING` and page with `&s_cond=&BRSR=<offset>` links.
"""

from __future__ import annotations

from datetime import datetime

from parsel import Selector, SelectorList

from scrapers.extract.authors import credit_note
from scrapers.extract.dates import parse_timestamp
from scrapers.extract.links import absolute_url
from scrapers.extract.listed import Listed
from scrapers.extract.text import clean_text, unique
from scrapers.items import Image, Link, RankedLink
from scrapers.pages import ArticlePage, SectionPage

CONTENT = "div.__MASTERCMS_CONTENT"
BREADCRUMB = "div.breadcrumb a, ul.breadcrumb a"
# Inline related-article embeds, by era; their links are `related`, never body text.
INLINE_RELATED = "table.__MB_ARTICLE_A, table.__mb_article_in_image, table.tpl_CMS_ARTICLE_EMBED, table._MB_EMBEDNEWS"
# Sidebar boxes whose links are not news of the site: infographics, videos, weather, special topics.
NOT_NEWS_BOXES = ("bx-multimedia", "bx-video", "bx-weather", "bx-topic-list")
CARD = "div.article, div.bx-article"

# Text blocks of the body, innermost only (a <p> inside a <blockquote> is read once), outside embeds.
# A right-aligned paragraph is the 2019 byline, `<p align="right"><strong>Name</strong></p>`.
BODY_BLOCKS = (
    ".//*[self::p or self::h2 or self::h3 or self::h4 or self::h5 or self::h6 or self::li or self::blockquote]"
    "[not(.//p or .//h2 or .//h3 or .//h4 or .//h5 or .//h6 or .//li or .//blockquote)]"
    "[not(ancestor::table or ancestor::figure)]"
    "[not(@align='right' or contains(translate(@style, ' ', ''), 'text-align:right'))]"
)
RIGHT_ALIGNED_BYLINE = (
    ".//p[@align='right' or contains(translate(@style, ' ', ''), 'text-align:right')]"
    "[not(ancestor::table)]"
)
# Text of an element without its scripts; <br> counts as a space.
TEXT_NODES = ".//text()[not(ancestor::script or ancestor::style)] | .//br"


class MasterCMSArticle(ArticlePage):
    timezone = "Asia/Ho_Chi_Minh"
    languages = ("vi",)

    def not_article_reason(self) -> str | None:
        # Infographic and video pages share the article URL pattern and chrome; their detail block says
        # what they are, and their content is an image or a player rather than text.
        detail_class = self.sel.css("div.article-detail::attr(class)").get() or ""
        for kind in ("infographic", "video", "emagazine"):
            if kind in detail_class.split():
                return kind
        return None

    def section(self) -> list[str]:
        crumbs = [clean_text(text) for text in self.sel.css(BREADCRUMB).xpath("string()").getall()]
        names = [crumb for crumb in crumbs if crumb]
        if names and names[0] in ("Trang chủ", "Home"):
            names = names[1:]
        return names or self.fallback("section")

    def title(self) -> str:
        return clean_text(self.sel.css("h1.article-detail-title").xpath("string()").get()) or self.fallback("title")

    def published_raw(self) -> str | None:
        # 2024: <span class="article-detail-date rt">; 2019: a wrapper of span.format_time | span.format_date.
        line = self.sel.css(".article-detail-date, .article-detail-publish, .article-date").xpath("string()").get()
        return clean_text(line) or self.fallback("published_raw")

    def authors(self) -> list[str]:
        bylines = self.sel.css(".author-title").xpath("string()").getall()
        bylines += self.content.xpath(RIGHT_ALIGNED_BYLINE).xpath("string()").getall()
        return [byline for byline in (clean_text(b) for b in bylines) if byline]

    def credit(self) -> str | None:
        return credit_note(self.sel.css(".article-detail-source").xpath("string()").get())

    def lead(self) -> str | None:
        sapo = self.sel.css(".article-detail-desc, .post-sapo, .detail-sapo").xpath("string()").get()
        return clean_text(sapo) or self.fallback("lead")

    def body(self) -> str:
        blocks = (node_text(block) for block in self.content.xpath(BODY_BLOCKS))
        return "\n\n".join(block for block in blocks if block)

    def tags(self) -> list[str]:
        visible = [clean_text(tag) for tag in self.sel.css(".article-tag a").xpath("string()").getall()]
        if any(visible):
            return unique([tag for tag in visible if tag])
        keywords = self.meta("news_keywords") or self.meta("keywords") or ""
        return unique([tag for tag in (clean_text(part) for part in keywords.split(",")) if tag])

    def images(self) -> list[Image]:
        images = []
        for img in self.content.xpath(".//img[not(ancestor::table[contains(@class, '_A') or contains(@class, 'EMBED')"
                                      " or contains(@class, 'in_image')])]"):
            url = absolute_url(img.root.get("data-src") or img.root.get("src"), self.url)
            if url:
                images.append(Image(url=url, alt=clean_text(img.root.get("alt")), caption=image_caption(img)))
        return images

    def related(self) -> list[Link]:
        inline = [
            Link(url=url, title=title, summary=clean_text(anchor.xpath("string(../span[has-class('tpl_desc')])").get()))
            for embed in self.content.css(INLINE_RELATED)
            for anchor in embed.css("a[href]")
            if (url := absolute_url(anchor.root.get("href"), self.url)) and (title := node_text(anchor))
        ]
        return inline + box_links(self.sel, "Tin bài liên quan", self.url)

    def more_in_section(self) -> list[Link]:
        return box_links(self.sel, "Các tin bài khác", self.url)

    def trending(self) -> list[RankedLink]:
        links = box_links(self.sel, "Đọc nhiều", self.url)
        return [RankedLink(rank=rank, url=link.url, title=link.title, summary=link.summary)
                for rank, link in enumerate(links, start=1)]

    def language(self) -> str | None:
        # Pages that declare no language are Vietnamese all the same: the site publishes in no other.
        return self.fallback("language") if self.generic.language else "vi"

    @property
    def content(self) -> SelectorList[Selector]:
        return self.sel.css(CONTENT)[:1]


class MasterCMSSection(SectionPage):
    timezone = "Asia/Ho_Chi_Minh"

    def articles(self) -> list[Listed]:
        listing = self.sel.css("div._BX_LISTING, div._MB_CATEGORY_LIST")[:1] or self.sel
        found: dict[str, Listed] = {}
        for card in listing.css(CARD):
            if is_outside_news(card):
                continue
            url = absolute_url(card.css("a::attr(href)").get(), self.url)
            if url and self.is_article_url(url) and url not in found:
                found[url] = Listed(url, self.listed_date(card))
        return list(found.values())

    def sections(self) -> list[str]:
        urls = (absolute_url(href, self.url) for href in self.sel.css("nav.menu a::attr(href)").getall())
        home = absolute_url("/", self.url)
        return unique([u for u in urls if u and u != home and not self.is_article_url(u) and "@" not in u])

    def next_page(self) -> str | None:
        for anchor in self.sel.css("div.btn-viewmore a, div.__MB_ARTICLE_PAGING a"):
            if "sau" in (anchor.xpath("string()").get() or "").lower():
                return absolute_url(anchor.root.get("href"), self.url)
        return super().next_page()

    def listed_date(self, card: Selector) -> datetime | None:
        raw = card.css(".format_date").xpath("string()").get()
        return parse_timestamp(raw, timezone=self.timezone, now=self.fetched_at, languages=["vi"])


def box_links(sel: Selector, heading: str, base: str) -> list[Link]:
    """The cards of the box headed `heading`, in order; [] when the page has no such box."""
    box = sel.xpath(
        "//*[normalize-space()=$heading][not(*[normalize-space()=$heading])]"
        "/ancestor::*[.//div[has-class('article')]][1]",
        heading=heading,
    )[:1]
    links = []
    for card in box.css(CARD):
        anchor = card.css("h3 a, .article-title a")[:1] or card.css("a[href]")[:1]
        url = absolute_url(anchor[0].root.get("href") if anchor else None, base)
        title = node_text(anchor[0]) if anchor else None
        if url and title:
            summary = clean_text(card.css(".article-desc").xpath("string()").get())
            links.append(Link(url=url, title=title, summary=summary))
    return links


def image_caption(img: Selector) -> str | None:
    """The caption of a body image: the rows after the image row of its MasterCMS image table, or the
    `<figcaption>` of its figure."""
    rows = img.xpath("ancestor::tr[1]/following-sibling::tr")
    if rows:
        return clean_text(" ".join(node_text(row) or "" for row in rows))
    return clean_text(img.xpath("string(ancestor::figure[1]/figcaption)").get())


def is_outside_news(card: Selector) -> bool:
    """A card of the sidebar or of a box that links infographics, videos, weather or topics."""
    boxes = " or ".join(f"has-class('{box}')" for box in NOT_NEWS_BOXES)
    return bool(card.xpath(f"ancestor::aside | ancestor::*[{boxes}]"))


def node_text(node: Selector) -> str | None:
    """The visible text of an element, whitespace collapsed; None when it has none."""
    return clean_text("".join(" " if part.startswith("<br") else part for part in node.xpath(TEXT_NODES).getall()))

