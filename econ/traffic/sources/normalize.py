"""Each usage format's columns → the normalized request rows every reader aggregates (SQL text only).

Imports the standard library and `econ.traffic.sources.errors`; it builds SQL, it runs nothing. The
normalized rows (`NORMALIZED`) are one row per request (or per task-day for daily totals):

- `ts` a UTC timestamp without zone; `task` (NULL or blank when the row lacks the task key); `model` as
  the source spells it (the aggregation groups on the raw text first, then trims the task and removes the
  model's provider prefix, `azure/gpt-4o` → `gpt-4o`, on the few grouped rows: `sql.daily_sql`);
- `requests`; `input_tokens` **with** cached tokens included (OpenAI and OTel count them in the
  input; Anthropic's raw usage and Langfuse's `usage_details` do not, so their cache reads and writes
  are added); `cached_input_tokens`; `output_tokens`;
- `usd` (NULL when the source has no cost: priced later; `cost_cents` ÷ 100); `failed` and `cache_hit`
  (never NULL); `problem`: the first column whose value is unusable, else NULL.

The SQL is DuckDB's dialect; the LiteLLM form is also transpiled for Postgres and warehouses (`sql.py`),
so it keeps to functions sqlglot translates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from econ.traffic.sources.errors import SourceError

FORMATS = ("canonical", "litellm", "langfuse", "otel")
NORMALIZED = (
    "ts", "task", "model", "requests", "input_tokens", "cached_input_tokens", "output_tokens", "usd",
    "failed", "cache_hit", "problem",
)
DEFAULT_TASK_KEYS = {
    "canonical": "task",
    "litellm": "tag:taskName",
    "langfuse": "trace_name",
    "otel": "gen_ai.prompt.name|gen_ai.workflow.name|gen_ai.agent.name",
}
COST_SOURCES = {
    "canonical": "the file's usd column",
    "litellm": "LiteLLM's spend (USD)",
    "langfuse": "Langfuse's total_cost (USD)",
    "otel": "no cost in OTel spans: priced from tokens",
}
_NAME = re.compile(r"^[A-Za-z0-9_.\-]+$")
# LiteLLM and Langfuse cached-input keys: OpenAI-style usage (LiteLLM normalizes every provider to it)
# keeps cached tokens inside prompt_tokens; Langfuse prices each usage key on its own, so its `input`
# excludes them.
LITELLM_CACHED = "$.usage_object.prompt_tokens_details.cached_tokens"
LANGFUSE_CACHE_READ = ("input_cached_tokens", "cache_read_input_tokens", "input_cache_read")
LANGFUSE_CACHE_WRITE = ("cache_creation_input_tokens", "input_cache_creation")
OTEL_ERROR_CODES = ("2", "STATUS_CODE_ERROR")


@dataclass(frozen=True)
class Columns:
    """A source's columns: lower-case name → (name as spelled, type name)."""

    spelled: dict[str, tuple[str, str]]

    def has(self, *names: str) -> bool:
        return all(n.lower() in self.spelled for n in names)

    def ref(self, name: str) -> str:
        return '"' + self.spelled[name.lower()][0].replace('"', '""') + '"'

    def text(self, name: str) -> str:
        """The column as text; lists and structs as their JSON text (so tags read alike from CSV and
        Parquet)."""
        kind = self.spelled[name.lower()][1].upper()
        if kind.startswith(("VARCHAR", "TEXT", "JSON")):
            return f"CAST({self.ref(name)} AS VARCHAR)"
        if kind.endswith("[]") or kind.startswith(("STRUCT", "MAP", "LIST")):
            return f"CAST(TO_JSON({self.ref(name)}) AS VARCHAR)"
        return f"CAST({self.ref(name)} AS VARCHAR)"

    def json(self, name: str) -> str:
        return f"CAST({self.text(name)} AS JSON)"


def task_key_choices(fmt: str | None, columns: list[str]) -> list[str]:
    """Task keys worth offering for a source: its format's default first, then tags, metadata, named
    columns."""
    lower = {c.lower() for c in columns}
    keys = [DEFAULT_TASK_KEYS[fmt]] if fmt else []
    if fmt == "otel":
        keys += ["gen_ai.prompt.name", "gen_ai.workflow.name", "gen_ai.agent.name"]
    if lower & {"request_tags", "tags"}:
        keys += ["tag:taskName"]
    named = ("task", "trace_name", "prompt_name", "name", "team_id", "model_group", "end_user", "user_id")
    keys += [c for c in columns if c.lower() in named]
    if "metadata" in lower:
        keys += ["metadata.app"]
    keys.append("model")
    return list(dict.fromkeys(keys))


EMPTY = "''"


