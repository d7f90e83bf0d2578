"""What lands in the data: the `since` and `sections` filters filter the output, a time read from relative
text makes no new version, CSV and XML keep nested fields, and the README's pandas line reads the output."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from itemadapter import ItemAdapter

from scrapers.extract.dates import is_relative
from scrapers.harvest import content_hash
from tests.harness import ROOT

SAMPLES = ROOT / "samples" / "thoidai"


def crawl(tmp_path: Path, *options: str, output: str = "out.jsonl") -> Path:
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "thoidai", "-s", f"REPLAY_DIR={SAMPLES}", *options,
         "-O", str(tmp_path / output), "-s", f"REJECTS_URI={tmp_path / 'rejects.jsonl'}", "-s", "LOG_LEVEL=WARNING"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return tmp_path / output


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def listed_on(*pages: str) -> set[str]:
    return {url for page in pages for url in json.loads((SAMPLES / page).read_text(encoding="utf-8"))["follows"]}


def test_since_leaves_out_articles_dated_before_it_even_from_undated_links(tmp_path: Path) -> None:
    written = records(crawl(tmp_path, "-a", "since=2024-10-20"))
    assert sorted(record["published_at"][:10] for record in written) == [
        "2024-10-23", "2024-10-23", "2024-10-23", "2024-10-23", "2024-10-24", "2024-10-24"]


def test_sections_crawls_those_section_fronts_only(tmp_path: Path) -> None:
    written = records(crawl(tmp_path, "-a", "sections=quoc-te"))
    assert {record["url"] for record in written} <= listed_on("section-quoc-te.json", "section-quoc-te-p2.json")
    assert {record["section"][0] for record in written} == {"Quốc tế"}
    assert len(written) == 4


@pytest.mark.parametrize(("raw", "relative"), [
    ("2 giờ trước", True), ("3 hours ago", True), ("vor 2 Stunden", True), ("yesterday", True),
    ("10:27 | 17/06/2021 GMT+7", False), ("2021-06-17T10:27:00+07:00", False), ("24. Oktober 2024", False),
    ("", False), (None, False),
])
def test_is_relative(raw: str | None, relative: bool) -> None:
    assert is_relative(raw) is relative


def test_a_time_read_from_relative_text_makes_no_new_version() -> None:
    sample = json.loads((SAMPLES / "article-le-hoi-giao-luu-van-hoa-viet-nhat.json").read_text(encoding="utf-8"))
    first = sample["items"][0]
    assert first["published_raw"] == "2 giờ trước"
    # Six hours and 17 minutes later the page says "8 giờ trước": whole hours back from a later fetch.
    later = {**first, "published_raw": "8 giờ trước", "published_at": "2024-10-24T13:17:00+07:00"}
    assert content_hash(ItemAdapter(later)) == content_hash(ItemAdapter(first))
    edited = {**later, "body": later["body"] + "\n\nCập nhật."}
    assert content_hash(ItemAdapter(edited)) != content_hash(ItemAdapter(first))
    dated = {**first, "published_raw": "13:00 | 24/10/2024"}
    assert content_hash(ItemAdapter({**dated, "published_at": "2024-10-24T13:17:00+07:00"})) != content_hash(
        ItemAdapter(dated))


def test_an_image_address_with_a_new_token_at_each_view_makes_no_new_version() -> None:
    """A CDN or resizer's `?v=<time>` in an image URL: the same text was written again at every revisit."""
    from scrapers.items import Image

    sample = json.loads((SAMPLES / "article-le-hoi-giao-luu-van-hoa-viet-nhat.json").read_text(encoding="utf-8"))
    first = sample["items"][0]
    assert first["images"] and all("?rt=" in image["url"] for image in first["images"])  # MasterCMS's stamp
    before = content_hash(ItemAdapter(first))
    viewed = [{**first, "images": [{**image, "url": f"{image['url']}&v={view}"} for image in first["images"]]}
              for view in (1714723200, 1714726800)]
    assert content_hash(ItemAdapter(viewed[0])) == content_hash(ItemAdapter(viewed[1])) == before
    as_items = {**viewed[1], "images": [Image(**image) for image in viewed[1]["images"]]}  # as the crawl has them
    with_plain = {**first, "images": [Image(**image) for image in first["images"]]}
    assert content_hash(ItemAdapter(as_items)) == content_hash(ItemAdapter(with_plain))
    # a state written before the rule holds the hash with the queries: DropUnchangedArticles accepts both
    assert content_hash(ItemAdapter(first), image_queries=True) != before
    other = {**first, "images": [{**first["images"][0], "url": first["images"][0]["url"].replace(".jpg?", "-2.jpg?")}]}
    assert content_hash(ItemAdapter(other)) != before


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return crawl(tmp_path_factory.mktemp("jsonl"))


