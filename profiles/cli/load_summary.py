"""The table `python -m profiles load` prints at the end: each point's latencies, rate and attainment,
its price ($/1M output tokens, $/1k requests) where a GPU price was given, the server's view, the
lengths asked for and counted, and the capacity with its binding limit and price.

Imports the schema, `profiles.load.pricing` and the CLI's number format; prints (it is a CLI module).
"""

from __future__ import annotations

from econ.model.profile import Point, Profile
from econ.model.workload import LengthDistribution, LengthStats
from profiles.cli.store import fmt
from profiles.load.pricing import ReplicaPrice


def _p99(value) -> str:
    return fmt(value.p99 if value else None)


def _view(point: Point) -> str | None:
    view = point.server
    if view is None or view.status == "absent":
        return None
    if view.status == "missing":
        return f"server view missing ({view.note})"
    parts = []
    if view.kv_cache_usage:
        parts.append(f"KV cache mean {view.kv_cache_usage.mean:.1%} max {view.kv_cache_usage.max:.1%} "
                     f"at {view.kv_cache_usage.at_max_s:.1f} s")
    if view.waiting:
        parts.append(f"waiting max {view.waiting.max:g}")
    if view.preemptions is not None:
        parts.append(f"{view.preemptions} preemptions")
    if view.prefix_cache_hit_rate is not None:
        parts.append(f"prefix-cache hit rate {view.prefix_cache_hit_rate:.1%}")
    return "server: " + ", ".join(parts) if parts else None


def _mean_p50_p99(tokens: LengthStats) -> str:
    return f"mean {tokens.mean:.1f} p50 {tokens.p50:.0f} p99 {tokens.p99:.0f}"


def _lengths(name: str, lengths: LengthDistribution | None) -> str | None:
    if lengths is None:
        return None
    line = f"{name} tokens {lengths.spec}: asked {_mean_p50_p99(lengths.requested)}"
    got = lengths.realised
    return line + (f"; counted by the server {_mean_p50_p99(got)}" if got
                   else "; the server gave no usage counts")


def print_summary(profile: Profile, kind: str, price: ReplicaPrice | None, path, interrupted: bool) -> None:
    unit = "req/s" if kind == "rate" else "in flight"
    print(f"{profile.model.name} via {profile.environment.engine} at {profile.environment.endpoint}")
    for line in (_lengths("prompt", profile.workload.input_lengths),
                 _lengths("output", profile.workload.output_lengths)):
        if line:
            print(line)
    priced = f" {'$/1M out':>9} {'$/1k req':>9}" if price else ""
    print(f"{kind:>11} {'achieved/s':>10} {'TTFT p99 ms':>11} {'TPOT p99 ms':>11} {'E2E p99 ms':>10} "
          f"{'out tok/s':>9} {'attain':>6} {'errors':>6}{priced}")
    for p in profile.points:
        cost = (f" {fmt(price.per_mtok_output(p.output_tokens_per_s)):>9} "
                f"{fmt(price.per_kreq(p.requests_per_s)):>9}"
                if price else "")
        print(f"{p.load.value:>11g} {fmt(p.requests_per_s):>10} {_p99(p.ttft_ms):>11} {_p99(p.tpot_ms):>11} "
              f"{_p99(p.e2e_ms):>10} {fmt(p.output_tokens_per_s):>9} {fmt(p.slo_attainment, 3):>6} "
              f"{p.errors.count if p.errors else 0:>6}{cost}")
        if p.errors:
            print(f"{'':>11} first error: {p.errors.first[0]}")
        if view := _view(p):
            print(f"{'':>11} {view}")
    if price:
        print(f"priced at {price.gpus:g} GPU × ${price.usd_per_gpu_hour:g}/h ({price.source}): the replica's "
              "whole bill over what it served at each load")
    if profile.capacity:
        _print_capacity(profile, kind, unit, price)
    state = "PARTIAL profile (interrupted)" if interrupted else "served profile"
    print(f"{state} written to {path}")


def _print_capacity(profile: Profile, kind: str, unit: str, price: ReplicaPrice | None) -> None:
    c = profile.capacity
    if c.load is not None:
        answer = f"{fmt(c.requests_per_s)} req/s achieved at {kind} {c.load:g} {unit}"
    else:
        answer = "none"
    print(f"capacity at the SLO (attainment ≥ {c.attainment:g}): {answer}; {c.ended}")
    if price and c.load is not None:
        point = next(p for p in profile.points if p.load.value == c.load)
        print(f"capacity price: ${fmt(price.per_mtok_output(point.output_tokens_per_s))} per 1M output "
              f"tokens, ${fmt(price.per_kreq(point.requests_per_s))} per 1k requests")
    if c.binding_limit:
        print(f"binding limit: {c.binding_limit}")