def clean_task(expr: str) -> str:
    """A task text trimmed, blank as NULL (applied after the first grouping)."""
    return f"NULLIF(TRIM({expr}), '')"


def model_expr(text: str) -> str:
    """A model name trimmed, with any provider prefix (`azure/`, `openai/`, `bedrock/`) removed."""
    return f"NULLIF(REGEXP_REPLACE(TRIM({text}), '^[A-Za-z0-9_.-]+/', ''), '')"


def number(expr: str) -> str:
    return f"TRY_CAST({expr} AS DOUBLE)"


def utc_timestamp(cols: Columns, name: str) -> str:
    """A timestamp column as a UTC timestamp: text with an offset is converted, text without one is UTC."""
    kind = cols.spelled[name.lower()][1].upper()
    if kind.startswith("TIMESTAMP WITH") or kind == "TIMESTAMPTZ":
        return f"CAST({cols.ref(name)} AS TIMESTAMP)"  # the session's zone is UTC
    if kind.startswith(("TIMESTAMP", "DATE")):
        return f"CAST({cols.ref(name)} AS TIMESTAMP)"
    return f"CAST(TRY_CAST({cols.ref(name)} AS TIMESTAMPTZ) AS TIMESTAMP)"


def _check_name(key: str, part: str) -> str:
    if not _NAME.match(part):
        raise SourceError("--task-key", f"{key!r}: names and paths may hold letters, digits, '.', '_', '-'")
    return part


def tag_expr(tags_text: str, name: str) -> str:
    """The value of the first `NAME:value` entry of a JSON array of tags, else NULL: the text between
    `"NAME:` and the next quote. Two SPLIT_PARTs, not a regular expression: a plain substring search is
    several times cheaper per row on a gateway table of millions of rows."""
    return f"NULLIF(SPLIT_PART(SPLIT_PART({tags_text}, '\"{name}:', 2), '\"', 1), '')"


def task_expr(fmt: str, cols: Columns, key: str, otel_attr=None, otel_model=None) -> str:
    """SQL for the task of a row under `--task-key KEY` (NULL or blank where the row lacks it: `clean_task`
    turns blanks into NULL after grouping)."""
    options = []
    for one in key.split("|"):
        one = one.strip()
        if one.startswith("tag:"):
            name = _check_name(key, one[4:])
            tags = "request_tags" if cols.has("request_tags") else "tags" if cols.has("tags") else None
            if tags is None:
                raise SourceError(
                    "--task-key", f"{key!r} needs a request_tags or tags column; the source has none"
                )
            options.append(tag_expr(cols.text(tags), name))
        elif one.startswith("metadata."):
            path = _check_name(key, one[len("metadata."):])
            if not cols.has("metadata"):
                raise SourceError("--task-key", f"{key!r} needs a metadata column; the source has none")
            options.append(f"JSON_EXTRACT_STRING({cols.json('metadata')}, '$.{path}')")
        elif one == "model":
            options.append(model_expr(otel_model() if fmt == "otel" else cols.text(
                next((c for c in ("model", "provided_model_name") if cols.has(c)), "model"))))
        elif fmt == "otel" and one.startswith("gen_ai."):
            options.append(otel_attr(_check_name(key, one)))
        elif cols.has(_check_name(key, one)):
            options.append(cols.text(one))
        else:
            raise SourceError("--task-key", f"{one!r} is not a column of the source; columns: "
                              + ", ".join(v[0] for v in cols.spelled.values()))
    if len(options) == 1:
        return options[0]  # trimmed after grouping (sql.daily_sql), where the rows are few
    return f"COALESCE({', '.join(f'NULLIF(TRIM({o}), {EMPTY})' for o in options)})"


def problem_expr(checks: list[tuple[str, str, str]]) -> str:
    """CASE naming the first column whose value is unusable. checks: (column, raw SQL, parsed SQL); the first
    check is the row's time (missing or unparsable), the others numbers (present but not a number, or < 0)."""
    (time_column, _, time_parsed), numbers = checks[0], checks[1:]
    whens = " ".join(f"WHEN {raw} IS NOT NULL AND ({parsed} IS NULL OR {parsed} < 0) THEN '{column}'"
                     for column, raw, parsed in numbers)
    return f"CASE WHEN {time_parsed} IS NULL THEN '{time_column}' {whens} ELSE NULL END"


def select(parts: dict[str, str], source: str, where: str = "", extra: tuple[str, ...] = ()) -> str:
    """SELECT of the normalized columns (then `extra` columns as they are) from `source`, a FROM clause."""
    body = ",\n  ".join([f"{parts[name]} AS {name}" for name in NORMALIZED] + list(extra))
    return f"SELECT\n  {body}\nFROM {source}" + (f"\nWHERE {where}" if where else "")
