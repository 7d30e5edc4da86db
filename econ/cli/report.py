"""Plain-text rendering of an evaluation for terminals: the headline and the monthly table.

Imports pandas and `econ.chain.evaluate`/`econ.io.formats`/`econ.model.plausibility`/`econ.risk.verdict`
only. Library code does not print; this returns strings.
"""

from __future__ import annotations

from econ.chain.evaluate import HEADLINE, Evaluation
from econ.io.formats import FORMATTERS, usd
from econ.model.plausibility import output_flags
from econ.risk.verdict import Verdict


def headline_text(result: Evaluation) -> str:
    """The headline answer as aligned lines, one per HEADLINE entry, then the warnings."""
    s = result.scenario
    rows = [("scenario", s.name)]
    notes = {f.fields[0]: f.message for f in output_flags(result.headline())}
    for item in HEADLINE:
        note = f"  ({notes[item.name]})" if item.name in notes else ""
        rows.append((item.label_for(s), FORMATTERS[item.kind](getattr(result, item.name)) + note))
    if "student_training_usd" in result.upfront_lines_usd:  # a distillation run: every phase on its own line
        rows += [(f"  {name.removesuffix('_usd').replace('_', ' ')}", usd(value))
                 for name, value in result.upfront_lines_usd.items()]
    width = max(len(k) for k, _ in rows)
    lines = [f"{k:<{width}}  {v}" for k, v in rows]
    lines += [f"warning: {w}" for w in result.warnings]
    return "\n".join(lines)


def monthly_text(result: Evaluation) -> str:
    """The monthly table with money rounded to cents."""
    table = result.monthly.loc[:, ["month", "requests", "teacher_usd", "student_usd", "savings_usd",
                                   "cumulative_usd", "replicas", "utilization"]]
    return table.to_string(index=False, float_format=lambda v: f"{v:,.2f}")


def verdict_text(answer: Verdict) -> str:
    """The verdict line first, then each missing input with the scenario field to set."""
    lines = [answer.line()]
    lines += [f"  missing: {m.where()}: {m.why}" for m in answer.missing]
    return "\n".join(lines)
