"""The profile file format, re-exported from `econ.profile` (econ reads profiles and may import nothing
from the project, so the one definition lives there). Imports econ only.
"""

from econ.profile import (
    SCHEMA_VERSION,
    CapacityProbe,
    CapacitySearch,
    Environment,
    Hardware,
    Load,
    ModelInfo,
    Percentiles,
    Point,
    Profile,
    ProfileError,
    RequestErrors,
    Training,
    WorkloadShape,
    load_profile,
    parse_profile,
)

__all__ = [
    "SCHEMA_VERSION",
    "RequestErrors",
    "Load",
    "CapacitySearch",
    "CapacityProbe",
    "Environment",
    "Hardware",
    "ModelInfo",
    "Percentiles",
    "Point",
    "Profile",
    "ProfileError",
    "Training",
    "WorkloadShape",
    "load_profile",
    "parse_profile",
]
