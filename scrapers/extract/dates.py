"""Publication times: raw page text to timezone-aware datetimes."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from datetime import timezone as dt_timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import dateparser
from dateparser.data import languages_info

# "GMT+7", "UTC+07:00", "GMT-3", "GMT" alone (+00:00): an offset spelled the way news pages print it; or
# "+0100" right after a time (RFC 2822: "Tue, 19 Nov 2019 10:00:00 +0100"), "-05:00" right after one with
# seconds ("10:00:00 -05:00"; "10:00-11:00" is a range of hours).
_GMT_OFFSET = re.compile(
    r"\b(?:GMT|UTC)(?:\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?)?\b"
    r"|(?<=\d:\d\d)\s*([+-])(\d\d)(\d\d)\b|(?<=\d:\d\d:\d\d)\s*([+-])(\d\d):(\d\d)\b",
    re.IGNORECASE,
)
# Time zone abbreviations printed after a time ("10:02 AM EST Nov 19, 2019", "10:39 p.m. ET", "18:00 Uhr MESZ"),
# in capitals: each one that names one zone in print. Left out as ambiguous: CST (US Central, China), IST (India,
# Ireland, Israel), BST (British Summer, Bangladesh), AMT (Armenia, Amazon), AST (Atlantic, Arabia). Read only on
# a page whose site's zone is unknown: a site's own zone wins (PST is Philippine time on a .ph site, MST Malaysian).
_ZONE_NAMES = {
    "EST": "-05:00", "EDT": "-04:00", "CDT": "-05:00", "MST": "-07:00", "MDT": "-06:00", "PST": "-08:00",
    "PDT": "-07:00", "AKST": "-09:00", "AKDT": "-08:00", "HST": "-10:00", "CET": "+01:00", "CEST": "+02:00",
    "MEZ": "+01:00", "MESZ": "+02:00", "EET": "+02:00", "EEST": "+03:00", "WEST": "+01:00", "MSK": "+03:00",
    "JST": "+09:00", "KST": "+09:00", "HKT": "+08:00", "SGT": "+08:00", "AEST": "+10:00", "AEDT": "+11:00",
    "ACST": "+09:30", "ACDT": "+10:30", "AWST": "+08:00", "NZST": "+12:00", "NZDT": "+13:00",
    # A US zone without standard or daylight ("ET"): its offset on the day.
    "ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver", "PT": "America/Los_Angeles",
}
_SHARED_ZONE_NAMES = {
    "IST": {"in": "+05:30", "ie": "+01:00", "il": "+02:00"},
    "CST": {"us": "-06:00", "ca": "-06:00", "mx": "-06:00", "cn": "+08:00", "tw": "+08:00", "cu": "-05:00"},
    "BST": {"gb": "+01:00", "bd": "+06:00"},
}
"""Abbreviations that name several zones, by the country of each: the site's country decides; without one,
the first (India's IST: the Irish and Israeli press rarely print it after a time in English; the US's CST; the
British BST)."""
_ZONE_NAME = re.compile(
    r"\d{1,2}[:.h]\d\d(?::\d\d)?[ \t]{0,3}(?:[aApP]\.?[ \t]?[mM]\.?)?,?[ \t]{0,3}(?:Uhr[ \t]{1,3})?("
    + "|".join(sorted([*_ZONE_NAMES, *_SHARED_ZONE_NAMES], key=len, reverse=True))
    + r")\b(?![-+:]?\d)",
)
"""A zone abbreviation right after a time (`10:02 AM EST`, `10:39 p.m. ET`, `18:00 Uhr MESZ`); bounded spaces
(an unbounded `\\s*` pair made a long run of spaces cost seconds)."""
# "10:27 | 17/06/2021": MasterCMS and many Vietnamese sites print time, a bar, then day/month/year.
_TIME_BAR_DATE = re.compile(r"(\d{1,2}):(\d{2})\s*\|\s*(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_LIKE = re.compile(
    r"^(?:\d{4}-\d{2}-\d{2}|\d{4}-W\d{2}(?:-\d)?)([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s?(Z|[+-]\d{2}:?\d{2})?$"
    r"|^(?:\d{8}|\d{4}W\d{2}\d?)T\d{2}(\d{2}(\d{2}([.,]\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$|^\d{4}W\d{2}\d?$"
)
"""ISO 8601 as Python reads it: extended ("2024-05-03T10:00:00+02:00"), a week date ("2024-W18-5", which dateparser
read as the 18th of May) and the basic form with a time ("20240503T100000Z", which it read as the year 1750)."""


def parse_timestamp(
    raw: str | None,
    *,
    timezone: str | None,
    now: datetime,
    languages: list[str] | None = None,
    country: str | None = None,
    zone_known: bool = True,
) -> datetime | None:
    """The moment `raw` names, or None when it names none.

    An offset in the text wins; otherwise the result is in `timezone` (an IANA name). Relative text
    ("2 giờ trước", "3 hours ago") counts back from `now`. With no offset in the text and no `timezone`,
    the result is naive: the caller decides what an unknown zone means. A zone's abbreviation after the time
    ("10:02 AM EST") is read when `timezone` is None or only guessed (`zone_known` False: from the region of
    the page's language tag, which many sites leave at `en-US`); `country` (ISO 3166 alpha-2, lower case)
    decides between the zones an abbreviation names ("IST").
    """
    if not raw or not raw.strip():
        return None
    text = _INVISIBLE.sub("", raw).strip()
    zone = ZoneInfo(timezone) if timezone else None
    offset = _gmt_offset(text) or (_named_zone(text, country) if zone is None or not zone_known else None)
    parsed = (_parse_iso(text) or _parse_time_bar_date(text) or _parse_unix_time(text)
              or _parse_with_dateparser(text, None if offset is not None else zone, now, languages))
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        if offset is not None:
            parsed = parsed.replace(tzinfo=offset)
        elif zone is not None:
            parsed = parsed.replace(tzinfo=zone)
    return parsed


TIME_OF_DAY = re.compile(r"\d{1,2}\s*[:.h]\s*\d{2}")
"""A clock time in a date text ("10:15", "18.00", "9h30"): without one, the text names a day only."""


def names_offset(text: str) -> bool:
    """Whether `text`, a date, states its offset: an ISO `Z` or `+hh:mm`, "GMT+7", "+0100", a zone's
    abbreviation after its time."""
    text = text.strip()
    return bool(_ISO_ZONE.search(text) or _gmt_offset(text) or _ZONE_NAME.search(text, 0, ZONE_NAME_WITHIN))


_ISO_ZONE = re.compile(r"\d[T ]?\d\d:\d\d(?::\d\d(?:\.\d+)?)?\s?(?:Z|[+-]\d\d:?\d\d)$")


def _without_zone_name(text: str) -> str:
    """`text` without the zone abbreviation after its time (which dateparser may not read: "10:39 p.m. ET")."""
    match = _ZONE_NAME.search(text, 0, ZONE_NAME_WITHIN)
    return text if match is None else text[:match.start(1)] + text[match.end(1):]


ZONE_NAME_WITHIN = 200
"""Characters of a date text searched for a zone abbreviation (the longest real date line holds about 80)."""


def _named_zone(text: str, country: str | None = None) -> dt_timezone | ZoneInfo | None:
    """The zone a time in `text` names by its abbreviation (`EST`, `MESZ`, `ET`; `IST` by the site's
    `country`), else None."""
    match = _ZONE_NAME.search(text, 0, ZONE_NAME_WITHIN)
    if match is None:
        return None
    if (shared := _SHARED_ZONE_NAMES.get(match.group(1))) is not None:
        name = shared.get(country or "") or next(iter(shared.values()))
    else:
        name = _ZONE_NAMES[match.group(1)]
    if "/" in name:
        return ZoneInfo(name)
    sign, hours, minutes = name[0], int(name[1:3]), int(name[4:6])
    delta = timedelta(hours=hours, minutes=minutes)
    return dt_timezone(-delta if sign == "-" else delta)


def is_relative(raw: str | None, *, languages: list[str] | None = None) -> bool:
    """Whether `raw` names a moment only relative to when it was read ("2 giờ trước", "yesterday, 10:15"):
    read a day apart it names two moments. Such a time is derived from the fetch time, not printed."""
    if not raw or not raw.strip():
        return False
    base = datetime(2000, 1, 10, 12, 0)
    first = parse_timestamp(raw, timezone=None, now=base, languages=languages)
    return first is not None and first != parse_timestamp(raw, timezone=None, now=base + timedelta(days=1),
                                                          languages=languages)


def _parse_iso(text: str) -> datetime | None:
    if not _ISO_LIKE.match(text):
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" +", "+").replace(" -", "-"))
    except ValueError:
        return None
    offset = parsed.utcoffset()
    if offset is not None and not -MOST_BEHIND <= offset <= MOST_AHEAD:
        return parsed.replace(tzinfo=None)  # "+23:59" is no zone's: the time without it, as a time naming none
    return parsed


MOST_AHEAD = timedelta(hours=14)
MOST_BEHIND = timedelta(hours=12)
"""The offsets of the world's zones span -12:00 (Baker Island) to +14:00 (the Line Islands): an ISO time stated
beyond them (`+23:59`, which Python reads) names no zone (fuzzer)."""


def _parse_unix_time(text: str) -> datetime | None:
    """A Unix time in seconds (10 digits) or milliseconds (13) as the instant it is, in UTC. dateparser read it
    in the crawling machine's zone and the page's zone was put on that clock time: 1714730400 gave 10:00+02:00
    on a machine in UTC, 19:00+02:00 on one in Tokyo (fuzzer)."""
    if not _UNIX_TIME.match(text):
        return None
    seconds = int(text) / (1000 if len(text) == 13 else 1)
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


_UNIX_TIME = re.compile(r"[12](?:\d{9}|\d{12})\Z")
"""A Unix time in seconds or milliseconds from 2001-09-09 to 2096-10-02 (a later one is no date: ahead of the clock)."""


def _parse_time_bar_date(text: str) -> datetime | None:
    match = _TIME_BAR_DATE.search(text)
    if match is None:
        return None
    hour, minute, day, month, year = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute)
    except ValueError:
        return None


DATEPARSER_MAX_CHARS = 200
"""Longer text is no date: those dateparser reads on the real pages have at most 33 characters, and on a mangled
page's 100,000-character "date" it took minutes (each of its languages splits the text by every known word)."""

_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
"""Characters a date text never shows: control and format characters. A damaged
page carries them inside a timestamp ("2024-11-2\\x022T16:55:27+08:00"), which dateparser then tries in each of
its locales (2.7 s); without them the timestamp reads."""

# A machine timestamp Python cannot read ("2024-13-45T25:61:61", "+275760-09-13T00:00:00Z", a symbol or a
# replacement character for a lost digit: "2\ufffd18-10-09T16:35:40", "000\u2431-01-01") is wrong, not written in
# a language: dateparser tries each of its 400 locales on it, a second or more. A digit's place holds a digit
# or a character that is neither a letter nor a space; a bare date ("2024-5-3") is dateparser's when it is
# all digits.
_DIGIT_PLACE = r"(?:\d|[^\w\s])"
_MACHINE_TIMESTAMP = re.compile(rf"^[+-]?{_DIGIT_PLACE}{{4,6}}-{_DIGIT_PLACE}{{1,2}}-{_DIGIT_PLACE}{{1,2}}(T|$)")


def _broken_machine_date(text: str) -> bool:
    match = _MACHINE_TIMESTAMP.match(text)
    return match is not None and (match.group(1) == "T" or not text.lstrip("+-").replace("-", "").isdigit())



_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?", re.IGNORECASE)
DATE_DIGITS = 8
"""Digits from which a bare number may be a date: `20240503`, or a Unix time in seconds or milliseconds."""


def _no_date_number(text: str) -> bool:
    """Whether `text` is a number that names no date: dateparser read `5` as the 5th of the current month, `-1`
    and `1e+308` as days of it too (a JSON-LD `datePublished` of 5 became the fetch month's 5th)."""
    return _NUMBER.fullmatch(text) is not None and not (text.isdigit() and len(text) >= DATE_DIGITS)


RELATIVE_WORD_MIN = 4
"""Letters of an alphabet a date text without a digit has at least: one is a relative word ("today", "heute",
"hier", "an hour ago"); shorter, a placeholder, which dateparser read as a day of the fetch month ("N/A", "a",
"%s", "í"). Short relative words that are words (`SHORT_RELATIVE_WORDS`) and text in a script whose words are
a character or two ("今天", "어제") stay dateparser's."""
SHORT_RELATIVE_WORDS = frozenset({"hoy", "azi", "dün"})
"""Relative words of fewer than `RELATIVE_WORD_MIN` letters: Spanish and Romanian "today", Turkish "yesterday"."""
ALPHABET_END = 0x0530
"""Code points below this are Latin, Greek and Cyrillic letters, whose words are longer than a character or two."""


def _no_date_word(text: str) -> bool:
    """Whether `text`, without a digit, is too short to name a day (`RELATIVE_WORD_MIN`). Full-width forms
    count as the letters they are ("Ｎ／Ａ"), punctuation of any script as none ("N/A —")."""
    text = unicodedata.normalize("NFKC", text)
    if any(char.isdigit() or (char.isalpha() and ord(char) >= ALPHABET_END) for char in text):
        return False
    return sum(char.isalpha() for char in text) < RELATIVE_WORD_MIN and text.strip().casefold() not in \
        SHORT_RELATIVE_WORDS


def _parse_with_dateparser(
    text: str, zone: ZoneInfo | None, now: datetime, languages: list[str] | None
) -> datetime | None:
    if len(text) > DATEPARSER_MAX_CHARS or _broken_machine_date(text) or _no_date_number(text) or _no_date_word(text):
        return None
    # dateparser reads "GMT+7" itself but not always; the caller strips it and applies it (`zone` is None then).
    bare = _without_zone_name(_GMT_OFFSET.sub("", text)).strip(" |,-")
    base = now.astimezone(zone) if zone is not None and now.tzinfo is not None else now
    parsed = _dateparser_reading(bare, base.replace(tzinfo=None), _dateparser_languages(languages))
    if parsed is None:
        return None
    if parsed.tzinfo is None and zone is not None:
        return parsed.replace(tzinfo=zone)
    return parsed


def _dateparser_languages(languages: list[str] | None) -> tuple[str, ...] | None:
    """`languages` (a page's tags or their primary subtags) as dateparser names them, those it does not know
    left out; None (every language) when none is left. An unknown one raised out of the reading (`lang="no"`,
    Norwegian as many pages tag it; `und`; the old `iw` and `in`), and the article was rejected."""
    if not languages:
        return None
    known = []
    for language in languages:
        code = language.strip().lower().replace("_", "-")
        code = LANGUAGE_ALIASES.get(code, LANGUAGE_ALIASES.get(code.split("-")[0], code))
        if code in _DATEPARSER_CODES or (code := code.split("-")[0]) in _DATEPARSER_CODES:
            known.append(code)
    return tuple(dict.fromkeys(known)) or None


LANGUAGE_ALIASES = {"no": "nb", "nn": "nb", "iw": "he", "in": "id", "ji": "yi", "mo": "ro", "sh": "sr"}
"""Language tags dateparser knows by another code."""
_DATEPARSER_CODES = frozenset(languages_info.language_order)


DATEPARSER_READINGS = 256
"""dateparser readings kept (a few per page): a page's printed date is read for `published_at` and again for
`published_date`, and each reading costs 1 to 3 ms."""


@lru_cache(maxsize=DATEPARSER_READINGS)
def _dateparser_reading(text: str, base: datetime, languages: tuple[str, ...] | None) -> datetime | None:
    """dateparser's reading of `text`, relative times counted back from the naive `base`: the same for the same
    arguments, so kept (a datetime cannot be changed by whoever receives it)."""
    settings: dict[str, object] = {
        "RELATIVE_BASE": base,
        "DATE_ORDER": "DMY",
        "PREFER_DAY_OF_MONTH": "first",
        "REQUIRE_PARTS": ["day"],  # "March 2024", "Q3 2024" name no day: none, not the 1st (fuzzer)
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    return dateparser.parse(text, languages=None if languages is None else list(languages), settings=settings)


def _gmt_offset(text: str) -> dt_timezone | None:
    match = _GMT_OFFSET.search(text)
    if match is None:
        return None
    groups = match.groups()
    sign, hours, minutes = next((groups[i:i + 3] for i in (3, 6) if groups[i]), groups[:3])
    delta = timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
    if delta > (MOST_BEHIND if sign == "-" else MOST_AHEAD):  # "GMT+30", "+23:59": no zone's offset
        return None
    return dt_timezone(-delta if sign == "-" else delta)


def to_iso(moment: datetime) -> str:
    """ISO 8601 with seconds and the UTC offset, e.g. `2021-06-17T10:27:00+07:00`."""
    return moment.isoformat(timespec="seconds")


def http_date(value: str | None) -> datetime | None:
    """An HTTP `Date` header as a timezone-aware datetime; None when absent or unreadable."""
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):  # OverflowError: a year of twenty digits
        return None
    return moment if moment.tzinfo is not None else None


def utc_now() -> datetime:
    """The current moment, timezone-aware (the default clock of spiders and the state)."""
    return datetime.now(UTC)
