"""Measuring backends: the only modules with heavy imports.

- `transformers/`: the static-batch loop over eager transformers (torch), its memory, energy and
  training measurements.
- `endpoint/`: the async HTTP load generator for OpenAI-compatible servers and the vLLM launcher
  (the HTTP client).
Nothing here is imported by `import profiles`; the CLI imports a backend inside its handler.
"""
