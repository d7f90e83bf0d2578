from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from scrapers.extract.dates import http_date, parse_timestamp, to_iso
from tests.harness import ROOT

NOW = datetime(2024, 10, 24, 8, 0, tzinfo=UTC)
HCM = "Asia/Ho_Chi_Minh"


@pytest.mark.parametrize(
    ("raw", "zone", "languages", "expected"),
    [
        ("10:27 | 17/06/2021 GMT+7", HCM, ["vi"], "2021-06-17T10:27:00+07:00"),
        ("13:44 | 20/09/2019", HCM, ["vi"], "2019-09-20T13:44:00+07:00"),
        ("09:11 | 23/10/2024 GMT+7", None, None, "2024-10-23T09:11:00+07:00"),
        ("2 giờ trước", HCM, ["vi"], "2024-10-24T13:00:00+07:00"),
        ("15 phút trước", HCM, ["vi"], "2024-10-24T14:45:00+07:00"),
        ("Thứ năm, 17/06/2021 10:27", HCM, ["vi"], "2021-06-17T10:27:00+07:00"),
        ("17/06/2021", HCM, ["vi"], "2021-06-17T00:00:00+07:00"),
        ("2024-10-23T09:11:00+07:00", None, None, "2024-10-23T09:11:00+07:00"),
        ("2024-05-03T15:47:42.389Z", HCM, None, "2024-05-03T15:47:42+00:00"),
        ("3 hours ago", "Europe/Lisbon", None, "2024-10-24T06:00:00+01:00"),
        ("May 3, 2024 10:15 GMT-4", None, None, "2024-05-03T10:15:00-04:00"),
        ("2024-04-30 16:38:37 +02:00", None, None, "2024-04-30T16:38:37+02:00"),
        ("2023-04-28 18:11:01.0", "Europe/Berlin", None, "2023-04-28T18:11:01+02:00"),
        # GMT and UTC alone, and RFC 2822 offsets, are the page's offset, not the site's local time.
        ("Tue, 19 Nov 2019 10:00:30 GMT", "Europe/Berlin", None, "2019-11-19T10:00:30+00:00"),
        ("19 November 2019 10:00 UTC", None, None, "2019-11-19T10:00:00+00:00"),
        ("Mon, 04 Nov 2019 08:12:00 -0500", "Europe/Berlin", None, "2019-11-04T08:12:00-05:00"),
        ("2019-11-19 10:00:30 -05:00", None, None, "2019-11-19T10:00:30-05:00"),
        ("19.11.2019 10:00-11:00", "Europe/Berlin", None, "2019-11-19T10:00:00+01:00"),
        # Control and format characters inside a damaged timestamp are not read (dateparser took 2.7 s on it)
        ("2024-11-2\x022T16:55:27+08:00", None, None, "2024-11-22T16:55:27+08:00"),
        ("\u202e2024-11-22T16:55\u200b:27+08:00", None, None, "2024-11-22T16:55:27+08:00"),
        ("2019-11-18T1\x0b6:21:03-05:00", "Europe/Berlin", None, "2019-11-18T16:21:03-05:00"),
        ("2024-5-3", "Europe/Berlin", None, "2024-05-03T00:00:00+02:00"),  # not zero-padded: still a date
    ],
)
def test_parse_timestamp(raw: str, zone: str | None, languages: list[str] | None, expected: str) -> None:
    parsed = parse_timestamp(raw, timezone=zone, now=NOW, languages=languages)
    assert parsed is not None
    assert to_iso(parsed) == expected


@pytest.mark.parametrize("raw", [None, "", "   ", "Nguồn:", "không có ngày"])
def test_parse_timestamp_gives_none_for_text_without_a_date(raw: str | None) -> None:
    assert parse_timestamp(raw, timezone=HCM, now=NOW, languages=["vi"]) is None