def test_csv_cells_of_nested_fields_are_json(jsonl: Path, tmp_path: Path) -> None:
    rows = list(csv.DictReader(crawl(tmp_path, output="out.csv").open(encoding="utf-8")))
    by_url = {record["url"]: record for record in records(jsonl)}
    assert len(rows) == len(by_url) == 9
    for row in rows:
        want = by_url[row["url"]]
        for name in ("section", "authors", "tags", "images", "related", "more_in_section", "trending", "sources"):
            assert json.loads(row[name]) == want[name], name
        assert row["credit"] == (want["credit"] or "")
        assert "Image(" not in row["images"] and "Link(" not in row["related"]


def test_json_lines_in_an_encoding_without_the_texts_characters_escape_them(jsonl: Path, tmp_path: Path) -> None:
    """FEED_EXPORT_ENCODING=ascii lost every Vietnamese article (a UnicodeEncodeError per article) and exited 0."""
    lines = crawl(tmp_path, "-s", "FEED_EXPORT_ENCODING=ascii").read_bytes().decode("ascii").splitlines()
    assert "\\u1ec7" in lines[0]
    by_url = {record["url"]: record for record in records(jsonl)}
    got = {record["url"]: record for record in map(json.loads, lines)}
    assert len(got) == 9
    assert all(got[url] | {"scraped_at": None} == want | {"scraped_at": None} for url, want in by_url.items())


def test_an_output_that_lost_articles_is_not_put_in_place_and_the_run_fails(tmp_path: Path) -> None:
    """A CSV in ASCII cannot hold the articles: the run said so in a traceback per article, exited 0 and left a
    file of the header alone."""
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "thoidai", "-s", f"REPLAY_DIR={SAMPLES}",
         "-O", str(tmp_path / "o.csv"), "-s", "FEED_EXPORT_ENCODING=ascii",
         "-s", f"REJECTS_URI={tmp_path / 'rejects.jsonl'}", "-s", "LOG_LEVEL=ERROR"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith(
        "newsharvest: thoidai: error: output: 9 errors, the first: an article was not exported: UnicodeEncodeError:")
    assert not (tmp_path / "o.csv").exists() and not (tmp_path / "o.csv.part").exists()
    assert json.loads((tmp_path / "o.report.json").read_text())["articles"]["written"] == 0


def test_xml_nests_records(jsonl: Path, tmp_path: Path) -> None:
    items = ET.parse(crawl(tmp_path, output="out.xml")).getroot().findall("item")
    by_url = {record["url"]: record for record in records(jsonl)}
    for item in items:
        want = by_url[item.findtext("url") or ""]
        images = [{child.tag: child.text for child in value} for value in item.iterfind("images/value")]
        assert images == want["images"]
        assert [value.text for value in item.iterfind("section/value")] == want["section"]
    assert len(items) == 9


