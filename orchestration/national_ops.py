"""上报 (submission) of the national assessment year and its status (``jixiao national submit/status``).

A year may be submitted only when every 勾稽 rule of ``marts.fct_monitoring_gouji_checks`` passed
for it: a failed rule (passed = false) or one that cannot be evaluated (passed null, 待填报) refuses
the submission (:class:`SubmitRefused`, exit code 2 in the CLI). A submission is recorded in
``national_ops.submissions`` with a content hash of the year's rows of
``marts.fct_national_indicators`` and ``marts.fct_monitoring_indicators`` (the same canonical hash as
the bonus close, :func:`orchestration.bonus_period.content_hash`), so ``status`` can tell whether the
data changed after it was submitted. The check, the hash and the insert run in ONE transaction.

``national_ops`` is written only by this module, never by dbt; :func:`ensure_national_tables`
creates it (DuckDB or PostgreSQL, portable types), as ``connectors.bonus_state`` does for bonus_ops.
The submit and status commands themselves are DuckDB only.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from connectors.warehouse import relation_exists
from expectations.gouji import GoujiCheck, read_gouji_checks
from orchestration.national_report import (
    GOUJI,
    INDICATORS,
    LISTS,
    MARTS,
    MONITORING,
    NationalReportError,
    open_marts,
    pick_hospital,
    require_mart,
)

NATIONAL_OPS_SCHEMA = "national_ops"
OPS_TABLES: dict[str, list[tuple[str, str]]] = {
    # one row per 上报 (a year may be submitted again after a correction: the latest row counts)
    "submissions": [
        ("submission_id", "varchar"),
        ("year", "integer"),
        ("hospital_code", "varchar"),
        ("submitted_at", "timestamp"),
        ("submitted_by", "varchar"),
        ("content_hash", "varchar"),  # sha256 over the two tables' hashes
        ("table_hashes", "varchar"),  # JSON {table: sha256}
        ("row_counts", "varchar"),  # JSON {table: rows}
        ("indicator_counts", "varchar"),  # JSON {list_code: {indicators, parts, computed, 待填报, 缺数}}
        ("indicators", "integer"),  # indicators over all lists
        ("computed_parts", "integer"),
        ("gouji_rules", "integer"),  # rules checked (all passed)
    ],
}
HASHED_MARTS = (INDICATORS, MONITORING)


class NationalOpsError(NationalReportError):
    """A refused operation (no data, warehouse busy …); the message is Chinese. Exit code 1."""


class SubmitRefused(NationalOpsError):
    """勾稽 rules failed or cannot be evaluated for the year. Exit code 2."""

    def __init__(self, year: int, failed: list[GoujiCheck], pending: list[GoujiCheck]):
        self.year, self.failed, self.pending = year, failed, pending
        super().__init__(self.text)

    @property
    def text(self) -> str:
        lines = [f"{self.year} 年勾稽关系审核：{len(self.failed)} 条不通过，{len(self.pending)} 条待填报"]
        lines += [f"  ✗ {c.text}" for c in self.failed]
        lines += [f"  ? {c.text}" for c in self.pending]
        lines.append("勾稽关系审核未通过，不能上报。请修正填报数据后重新运行流水线再上报。")
        return "\n".join(lines)


# ------------------------------------------------------------------------------------------------
# DDL


def ddl_statements() -> list[str]:
    from connectors.warehouse import schema_ddl

    return schema_ddl(NATIONAL_OPS_SCHEMA, OPS_TABLES)


def ensure_national_tables(target: str | Path) -> None:
    """Create the empty ``national_ops`` tables if missing (DuckDB file path or PostgreSQL URL)."""
    from connectors.warehouse import ensure_tables

    ensure_tables(target, ddl_statements())


# ------------------------------------------------------------------------------------------------
# Reading


@dataclass
class ListCounts:
    list_code: str
    indicators: int
    parts: int
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def list_name(self) -> str:
        return LISTS.get(self.list_code, self.list_code)

    def as_dict(self) -> dict:
        return {"indicators": self.indicators, "parts": self.parts, **self.by_status}


@dataclass(frozen=True)
class Submission:
    submission_id: str
    year: int
    hospital_code: str
    submitted_at: datetime
    submitted_by: str
    content_hash: str
    table_hashes: dict[str, str]
    row_counts: dict[str, int]
    indicator_counts: dict[str, dict]
    indicators: int
    computed_parts: int
    gouji_rules: int


def list_counts(con, year: int, hospital: str) -> list[ListCounts]:
    rows = con.execute(
        f"SELECT list_code, count(DISTINCT indicator_code), count(*), "
        "count(*) FILTER (WHERE status = 'computed'), count(*) FILTER (WHERE status = '待填报'), "
        "count(*) FILTER (WHERE status = '缺数'), count(*) FILTER (WHERE status NOT IN ('computed', '待填报', '缺数') "
        "OR status IS NULL) "
        f"FROM {MARTS}.{INDICATORS} WHERE year = ? AND hospital_code = ? AND period_type = 'year' "
        "GROUP BY list_code",
        [year, hospital],
    ).fetchall()
    order = {c: i for i, c in enumerate(LISTS)}
    out = []
    for code, inds, parts, computed, pending, missing, other in sorted(rows, key=lambda r: (order.get(r[0], 99), r[0])):
        by = {"computed": computed, "待填报": pending, "缺数": missing}
        if other:
            by["其他"] = other
        out.append(ListCounts(code, inds, parts, by))
    return out


def _columns(con, schema: str, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
            "ORDER BY ordinal_position",
            [schema, table],
        ).fetchall()
    ]


def year_hash(con, year: int, hospital: str) -> tuple[str, dict[str, str], dict[str, int]]:
    """(overall hash, per-table hashes, per-table rows) of the year's rows of the two marts."""
    from orchestration.bonus_period import content_hash, overall_hash

    hashes, counts = {}, {}
    for mart in HASHED_MARTS:
        if not relation_exists(con, MARTS, mart):
            hashes[mart], counts[mart] = "-", 0
            continue
        hashes[mart], counts[mart] = content_hash(
            con, f"{MARTS}.{mart}", _columns(con, MARTS, mart), "year = ? AND hospital_code = ?", [year, hospital]
        )
    return overall_hash(hashes), hashes, counts


