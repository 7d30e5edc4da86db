"""The shipped sample history (examples/history.csv) is what examples/make_history.py writes, and
`econ forecast` recovers its known truth: +4%/month growth, about 40,000 requests/day at the end."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from econ.base.units import DAYS_PER_MONTH
from econ.cli.main import main
from econ.traffic.forecast import forecast_traffic, load_history

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "examples" / "history.csv"


def _maker():
    spec = importlib.util.spec_from_file_location("make_history", ROOT / "examples" / "make_history.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_history_is_the_scripts_output():
    assert SAMPLE.read_text() == _maker().history().to_csv(index=False, lineterminator="\n")


def test_the_forecast_recovers_the_known_growth_and_level():
    maker = _maker()
    fit = forecast_traffic(load_history(SAMPLE), months=3)
    # Truth: 4%/month; 180 days of 4% noise leave the fitted trend within ±1.5 points of it.
    assert fit.monthly_growth == pytest.approx(maker.MONTHLY_GROWTH, abs=0.015)
    # Month 1 starts the day after the last one: about 40,000 × 1.04^(0.5 month) ≈ 40,790/day, ±5%.
    expected = maker.REQUESTS_PER_DAY * (1 + maker.MONTHLY_GROWTH) ** 0.5
    assert fit.requests_per_day == pytest.approx(expected, rel=0.05)
    assert fit.monthly["requests"].iloc[0] == pytest.approx(fit.requests_per_day * DAYS_PER_MONTH)


def test_the_readme_command_runs_on_the_sample(capsys):
    assert main(["forecast", str(SAMPLE), "--months", "6"]) == 0
    assert "monthly growth" in capsys.readouterr().out