def test_readme_pandas_line_reads_types_without_warnings(jsonl: Path, tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(import pandas as pd\n.+?)```", readme, flags=re.S)
    assert code
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["published_at"] = "2024-10-23T16:12:00+02:00"  # offsets differ from page to page
    (tmp_path / "articles.jsonl").write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n", encoding="utf-8")
    namespace: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exec(code.group(1).replace('"articles.jsonl"', repr(str(tmp_path / "articles.jsonl"))), namespace)
    articles = namespace["articles"]
    assert re.fullmatch(r"datetime64\[(ns|us), UTC\]", str(articles["published_at"].dtype))
    assert articles["published_at"][0].isoformat() == "2024-10-23T14:12:00+00:00"
    assert set(articles["schema_version"]) == {"1.3"}
    assert articles["version"].tolist() == [1] * 9


def duckdb_column_types() -> dict[str, str]:
    sql = (ROOT / "scrapers" / "schema" / "articles.duckdb.sql").read_text(encoding="utf-8")
    return dict(re.findall(r"^ {4}(\w+): '([^']+)',?$", sql, flags=re.M))


def test_the_duckdb_macro_names_every_field_of_the_schema_in_order() -> None:
    from pipelines.validate import article_schema

    types = duckdb_column_types()
    assert list(types) == list(article_schema()["properties"])
    assert types["trending"] == "STRUCT(rank INTEGER, url VARCHAR, title VARCHAR, summary VARCHAR)[]"


def test_the_duckdb_macro_reads_every_value_of_an_hourly_folder(jsonl: Path, tmp_path: Path) -> None:
    """One run's file an hour, the first ones empty (nothing new) or with fields null: read_json_auto typed
    those fields NULL from the first files and dropped every later value (count(credit) 0), or read the folder
    as one column `json`. The macro reads each value, typed as the schema says."""
    import duckdb

    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    folder = tmp_path / "out" / "thoidai"
    folder.mkdir(parents=True)
    for hour in range(40):
        (folder / f"2026-11-25T{hour // 24 + 10:02d}-{hour % 24:02d}.jsonl").write_text("", encoding="utf-8")
    for n, record in enumerate(records):
        if n < 3:  # the first files: no credit, no update time, no date, no trending box
            record = {**record, "credit": None, "updated_at": None, "published_at": None, "trending": []}
        (folder / f"2026-11-27T{n:02d}.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n",
                                                          encoding="utf-8")
    written = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("2026-11-27T*.jsonl"))]
    con = duckdb.connect()
    con.execute((ROOT / "scrapers" / "schema" / "articles.duckdb.sql").read_text(encoding="utf-8"))
    counted = con.execute(
        "SELECT count(*), count(credit), count(updated_at), count(published_at), sum(len(trending)),"
        " count(sources['title']) FROM articles(?)", [str(folder / "*.jsonl")]).fetchone()
    assert counted == (
        len(written), sum(r["credit"] is not None for r in written), sum(r["updated_at"] is not None for r in written),
        sum(r["published_at"] is not None for r in written), sum(len(r["trending"]) for r in written),
        sum("title" in r["sources"] for r in written))
    assert counted[1] and counted[3] and counted[4]  # values read_json_auto lost
    types = {row[0]: row[1] for row in con.execute(f"DESCRIBE SELECT * FROM articles('{folder}/*.jsonl')").fetchall()}
    assert types["published_at"] == "TIMESTAMP WITH TIME ZONE" and types["sources"] == "MAP(VARCHAR, VARCHAR)"
    instant = con.execute(f"SELECT epoch(published_at) FROM articles('{folder}/*.jsonl') WHERE url = ?",
                          [written[-1]["url"]]).fetchone()
    assert instant == (datetime_of(written[-1]["published_at"]).timestamp(),)


def datetime_of(text: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(text)


def test_the_readme_names_every_key_of_the_run_report(jsonl: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### The run report"):readme.index("## Layout")]
    named = set(re.findall(r"`(\w+)`", section))
    report = json.loads(jsonl.with_suffix(".report.json").read_text(encoding="utf-8"))
    keys = set(report) | {f"{key}" for part in ("pages", "articles", "fetch") for key in report[part]}
    assert keys - named == set()


def test_report_of_a_run_without_state_has_no_new_or_not_due(jsonl: Path) -> None:
    articles = json.loads(jsonl.with_suffix(".report.json").read_text(encoding="utf-8"))["articles"]
    assert articles["written"] == 9
    assert [articles[name] for name in ("new", "updated", "unchanged", "not_due", "urls")] == [None] * 5


def test_an_article_read_later_with_its_relative_time_is_not_written_again(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SAMPLES, site)

    def run(*options: str) -> list[dict[str, Any]]:
        out = tmp_path / f"run{len(list(tmp_path.glob('run*.jsonl')))}.jsonl"
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "thoidai", "-s", f"REPLAY_DIR={site}", *options,
             "-s", f"STATE_URI=sqlite:///{tmp_path}/state.db", "-o", str(out),
             "-s", f"REJECTS_URI={tmp_path / 'rejects.jsonl'}", "-s", "LOG_LEVEL=WARNING"],
            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return records(out)

    assert len(run()) == 9
    # Six hours and 17 minutes later the article's byline says "8 giờ trước" (8 hours ago).
    page = site / "article-le-hoi-giao-luu-van-hoa-viet-nhat.html"
    page.write_text(page.read_text("utf-8").replace(">2 giờ trước<", ">8 giờ trước<"), "utf-8")
    sample = json.loads(page.with_suffix(".json").read_text("utf-8"))
    sample["request"]["fetched_at"] = "2024-10-24T14:17:00+00:00"
    page.with_suffix(".json").write_text(json.dumps(sample), "utf-8")
    assert run("-s", "REVISIT_AFTER=100000d:0s") == []  # every article fetched again, none changed


def _nested_record() -> Any:
    from datetime import UTC, datetime

    from scrapers.items import Article, Image, Link, RankedLink

    return Article(
        url="https://example.com/a.html", site="example.com", title="Ảnh «Tết» \u2014 \"quoted\"", body="P1\n\nP2",
        section=["Quốc tế", "Nhịp sống"], authors=["Hà Linh"], images=[Image(url="https://example.com/i.jpg")],
        related=[Link(url="https://example.com/b.html", title="B", summary="b")],
        trending=[RankedLink(url="https://example.com/c.html", title="C", rank=1)],
        sources={"title": "og:title"}, scraped_at=datetime(2024, 5, 3, 7, 0, tzinfo=UTC),
    )


def test_json_lines_are_scrapys_byte_for_byte() -> None:
    """The project's JSON Lines exporter writes what Scrapy's writes, nested records and datetimes included."""
    import io

    from scrapy.exporters import JsonLinesItemExporter

    from scrapers.exporters import RecordJsonLinesItemExporter

    written = []
    for exporter_class in (JsonLinesItemExporter, RecordJsonLinesItemExporter):
        file = io.BytesIO()
        exporter_class(file, encoding="utf-8", ensure_ascii=False).export_item(_nested_record())
        written.append(file.getvalue())
    assert written[0] == written[1]
    assert json.loads(written[1])["trending"] == [{"url": "https://example.com/c.html", "title": "C", "summary": None,
                                                   "rank": 1}]
    assert json.loads(written[1])["scraped_at"] == "2024-05-03T07:00:00+00:00"


def test_the_validated_record_is_the_json_round_trip() -> None:
    """`as_json` gives what `json.loads(json.dumps(..., default=str))` gives: in one walk for a finished record,
    through the encoder for one that still holds a datetime."""
    from pipelines.validate import as_json, plain

    record = _nested_record()
    assert as_json(record) == json.loads(json.dumps(plain(record), default=str))
    assert as_json(record)["scraped_at"] == "2024-05-03 07:00:00+00:00"
    record.scraped_at = "2024-05-03T07:00:00+00:00"
    assert as_json(record) == json.loads(json.dumps(plain(record), default=str))
    assert as_json(record)["related"] == [{"url": "https://example.com/b.html", "title": "B", "summary": "b"}]