def last_submission(con, year: int, hospital: str) -> Submission | None:
    if not relation_exists(con, NATIONAL_OPS_SCHEMA, "submissions"):
        return None
    cols = [c for c, _ in OPS_TABLES["submissions"]]
    row = con.execute(
        f"SELECT {', '.join(cols)} FROM {NATIONAL_OPS_SCHEMA}.submissions WHERE year = ? AND hospital_code = ? "
        "ORDER BY submitted_at DESC, submission_id DESC LIMIT 1",
        [year, hospital],
    ).fetchone()
    if row is None:
        return None
    r = dict(zip(cols, row, strict=True))
    for k in ("table_hashes", "row_counts", "indicator_counts"):
        r[k] = json.loads(r[k] or "{}")
    return Submission(**r)


def _gouji(con, year: int, hospital: str) -> list[GoujiCheck]:
    require_mart(con, GOUJI, "勾稽关系审核结果")
    checks = read_gouji_checks(con, year, hospital) or []
    if not checks:
        raise NationalOpsError(f"{year} 年没有勾稽关系审核结果：请先运行流水线（jixiao run）")
    return checks


# ------------------------------------------------------------------------------------------------
# Submit


def submit(warehouse: Path | str, year: int, by: str, hospital: str | None = None) -> Submission:
    """上报 ``year``: refuse (:class:`SubmitRefused`) unless every 勾稽 rule passed, else record it."""
    import duckdb

    from connectors.warehouse import DuckDBWarehouse

    if not Path(warehouse).exists():
        raise NationalOpsError(f"数据仓库 {warehouse} 不存在：请先运行流水线（jixiao run）")
    # Refuse early on a read-only connection (nothing is created when the year cannot be submitted).
    with open_marts(warehouse) as con:
        code, _ = pick_hospital(con, year, hospital)
        checks = _gouji(con, year, code)
    _refuse_unless_passed(year, checks)
    try:
        ensure_national_tables(warehouse)
        wh = DuckDBWarehouse(warehouse)
    except duckdb.IOException as exc:
        raise NationalOpsError(f"无法写入数据仓库 {warehouse}（可能正被流水线写入，请稍后重试）：{exc}") from exc
    con = wh.con
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            # again inside the write transaction: the data submitted is the data checked
            checks = _gouji(con, year, code)
            _refuse_unless_passed(year, checks)
            content, hashes, rows = year_hash(con, year, code)
            counts = list_counts(con, year, code)
            s = Submission(
                submission_id=uuid.uuid4().hex,
                year=year,
                hospital_code=code,
                submitted_at=datetime.now().replace(microsecond=0),
                submitted_by=by,
                content_hash=content,
                table_hashes=hashes,
                row_counts=rows,
                indicator_counts={c.list_code: c.as_dict() for c in counts},
                indicators=sum(c.indicators for c in counts),
                computed_parts=sum(c.by_status.get("computed", 0) for c in counts),
                gouji_rules=len(checks),
            )
            values = [
                json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, dict) else v
                for v in (getattr(s, c) for c, _ in OPS_TABLES["submissions"])
            ]
            con.execute(
                f"INSERT INTO {NATIONAL_OPS_SCHEMA}.submissions VALUES ({', '.join('?' for _ in values)})", values
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        wh.close()
    return s


def _refuse_unless_passed(year: int, checks: list[GoujiCheck]) -> None:
    failed = [c for c in checks if c.outcome == "fail"]
    pending = [c for c in checks if c.outcome == "skip"]
    if failed or pending:
        raise SubmitRefused(year, failed, pending)


# ------------------------------------------------------------------------------------------------
# Status


@dataclass
class NationalStatus:
    year: int
    hospital_code: str
    hospital_name: str | None
    months_covered: int | None
    lists: list[ListCounts]
    gouji: list[GoujiCheck] | None  # None: the mart does not exist yet
    last: Submission | None
    current_hash: str

    @property
    def failed(self) -> list[GoujiCheck]:
        return [c for c in self.gouji or [] if c.outcome == "fail"]

    @property
    def pending(self) -> list[GoujiCheck]:
        return [c for c in self.gouji or [] if c.outcome == "skip"]

    @property
    def changed_since_submission(self) -> bool:
        return self.last is not None and self.last.content_hash != self.current_hash


def national_status(warehouse: Path | str, year: int, hospital: str | None = None) -> NationalStatus:
    with open_marts(warehouse) as con:
        code, name = pick_hospital(con, year, hospital)
        months = con.execute(
            f"SELECT max(months_covered) FROM {MARTS}.{INDICATORS} WHERE year = ? AND hospital_code = ? "
            "AND period_type = 'year'",
            [year, code],
        ).fetchone()[0]
        return NationalStatus(
            year=year,
            hospital_code=code,
            hospital_name=name,
            months_covered=months,
            lists=list_counts(con, year, code),
            gouji=read_gouji_checks(con, year, code),
            last=last_submission(con, year, code),
            current_hash=year_hash(con, year, code)[0],
        )
