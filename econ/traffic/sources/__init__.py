"""Usage sources: files (DuckDB), LiteLLM's Postgres database, SQL for a warehouse → the canonical daily
table.

Imports `econ.base`, `econ.io`, `econ.model` and `econ.traffic`; DuckDB, psycopg and sqlglot are imported
only inside the functions that read a source or print SQL, so `import econ` never needs them.
"""
