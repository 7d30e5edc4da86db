"""The load client against a hostile local server (issue 21): it never follows a redirect, bounds every
line, event and body it reads, turns every client-library exception into a recorded error (or one line at
the probe), and treats the server's usage counts as untrusted input. Servers listen on loopback only."""

from __future__ import annotations

import asyncio
import tracemalloc
import warnings

import pytest

pytest.importorskip("aiohttp")

from econ.model.profile import load_profile  # noqa: E402
from profiles.backends.endpoint.client import Client, Endpoint  # noqa: E402
from profiles.backends.endpoint.reading import (  # noqa: E402
    MAX_ERROR_BODY_BYTES,
    MAX_SSE_LINE_BYTES,
)
from profiles.cli import main  # noqa: E402
from tests.fault_server import OTHER_LOOPBACK, other_address_listener, running_server  # noqa: E402

QUICK = ["--served-model", "m", "--input-tokens", "8", "--output-tokens", "4", "--requests", "4",
         "--warmup", "1", "--min-seconds", "0", "--timeout-s", "5"]


@pytest.fixture(scope="module")
def server():
    with running_server() as base:
        yield base


def load(capsys, base: str, fault: str, out, *extra: str) -> tuple[int, str]:
    code = main(["load", "--url", f"{base}/{fault}/v1", *QUICK, "--out", str(out), *extra])
    return code, capsys.readouterr().err


@pytest.fixture
def second_address():
    with other_address_listener() as (url, peers):
        if url is None:
            pytest.skip(f"{OTHER_LOOPBACK} is not a loopback address here")
        yield url, peers


def test_a_redirect_to_another_address_is_refused_and_never_followed(second_address, tmp_path, capsys):
    target, seen = second_address
    out = tmp_path / "r.json"
    with running_server(redirect_to=target) as base:
        code, err = load(capsys, base, "redirect", out, "--rates", "5", "--api-key-env", "HOME")
    assert seen == [], f"the client connected to {target}: {seen}"
    assert code == 2 and len(err.strip().splitlines()) == 1 and not out.exists()
    assert "HTTP 307 redirect to" in err and target in err and "not followed" in err


@pytest.mark.parametrize("fault, message", [
    ("bigline", f"an SSE line longer than {MAX_SSE_LINE_BYTES:,} bytes"),
    ("gzipline", f"an SSE line longer than {MAX_SSE_LINE_BYTES:,} bytes"),
    ("deepjson", "malformed JSON in the stream"),
    ("usageneg", "usage.prompt_tokens -1 is not a count in 0..10,000,000"),
    ("usagehuge", "usage.completion_tokens 1000000000000 is not a count in 0..10,000,000"),
    ("gzipbomb", "HTTP 500 from"),
])
def test_a_hostile_answer_inside_a_point_is_a_recorded_error(server, tmp_path, capsys, fault, message):
    out = tmp_path / f"{fault}.json"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Task exception was never retrieved" and friends
        code, err = load(capsys, server, fault, out, "--concurrency", "2")
    assert code == 0 and err.count("\n") == 1 and "Traceback" not in err and "never retrieved" not in err, err
    point = load_profile(out).points[0]
    assert point.errors is not None and point.errors.count == point.repeats + point.errors.count
    assert message in point.errors.first[0], point.errors.first


@pytest.mark.parametrize("fault, message", [
    ("deadbigline", "an SSE line longer than"),
    ("deadusageneg", "usage.prompt_tokens -1 is not a count"),
])
def test_a_hostile_answer_to_the_probe_is_one_line(server, tmp_path, capsys, fault, message):
    out = tmp_path / "p.json"
    code, err = load(capsys, server, fault, out, "--rates", "5")
    assert code == 2 and len(err.strip().splitlines()) == 1 and message in err and not out.exists(), err


def test_a_compressed_error_body_is_read_only_up_to_its_cap(server):
    # The body inflates to 1 GiB; the client reads at most MAX_ERROR_BODY_BYTES of it (the old client read
    # it all, peaking near 2.2 GB). tracemalloc sees every bytes object the inflation allocates.
    async def one() -> str | None:
        async with Client(Endpoint(f"{server}/gzipbomb/v1", "m"), timeout_s=30) as client:
            record = await client.send(Endpoint(server, "m").body([1, 2, 3], 8))
        return record.error

    tracemalloc.start()
    try:
        error = asyncio.run(one())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error is not None and error.startswith("HTTP 500 from")
    assert peak < 64 * MAX_ERROR_BODY_BYTES + 16 * 2**20, f"peak {peak / 2**20:.0f} MiB"


def test_an_empty_out_name_is_refused_before_any_request(server, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, err = load(capsys, server, "ok", "", "--rates", "5")
    assert code == 2 and "--out" in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("status, headers, message", [
    # aiohttp's header limit: a parser error, not a ClientError
    (200, {"X-Big": "a" * 100_000}, "failed: 400"),
    (200, {"Content-Encoding": "br"}, "Content-Encoding 'br' is not one this client reads"),
    (302, {"Location": "/v2/" + "x" * 500}, "HTTP 302 redirect to /v2/xxx"),
    (301, {}, "HTTP 301 redirect to (no Location header) not followed"),
])
def test_other_hostile_answers_are_one_line_errors(status, headers, message):
    replay = {"body": b"data: [DONE]\n\n", "status": status, "headers": headers}

    async def one(base: str):
        endpoint = Endpoint(f"{base}/replay/v1", "m")
        async with Client(endpoint, timeout_s=5) as client:
            return await client.send(endpoint.body([1, 2], 3))

    with running_server(replay=replay) as base:
        error = asyncio.run(one(base)).error
    assert error is not None and message in error and "\n" not in error and len(error) < 400, error
