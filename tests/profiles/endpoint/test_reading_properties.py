"""The load client's reader fed random, truncated and mangled streams by a real local server (issue 21):
every answer is a record, ok or with a one-line error; `send` never raises, whatever the bytes, whether
or not they claim to be gzip. Listens on 127.0.0.1 only."""

from __future__ import annotations

import asyncio
import gzip
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("aiohttp")

from econ.base.types import MAX_TOKENS  # noqa: E402
from profiles.backends.endpoint.client import Client, Endpoint  # noqa: E402
from tests.fault_server import running_server  # noqa: E402

REPLAY: dict = {"body": b""}
GOOD_STREAM = b"".join(
    [b'data: {"choices": [{"index": 0, "text": "x"}], "usage": null}\n\n'] * 3
    + [b"data: " + json.dumps({"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 3}}).encode()
       + b"\n\n", b"data: [DONE]\n\n"])
PIECES = [b"\n", b"\r\n", b"data:", b"data: [DONE]", b"{", b"[" * 60, b'"usage": {"prompt_tokens": -1}',
          b"\x00", b"\xff\xfe", b": comment\n", b'{"error": "x"}', b"1" * 5000]
PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                          HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def base():
    with running_server(replay=REPLAY) as url:
        yield url


def send(base: str, body: bytes, gzipped: bool, status: int = 200, claims_gzip: bool = False):
    """One request answered with `body` (gzip-compressed, or only labelled gzip); the record, checked."""
    REPLAY.update(body=gzip.compress(body) if gzipped else body, status=status,
                  headers={"Content-Encoding": "gzip"} if gzipped or claims_gzip else {})

    async def one():
        endpoint = Endpoint(f"{base}/replay/v1", "m")
        async with Client(endpoint, timeout_s=10) as client:
            return await client.send(endpoint.body([1, 2, 3], 3))

    record = asyncio.run(one())
    if record.error is not None:
        assert "\n" not in record.error and record.error.strip()
    else:
        assert record.chunk_s and record.ended_s is not None
        for count in (record.prompt_tokens, record.output_tokens):
            assert count is None or (isinstance(count, int) and 0 <= count <= MAX_TOKENS)
    return record


@st.composite
def mangled(draw) -> bytes:
    data = bytearray(GOOD_STREAM)
    for _ in range(draw(st.integers(1, 4))):
        at, cut = draw(st.integers(0, len(data))), draw(st.integers(0, 30))
        data[at:at + cut] = draw(st.one_of(st.binary(max_size=30), st.sampled_from(PIECES)))
    return bytes(data)


def test_the_good_stream_is_ok_plain_and_gzipped(base):
    for gzipped in (False, True):
        record = send(base, GOOD_STREAM, gzipped)
        assert record.ok and len(record.chunk_s) == 3 and record.output_tokens == 3


@PROPERTY
@given(data=st.binary(max_size=2000), gzipped=st.booleans(), status=st.sampled_from([200, 500]))
def test_random_bytes_are_a_record(base, data, gzipped, status):
    send(base, data, gzipped, status)


@PROPERTY
@given(fraction=st.floats(0, 1), gzipped=st.booleans())
def test_a_truncated_stream_is_a_record(base, fraction, gzipped):
    truncated = GOOD_STREAM[:int(len(GOOD_STREAM) * fraction)]
    record = send(base, truncated, gzipped)
    if b"data: [DONE]" not in truncated:
        assert not record.ok and record.error is not None


@PROPERTY
@given(data=mangled(), gzipped=st.booleans())
def test_a_mangled_stream_is_a_record(base, data, gzipped):
    send(base, data, gzipped)


@PROPERTY
@given(data=st.binary(min_size=10, max_size=500))
def test_bytes_that_claim_to_be_gzip_and_are_not_are_a_record(base, data):
    assert send(base, data, gzipped=False, claims_gzip=True).error is not None
