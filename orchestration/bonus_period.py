"""The bonus period workflow (奖金期间流程): period status, review adjustments, close and reopen.

Statuses per period (``bonus_ops.period_status``; no row = draft)::

    draft 草稿 ──bonus run──▶ calculated 已核算 ──bonus audit──▶ audited 已审核 ──close──▶ issued 已发放

``bonus run`` is allowed in draft/calculated/audited and ``bonus adjust`` in calculated/audited;
on an audited period both set it back to calculated (the audit is voided, and the log says so).
``reopen`` (reason required) sets an issued period back to draft.

Every status change, adjustment, close and reopen appends a row to ``bonus_ops.audit_log``; each
operation (state check + writes + log) is ONE DuckDB transaction, so a failure leaves nothing half
written. Functions here are pure with respect to the CLI: they take the warehouse path, raise
:class:`BonusPeriodError` (message in Chinese) on a refused operation and return dataclasses.

Close (关账归档) copies the period's rows of every mart in ``ARCHIVED_MARTS`` into
``bonus_archive.<mart>`` under a new ``archive_id`` and records a content hash per table plus an
overall hash in ``bonus_ops.period_archive``. :func:`published_hash` computes the same hash over the
*current* marts rows of a period (:func:`content_hash` is the one shared implementation), so a
rerun of the pipeline on an issued period can be checked against the hash stored at close.

DuckDB only: these commands open the warehouse file with ``duckdb.connect``; the PostgreSQL target
is not supported by this module (``ensure_bonus_tables`` itself is portable).

The Dagster pipeline is called only from :func:`run_bonus_pipeline`, so the status logic
(:func:`check_can_run`, :func:`mark_calculated`, …) is testable without running it.
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from connectors.bonus_state import (
    ARCHIVED_MARTS,
    BONUS_ARCHIVE_SCHEMA,
    BONUS_OPS_SCHEMA,
    PERIOD_STATUSES,
    ensure_bonus_tables,
    period_status_in,
)
from connectors.money import MoneyError, parse_money
from connectors.uploaded_text import clean_text, show_invisible
from connectors.warehouse import relation_exists

MARTS_SCHEMA = "marts"

# ``jixiao bonus run`` refreshes the whole pipeline for the period (no asset subset): a subset build
# runs the dbt tests attached to its models, and some of those read models outside the subset, which
# a fresh warehouse does not have yet. The dbt build of the whole project is the same work anyway.
BONUS_SELECTION = None

# audit_log.action → label shown to operators (actions written by other commands are shown as is).
ACTION_NAMES = {
    "calculate": "核算",
    "audit": "审核",
    "adjust": "复核调整",
    "close": "关账归档",
    "allocation_submit": "二次分配提交",
    "allocation_approve": "二次分配批准",
    "allocation_supplement": "二次分配补录",
    "reopen": "重新开放",
}

NULL_MARKER = None  # rendered as JSON null, distinct from any string (even "null" or "")
_ARCHIVE_ID = "archive_id"


class BonusPeriodError(ValueError):
    """A refused operation (message in Chinese, shown to the operator as is)."""


# ----------------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Transition:
    period: str
    old_status: str
    new_status: str
    audit_voided: bool = False


@dataclass(frozen=True)
class AdjustmentResult:
    adjustment_id: str
    period: str
    perf_dept_code: str
    accounting_group: str
    component_code: str
    old_value: Decimal
    new_value: Decimal
    superseded: tuple[str, ...]
    transition: Transition


@dataclass(frozen=True)
class Adjustment:
    adjustment_id: str
    period: str
    perf_dept_code: str
    accounting_group: str
    component_code: str
    old_value: Decimal | None
    new_value: Decimal | None
    reason: str | None
    adjusted_by: str | None
    adjusted_at: datetime | None
    is_active: bool


@dataclass(frozen=True)
class CloseResult:
    archive_id: str
    period: str
    content_hash: str
    table_hashes: dict[str, str]
    row_counts: dict[str, int]


@dataclass(frozen=True)
class PeriodRow:
    period: str
    status: str
    changed_at: datetime | None
    changed_by: str | None
    archive_id: str | None
    content_hash: str | None


@dataclass(frozen=True)
class LogEntry:
    event_id: str
    logged_at: datetime
    period: str | None
    perf_dept_code: str | None
    action: str
    actor: str | None
    reason: str | None
    detail: str | None


@dataclass(frozen=True)
class PoolLine:
    period: str
    accounting_group: str
    pool_amount: Decimal | None
    group_budget: Decimal | None
    group_points: Decimal | None
    point_price: Decimal | None
    dept_bonus_total: Decimal | None
    reserve_amount: Decimal | None


@dataclass(frozen=True)
class PipelineOutcome:
    success: bool
    seconds: float
    run_id: str | None


# ----------------------------------------------------------------------------------- helpers
def status_label(status: str) -> str:
    return PERIOD_STATUSES.get(status, status)


def _period_key(period: str) -> str:
    from connectors.source_config import Period

    try:
        return Period.parse(period.strip() if period else period).key
    except ValueError as exc:
        raise BonusPeriodError(str(exc)) from exc


def _required(value: str | None, what: str) -> str:
    text = clean_text(value or "")
    if not text:
        shown = f"（填写的“{show_invisible(value)}”只有空白或不可见字符）" if value else ""
        raise BonusPeriodError(f"必须填写{what}{shown}")
    return text


def parse_amount(text: str | Decimal | int) -> Decimal:
    """A money amount for ``decimal(18,2)`` (adjustments may be negative): :func:`connectors.money.parse_money`."""
    try:
        value = parse_money(text, allow_negative=True)
    except MoneyError as exc:
        raise BonusPeriodError(str(exc)) from None
    if value is None:
        raise BonusPeriodError("必须填写金额")
    return value


def _now() -> datetime:
    return datetime.now()


def _columns(con, schema: str, table: str) -> list[tuple[str, str]]:
    return [
        (r[0], r[1])
        for r in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            [schema, table],
        ).fetchall()
    ]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def _transaction(path: Path | str) -> Iterator[Any]:
    """One write transaction on the warehouse (the bonus_ops tables exist first)."""
    import duckdb

    ensure_bonus_tables(path)
    con = duckdb.connect(str(path))
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()


@contextmanager
def _reader(path: Path | str) -> Iterator[Any | None]:
    """A read-only connection, or None when the warehouse file does not exist yet."""
    import duckdb

    if not Path(path).exists():
        yield None
        return
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


def status_in(con, period: str) -> str:
    """The status of ``period`` seen through an open connection (use it inside your transaction)."""
    return period_status_in(con, period)


def period_status(path: Path | str, period: str) -> str:
    """The status of ``period``: draft / calculated / audited / issued (no row or no warehouse = draft)."""
    period = _period_key(period)
    with _reader(path) as con:
        return "draft" if con is None else status_in(con, period)


def log_event(
    con,
    *,
    period: str | None,
    action: str,
    actor: str | None,
    reason: str | None = None,
    perf_dept_code: str | None = None,
    detail: dict | None = None,
    logged_at: datetime | None = None,
) -> str:
    """Append one ``bonus_ops.audit_log`` row through ``con`` (inside the caller's transaction)."""
    event_id = str(uuid.uuid4())
    con.execute(
        f"INSERT INTO {BONUS_OPS_SCHEMA}.audit_log (event_id, logged_at, period, perf_dept_code, action, actor, "
        "reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            event_id,
            logged_at or _now(),
            period,
            perf_dept_code,
            action,
            actor,
            reason,
            None if detail is None else json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
        ],
    )
    return event_id