def test_parse_timestamp_without_any_zone_is_naive() -> None:
    parsed = parse_timestamp("17/06/2021 10:27", timezone=None, now=NOW)
    assert parsed == datetime(2021, 6, 17, 10, 27)
    assert parsed.tzinfo is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Thu, 24 Oct 2024 08:00:00 GMT", datetime(2024, 10, 24, 8, 0, tzinfo=UTC)),
        ("Thu, 24 Oct 2024 15:00:00 +0700", datetime(2024, 10, 24, 8, 0, tzinfo=UTC)),
        ("Thu, 24 Oct 2024 08:00:00 -0000", None),  # RFC 5322: -0000 means "zone unknown"
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_http_date(header: str | None, expected: datetime | None) -> None:
    assert http_date(header) == expected


@pytest.mark.parametrize(("raw", "zone", "expected"), [
    # printed by US sites (aeb: usatoday, detroitnews, floridatoday, crn): the date was kept, its moment lost
    ("10:02 AM EST Nov 19, 2019", None, "2019-11-19T10:02:00-05:00"),
    ("November 19, 2019, 07:47 PM EST", None, "2019-11-19T19:47:00-05:00"),
    ("5:00 a.m. EDT June 3, 2024", None, "2024-06-03T05:00:00-04:00"),
    ("18:00 Uhr MESZ, 3. Mai 2024", None, "2024-05-03T18:00:00+02:00"),
    # a site's own zone wins: PST is Philippine time on a Philippine site, MST Malaysian on a Malaysian one
    ("March 12, 2024 10:45 AM PST", "Asia/Manila", "2024-03-12T10:45:00+08:00"),
    ("12 March 2024 10:45 MST", "Asia/Kuala_Lumpur", "2024-03-12T10:45:00+08:00"),
    ("MARDI 12 MARS 2024 À 10:00 ET", "Europe/Paris", "2024-03-12T10:00:00+01:00"),
    ("Jul 4, 2024 10:00 PT", None, "2024-07-04T10:00:00-07:00"),  # a US zone on the day: daylight time
    ("10:39 p.m. ET Jan. 12, 2021", None, "2021-01-12T22:39:00-05:00"),
    ("18:00 MESZ, 3. Mai 2024", None, "2024-05-03T18:00:00+02:00"),
    # an abbreviation of several zones on a site whose zone is known: the site's
    ("12:00 CST 5 May 2023", "Asia/Shanghai", "2023-05-05T12:00:00+08:00"),
    ("November 20, 2019 - 11:28 AMT", "Asia/Yerevan", "2019-11-20T11:28:00+04:00"),
    ("10:00 et le 3 mai 2024", "Europe/Paris", "2024-05-03T10:00:00+02:00"),  # a word, not Eastern Time
])
def test_a_time_zone_abbreviation_after_the_time_gives_the_offset(raw: str, zone: str | None, expected: str) -> None:
    parsed = parse_timestamp(raw, timezone=zone, now=NOW)
    assert parsed is not None and to_iso(parsed) == expected


@pytest.mark.parametrize(("raw", "zone", "known", "country", "expected"), [
    # an abbreviation of several zones: the site's country decides; without one, India's IST, the US's CST
    ("01:38:07 PM IST Nov 20, 2019", None, True, None, "2019-11-20T13:38:07+05:30"),
    ("Nov 20, 2019 13:38 IST", None, True, "il", "2019-11-20T13:38:00+02:00"),
    ("12:00 CST 5 May 2023", None, True, None, "2023-05-05T12:00:00-06:00"),
    ("10:00 BST, 3 May 2024", None, True, "gb", "2024-05-03T10:00:00+01:00"),
    # a zone guessed from an `en-US` tag gives way to the one the page prints; a known one does not
    ("01:38:07 PM IST Nov 20, 2019", "America/New_York", False, "us", "2019-11-20T13:38:07+05:30"),
    ("March 12, 2024 10:45 AM PST", "Asia/Manila", True, "ph", "2024-03-12T10:45:00+08:00"),
    ("March 12, 2024 10:45 AM", "America/New_York", False, "us", "2024-03-12T10:45:00-04:00"),
])
def test_a_zone_abbreviation_and_the_site_s_zone(raw: str, zone: str | None, known: bool, country: str | None,
                                                  expected: str) -> None:
    parsed = parse_timestamp(raw, timezone=zone, now=NOW, country=country, zone_known=known)
    assert parsed is not None and to_iso(parsed) == expected


