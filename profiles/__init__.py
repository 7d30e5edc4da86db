"""profiles: measure or estimate throughput, latency, memory and training speed of teacher and student.

Torch-free at import: the store, catalogs, the load settings and served metrics (`load/`), the
backend-neutral sweep (`sweep`), the analytic
roofline/estimate/calibrate (`analytic/`) and the CLI (`cli/`) need only pydantic (and econ).
Only `backends/` imports torch (`backends/transformers`) or an HTTP client (`backends/endpoint`), and
only when a measuring command runs.
"""
