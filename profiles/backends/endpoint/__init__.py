"""The endpoint backend: load tests of an OpenAI-compatible server (vLLM, SGLang, TGI, a hosted API),
and a launcher that starts a local vLLM server to measure.

The modules here import the HTTP client (only when `python -m profiles load` runs).
"""
