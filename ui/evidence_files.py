"""Where the app keeps graded-samples files a scenario refers to (`quality.evidence.path`).

Imports hashlib, os and pathlib only (no streamlit). An uploaded samples file is written once,
atomically, under a name made of its content hash, so a scenario that names it always reads the
bytes it was built from, and saving the same upload twice changes nothing. The folder is
`$DISTIL_EVIDENCE_DIR`, else `~/.cache/distil-econ/evidence`.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

EVIDENCE_DIR_VARIABLE = "DISTIL_EVIDENCE_DIR"
DEFAULT_EVIDENCE_DIR = Path.home() / ".cache" / "distil-econ" / "evidence"
EXAMPLE_SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "quality_samples.csv"
HASH_CHARS = 16  # 64 bits of SHA-256: no collision among any plausible number of uploads


def evidence_dir() -> Path:
    return Path(os.environ.get(EVIDENCE_DIR_VARIABLE) or DEFAULT_EVIDENCE_DIR)


def save_samples(data: bytes) -> Path:
    """Write uploaded samples as <dir>/samples-<sha256>.csv (atomic: a temp file renamed); return the path."""
    folder = evidence_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"samples-{hashlib.sha256(data).hexdigest()[:HASH_CHARS]}.csv"
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return path.resolve()