@pytest.mark.parametrize("raw", ["March 12, 2024 CT", "Nov 19, 2019 EST"])
def test_a_zone_abbreviation_without_a_time_makes_no_instant(raw: str) -> None:
    """After a year, not a time: the zone of a midnight the page never printed."""
    parsed = parse_timestamp(raw, timezone=None, now=NOW)
    assert parsed is None or parsed.tzinfo is None


@pytest.mark.parametrize(("language", "text"), [
    ("no", "3. mai 2024 10:00"), ("nn", "3. mai 2024 10:00"), ("iw", "3 במאי 2024 10:00"), ("und", "3 May 2024 10:00"),
    ("la", "3 May 2024 10:00"), ("x-klingon", "3 May 2024 10:00"), ("", "3 May 2024 10:00"),
])
def test_a_language_dateparser_knows_by_another_name_or_not_at_all_raises_nothing(language: str, text: str) -> None:
    # dateparser raised ValueError('Unknown language(s)') out of the reading for a page tagged lang="no"
    # (Norwegian, as a fundus-dev page tags it) or "und", and the article was rejected (fuzzer). An old or
    # other name is dateparser's ("no" and "nn": "nb", "iw": "he"); an unknown one reads as no language.
    now = datetime(2026, 12, 1, tzinfo=UTC)
    assert parse_timestamp(text, timezone="Europe/Oslo", now=now, languages=[language]) == datetime(
        2024, 5, 3, 10, 0, tzinfo=ZoneInfo("Europe/Oslo"))


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo", "America/New_York"])
def test_a_unix_time_is_the_instant_it_names_whatever_the_machine_s_zone(zone: str) -> None:
    # dateparser read it in the crawling machine's zone: 1714730400 (10:00 UTC) gave 10:00+02:00 on a machine in
    # UTC and 19:00+02:00 on one in Tokyo (fuzzer)
    script = ("from datetime import UTC, datetime; from scrapers.extract.dates import parse_timestamp;"
              "now = datetime(2026, 12, 1, tzinfo=UTC);"
              "print(parse_timestamp('1714730400', timezone='Europe/Berlin', now=now).isoformat(),"
              " parse_timestamp('1714730400000', timezone=None, now=now).isoformat())")
    result = subprocess.run([sys.executable, "-c", script], env={**os.environ, "TZ": zone}, capture_output=True,
                            text=True, check=True, cwd=ROOT)
    assert result.stdout.split() == ["2024-05-03T10:00:00+00:00"] * 2


@pytest.mark.parametrize(("markup", "day"), [
    ("<footer><p>© 2019 News Example. All rights reserved.</p></footer>", None),  # no date: not 2019-01-01
    ('<p class="meta"><span class="date">March 2024</span></p>', None),  # a month: not its 1st
    ('<p class="meta"><span class="date">Q3 2024</span></p>', None),
    ("<p>March 2024</p>", None),
    ('<p class="meta"><span class="date">3 March 2024</span></p>', "2024-03-03"),  # a day, read as it is
    ('<p class="meta"><span class="date">1 March 2024</span></p>', "2024-03-01"),  # the 1st, when it is said
])
def test_a_year_or_a_month_without_a_day_dates_no_day(markup: str, day: str | None) -> None:
    # htmldate's text search and dateparser pad a year or a month to its first day: a footer's copyright dated
    # every undated article of a site the 1st of January (fuzzer)
    from scrapers.extraction import extract_article

    story = "<p>" + "The council approved the budget for next year after a long debate on Tuesday. " * 6 + "</p>"
    page = (f'<html lang="en"><head><title>Council approves budget</title></head><body><article><h1>Council approves'
            f' budget</h1>{markup if "footer" not in markup else ""}{story}</article>'
            f'{markup if "footer" in markup else ""}</body></html>')
    record = extract_article(page.encode(), "https://news.example.com/council-approves-budget-12345.html",
                             datetime(2026, 1, 15, 12, tzinfo=UTC))
    assert record.get("published_date") == day


