"""勾稽关系 (consistency rules of the economic monitoring indicators, seed 003) into ``dq.dq_check_results``.

dbt computes the rules in ``marts.fct_monitoring_gouji_checks`` (hospital × year × rule: left and
right value, operator, tolerance, passed — null when a side is missing). After every dbt build the
pipeline lands them beside the GX/SQL checks and the dbt tests (:mod:`expectations.dbt_results`),
one row per rule and year:

* ``layer`` / ``system`` ``gouji`` / ``national``, ``check_id`` ``gouji.<rule_code>``
  (``gouji.<rule_code>.<hospital_code>`` when the mart holds several hospitals),
* ``partition`` the year (``2025``) — never a month, so a failed rule does not block a month's
  bonus; it blocks ``jixiao national submit`` (上报) instead,
* ``severity`` error, ``category`` plausibility (an accounting identity between filed values),
* outcome: pass → ``passed`` true, fail → false (``failing_count`` 1), skip (a side missing,
  待填报) → ``passed`` null and ``observed_value`` ``待填报``.

:func:`read_gouji_checks` is also what ``jixiao national submit/status`` read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from connectors.warehouse import relation_exists

SCHEMA = "marts"
TABLE = "fct_monitoring_gouji_checks"
LAYER = "gouji"
SYSTEM = "national"
CATEGORY = "plausibility"
SEVERITY = "error"
COLUMNS = (
    "hospital_code",
    "year",
    "rule_code",
    "rule_name",
    "scope",
    "operator",
    "left_value",
    "right_value",
    "tolerance",
    "passed",
    "message",
)


def fmt_number(x) -> str:
    """A decimal without trailing zeros and with thousands separators (1234.5000 → 1,234.5); 空 for null."""
    if x is None:
        return "空"
    d = Decimal(str(x))
    if not d.is_finite():
        return str(d)
    d = d.normalize()
    if d == d.to_integral_value():
        d = d.quantize(Decimal(1))
    return format(d, ",f")


@dataclass(frozen=True)
class GoujiCheck:
    """One row of marts.fct_monitoring_gouji_checks."""

    hospital_code: str
    year: int
    rule_code: str
    rule_name: str
    scope: str | None
    operator: str | None
    left_value: Decimal | None
    right_value: Decimal | None
    tolerance: Decimal | None
    passed: bool | None
    message: str | None

    @property
    def outcome(self) -> str:
        return "skip" if self.passed is None else ("pass" if self.passed else "fail")

    @property
    def difference(self) -> Decimal | None:
        if self.left_value is None or self.right_value is None:
            return None
        return Decimal(str(self.left_value)) - Decimal(str(self.right_value))

    @property
    def label(self) -> str:
        scope = f"，{self.scope}" if self.scope else ""
        return f"{self.rule_name}（{self.rule_code}{scope}）"

    @property
    def comparison(self) -> str:
        """左边 1,000 = 右边 990，差额 10（容差 0.01）."""
        text = (
            f"左边 {fmt_number(self.left_value)} {self.operator or '?'} 右边 {fmt_number(self.right_value)}"
        )
        if self.difference is not None:
            text += f"，差额 {fmt_number(self.difference)}"
        if self.tolerance:
            text += f"（容差 {fmt_number(self.tolerance)}）"
        return text

    @property
    def text(self) -> str:
        """One line for operators: the rule, the two sides, the operator and the difference."""
        if self.outcome == "skip":
            return f"{self.label}：待填报，无法审核（{self.comparison}）" + (
                f"；{self.message}" if self.message else ""
            )
        return f"{self.label}：{self.comparison}" + (f"；{self.message}" if self.message else "")


def read_gouji_checks(con, year: int | None = None, hospital: str | None = None) -> list[GoujiCheck] | None:
    """The mart's rows (optionally one year / hospital), by year, rule, hospital; None when the mart
    does not exist yet."""
    if not relation_exists(con, SCHEMA, TABLE):
        return None
    where, params = [], []
    if year is not None:
        where.append("year = ?")
        params.append(year)
    if hospital is not None:
        where.append("hospital_code = ?")
        params.append(hospital)
    sql = f"SELECT {', '.join(COLUMNS)} FROM {SCHEMA}.{TABLE}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY year, rule_code, hospital_code"
    return [GoujiCheck(*r) for r in con.execute(sql, params).fetchall()]


def gouji_rows(con, run_id: str, checked_at: datetime | None = None) -> list[dict]:
    """One dq_check_results row per (rule, year) of the mart (empty when the mart does not exist)."""
    checks = read_gouji_checks(con)
    if not checks:
        return []
    at = checked_at or datetime.now()
    several = len({c.hospital_code for c in checks}) > 1
    rows = []
    for c in checks:
        sample = {
            "hospital_code": c.hospital_code,
            "left_value": None if c.left_value is None else str(c.left_value),
            "operator": c.operator,
            "right_value": None if c.right_value is None else str(c.right_value),
            "difference": None if c.difference is None else str(c.difference),
            "message": c.message,
        }
        rows.append(
            {
                "run_id": run_id,
                "partition": str(c.year),
                "check_id": f"gouji.{c.rule_code}" + (f".{c.hospital_code}" if several else ""),
                "check_name": c.rule_name,
                "category": CATEGORY,
                "severity": SEVERITY,
                "layer": LAYER,
                "system": SYSTEM,
                "table_name": TABLE,
                "observed_value": "待填报" if c.outcome == "skip" else c.comparison,
                "threshold": "0" if c.tolerance is None else fmt_number(c.tolerance).replace(",", ""),
                "passed": c.passed,
                "failing_count": 1 if c.outcome == "fail" else 0,
                "failing_sample": None
                if c.outcome == "pass"
                else json.dumps([sample], ensure_ascii=False, default=str),
                "expectation_type": f"gouji:{c.scope or '-'}",
                "checked_at": at,
            }
        )
    return rows


def land_gouji_results(con, run_id: str | None = None, checked_at: datetime | None = None) -> int:
    """Append the 勾稽 outcomes to dq.dq_check_results on an open (writable) DuckDB connection, in
    one transaction. Returns the rows written; 0 (nothing written) when the mart does not exist."""
    from expectations.store import write_run

    at = checked_at or datetime.now()
    rows = gouji_rows(con, run_id or f"gouji-{at:%Y%m%d%H%M%S}", at)
    if not rows:
        return 0
    write_run(con, rows, [], [])
    return len(rows)


def land_gouji_results_at(path: Path | str, run_id: str | None = None) -> int:
    """:func:`land_gouji_results` on the DuckDB warehouse file ``path`` (0 if the file does not exist)."""
    import duckdb

    if not Path(path).exists():
        return 0
    con = duckdb.connect(str(path))
    try:
        return land_gouji_results(con, run_id=run_id)
    finally:
        con.close()
