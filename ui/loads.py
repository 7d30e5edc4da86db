"""What the app loads: stored profiles (cached per folder state), price tables, uploaded profiles.

Imports streamlit, econ and profiles. Only loads are cached here (st.cache_data); the cache key of
the profile listing includes every file's size and modification time, so new profiles show up.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import econ
from econ.model import prices
from profiles.store import DATA_DIR, list_profiles

UPLOADED_PROFILES_KEY = "uploaded_profiles"


def _folder_state(folder: Path) -> tuple[tuple[str, int, int], ...]:
    out = []
    for path in sorted(folder.glob("*.json")):
        try:
            stat = path.stat()
        except OSError:
            continue
        out.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(out)


@st.cache_data(show_spinner=False)
def _stored_profiles(folder: str, _state: tuple) -> list[tuple[str, str, econ.Profile | str]]:
    return [
        (path.name, str(path), result if isinstance(result, econ.Profile) else str(result))
        for path, result in list_profiles(folder)
    ]


def stored_profiles(folder: Path = DATA_DIR) -> list[tuple[str, str, econ.Profile | str]]:
    """(file name, path, Profile or the error text) for every *.json in profiles/data/."""
    return _stored_profiles(str(folder), _folder_state(Path(folder)))


def valid_stored_profiles(folder: Path = DATA_DIR) -> dict[str, econ.Profile]:
    """Readable stored profiles by path."""
    return {path: p for _, path, p in stored_profiles(folder) if isinstance(p, econ.Profile)}


def uploaded_profiles() -> dict[str, econ.Profile]:
    """Profiles uploaded in this session, by file name."""
    return st.session_state.setdefault(UPLOADED_PROFILES_KEY, {})


def add_uploaded_profile(name: str, profile: econ.Profile) -> None:
    uploaded_profiles()[name] = profile


@st.cache_data(show_spinner=False)
def gpu_price_rows() -> list[dict]:
    """GPU price rows (gpu, offer, usd_per_gpu_hour, as_of, source)."""
    return [row.model_dump(mode="json") for row in prices.gpu_prices()]


@st.cache_data(show_spinner=False)
def api_price_rows() -> list[dict]:
    """API price rows (model, prices, as_of, source)."""
    return [row.model_dump(mode="json") for row in prices.api_prices()]
