"""The Postgres case of bench/usage_bench.py: 5,000,000 LiteLLM rows aggregated inside a real PostgreSQL.

A server is started in a temporary folder (tests/postgres_server.py: Debian's postgresql, 127.0.0.1, a free
port) and always stopped. `"LiteLLM_SpendLogs"` is created with LiteLLM's column names and types (the tests'
DDL, its primary key and its startTime index) and filled by ONE `INSERT ... SELECT FROM generate_series` in
SQL: 1,000 tasks over 365 days, tags `taskName:task-NNNN`, cached tokens in metadata, a third of the models
provider-prefixed, 2% failed and 3% cache hits. Then `read_source(DSN)` (what `python -m econ usage
postgresql://...` runs) is timed.

How the bytes are counted: the reader connects to a relay, a small TCP proxy on 127.0.0.1 that forwards
every byte between psycopg and the server and counts the bytes going from the server to the client (the
whole wire: the protocol's own messages, column descriptions, rows). That is what "sent to the client"
means; the relay costs a little time, so the seconds are an upper bound.
"""

from __future__ import annotations

import socket
import threading
import time

ROWS = 5_000_000
FILL = """
INSERT INTO "LiteLLM_SpendLogs" (request_id, "startTime", "endTime", model, prompt_tokens, completion_tokens,
  total_tokens, spend, request_tags, metadata, status, cache_hit, api_key, call_type)
SELECT 'req-' || i, ts, ts + interval '2 seconds',
  CASE WHEN i % 3 = 0 THEN 'azure/gpt-4o' ELSE 'gpt-4o' END,
  p, c, p + c, CASE WHEN failed OR hit THEN 0 ELSE p * 2.5e-6 + c * 10e-6 END,
  jsonb_build_array('taskName:task-' || lpad((i % 1000)::text, 4, '0'), 'env:prod'),
  jsonb_build_object('usage_object', jsonb_build_object('prompt_tokens_details',
    jsonb_build_object('cached_tokens', p / 4))),
  CASE WHEN failed THEN 'failure' ELSE 'success' END, CASE WHEN hit THEN 'True' ELSE 'False' END,
  'hashed-key', 'acompletion'
FROM generate_series(0::bigint, {last}) AS i,
  LATERAL (SELECT timestamp '2025-12-01' + ((i / 1000) % 365) * interval '1 day'
                  + ((i * 7919) % 86400) * interval '1 second' AS ts,
                  100 + (i * 31) % 3000 AS p, 10 + (i * 17) % 500 AS c,
                  (i + i / 1000) % 50 = 7 AS failed, (i + 3 * (i / 1000)) % 100 IN (11, 12, 13) AS hit) AS v
"""


class ByteRelay:
    """A TCP relay on 127.0.0.1 to `port`, counting the bytes the server sends to clients."""

    def __init__(self, port: int):
        self.target, self.to_client_bytes = port, 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pipe, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, True), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, counted: bool) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
                if counted:
                    with self._lock:
                        self.to_client_bytes += len(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self._listener.close()


def _fill(dsn: str, rows: int) -> float:
    import psycopg
    from postgres_server import DAILY_TAG_SPEND_DDL, SPEND_LOGS_DDL

    start = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute(SPEND_LOGS_DDL)
        con.execute(DAILY_TAG_SPEND_DDL)
        con.execute(FILL.format(last=rows - 1))
        con.execute('VACUUM ANALYZE "LiteLLM_SpendLogs"')
    return time.perf_counter() - start


def postgres_case(target_s: float, target_mb: float, ratio, rows: int = ROWS) -> None:
    """Start a server, fill it in SQL, aggregate through the relay, print the figures, stop the server."""
    import psycopg
    from postgres_server import running_postgres

    from econ.traffic.sources.read import read_source

    with running_postgres() as dsn:
        made_s = _fill(dsn, rows)
        port = int(dsn.rsplit(":", 1)[1].split("/")[0])
        with psycopg.connect(dsn) as con:
            table_mb = con.execute("SELECT pg_table_size('\"LiteLLM_SpendLogs\"')").fetchone()[0] / 1e6
        print(f"generated {rows:,} LiteLLM_SpendLogs rows in PostgreSQL with generate_series in "
              f"{made_s:.1f} s ({table_mb:,.0f} MB of table; untimed below)")
        relay = ByteRelay(port)
        try:
            start = time.perf_counter()
            table = read_source(dsn.replace(f":{port}/", f":{relay.port}/"))
            seconds = time.perf_counter() - start
        finally:
            relay.close()
        wire_mb = relay.to_client_bytes / 1e6
        print(f"postgres, {table.rows_read:,} LiteLLM rows → {len(table.daily):,} task-days, in the "
              f"database:   {seconds:.2f} s   {ratio(seconds, target_s, ' s')}")
        print(f"  sent to the client (server → psycopg bytes, counted by a relay socket): {wire_mb:.2f} MB   "
              f"{ratio(wire_mb, target_mb, ' MB')}")
        print(f"  ({wire_mb * 1e6 / len(table.daily):.0f} bytes per task-day row of the result, "
              "COPY ... TO STDOUT as CSV, plus the shape)")
