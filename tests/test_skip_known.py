"""The state middleware in process: which article requests `SkipKnownArticles` lets through, for what the
state knows of each URL, and what it records of an article page that gave no record."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from scrapers import settings as project_settings
from scrapers.harvest import ARTICLE, HarvestState, SkipKnownArticles
from scrapers.integrity import note_error
from scrapers.statestore import Staged
from tests.harness import opened_spider, project_crawler

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
URL = "https://thoidai.com.vn/a-206430.html"


@pytest.fixture
def crawler(tmp_path: Path) -> Iterator[Crawler]:
    """A thoidai crawler with a state, its run opened at `NOW`."""
    # Built once (a second crawler would find the state locked by the first).
    values = {name: getattr(project_settings, name) for name in dir(project_settings) if name.isupper()}
    values.update(STATE_URI=f"sqlite:///{tmp_path / 'state.db'}",
                  FEEDS={str(tmp_path / "out.jsonl"): {"format": "jsonlines"}})
    crawler = get_crawler(project_crawler("thoidai").spidercls, values)
    spider = opened_spider(crawler, clock=lambda: NOW)
    harvest = crawler.get_extension(HarvestState)
    assert harvest is not None
    harvest.clock = lambda: NOW
    harvest.spider_opened(spider)
    yield crawler
    harvest.store.close()


def harvest_state(crawler: Crawler) -> HarvestState:
    state = crawler.get_extension(HarvestState)
    assert state is not None
    return state


def remember(state: HarvestState, status: str, fetched_ago: timedelta, published_ago: timedelta | None) -> None:
    run = state.store.start_run("thoidai", NOW - fetched_ago)
    published = NOW - published_ago if published_ago is not None else None
    state.store.stage(run, Staged(url=URL, status=status, fetched_at=NOW - fetched_ago, content_hash="h",
                                  published_at=published))
    state.store.commit_run(run, finished_at=NOW - fetched_ago, report=None)


@pytest.mark.parametrize(
    ("known", "listed_modified", "passed"),
    [
        (None, None, True),  # never seen
        (("emitted", timedelta(hours=1), timedelta(days=1)), None, False),  # fetched an hour ago
        (("emitted", timedelta(hours=7), timedelta(days=1)), None, True),  # a young article, due every 6 hours
        (("emitted", timedelta(hours=1), timedelta(days=400)), NOW - timedelta(minutes=5), True),  # feed: changed
        (("rejected", timedelta(hours=7), None), None, True),  # retried after RETRY_AFTER
        (("skipped", timedelta(days=90), None), None, False),  # an infographic: never again
    ],
)
def test_article_requests_pass_when_due(
    crawler: Crawler, known: tuple[str, timedelta, timedelta | None] | None,
    listed_modified: datetime | None, passed: bool,
) -> None:
    state = harvest_state(crawler)
    if known is not None:
        remember(state, *known)
    middleware = SkipKnownArticles.from_crawler(crawler)
    listing = HtmlResponse("https://thoidai.com.vn/quoc-te", body=b"<html></html>",
                           request=Request("https://thoidai.com.vn/quoc-te"))
    requests = [Request(URL, meta={ARTICLE: listed_modified}), Request("https://thoidai.com.vn/quoc-te?p=2")]
    out = list(middleware.process_spider_output(listing, requests))
    assert [request.url for request in out] == ([URL] if passed else []) + ["https://thoidai.com.vn/quoc-te?p=2"]
    assert state.stats.get_value("harvest/articles_not_due") == (None if passed else 1)


def test_article_page_without_a_record_is_staged_as_skipped(crawler: Crawler) -> None:
    state = harvest_state(crawler)
    middleware = SkipKnownArticles.from_crawler(crawler)
    page = HtmlResponse(URL, body=b"<html></html>", request=Request(URL, meta={ARTICLE: None}))
    assert list(middleware.process_spider_output(page, [])) == []
    assert state.run_id is not None
    state.store.commit_run(state.run_id, finished_at=NOW, report=None)
    known = state.known(URL)
    assert known is not None and known.status == "skipped"


def test_a_redirect_dropped_while_its_target_redirects_on_is_known_as_the_final_page(crawler: Crawler) -> None:
    """A listed URL redirects to T, which the run asked for and which is itself being redirected to F: the
    duplicate filter drops the first redirect before F's outcome is in. It is known as F once F is read (it
    waited for T's own outcome, which never comes, and was recorded as missing)."""
    state = harvest_state(crawler)
    listed, target, final = (f"https://thoidai.com.vn/{name}-206430.html" for name in ("a", "t", "f"))
    state.request_dropped(Request(target, meta={ARTICLE: None, "redirect_urls": [listed]}))
    response = HtmlResponse(final, body=b"<html></html>",
                            request=Request(final, meta={ARTICLE: None, "redirect_urls": [target]}))
    state.stage(final, "emitted", response=response, content_hash="h", version=1)
    assert state.run_id is not None
    outcome = state.store.staged(state.run_id, listed)
    assert outcome is not None and (outcome.status, outcome.content_hash) == ("emitted", "h")
    assert state.aliases == {}


