"""Reading and writing profile files: atomic writes (never a half-written profile) and listing.

Torch-free: imports pathlib, os and the profile schema.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from econ.profile import Profile, ProfileError, load_profile

DATA_DIR = Path(__file__).parent / "data"


def write_text_atomically(text: str, path: str | Path) -> Path:
    """Write text to `path` atomically: a temp file in the same folder, fsynced, renamed over it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_profile(profile: Profile, path: str | Path) -> Path:
    """Write `profile` as JSON to `path` atomically (never a half-written profile)."""
    return write_text_atomically(profile.model_dump_json(indent=2, exclude_none=True) + "\n", path)


def list_profiles(folder: str | Path = DATA_DIR) -> list[tuple[Path, Profile | ProfileError]]:
    """Every *.json profile in `folder` (sorted), each with its parsed Profile or the error it gave."""
    out: list[tuple[Path, Profile | ProfileError]] = []
    for path in sorted(Path(folder).glob("*.json")):
        try:
            out.append((path, load_profile(path)))
        except ProfileError as exc:
            out.append((path, exc))
    return out
