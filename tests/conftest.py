"""A real redis-server for the tests that need one: started on 127.0.0.1 at a free port for the session
(no persistence), emptied before each test that asks for it, stopped at the end. And each test's outcome on its
item (`report_setup`, `report_call`), for the fixtures that add what a failure needs to be understood."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
import redis

from tests.loopback import free_port


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport,
                                                                                           pytest.TestReport]:
    """Keep each phase's report on the test's item, where its fixtures find it when they are torn down."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a redis-server of this test session."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is not installed (apt-get install redis-server; .ci/run does it)"
    port = free_port()
    folder: Path = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(folder), "--logfile", str(folder / "redis.log")],
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(100):  # up to 5 s to answer
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            raise RuntimeError(f"redis-server did not answer on port {port}: {(folder / 'redis.log').read_text()}")
        yield url
    finally:
        client.close()
        server.terminate()
        server.wait(10)


@pytest.fixture
def redis_url(redis_server: str) -> Iterator[str]:
    """The session's redis-server, emptied for this test."""
    client = redis.Redis.from_url(redis_server)
    client.flushall()
    client.close()
    yield redis_server