def test_a_record_hashed_by_a_state_written_before_the_image_query_rule_is_unchanged(crawler: Crawler) -> None:
    """States written before image URLs were hashed without their queries hold the older hash: the same
    content is still unchanged (else every thoidai article, whose images carry `?rt=`, came back once)."""
    import json

    from itemadapter import ItemAdapter

    from pipelines import Unchanged
    from pipelines.versions import DropUnchangedArticles
    from scrapers.harvest import content_hash
    from tests.harness import ROOT

    sample = ROOT / "samples" / "thoidai" / "article-le-hoi-giao-luu-van-hoa-viet-nhat.json"
    record = json.loads(sample.read_text(encoding="utf-8"))["items"][0]
    state = harvest_state(crawler)
    run = state.store.start_run("thoidai", NOW - timedelta(hours=1))
    state.store.stage(run, Staged(url=record["url"], status="emitted", fetched_at=NOW - timedelta(hours=1),
                                  content_hash=content_hash(ItemAdapter(record), image_queries=True), version=1))
    state.store.commit_run(run, finished_at=NOW - timedelta(hours=1), report=None)
    with pytest.raises(Unchanged):
        DropUnchangedArticles(crawler).process_item(dict(record))
    edited = {**record, "body": record["body"] + "\n\nCập nhật."}
    assert DropUnchangedArticles(crawler).process_item(edited)["version"] == 2


def test_a_canonical_url_is_known_only_for_the_content_it_was_named_with(crawler: Crawler) -> None:
    """A record is staged under the canonical URL its page names, so that a later run finds the story under another
    spelling of its link. That entry never stands for the canonical URL's own page (a template may name another
    article's address): that page is still fetched, is new, and an outcome of its own is never overwritten
    (the review of the change caught both); a canonical URL on another site is not recorded at all."""
    from itemadapter import ItemAdapter

    from pipelines import Unchanged
    from pipelines.versions import DropUnchangedArticles
    from scrapers.harvest import CANONICAL

    state = harvest_state(crawler)
    assert state.run_id is not None
    site = "https://thoidai.com.vn"

    def record(url: str, canonical: str | None, body: str) -> dict[str, object]:
        return {"url": url, "canonical_url": canonical, "title": "Tin", "body": body, "authors": [], "tags": [],
                "section": [], "images": [], "lead": None, "credit": None, "published_at": None, "updated_at": None,
                "published_raw": None, "version": 1}

    def next_run() -> None:
        state.store.commit_run(state.run_id, finished_at=NOW, report=None)  # type: ignore[arg-type]
        state.run_id = state.store.start_run("thoidai", NOW)

    own = record(f"{site}/a-1.html", None, "Bài A.")
    state.stage_record(ItemAdapter(own), "emitted")
    state.stage_record(ItemAdapter(record(f"{site}/b-2.html", f"{site}/a-1.html", "Bài B.")), "emitted")
    state.stage_record(ItemAdapter(record(f"{site}/c-3.html?pos=1", f"{site}/c-3.html", "Bài C.")), "emitted")
    state.stage_record(ItemAdapter(record(f"{site}/d-4.html", "https://www.reuters.com/d", "Bài D.")), "emitted")
    next_run()
    a, c = state.store.known(f"{site}/a-1.html"), state.store.known(f"{site}/c-3.html")
    assert a is not None and a.status == "emitted" and a.content_hash == state_hash(own)  # not B's
    assert c is not None and c.status == CANONICAL and state.is_due(f"{site}/c-3.html", None)
    assert state.store.known("https://www.reuters.com/d") is None
    pipeline = DropUnchangedArticles(crawler)
    with pytest.raises(Unchanged):  # the same story under another spelling of its link
        pipeline.process_item(record(f"{site}/c-3.html?pos=2", f"{site}/c-3.html", "Bài C."))
    # the canonical URL's own page, with content of its own: new, version 1
    assert pipeline.process_item(record(f"{site}/c-3.html", None, "Bài C, bản đầy đủ."))["version"] == 1
    with pytest.raises(Unchanged):  # the canonical URL's own page, with the story written under ?pos=1
        pipeline.process_item(record(f"{site}/c-3.html", None, "Bài C."))
    # A redirect to the canonical URL while its own fetch is in flight waits for its outcome, not the entry's.
    state.stage_record(ItemAdapter(record(f"{site}/e-5.html?pos=1", f"{site}/e-5.html", "Bài E.")), "emitted")
    state.request_dropped(Request(f"{site}/e-5.html", meta={ARTICLE: None, "redirect_urls": [f"{site}/y-6.html"]}))
    assert state.aliases == {f"{site}/e-5.html": [f"{site}/y-6.html"]}


