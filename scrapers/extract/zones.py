"""The timezone a site prints its times in, from its country or language, for dates without an offset.

A page that prints "28.04.2023 18:11" means its own local time. The site's country is read from its
country-code domain (`.de`, `.co.uk`, `.com.na`), else from the region of its declared language (`de-AT`,
`en-GB`), else from a language spoken in one country only (`ko`, `vi`, `de`); the country's zone is its
capital's, from the tz database's country table (pytz). English, Spanish, Arabic and the like alone name no
country: such a page's naive times stay without a zone rather than being guessed.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import pytz

# Countries with several zones whose first entry in the tz table is not where their newsrooms are.
CAPITAL_ZONE = {
    "us": "America/New_York", "ru": "Europe/Moscow", "br": "America/Sao_Paulo", "au": "Australia/Sydney",
    "ca": "America/Toronto", "mx": "America/Mexico_City", "id": "Asia/Jakarta", "es": "Europe/Madrid",
    "pt": "Europe/Lisbon", "cn": "Asia/Shanghai", "de": "Europe/Berlin", "ar": "America/Argentina/Buenos_Aires",
    "cl": "America/Santiago", "kz": "Asia/Almaty", "ua": "Europe/Kyiv", "nz": "Pacific/Auckland",
}
# Languages whose news comes from one country (for the rest the language alone says nothing).
LANGUAGE_COUNTRY = {
    "de": "de", "fr": "fr", "it": "it", "nl": "nl", "pl": "pl", "sv": "se", "da": "dk", "nb": "no", "nn": "no",
    "no": "no", "fi": "fi", "cs": "cz", "sk": "sk", "hu": "hu", "ro": "ro", "bg": "bg", "el": "gr", "tr": "tr",
    "ru": "ru", "uk": "ua", "ko": "kr", "ja": "jp", "zh": "cn", "vi": "vn", "th": "th", "id": "id", "ms": "my",
    "he": "il", "hi": "in", "hr": "hr", "sl": "si", "sr": "rs", "lt": "lt", "lv": "lv", "et": "ee", "is": "is",
    "ka": "ge", "hy": "am", "fa": "ir", "bn": "bd", "ta": "in", "tl": "ph", "sw": "ke", "zu": "za", "xh": "za",
    "st": "ls", "af": "za",
}
# Country-code domains that are not the country's own (used worldwide).
GENERIC_CCTLDS = frozenset({"io", "co", "tv", "me", "fm", "ai", "ly", "to", "cc", "ws", "gg", "eu"})
CCTLD_COUNTRY = {"uk": "gb"}


def site_timezone(url: str, language: str | None) -> str | None:
    """IANA zone of the site of `url` (declared `language` a BCP 47 tag), or None when neither says."""
    return _country_zone(site_country(url, language))


def site_country(url: str, language: str | None) -> str | None:
    """The country (ISO 3166 alpha-2, lower case) of the site of `url`, from its domain or its `language`."""
    return _site_country(urlsplit(url).hostname or "", (language or "").lower())


def zone_guessed(url: str, language: str | None) -> bool:
    """Whether the site's zone (`site_timezone`) comes from the region of its language tag alone (`en-US` on a
    `.com`): many sites leave their CMS's default there, so a zone their page prints wins over it."""
    primary, _, region = (language or "").lower().replace("_", "-").partition("-")
    return country_of_domain(url) is None and len(region) == 2 and LANGUAGE_COUNTRY.get(primary) != region


def country_of_domain(url: str) -> str | None:
    """The country the domain of `url` names (`.de`, `.co.uk`), or None for a generic one (`.com`, `.io`)."""
    host = urlsplit(url).hostname or ""
    tld = host.rsplit(".", 1)[-1].lower() if "." in host else ""
    return CCTLD_COUNTRY.get(tld, tld) if len(tld) == 2 and tld not in GENERIC_CCTLDS else None


def _site_country(host: str, language: str) -> str | None:
    if country := country_of_domain(f"http://{host}/"):
        return country
    primary, _, region = language.replace("_", "-").partition("-")
    if len(region) == 2:
        return region
    return LANGUAGE_COUNTRY.get(primary)


@lru_cache(maxsize=512)
def _country_zone(country: str | None) -> str | None:
    if not country:
        return None
    zones = pytz.country_timezones.get(country, [])
    return CAPITAL_ZONE.get(country) or (zones[0] if zones else None)
