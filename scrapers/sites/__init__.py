"""Site profiles, by spider name. A new site is a module here and one line in `SITES`."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapers.sites import thoidai
from scrapers.sites.profile import SiteProfile

SITES: dict[str, SiteProfile] = {
    thoidai.PROFILE.name: thoidai.PROFILE,
}


def profile_for_url(url: str) -> SiteProfile | None:
    """The profile of the site `url` belongs to, if the project has one."""
    host = urlsplit(url).hostname or ""
    for profile in SITES.values():
        if any(host == domain or host.endswith("." + domain) for domain in profile.domains):
            return profile
    return None
