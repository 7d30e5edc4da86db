"""Quality evidence as the `python -m econ quality` outputs: a text report, the JSON contract and a CSV curve.

Imports pandas and the `econ` evidence modules; returns strings and dicts (library code does not print).
JSON keys (public contract): `sources` {name: {n, errors, error_rate, ci95}}, `production_gap`
{points, ci95} or null, `router` [{threshold, fallback_rate, error_rate}], `best` {threshold, npv_usd,
payback_months} with a scenario, `warnings`; plus `measured_on`, `npv_curve` and per-source
`rows`/`n_effective`. Every rate is labelled as measured on the samples given.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from econ.evidence.proportions import Proportion
from econ.evidence.rates import GradedSampleRates
from econ.io.formats import usd
from econ.io.serialize import json_ready
from econ.risk.threshold import ThresholdSweep

# Thresholds the text report shows when no scenario is swept: every tenth of confidence.
REPORT_THRESHOLDS = tuple(np.round(np.linspace(0.0, 1.0, 11), 1))


def _count(value: float, weighted: bool) -> float | int:
    return float(value) if weighted else int(round(value))


def _source(p: Proportion, weighted: bool) -> dict:
    return {"n": _count(p.total, weighted), "errors": _count(p.count, weighted), "error_rate": p.rate,
            "ci95": list(p.ci95), "rows": p.rows, "n_effective": p.n_effective}


def evidence_dict(evidence: GradedSampleRates, sweep: ThresholdSweep | None = None) -> dict:
    """The JSON contract of `python -m econ quality` (see the module docstring)."""
    router = evidence.router
    out = {
        "measured_on": evidence.measured_on(),
        "sources": {name: _source(p, evidence.weighted) for name, p in evidence.sources.items()},
        "production_gap": None if evidence.production_gap is None else {
            **evidence.production_gap.to_dict(), "words": evidence.production_gap.words()},
        "teacher_error": None if evidence.teacher_error is None else _source(evidence.teacher_error,
                                                                              evidence.weighted),
        "router_rows": "production" if evidence.router_on_production else "all",
        "router": [] if router is None else [
            {"threshold": float(t), "fallback_rate": float(f), "error_rate": float(e)}
            for t, f, e in zip(router.threshold, router.fallback_rate, router.error_rate, strict=True)],
        "warnings": list(evidence.warnings),
    }
    if sweep is not None:
        out["best"] = sweep.to_dict()
        out["best_words"] = sweep.words()
        out["npv_curve"] = [{"threshold": float(r.threshold), "npv_usd": float(r.npv_usd),
                             "payback_months": r.payback_months} for r in sweep.curve.itertuples()]
    return json_ready(out)


def curve_frame(evidence: GradedSampleRates, sweep: ThresholdSweep | None = None) -> pd.DataFrame:
    """The router curve (with NPV and payback per threshold when swept) for `--format csv`."""
    if sweep is not None:
        return sweep.curve.copy()
    if evidence.router is None:
        raise ValueError(f"{evidence.origin}: no student_confidence column, so there is no router curve for "
                         "--format csv (use --format json for the per-source rates)")
    r = evidence.router
    return pd.DataFrame(
        {"threshold": r.threshold, "fallback_rate": r.fallback_rate, "error_rate": r.error_rate})


def _pct(p: float) -> str:
    return f"{p:.1%}"


def _sources_text(evidence: GradedSampleRates) -> list[str]:
    frame = evidence.to_frame()
    table = pd.DataFrame({"source": frame["source"], "rows": frame["rows"], "errors": frame["errors"],
                          "error rate": frame["error_rate"].map(_pct),
                          "95% CI (Wilson)": [f"{_pct(lo)}–{_pct(hi)}" for lo, hi in
                                              zip(frame["ci95_low"], frame["ci95_high"], strict=True)]})
    formatters = {"errors": (lambda v: f"{v:,.1f}") if evidence.weighted else (lambda v: f"{v:,.0f}")}
    lines = table.to_string(index=False, formatters=formatters).splitlines()
    if evidence.weighted:
        lines.append("(weighted: rates are weighted means; intervals use Kish effective counts)")
    return lines


def _router_text(evidence: GradedSampleRates, sweep: ThresholdSweep | None) -> list[str]:
    where = "production rows" if evidence.router_on_production else "ALL rows (no production rows)"
    head = [f"Router: below the threshold → teacher; measured on {where}"]
    if sweep is None:
        rows = [evidence.router.at(t) for t in REPORT_THRESHOLDS]
        table = pd.DataFrame({"threshold": [r.threshold for r in rows],
                              "fallback": [_pct(r.fallback.rate) for r in rows],
                              "residual errors": [_pct(r.residual_error.rate) for r in rows]})
        return head + table.to_string(index=False).splitlines()
    curve = sweep.curve
    shown = np.unique(np.linspace(0, len(curve) - 1, min(len(curve), 11)).round().astype(int))
    shown = sorted(
        set(shown.tolist()) | set(np.flatnonzero(curve["threshold"] == sweep.best_threshold).tolist()))
    table = curve.iloc[shown]
    head.append(f"NPV at {len(curve)} of {sweep.swept_of} thresholds (★ = best):")
    body = table.to_string(index=False, na_rep="never", formatters={
        "threshold": lambda v: f"{v:.3g}" + (" ★" if v == sweep.best_threshold else ""),
        "fallback_rate": _pct, "error_rate": _pct, "npv_usd": usd,
        "payback_months": lambda v: f"{v:.1f}",
    }).splitlines()
    return head + body + ["", sweep.words()]


def evidence_text(evidence: GradedSampleRates, sweep: ThresholdSweep | None = None) -> str:
    """The human report: what was measured, per-source rates, the gap in words, the router, warnings."""
    lines = [f"Quality evidence ({evidence.measured_on()}; measured, not assumed)", ""]
    lines += _sources_text(evidence) + [""]
    gap = evidence.production_gap
    lines.append(
        "Gap: " + (gap.words() if gap is not None else "not measured (needs production and other rows)"))
    if evidence.teacher_error is not None:
        t = evidence.teacher_error
        lines.append(f"Teacher error rate: {_pct(t.rate)} (95% CI {_pct(t.ci95[0])}–{_pct(t.ci95[1])})")
    if evidence.router is not None:
        lines += [""] + _router_text(evidence, sweep)
    if evidence.warnings:
        lines += [""] + [f"warning: {w}" for w in evidence.warnings]
    return "\n".join(lines)