def _set_status(con, period: str, status: str, actor: str, at: datetime) -> None:
    con.execute(f"DELETE FROM {BONUS_OPS_SCHEMA}.period_status WHERE period = ?", [period])
    con.execute(
        f"INSERT INTO {BONUS_OPS_SCHEMA}.period_status (period, status, changed_at, changed_by) VALUES (?, ?, ?, ?)",
        [period, status, at, actor],
    )


def _refuse(period: str, status: str, what: str, allowed: Sequence[str], hint: str = "") -> BonusPeriodError:
    allowed_text = "、".join(f"「{status_label(s)}」" for s in allowed)
    msg = f"期间 {period} 当前状态为「{status_label(status)}」，{what}只能在{allowed_text}状态下进行"
    if status == "issued" and "issued" not in allowed:
        msg += f'（已发放，需先 reopen：jixiao reopen --period {period} --reason "…" --by 姓名）'
    elif hint:
        msg += f"（{hint}）"
    return BonusPeriodError(msg)


# ----------------------------------------------------------------------------------- hashing
def render_value(value: Any) -> str | None:
    """Canonical text of one value for the content hash (None = the NULL marker).

    Decimals as plain strings without exponent and without trailing zeros (1.50 → "1.5", so a
    change of scale is not a change of content), floats by ``repr``, dates/times ISO 8601,
    booleans true/false, everything else ``str``.
    """
    if value is None:
        return NULL_MARKER
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        if value.is_nan():
            return "NaN"
        if value.is_infinite():
            return "Infinity" if value > 0 else "-Infinity"
        if value == 0:
            return "0"
        return format(value.normalize(), "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 2**53:
            return str(int(value)) if value != 0 else "0"
        return repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return str(value)


def content_hash(
    con, relation: str, columns: Sequence[str], where: str, params: Sequence[Any]
) -> tuple[str, int]:
    """sha256 over the rows of ``relation`` matching ``where``, in a canonical form.

    Columns in name order (``archive_id`` never included), each row rendered as a JSON array of
    :func:`render_value`, rows sorted by that text; the digest covers a header line with the column
    names and one line per row. Returns (hex digest, row count). The single implementation behind
    the hash stored at close and :func:`published_hash`.
    """
    cols = sorted(c for c in columns if c != _ARCHIVE_ID)
    select = ", ".join(_q(c) for c in cols)
    rows = con.execute(f"SELECT {select} FROM {relation} WHERE {where}", list(params)).fetchall()
    lines = sorted(
        json.dumps([render_value(v) for v in r], ensure_ascii=False, separators=(",", ":")) for r in rows
    )
    h = hashlib.sha256()
    h.update(json.dumps(cols, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
    for line in lines:
        h.update(line.encode("utf-8") + b"\n")
    return h.hexdigest(), len(rows)


def overall_hash(table_hashes: dict[str, str]) -> str:
    """sha256 over ``<table>:<hash>`` lines in table-name order."""
    text = "".join(f"{t}:{table_hashes[t]}\n" for t in sorted(table_hashes))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _require_marts(con) -> None:
    missing = [m for m in ARCHIVED_MARTS if not relation_exists(con, MARTS_SCHEMA, m)]
    if missing:
        raise BonusPeriodError(
            "奖金结果表不存在："
            + "、".join(f"{MARTS_SCHEMA}.{m}" for m in missing)
            + "（请先运行 jixiao bonus run）"
        )


def _published_hash_in(con, period: str) -> tuple[str, dict[str, str]]:
    _require_marts(con)
    per_table = {}
    for mart in ARCHIVED_MARTS:
        cols = [c for c, _ in _columns(con, MARTS_SCHEMA, mart)]
        per_table[mart], _ = content_hash(con, f"{MARTS_SCHEMA}.{mart}", cols, "period = ?", [period])
    return overall_hash(per_table), per_table


def published_hash(path: Path | str, period: str) -> tuple[str, dict[str, str]]:
    """(overall hash, {mart: hash}) of the period's rows as the marts publish them now."""
    period = _period_key(period)
    with _reader(path) as con:
        if con is None:
            raise BonusPeriodError(f"数仓不存在：{path}")
        return _published_hash_in(con, period)


# ----------------------------------------------------------------------------------- run
def check_can_run(path: Path | str, period: str) -> str:
    """Refuse ``bonus run`` on an issued period; returns the current status otherwise."""
    period = _period_key(period)
    status = period_status(path, period)
    if status == "issued":
        raise _refuse(period, status, "奖金核算", ("draft", "calculated", "audited"))
    return status


def run_bonus_pipeline(period: str) -> PipelineOutcome:
    """Run the Dagster pipeline for the bonus marts of ``period`` (the only Dagster call here)."""
    import time as _time

    from orchestration.cli import _run

    period = _period_key(period)
    t0 = _time.perf_counter()
    summary = _run(period, period, "nightly_refresh", BONUS_SELECTION)
    return PipelineOutcome(bool(summary.success), _time.perf_counter() - t0, getattr(summary, "run_id", None))


def mark_calculated(
    path: Path | str,
    period: str,
    actor: str,
    *,
    seconds: float | None = None,
    run_id: str | None = None,
) -> Transition:
    """After a successful run: draft/calculated/audited → calculated (a previous audit is voided)."""
    period = _period_key(period)
    actor = _required(actor, "操作人（--by）")
    with _transaction(path) as con:
        old = status_in(con, period)
        if old not in ("draft", "calculated", "audited"):
            raise _refuse(period, old, "奖金核算", ("draft", "calculated", "audited"))
        at = _now()
        _set_status(con, period, "calculated", actor, at)
        detail: dict[str, Any] = {"from": old, "to": "calculated"}
        if old == "audited":
            detail["audit_voided"] = True
        if seconds is not None:
            detail["seconds"] = round(seconds, 1)
        if run_id:
            detail["run_id"] = run_id
        log_event(
            con,
            period=period,
            action="calculate",
            actor=actor,
            reason="重新核算，原审核作废" if old == "audited" else None,
            detail=detail,
            logged_at=at,
        )
    return Transition(period, old, "calculated", audit_voided=old == "audited")


def pool_summary(path: Path | str, period: str) -> tuple[list[PoolLine], int]:
    """The period's rows of marts.fct_bonus_pool and its count of warnings (fct_bonus_warnings)."""
    period = _period_key(period)
    with _reader(path) as con:
        if con is None or not relation_exists(con, MARTS_SCHEMA, "fct_bonus_pool"):
            raise BonusPeriodError(f"{MARTS_SCHEMA}.fct_bonus_pool 不存在（核算未产生结果）")
        rows = con.execute(
            "SELECT period, accounting_group, pool_amount, group_budget, group_points, point_price, "
            f"dept_bonus_total, reserve_amount FROM {MARTS_SCHEMA}.fct_bonus_pool WHERE period = ? "
            "ORDER BY accounting_group",
            [period],
        ).fetchall()
        warnings = 0
        if relation_exists(con, MARTS_SCHEMA, "fct_bonus_warnings"):
            warnings = con.execute(
                f"SELECT count(*) FROM {MARTS_SCHEMA}.fct_bonus_warnings WHERE period = ?", [period]
            ).fetchone()[0]
    return [PoolLine(*r) for r in rows], int(warnings)


# ----------------------------------------------------------------------------------- audit / adjust
def audit_period(path: Path | str, period: str, actor: str, note: str | None = None) -> Transition:
    """calculated → audited."""
    period = _period_key(period)
    actor = _required(actor, "审核人（--by）")
    with _transaction(path) as con:
        old = status_in(con, period)
        if old != "calculated":
            hint = "请先 jixiao bonus run 核算" if old == "draft" else ""
            raise _refuse(period, old, "审核", ("calculated",), hint)
        _require_current(con, period)
        audited_hash = _published_hash_in(con, period)[0] if _all_marts_exist(con) else None
        at = _now()
        _set_status(con, period, "audited", actor, at)
        log_event(
            con,
            period=period,
            action="audit",
            actor=actor,
            reason=clean_text(note or "") or None,
            detail={"from": old, "to": "audited", "content_hash": audited_hash},
            logged_at=at,
        )
    return Transition(period, old, "audited")


def adjust_component(
    path: Path | str,
    period: str,
    dept: str,
    group: str,
    component: str,
    value: str | Decimal | int,
    reason: str | None,
    actor: str,
) -> AdjustmentResult:
    """复核调整: replace one component amount of dept × group × period (only calculated/audited).

    old_value is the amount currently in marts.fct_dept_bonus; an earlier active adjustment of the
    same key becomes inactive; an audited period goes back to calculated. The dbt models apply the
    active adjustments, so ``jixiao bonus run`` must be rerun for the value to flow through.
    """
    period = _period_key(period)
    reason = _required(reason, "调整原因（--reason）")
    actor = _required(actor, "调整人（--by）")
    dept = _required(dept, "科室（--dept）")
    group = _required(group, "核算分组（--group）")
    component = _required(component, "奖金组成（--component）")
    new_value = parse_amount(value)
    with _transaction(path) as con:
        old = status_in(con, period)
        if old not in ("calculated", "audited"):
            hint = "请先 jixiao bonus run 核算" if old == "draft" else ""
            raise _refuse(period, old, "复核调整", ("calculated", "audited"), hint)
        if not relation_exists(con, MARTS_SCHEMA, "fct_dept_bonus"):
            raise BonusPeriodError(f"{MARTS_SCHEMA}.fct_dept_bonus 不存在（请先运行 jixiao bonus run）")
        row = con.execute(
            f"SELECT amount FROM {MARTS_SCHEMA}.fct_dept_bonus WHERE period = ? AND perf_dept_code = ? "
            "AND accounting_group = ? AND component_code = ?",
            [period, dept, group, component],
        ).fetchall()
        if not row:
            raise BonusPeriodError(
                f"{MARTS_SCHEMA}.fct_dept_bonus 中没有这一项：期间 {period}，科室 {dept}，核算分组 {group}，"
                f"奖金组成 {component}（无法调整不存在的金额）"
            )
        if len(row) > 1:
            raise BonusPeriodError(
                f"{MARTS_SCHEMA}.fct_dept_bonus 中期间 {period}，科室 {dept}，核算分组 {group}，奖金组成 {component} "
                f"有 {len(row)} 行（应唯一），请检查模型"
            )
        old_value = row[0][0]
        old_value = None if old_value is None else Decimal(str(old_value)).quantize(Decimal("0.01"))
        key = [period, dept, group, component]
        superseded = tuple(
            r[0]
            for r in con.execute(
                f"SELECT adjustment_id FROM {BONUS_OPS_SCHEMA}.adjustments WHERE period = ? AND perf_dept_code = ? "
                "AND accounting_group = ? AND component_code = ? AND is_active ORDER BY adjusted_at",
                key,
            ).fetchall()
        )
        if superseded:
            con.execute(
                f"UPDATE {BONUS_OPS_SCHEMA}.adjustments SET is_active = false WHERE period = ? AND perf_dept_code = ? "
                "AND accounting_group = ? AND component_code = ? AND is_active",
                key,
            )
        at = _now()
        adjustment_id = str(uuid.uuid4())
        con.execute(
            f"INSERT INTO {BONUS_OPS_SCHEMA}.adjustments (adjustment_id, period, perf_dept_code, accounting_group, "
            "component_code, old_value, new_value, reason, adjusted_by, adjusted_at, is_active) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, true)",
            [adjustment_id, *key, old_value, new_value, reason, actor, at],
        )
        _set_status(con, period, "calculated", actor, at)
        log_event(
            con,
            period=period,
            action="adjust",
            actor=actor,
            reason=reason,
            perf_dept_code=dept,
            detail={
                "adjustment_id": adjustment_id,
                "accounting_group": group,
                "component_code": component,
                "old_value": None if old_value is None else str(old_value),
                "new_value": str(new_value),
                "superseded": list(superseded),
                "from": old,
                "to": "calculated",
                "audit_voided": old == "audited",
            },
            logged_at=at,
        )
    transition = Transition(period, old, "calculated", audit_voided=old == "audited")
    return AdjustmentResult(
        adjustment_id, period, dept, group, component, old_value, new_value, superseded, transition
    )


def list_adjustments(path: Path | str, period: str) -> list[Adjustment]:
    period = _period_key(period)
    with _reader(path) as con:
        if con is None or not relation_exists(con, BONUS_OPS_SCHEMA, "adjustments"):
            return []
        rows = con.execute(
            "SELECT adjustment_id, period, perf_dept_code, accounting_group, component_code, old_value, new_value, "
            f"reason, adjusted_by, adjusted_at, is_active FROM {BONUS_OPS_SCHEMA}.adjustments WHERE period = ? "
            "ORDER BY adjusted_at, adjustment_id",
            [period],
        ).fetchall()
    return [Adjustment(*r) for r in rows]


# ----------------------------------------------------------------------------------- close / reopen
def _require_current(con, period: str) -> None:
    """Refuse to audit or close results that predate an approved 二次分配 or an active 复核调整: the
    marts must have been recalculated (``jixiao bonus run``) after them, or the archive would miss them."""
    stale: list[str] = []
    if relation_exists(con, MARTS_SCHEMA, "fct_staff_bonus"):
        rows = con.execute(
            f"SELECT v.perf_dept_code FROM {BONUS_OPS_SCHEMA}.allocation_versions AS v "
            "WHERE v.period = ? AND v.status = 'approved' AND v.version_id NOT IN "
            f"(SELECT version_id FROM {MARTS_SCHEMA}.fct_staff_bonus WHERE period = ? AND version_id IS NOT NULL)",
            [period, period],
        ).fetchall()
        stale += [f"科室 {r[0]} 已批准的二次分配" for r in rows]
    if relation_exists(con, MARTS_SCHEMA, "fct_dept_bonus"):
        rows = con.execute(
            f"SELECT a.perf_dept_code, a.component_code FROM {BONUS_OPS_SCHEMA}.adjustments AS a "
            "WHERE a.period = ? AND a.is_active AND a.adjustment_id NOT IN "
            f"(SELECT adjustment_id FROM {MARTS_SCHEMA}.fct_dept_bonus WHERE period = ? AND adjustment_id IS NOT NULL)",
            [period, period],
        ).fetchall()
        stale += [f"科室 {r[0]} {r[1]} 的复核调整" for r in rows]
    if stale:
        raise BonusPeriodError(
            f"期间 {period} 的核算结果尚未包含：{'、'.join(stale)}；请先运行 jixiao bonus run --period {period} 重新核算"
        )


def _all_marts_exist(con) -> bool:
    return all(relation_exists(con, MARTS_SCHEMA, m) for m in ARCHIVED_MARTS)


def _require_unchanged_since_audit(con, period: str) -> None:
    """Refuse to close numbers other than those audited: a pipeline run after the audit (nightly
    refresh, late data) may have changed the period's published rows. The audit recorded their hash."""
    row = con.execute(
        f"SELECT detail FROM {BONUS_OPS_SCHEMA}.audit_log WHERE period = ? AND action = 'audit' "
        "ORDER BY logged_at DESC LIMIT 1",
        [period],
    ).fetchone()
    audited = json.loads(row[0]).get("content_hash") if row and row[0] else None
    if audited is None:
        return
    current, _ = _published_hash_in(con, period)
    if current != audited:
        raise BonusPeriodError(
            f"期间 {period} 的奖金结果在审核之后发生了变化（数据刷新或重新核算），不能关账；"
            f"请核对后重新审核：jixiao bonus run --period {period}，再 jixiao bonus audit"
        )


def close_period(path: Path | str, period: str, actor: str) -> CloseResult:
    """关账归档 (audited → issued), in one transaction: copy the period's rows of every archived mart
    into ``bonus_archive.<mart>`` under a new archive_id, hash them, record period_archive, log."""
    period = _period_key(period)
    actor = _required(actor, "操作人（--by）")
    with _transaction(path) as con:
        old = status_in(con, period)
        if old != "audited":
            hint = "请先 jixiao bonus audit 审核" if old == "calculated" else ""
            if old == "issued":
                hint = "已关账"
            raise BonusPeriodError(
                f"期间 {period} 当前状态为「{status_label(old)}」，关账只能在「已审核」状态下进行"
                + (f"（{hint}）" if hint else "")
            )
        _require_marts(con)
        _require_current(con, period)
        _require_unchanged_since_audit(con, period)
        n_pool = con.execute(
            f"SELECT count(*) FROM {MARTS_SCHEMA}.fct_bonus_pool WHERE period = ?", [period]
        ).fetchone()[0]
        if not n_pool:
            raise BonusPeriodError(
                f"{MARTS_SCHEMA}.fct_bonus_pool 没有期间 {period} 的行，无可归档的核算结果"
            )
        archive_id = str(uuid.uuid4())
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {BONUS_ARCHIVE_SCHEMA}")
        table_hashes: dict[str, str] = {}
        row_counts: dict[str, int] = {}
        for mart in ARCHIVED_MARTS:
            src, dst = f"{MARTS_SCHEMA}.{mart}", f"{BONUS_ARCHIVE_SCHEMA}.{mart}"
            con.execute(
                f"CREATE TABLE IF NOT EXISTS {dst} AS SELECT *, NULL::varchar AS archive_id FROM {src} WHERE false"
            )
            mart_cols = _columns(con, MARTS_SCHEMA, mart)
            archived = {c for c, _ in _columns(con, BONUS_ARCHIVE_SCHEMA, mart)}
            for col, typ in mart_cols:  # a column added to the mart since the first close
                if col not in archived:
                    con.execute(f"ALTER TABLE {dst} ADD COLUMN {_q(col)} {typ}")
            con.execute(
                f"INSERT INTO {dst} BY NAME SELECT *, CAST(? AS VARCHAR) AS archive_id FROM {src} WHERE period = ?",
                [archive_id, period],
            )
            # Hash what was archived, over the mart's columns (the same rendering as published_hash).
            table_hashes[mart], row_counts[mart] = content_hash(
                con, dst, [c for c, _ in mart_cols], "archive_id = ?", [archive_id]
            )
        total = overall_hash(table_hashes)
        at = _now()
        con.execute(
            f"INSERT INTO {BONUS_OPS_SCHEMA}.period_archive (archive_id, period, closed_at, closed_by, content_hash, "
            "table_hashes, row_counts, is_active, reopened_at, reopened_by, reopen_reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, true, NULL, NULL, NULL)",
            [
                archive_id,
                period,
                at,
                actor,
                total,
                json.dumps(table_hashes, sort_keys=True),
                json.dumps(row_counts, sort_keys=True),
            ],
        )
        _set_status(con, period, "issued", actor, at)
        log_event(
            con,
            period=period,
            action="close",
            actor=actor,
            detail={
                "from": old,
                "to": "issued",
                "archive_id": archive_id,
                "content_hash": total,
                "row_counts": row_counts,
            },
            logged_at=at,
        )
    return CloseResult(archive_id, period, total, table_hashes, row_counts)


def reopen_period(path: Path | str, period: str, reason: str | None, actor: str) -> Transition:
    """重新开放 (issued → draft, reason required): the active archive becomes inactive (its rows stay)."""
    period = _period_key(period)
    if not clean_text(reason or ""):
        shown = f"（填写的“{show_invisible(reason)}”只有空白或不可见字符）" if reason else ""
        raise BonusPeriodError(f'重新开放期间 {period} 必须填写原因：--reason "…"{shown}')
    reason = clean_text(reason)
    actor = _required(actor, "操作人（--by）")
    with _transaction(path) as con:
        old = status_in(con, period)
        if old != "issued":
            raise _refuse(period, old, "重新开放", ("issued",))
        archive_ids = [
            r[0]
            for r in con.execute(
                f"SELECT archive_id FROM {BONUS_OPS_SCHEMA}.period_archive WHERE period = ? AND is_active",
                [period],
            ).fetchall()
        ]
        at = _now()
        con.execute(
            f"UPDATE {BONUS_OPS_SCHEMA}.period_archive SET is_active = false, reopened_at = ?, reopened_by = ?, "
            "reopen_reason = ? WHERE period = ? AND is_active",
            [at, actor, reason, period],
        )
        _set_status(con, period, "draft", actor, at)
        log_event(
            con,
            period=period,
            action="reopen",
            actor=actor,
            reason=reason,
            detail={"from": old, "to": "draft", "archive_ids": archive_ids},
            logged_at=at,
        )
    return Transition(period, old, "draft")


# ----------------------------------------------------------------------------------- listings
def list_statuses(path: Path | str, period: str | None = None) -> list[PeriodRow]:
    """Periods with a status row or bonus results (those without a row are drafts), newest first."""
    wanted = _period_key(period) if period else None
    with _reader(path) as con:
        if con is None:
            return [PeriodRow(wanted, "draft", None, None, None, None)] if wanted else []
        periods: set[str] = set()
        status_rows: dict[str, tuple] = {}
        if relation_exists(con, BONUS_OPS_SCHEMA, "period_status"):
            for p, st, at, by in con.execute(
                f"SELECT period, status, changed_at, changed_by FROM {BONUS_OPS_SCHEMA}.period_status "
                "ORDER BY changed_at NULLS FIRST"
            ).fetchall():
                status_rows[p] = (st, at, by)
        periods |= set(status_rows)
        if relation_exists(con, MARTS_SCHEMA, "fct_bonus_pool"):
            periods |= {
                r[0]
                for r in con.execute(f"SELECT DISTINCT period FROM {MARTS_SCHEMA}.fct_bonus_pool").fetchall()
            }
        archives: dict[str, tuple[str, str]] = {}
        if relation_exists(con, BONUS_OPS_SCHEMA, "period_archive"):
            for p, aid, h in con.execute(
                f"SELECT period, archive_id, content_hash FROM {BONUS_OPS_SCHEMA}.period_archive "
                "WHERE is_active ORDER BY closed_at"
            ).fetchall():
                archives[p] = (aid, h)
    if wanted:
        periods = {wanted}
    out = []
    for p in sorted((x for x in periods if x), reverse=True):
        st, at, by = status_rows.get(p, ("draft", None, None))
        aid, h = archives.get(p, (None, None)) if st == "issued" else (None, None)
        out.append(PeriodRow(p, st, at, by, aid, h))
    return out


def audit_log(path: Path | str, period: str) -> list[LogEntry]:
    period = _period_key(period)
    with _reader(path) as con:
        if con is None or not relation_exists(con, BONUS_OPS_SCHEMA, "audit_log"):
            return []
        rows = con.execute(
            "SELECT event_id, logged_at, period, perf_dept_code, action, actor, reason, detail "
            f"FROM {BONUS_OPS_SCHEMA}.audit_log WHERE period = ? ORDER BY logged_at, event_id",
            [period],
        ).fetchall()
    return [LogEntry(*r) for r in rows]
