"""Trace files as hostile input: Mooncake JSONL, the Azure public trace CSV and OTLP JSON GenAI spans read
to send times and lengths; unsorted times, bad lengths, lengths past the context, an unknown format,
random bytes and truncation each give one line naming the file and line."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from econ.base.errors import FieldError
from profiles.load.lengths import parse_length
from profiles.load.request_plan import RequestPlan
from profiles.load.traces import MOONCAKE_BLOCK_TOKENS, read_trace

MOONCAKE = "\n".join(json.dumps(r) for r in [
    {"timestamp": 0, "input_length": 600, "output_length": 10, "hash_ids": [1, 2]},
    {"timestamp": 250, "input_length": 700, "output_length": 12, "hash_ids": [1, 3]},
    {"timestamp": 1000, "input_length": 100, "output_length": 5},
]) + "\n"
AZURE = ("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n"
         "2023-11-16 18:15:50.9951690,396,109\n2023-11-16 18:15:51.0000000,879,4\n")


def otlp(spans: list[dict]) -> str:
    return json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": spans}]}]})


def span(start_ns: int, tokens_in: int | None, tokens_out: int | None) -> dict:
    attributes = [{"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}}]
    if tokens_in is not None:
        attributes.append({"key": "gen_ai.usage.input_tokens", "value": {"intValue": str(tokens_in)}})
    if tokens_out is not None:
        attributes.append({"key": "gen_ai.usage.output_tokens", "value": {"intValue": str(tokens_out)}})
    return {"name": "chat m", "startTimeUnixNano": str(start_ns), "attributes": attributes}


def write(tmp_path, text: str, name: str = "trace.jsonl") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_a_mooncake_trace_gives_send_times_in_seconds_lengths_and_shared_blocks(tmp_path):
    trace = read_trace(write(tmp_path, MOONCAKE))
    assert trace.format == "mooncake" and trace.offsets_s.tolist() == [0.0, 0.25, 1.0]
    assert trace.input_tokens.tolist() == [600, 700, 100] and trace.hash_ids == [[1, 2], [1, 3], []]
    assert trace.mean_rate_per_s == 2.0  # 2 gaps over 1 s


def test_the_azure_csv_keeps_sub_microsecond_timestamps_to_the_microsecond(tmp_path):
    trace = read_trace(write(tmp_path, AZURE, "azure.csv"))
    # 18:15:50.995169 - 18:15:46.680590 = 4.314579 s
    assert trace.format == "azure" and trace.offsets_s[1] == pytest.approx(4.314579, abs=1e-6)
    assert trace.output_tokens.tolist() == [44, 109, 4]


def test_otlp_genai_spans_are_sorted_and_spans_without_counts_skipped(tmp_path):
    text = otlp([span(3_000_000_000, 50, 5), span(1_000_000_000, 10, 2), span(2_000_000_000, None, 3)])
    trace = read_trace(write(tmp_path, text, "spans.json"))
    assert trace.format == "otlp" and trace.offsets_s.tolist() == [0.0, 2.0]
    assert trace.input_tokens.tolist() == [10, 50] and trace.skipped == 1


def test_mooncake_requests_naming_the_same_hash_id_share_that_block():
    from profiles.load.traces import Trace

    trace = Trace("t", "mooncake", np.array([0.0, 1.0]), np.array([600, 700]), np.array([4, 4]),
                  hash_ids=[[1, 2], [1, 3]])
    plan = RequestPlan(parse_length("1", "x"), parse_length("2", "y"), 0, 2, vocab_size=1000, trace=trace)
    first, second = plan.prompt(0, 0), plan.prompt(1, 0)
    assert len(first) == 600 and len(second) == 700
    assert first[:MOONCAKE_BLOCK_TOKENS] == second[:MOONCAKE_BLOCK_TOKENS]
    assert first[MOONCAKE_BLOCK_TOKENS:] != second[MOONCAKE_BLOCK_TOKENS:600]


@pytest.mark.parametrize("text, name, message", [
    ('{"timestamp": 5, "input_length": 3, "output_length": 2}\n'
     '{"timestamp": 1, "input_length": 3, "output_length": 2}\n', "t.jsonl",
     "line 2: timestamp goes back in time"),
    ('{"timestamp": 0, "input_length": -3, "output_length": 2}\n', "t.jsonl",
     "line 1: input_length: must be a positive token count, got -3"),
    ('{"timestamp": 0, "input_length": 3}\n', "t.jsonl", "line 1: expected an object with timestamp"),
    ('{"timestamp": 0, "input_length": 3, "output_length": 2}\n{"timestamp": 1, "inp', "t.jsonl",
     "line 2: column 18: not valid JSON"),
    ("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.68,374,44\n2023-11-16 18:15:45.0,1,1\n",
     "a.csv", "line 3: TIMESTAMP goes back in time"),
    ("TIMESTAMP,ContextTokens,GeneratedTokens\nyesterday,374,44\n", "a.csv", "line 2: TIMESTAMP: expected"),
    ("time,in,out\n1,2,3\n", "a.csv", "line 1: unknown trace format"),
])
def test_a_bad_trace_is_one_line_naming_the_file_and_line(tmp_path, text, name, message):
    path = write(tmp_path, text, name)
    with pytest.raises(FieldError) as caught:
        read_trace(path)
    assert str(caught.value).startswith(f"--trace: {path}") and message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_request_past_the_models_context_is_refused_naming_its_line(tmp_path):
    with pytest.raises(FieldError,
                       match=r"line 2: input \+ output = 712 tokens, past the model's context of 650"):
        read_trace(write(tmp_path, MOONCAKE), context_tokens=650)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400),
       head=st.sampled_from([b"", b"{", b"TIMESTAMP,ContextTokens,GeneratedTokens\n",
                                                            b'{"resourceSpans": ']))
def test_random_bytes_are_read_or_refused_in_one_line(tmp_path, data, head):
    path = tmp_path / "random.trace"
    path.write_bytes(head + data)
    try:
        read_trace(str(path))
    except FieldError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("--trace: ")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=st.sampled_from([MOONCAKE, AZURE, otlp([span(1, 5, 2), span(2, 6, 3)])]),
       cut=st.integers(0, 400))
def test_a_truncated_trace_is_read_or_refused_in_one_line(tmp_path, source, cut):
    path = tmp_path / "cut.trace"
    path.write_text(source[:cut])
    try:
        read_trace(str(path))
    except FieldError as exc:
        assert "\n" not in str(exc)
