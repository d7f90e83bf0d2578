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
)
