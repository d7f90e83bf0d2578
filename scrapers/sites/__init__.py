"""Site profiles, by spider name. A new site is a module here and one line in `SITES`."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapers.extract.links import within_domains
from scrapers.pages import ArticlePage, SectionPage
from scrapers.sites import thoidai
from scrapers.sites.profile import SiteProfile

SITES: dict[str, SiteProfile] = {
    thoidai.PROFILE.name: thoidai.PROFILE,
}


GENERIC = SiteProfile(name="news", home_url="", domains=(), article_page=ArticlePage, section_page=SectionPage)
"""Any other site: the generic page classes. The `news` spider crawls it from a start URL."""


def profile_for_url(url: str) -> SiteProfile:
    """The profile of the site `url` belongs to; `GENERIC` when the project has none for it."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # "http://[::1": no host of a profile's (the record says what is wrong with its url)
        return GENERIC
    for profile in SITES.values():
        if within_domains(host, profile.domains):
            return profile
    return GENERIC
