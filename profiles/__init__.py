"""profiles: measure or estimate throughput, latency, memory and training speed of teacher and student.

Torch-free at import: the schema, store, catalogs and estimator need only pydantic (and econ).
Only the measuring modules import torch, and only when `run`, `pair` or `hw` runs.
"""
