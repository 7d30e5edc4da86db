"""A real PostgreSQL server for tests: Debian's `postgresql` package, started in a temporary folder.

Import with `from postgres_server import postgres_server, create_spend_logs, fill_spend_logs`. The server
runs initdb/pg_ctl as an unprivileged user (Postgres refuses root: as root it runs as the `postgres`
system user the package creates, else `nobody`), listens on 127.0.0.1 on a free port with trust
authentication, and is always stopped. A missing server FAILS (never skips): install it with
`apt-get install -y postgresql` (.ci/run does).
"""

from __future__ import annotations

import contextlib
import glob
import io
import os
import pwd
import shutil
import socket
import subprocess
import tempfile

import pytest

SPEND_LOGS_DDL = """
CREATE TABLE "LiteLLM_SpendLogs" (
  request_id TEXT PRIMARY KEY, call_type TEXT NOT NULL DEFAULT 'acompletion',
  api_key TEXT NOT NULL DEFAULT '',
  spend DOUBLE PRECISION NOT NULL DEFAULT 0.0, total_tokens INTEGER NOT NULL DEFAULT 0,
  prompt_tokens INTEGER NOT NULL DEFAULT 0, completion_tokens INTEGER NOT NULL DEFAULT 0,
  "startTime" TIMESTAMP(3) NOT NULL, "endTime" TIMESTAMP(3) NOT NULL, "completionStartTime" TIMESTAMP(3),
  model TEXT NOT NULL DEFAULT '', model_id TEXT DEFAULT '', model_group TEXT DEFAULT '',
  custom_llm_provider TEXT DEFAULT '', api_base TEXT DEFAULT '', "user" TEXT DEFAULT '',
  metadata JSONB DEFAULT '{}', cache_hit TEXT DEFAULT '', cache_key TEXT DEFAULT '',
  request_tags JSONB DEFAULT '[]', team_id TEXT, end_user TEXT, requester_ip_address TEXT,
  messages JSONB DEFAULT '{}', response JSONB DEFAULT '{}', session_id TEXT, status TEXT,
  proxy_server_request JSONB DEFAULT '{}'
);
CREATE INDEX ON "LiteLLM_SpendLogs" ("startTime");
"""
DAILY_TAG_SPEND_DDL = """
CREATE TABLE "LiteLLM_DailyTagSpend" (
  id TEXT PRIMARY KEY, tag TEXT, date TEXT NOT NULL, api_key TEXT NOT NULL, model TEXT,
  model_group TEXT, custom_llm_provider TEXT, prompt_tokens BIGINT NOT NULL DEFAULT 0,
  completion_tokens BIGINT NOT NULL DEFAULT 0, cache_read_input_tokens BIGINT NOT NULL DEFAULT 0,
  cache_creation_input_tokens BIGINT NOT NULL DEFAULT 0, spend DOUBLE PRECISION NOT NULL DEFAULT 0.0,
  api_requests BIGINT NOT NULL DEFAULT 0, successful_requests BIGINT NOT NULL DEFAULT 0,
  failed_requests BIGINT NOT NULL DEFAULT 0, created_at TIMESTAMP(3) NOT NULL DEFAULT now(),
  updated_at TIMESTAMP(3) NOT NULL DEFAULT now()
);
"""
START_TIMEOUT_S = 60


def _bin_dir() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.fail("PostgreSQL is not installed: apt-get install -y postgresql (Debian's package; the usage "
                    "source tests need a real server)")
    return os.path.dirname(found[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_user(argv: list[str], user: str | None) -> list[str]:
    return argv if user is None else ["runuser", "-u", user, "--", *argv]


@contextlib.contextmanager
def running_postgres():
    """Yield the DSN of a fresh server (database `postgres`, user `econ`); stop it and remove its folder."""
    bin_dir = _bin_dir()
    user = None
    if os.geteuid() == 0:
        user = "postgres" if any(p.pw_name == "postgres" for p in pwd.getpwall()) else "nobody"
    folder = tempfile.mkdtemp(prefix="econ-pg-")
    data = os.path.join(folder, "data")
    if user:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    port = free_port()
    run = lambda *argv: subprocess.run(_as_user([*argv], user), check=True, capture_output=True,  # noqa: E731
                                       text=True, timeout=START_TIMEOUT_S, cwd=folder)
    try:
        run(f"{bin_dir}/initdb", "-D", data, "-U", "econ", "--auth=trust", "-E", "UTF8", "--no-sync")
        run(f"{bin_dir}/pg_ctl", "-D", data, "-l", os.path.join(folder, "log"), "-w", "-o",
            f"-p {port} -h 127.0.0.1 -k {folder} -c fsync=off -c full_page_writes=off", "start")
        yield f"postgresql://econ@127.0.0.1:{port}/postgres"
    finally:
        with contextlib.suppress(Exception):
            run(f"{bin_dir}/pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def create_spend_logs(dsn: str, frame, daily_tag_spend=None) -> None:
    """Create LiteLLM's tables and COPY `frame` (usage_truth.litellm_frame columns) into LiteLLM_SpendLogs."""
    import psycopg

    columns = ["request_id", "startTime", "endTime", "model", "prompt_tokens", "completion_tokens", "spend",
               "request_tags", "metadata", "status", "cache_hit"]
    table = frame.assign(endTime=frame["startTime"]).loc[:, columns]
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute('DROP TABLE IF EXISTS "LiteLLM_SpendLogs"; DROP TABLE IF EXISTS "LiteLLM_DailyTagSpend"')
        con.execute(SPEND_LOGS_DDL)
        con.execute(DAILY_TAG_SPEND_DDL)
        quoted = ", ".join(f'"{c}"' for c in columns)
        copy_rows = f'COPY "LiteLLM_SpendLogs" ({quoted}) FROM STDIN (FORMAT csv)'
        with con.cursor() as cur, cur.copy(copy_rows) as copy:
            buffer = io.StringIO()
            table.to_csv(buffer, index=False, header=False)
            copy.write(buffer.getvalue())
        if daily_tag_spend is not None:
            tag_cols = list(daily_tag_spend.columns)
            with con.cursor() as cur, cur.copy(f'COPY "LiteLLM_DailyTagSpend" ({", ".join(tag_cols)}) '
                                               "FROM STDIN (FORMAT csv)") as copy:
                buffer = io.StringIO()
                daily_tag_spend.to_csv(buffer, index=False, header=False)
                copy.write(buffer.getvalue())


@pytest.fixture(scope="session")
def postgres_dsn():
    with running_postgres() as dsn:
        yield dsn
