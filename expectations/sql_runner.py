"""Run SQL checks: a DuckDB query returns the failing rows (cross-table, history, reconciliation)."""

from __future__ import annotations

import re

from expectations.check import Check
from expectations.outcome import RECORD_CAP, Outcome, plain

_PARAM = re.compile(r"\$([a-z_]+)")


def bind(sql: str, params: dict) -> dict:
    """Only the ``$name`` parameters the query uses (DuckDB rejects unused ones)."""
    return {n: params[n] for n in set(_PARAM.findall(sql))}


def run_sql_check(con, check: Check, params: dict) -> Outcome:
    df = con.execute(check.sql, bind(check.sql, params)).df()
    n = len(df)
    records = []
    for row in df.head(RECORD_CAP).to_dict("records"):
        row = {c: plain(v) for c, v in row.items()}
        keys = {c: row.pop(c) for c in check.key_columns if c in row}
        records.append((keys, row))
    return Outcome(check, n <= check.max_failing, f"{n} 行不符", n, records, "sql")