def state_hash(record: dict[str, object]) -> str:
    from itemadapter import ItemAdapter

    from scrapers.harvest import content_hash

    return content_hash(ItemAdapter(record))


def test_a_listed_link_that_leaves_the_site_again_is_counted_as_before(crawler: Crawler) -> None:
    state = harvest_state(crawler)
    remember(state, "missing", timedelta(hours=7), None)
    offsite = Request("https://partner.example/story", meta={ARTICLE: None, "redirect_urls": [URL]})
    state.fetch_gave_up(offsite, "offsite")
    new = "https://thoidai.com.vn/moi-206999.html"
    state.fetch_gave_up(Request("https://partner.example/other", meta={ARTICLE: None, "redirect_urls": [new]}),
                        "offsite")
    assert crawler.stats is not None
    assert crawler.stats.get_value("fetch/failed_as_before/offsite") == 1  # the first time counts as an error
    assert state.run_id is not None
    assert [getattr(state.store.staged(state.run_id, url), "status", None) for url in (URL, new)] == [
        "missing", "missing"]


def test_a_redirect_to_a_page_whose_fetch_failed_by_chance_is_left_for_the_next_run(crawler: Crawler) -> None:
    """Its target timed out (no outcome): it was recorded as missing and not asked for 6 hours, while the target
    itself was asked again next run (the review of the change). A redirect to a listing is missing."""
    state = harvest_state(crawler)
    listed, timed_out = "https://thoidai.com.vn/a-206001.html", "https://thoidai.com.vn/t-206002.html"
    taken_down, section = "https://thoidai.com.vn/b-206003.html", "https://thoidai.com.vn/quoc-te"
    state.request_dropped(Request(timed_out, meta={ARTICLE: None, "redirect_urls": [listed]}))
    state.request_dropped(Request(section, meta={ARTICLE: None, "redirect_urls": [taken_down]}))
    assert state.spider is not None
    state.spider.listings.add(section)  # type: ignore[attr-defined]
    assert state.run_id is not None
    state.finish_run(state.run_id)
    known = state.store.known(taken_down)
    assert state.store.known(listed) is None and known is not None and known.status == "missing"


@pytest.mark.parametrize("unstage_fails", [False, True])
def test_a_run_whose_rejects_were_not_written_keeps_its_articles_unless_dropping_the_rejects_fails(
    crawler: Crawler, monkeypatch: pytest.MonkeyPatch, unstage_fails: bool
) -> None:
    # The rejects file could not be written: the run is kept without its rejects. When dropping them fails too
    # (a state error), nothing of the run is kept: it was committed with its reject, which then sat in the
    # state as rejected, in no file (the review of the change).
    state = harvest_state(crawler)
    assert state.run_id is not None
    rejected = "https://thoidai.com.vn/b-206431.html"
    state.store.stage(state.run_id, Staged(url=URL, status="emitted", fetched_at=NOW, content_hash="h"))
    state.store.stage(state.run_id, Staged(url=rejected, status="rejected", fetched_at=NOW))
    note_error(crawler.stats, "rejects", "rejects.jsonl.part not written: OSError: x")
    if unstage_fails:
        def fails(run_id: int, status: str) -> None:
            raise sqlite3.OperationalError("disk I/O error")
        monkeypatch.setattr(state.store, "unstage", fails)
    state.finish_run(state.run_id)
    (run,) = [entry for entry in state.store.runs() if entry.id == state.run_id]
    assert run.status == ("rolled_back" if unstage_fails else "committed")
    assert state.store.known(rejected) is None
    assert (state.store.known(URL) is None) == unstage_fails
