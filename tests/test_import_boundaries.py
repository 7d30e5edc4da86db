"""`import econ` and `import profiles` work with torch and streamlit blocked (DESIGN.md import rules)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BLOCK = (
    "import sys\n"
    "for name in ('torch', 'streamlit', 'plotly', 'transformers', 'statsmodels', 'aiohttp', 'httpx'):\n"
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
    modules = ("profiles, profiles.load.served, profiles.store, profiles.catalog, profiles.cli, "
               "profiles.sweep, profiles.analytic.estimate, profiles.analytic.calibrate, "
               "profiles.backends.endpoint, profiles.analytic.distill, profiles.distill_settings, "
               "profiles.cli.distill, econ.model.distill_profile")
    out = run_blocked(f"import {modules}\nprint('ok')")
    assert out.returncode == 0, out.stderr


def test_econ_imports_nothing_from_the_project():
    paths = list((ROOT / "econ").rglob("*.py"))
    # The walk reaches every package.
    assert len(paths) > 50 and any(p.parent.name == "chain" for p in paths)
    for path in paths:
        text = path.read_text()
        for other in ("profiles", "ui", "app"):
            imported = f"import {other}" in text or f"from {other}" in text
            assert not imported, f"{path.name} imports {other}"


HEAVY = ("torch", "transformers", "aiohttp", "httpx")


def test_only_backend_modules_import_torch_or_the_http_client():
    for path in (ROOT / "profiles").rglob("*.py"):
        relative = path.relative_to(ROOT / "profiles")
        if relative.parts[0] == "backends":
            continue
        for line in path.read_text().splitlines():
            words = line.strip().split()
            if len(words) >= 2 and words[0] in ("import", "from"):
                top = words[1].split(".")[0]
                assert top not in HEAVY, f"profiles/{relative} imports {top} outside profiles/backends"


def test_the_transformers_backend_does_not_import_the_http_client_nor_the_endpoint_backend_torch():
    forbidden_in = {"transformers": ("aiohttp", "httpx"), "endpoint": ("torch", "transformers")}
    for backend, forbidden in forbidden_in.items():
        for path in (ROOT / "profiles" / "backends" / backend).rglob("*.py"):
            for line in path.read_text().splitlines():
                words = line.strip().split()
                if len(words) >= 2 and words[0] in ("import", "from"):
                    assert words[1].split(".")[0] not in forbidden, f"{path.name} imports {words[1]}"


def test_every_app_page_renders_without_the_measuring_packages():
    # `make run` installs requirements.txt only (no torch, transformers or the HTTP client): the app must
    # not need them. Each page is rendered by AppTest in a process where importing them fails.
    code = (
        "import sys\n"
        "for name in ('torch', 'transformers', 'safetensors', 'psutil', 'tqdm', 'aiohttp', 'httpx'):\n"
        "    sys.modules[name] = None\n"
        "from streamlit.testing.v1 import AppTest\n"
        "pages = ['breakeven', 'serving', 'profiles', 'scenarios', 'risk', 'portfolio', 'quality']\n"
        "at = AppTest.from_file('app.py', default_timeout=120).run()\n"
        "for page in pages:\n"
        "    at.switch_page(f'ui/pages/{page}.py').run()\n"
        "    assert not at.exception, (page, at.exception)\n"
        "print('rendered', len(pages))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith("rendered 7")
