"""Reading and writing profile files: atomic writes (never a half-written profile) and listing.

Torch-free: imports pathlib, os and the profile schema.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from econ.model.profile import Profile, ProfileError, load_profile

DATA_DIR = Path(__file__).parent / "data"


def check_out_path(path: str | Path, flag: str = "--out") -> Path:
    """The path an output may be written to, checked before any work: ValueError naming `flag` otherwise.

    Refused: an empty name; anything that exists and is not a regular file (a folder, /dev/full, a link to a
    device, a pipe); a place where no file can be created (a missing parent that cannot be made, a read-only
    folder, a name longer than the file system takes). The check creates and removes the same temporary
    file the atomic write will use, so what passes here can be written.
    """
    text = str(path)
    if not text.strip():
        raise ValueError(f"{flag}: no file name given")
    target = Path(text)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise ValueError(f"{flag} {text}: cannot write there ({exc.strerror})") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise ValueError(f"{flag} {text}: exists and is {kind}; give a file name")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise ValueError(f"{flag} {text}: cannot write there ({exc.strerror})") from None
    return target


def write_text_atomically(text: str, path: str | Path) -> Path:
    """Write text to `path` atomically: a temp file in the same folder, fsynced, renamed over it.

    Refuses (ValueError) a target that exists and is not a regular file: renaming over /dev/full or a
    link to a device would replace it with a regular file.
    """
    target = Path(path)
    if target.exists() and not target.is_file():
        raise ValueError(f"{path}: exists and is not a regular file")
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
