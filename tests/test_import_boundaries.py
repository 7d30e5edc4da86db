"""`import econ` and `import profiles` work with torch and streamlit blocked (DESIGN.md import rules)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BLOCK = (
    "import sys\n"
    "for name in ('torch', 'streamlit', 'plotly', 'transformers', 'statsmodels'):\n"
    "    sys.modules[name] = None  # any import of these now raises ImportError\n"
)


def run_blocked(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", BLOCK + code], capture_output=True, text=True, cwd=ROOT)


def test_import_econ_needs_no_torch_streamlit_or_statsmodels():
    out = run_blocked("import econ\nr = econ.evaluate(econ.example_scenario())\nprint(round(r.npv_usd))")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "302967"


def test_blocking_really_blocks():
    out = run_blocked("import torch")
    assert out.returncode != 0 and "import of torch halted" in out.stderr


def test_import_profiles_schema_store_and_catalog_need_no_torch():
    out = run_blocked("import profiles, profiles.schema, profiles.store, profiles.catalog, profiles.cli\nprint('ok')")
    assert out.returncode == 0, out.stderr


def test_econ_imports_nothing_from_the_project():
    for path in (ROOT / "econ").glob("*.py"):
        text = path.read_text()
        for other in ("profiles", "ui", "app"):
            assert f"import {other}" not in text and f"from {other}" not in text, f"{path.name} imports {other}"