@pytest.mark.parametrize(("raw", "expected"), [
    ("2024-05-03T10:00:00+23:59", None),  # no zone's offset: the time names none (fuzzer)
    ("2024-05-03T10:00:00-13:00", None),
    ("2024-05-03T10:00:00+14:00", "2024-05-03T10:00:00+14:00"),  # the Line Islands
    ("2024-05-03T10:00:00-12:00", "2024-05-03T10:00:00-12:00"),
    ("03.05.2024 10:00 GMT+15", None),
])
def test_an_offset_beyond_the_worlds_zones_names_no_zone(raw: str, expected: str | None) -> None:
    moment = parse_timestamp(raw, timezone=None, now=datetime(2026, 1, 15, 12, tzinfo=UTC))
    assert (moment.isoformat() if moment is not None and moment.tzinfo is not None else None) == expected


@pytest.mark.parametrize(("microdata", "published", "updated"), [
    # a microdata value given as the element's text, as the microdata rules read it (aeb: Business Insider,
    # whose meta tag gives the day alone)
    ('<div itemprop="datePublished">2019-11-13T23:06:00+01:00</div><div itemprop="dateModified">'
     "2019-11-13T23:06:08+01:00</div>", "2019-11-13T23:06:00+01:00", "2019-11-13T23:06:08+01:00"),
    ('<span itemprop="datePublished" content="2019-11-13T23:06:00+01:00">Nov 13</span>', "2019-11-13T23:06:00+01:00",
     None),
    # a text without its offset says no instant: the day stays the meta tag's
    ('<div itemprop="datePublished">2019-11-13 23:06:00</div>', "2019-11-13", None),
    ('<div itemprop="datePublished"><b>2019-11-13T23:06:00+01:00</b></div>', "2019-11-13", None),
])
def test_a_microdata_time_is_read_from_its_attribute_or_its_text(microdata: str, published: str,
                                                                 updated: str | None) -> None:
    from scrapers.extraction import extract_article

    story = "<p>" + "The council approved the budget for next year after a long debate on Tuesday. " * 6 + "</p>"
    page = ('<html lang="en"><head><title>Council approves budget</title>'
            '<meta property="article:published_time" content="2019-11-13"></head><body><article>'
            f'<h1>Council approves budget</h1><div hidden>{microdata}</div>{story}</article></body></html>')
    record = extract_article(page.encode(), "https://news.example.com/council-approves-budget-12345.html",
                             datetime(2026, 1, 15, 12, tzinfo=UTC))
    assert (record["published_at"], record.get("updated_at")) == (published, updated)


@pytest.mark.parametrize("line", [
    '<p class="article__meta">By <a href="/staff/ann-lee/">Ann Lee</a> on Monday, November 18th, 2019 at 11:08 a.m.'
    "</p>",  # aeb: PolitiFact, whose day was another date of the page (a quoted statement's, October 13th)
    '<div class="post-meta">November 18, 2019</div>',
    # meta lines naming no date before the date line leave it its tries (review)
    '<p class="card-meta">Vision 2030 plan</p><p class="card-meta">Top 10 of 2024</p><p class="card-meta">Class of'
    ' 2019</p><span class="date">November 18, 2019</span>',
    # the meta line under the headline before a comment's date below the story (second review)
    '<div class="post-meta">November 18, 2019</div><p>The story.</p><div class="comment"><span class="comment-date">'
    "October 2, 2019</span></div>",
])
def test_a_date_line_classed_as_the_story_s_meta_dates_a_page_without_a_machine_date(line: str) -> None:
    from scrapers.extraction import extract_article

    story = "<p>" + "The council approved the budget for next year after a long debate on Tuesday. " * 6 + "</p>"
    quote = '<p class="quote">Said on Sunday, October 13th, 2019 in an article in a local newspaper</p>'
    page = (f'<html lang="en"><head><title>Council approves budget</title></head><body>{quote}<article>'
            f"<h1>Council approves budget</h1>{line}{story}</article></body></html>")
    # (the other signals say another day: the address, of the quoted statement's)
    record = extract_article(page.encode(), "https://news.example.com/2019/10/13/council-approves-budget.html",
                             datetime(2026, 1, 15, 12, tzinfo=UTC))
    assert record["published_date"] == "2019-11-18"
