"""Tạp chí Thời Đại (thoidai.com.vn), a MasterCMS site: home page, section fronts, article pages.

Article URLs are `<ascii-slug>-<numeric id>.html` with no section in the path, on the main host and on the
sub-domains that share the id sequence (tacnghiep., huunghivietlao.). Section fronts are
`/<parent>[/<child>]`; their next pages `/<section>&s_cond=&BRSR=<offset>` (16 cards a page).
"""

from __future__ import annotations

import re

from scrapers.sites.mastercms import MasterCMSArticle, MasterCMSSection
from scrapers.sites.profile import SiteProfile

ARTICLE_URL = re.compile(r"^https?://(?:[a-z0-9-]+\.)?thoidai\.com\.vn/[a-z0-9-]+-\d{4,7}\.html$")


class ThoidaiSection(MasterCMSSection):
    article_url = ARTICLE_URL


PROFILE = SiteProfile(
    name="thoidai",
    home_url="https://thoidai.com.vn/",
    domains=("thoidai.com.vn",),
    article_page=MasterCMSArticle,
    section_page=ThoidaiSection,
    # MasterCMS serves its RSS at /rss_feed/ and names its sitemaps in robots.txt.
    feeds=("rss_feed/",),
    sitemaps=("sitemap.xml",),
    # The saved pages of samples/thoidai: `scrapy check thoidai -s REPLAY_DIR=samples/thoidai`.
    contracts=(
        ("parse_article", """
            @url https://thoidai.com.vn/hai-nha-lanh-dao-nga-my-nhat-tri-hop-tac-giai-quyet-van-de-an-ninh-mang-142422.html
            @returns items 1 1
            @returns requests 0 0
            @scrapes url title published_at authors lead body section images
        """),
        ("parse_section", """
            @url https://thoidai.com.vn/quoc-te
            @returns items 0 0
            @returns requests 5 5
        """),
        ("parse_home", """
            @url https://thoidai.com.vn/
            @returns requests 10 10
        """),
        ("parse_feed", """
            @url https://thoidai.com.vn/rss_feed/
            @returns requests 8 8
        """),
    ),
)
