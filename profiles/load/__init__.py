"""Load tests through an endpoint, the torch-free and HTTP-free part: the load settings, arrival times,
prompts of a requested length, served metrics (vLLM's TTFT/TPOT/ITL, goodput, attainment) and the
capacity search. The HTTP client that sends the load lives in `profiles.backends.endpoint`.

Imports `econ` and the standard library, numpy and pydantic only.
"""
