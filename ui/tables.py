"""Tables the pages show and the charts read, built from econ objects (profiles, evaluations).

Imports pandas and econ; no streamlit, no cost math: these only rearrange and label econ's numbers.
Measured and estimated numbers are labelled as such in every column header that shows them.
"""

from __future__ import annotations

import pandas as pd

import econ
from econ.chain.evaluate import HEADLINE
from econ.io.formats import FORMATTERS, si
from econ.model.profile import Profile
from ui import format as fmt

PROVENANCE_LABEL = {"measured": "Measured", "estimated": "Estimated (not measured)"}


def provenance_label(profile: Profile) -> str:
    """'Measured' or 'Estimated (not measured)', with 'partial' when the sweep was interrupted."""
    label = PROVENANCE_LABEL[profile.provenance]
    if profile.served:
        engine = profile.environment.engine if profile.environment else None
        label = f"{label}, served{f' through {engine}' if engine else ''}"
    return f"{label}, partial sweep" if profile.partial else label


def points_frame(profile: Profile, series: str, chosen_batch: int | None = None) -> pd.DataFrame:
    """One row per fitting batch size: the throughput–latency chart's input."""
    rows = [
        {
            "series": series,
            "batch_size": p.batch_size,
            "decode_tokens_per_s": p.decode_tokens_per_s,
            "tpot_ms_p99": p.tpot_ms.p99,
            "ttft_ms_p99": p.ttft_ms.p99,
            "requests_per_s": p.requests_per_s,
            "chosen": p.batch_size == chosen_batch,
        }
        for p in profile.fitting_points()
        if p.decode_tokens_per_s is not None
    ]
    return pd.DataFrame(rows, columns=["series", "batch_size", "decode_tokens_per_s", "tpot_ms_p99",
                                       "ttft_ms_p99", "requests_per_s", "chosen"])


def points_table(profile: Profile) -> pd.DataFrame:
    """Every point of a profile for display, units in headers, 'measured'/'estimated' in each header."""
    kind = "measured" if profile.provenance == "measured" else "estimated"
    rows = []
    for p in profile.points:
        rows.append({
            "batch": p.batch_size,
            f"decode tokens/s ({kind})": p.decode_tokens_per_s,
            f"MBU vs measured peak ({kind})": p.mbu,
            f"MBU vs spec ({kind})": p.mbu_spec,
            f"MFU vs measured peak ({kind})": p.mfu,
            f"MFU vs spec ({kind})": p.mfu_spec,
            f"p99 TTFT, ms ({kind})": p.ttft_ms.p99 if p.ttft_ms else None,
            f"p99 TPOT, ms ({kind})": p.tpot_ms.p99 if p.tpot_ms else None,
            f"requests/s ({kind})": p.requests_per_s,
            f"peak memory, GiB ({kind})": p.peak_memory_gib,
            "fits in memory": not p.oom,
        })
    return pd.DataFrame(rows)


def profile_row(name: str, profile: Profile | Exception) -> dict:
    """One line of the profile browser: what, where, how it was obtained (or why it is unreadable)."""
    if isinstance(profile, Exception):
        return {"file": name, "model": "—", "hardware": "—", "how obtained": "unreadable",
                "dtype": "—", "batch sizes": "—", "best requests/s": None, "problem": str(profile)}
    fitting = profile.fitting_points()
    return {
        "file": name,
        "model": profile.model.name,
        "hardware": profile.hardware.catalog_name or profile.hardware.name,
        "how obtained": provenance_label(profile),
        "dtype": profile.model.dtype or "—",
        "batch sizes": (", ".join(f"{p.load.kind} {p.load.value:g}" for p in profile.points) if profile.served
                        else ", ".join(str(p.batch_size) for p in profile.points)),
        "best requests/s": max((p.requests_per_s for p in fitting), default=None),
        "problem": "",
    }


def profile_facts(profile: Profile) -> pd.DataFrame:
    """Key/value facts of one profile for a side-by-side comparison."""
    hw, model = profile.hardware, profile.model
    facts = {
        "How obtained": provenance_label(profile),
        "Model": f"{model.name} ({_count(model.parameters) if model.parameters else '?'} parameters, "
                 f"{model.dtype or 'dtype not reported'})",
        "Hardware": f"{hw.name} × {hw.gpu_count:g} ({hw.device})",
        "Workload": f"{profile.workload.input_tokens} in / {profile.workload.output_tokens} out tokens",
        "Bandwidth, GB/s (spec / measured)": f"{_num(hw.bandwidth_gb_per_s_spec)} / "
                                             f"{_num(hw.bandwidth_gb_per_s_measured)}",
        "FLOP/s (spec / measured)": f"{_sci(hw.flop_per_s_spec)} / {_sci(hw.flop_per_s_measured)}",
        "Training tokens/s": _num(profile.training.tokens_per_s) if profile.training else "—",
        "Created": profile.created_at or "—",
    }
    return pd.DataFrame({"": list(facts), "value": list(facts.values())})


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _sci(value: float | None) -> str:
    """FLOP/s as 989T / 102G."""
    return si(value, none="—")


def _count(value: int) -> str:
    """Parameter counts: 8.03G reads badly for parameters, so B for billions, M for millions."""
    return si(value).replace("G", " B").replace("M", " M").replace("T", " T")


DELTA_KINDS = {"months", "usd", "usd_precise", "per_day"}  # headline kinds whose change reads as a delta


def headline_comparison(a: econ.Evaluation, b: econ.Evaluation) -> pd.DataFrame:
    """Readable headline of two evaluations and the change B − A, one row per metric."""
    rows = []
    for item in HEADLINE:
        new, old = getattr(b, item.name), getattr(a, item.name)
        show = FORMATTERS[item.kind]
        change = (fmt.delta(new, old, item.kind) or "same") if item.kind in DELTA_KINDS else ""
        rows.append({"": item.label, "A": show(old), "B": show(new), "B − A": change})
    return pd.DataFrame(rows)
