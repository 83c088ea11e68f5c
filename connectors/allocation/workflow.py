"""The 二次分配 workflow: templates, submission, approval, 补录, print, status (DuckDB only).

State lives in ``bonus_ops.allocation_versions`` / ``allocation_lines`` / ``allocation_supplements``
and ``bonus_ops.audit_log`` (DDL: connectors/bonus_state). Every write is one transaction on one
connection, which is opened for the command and closed at its end (DuckDB: one writer at a time).

Files live under ``root`` (the CLI passes ``<data_dir>/allocation``):
``templates/<period>/``, ``accepted/<stamp>_<name>``, ``rejected/<stamp>_<name>`` with
``.errors.csv``/``.errors.txt`` beside it, ``print/<period>/``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from connectors.allocation import store
from connectors.allocation.store import AllocationError, check_period, status_label
from connectors.allocation.validate import AllocationResult, is_allocation_workbook, validate_allocation, yuan
from connectors.allocation.workbook import build_print, build_template, template_file_name
from connectors.bonus_state import ensure_bonus_tables
from connectors.intake.load import inbox_files
from connectors.money import MoneyError, parse_money
from connectors.rejected_files import place_file, write_rejection_report
from connectors.upload_limits import upload_limits
from connectors.uploaded_text import clean_text, normalise_text
from connectors.warehouse import relation_exists

OPS = "bonus_ops"
VERSION_STATUS_LABELS = {"accepted": "已受理（待审批）", "approved": "已审批", "superseded": "已被替代"}


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _audit(con, *, period: str, dept: str, action: str, actor: str, reason: str | None, detail: dict) -> None:
    con.execute(
        f"insert into {OPS}.audit_log values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            uuid.uuid4().hex,
            _now(),
            period,
            dept,
            action,
            actor,
            reason,
            json.dumps(detail, ensure_ascii=False, default=str),
        ],
    )


class _Transaction:
    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def __enter__(self):
        self.con.execute("BEGIN TRANSACTION")
        return self.con

    def __exit__(self, exc_type, *_):
        self.con.execute("ROLLBACK" if exc_type else "COMMIT")


# -- templates --------------------------------------------------------------------------------------
def generate_templates(
    warehouse: Path | str, period: str, out_dir: Path | str, dept: str | None = None
) -> tuple[list[Path], str]:
    """One workbook per department with a pool in ``period`` (or just ``dept``); returns the paths
    and the period status (draft/calculated/audited/issued)."""
    check_period(period)
    con = store.connect(warehouse, read_only=True)
    try:
        pools = store.dept_pools(con, period)
        if dept is not None:
            if dept not in pools:
                raise AllocationError(f"期间 {period} 没有科室 {dept} 的奖金核算结果，无法生成二次分配表")
            pools = {dept: pools[dept]}
        if not pools:
            raise AllocationError(f"期间 {period} 没有任何科室的奖金核算结果，请先运行奖金核算")
        status = store.period_status(con, period)
        bound = store.deviation_bound(con, period)
        jobs = [(p, store.suggestions(con, period, p.perf_dept_code)) for p in pools.values()]
    finally:
        con.close()
    out_dir = Path(out_dir)
    paths = [
        build_template(
            out_dir / template_file_name(period, p.perf_dept_code, p.perf_dept_name),
            period=period,
            dept=p.perf_dept_code,
            dept_name=p.perf_dept_name,
            dept_pool=p.dept_pool,
            staff=staff,
            deviation_bound=bound,
        )
        for p, staff in jobs
    ]
    return paths, status


# -- submission -------------------------------------------------------------------------------------
def file_sha256(path: Path | str) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_error_report(result: AllocationResult, base: Path, checked_at: datetime) -> Path:
    """``<base>.errors.csv`` (UTF-8 BOM, opens in Excel) and ``<base>.errors.txt``; returns the csv."""
    what = f"{result.perf_dept_code or ''} {result.perf_dept_name or ''} {result.period or ''}".strip()
    return write_rejection_report(
        base, file=result.file, subject=("二次分配", what or "未识别"), outcome="未受理", errors=result.errors,
        error_count=result.error_count, checked_at=checked_at,
    )  # fmt: skip


def submit_allocation(
    path: Path | str,
    warehouse: Path | str,
    root: Path | str,
    *,
    submitted_by: str,
    move: bool = False,
) -> AllocationResult:
    """Validate a filled workbook; if valid store it as the new accepted version (lines, audit row,
    superseding the previous accepted-not-approved version) in ONE transaction.

    The file is copied (``move=True``: moved, as from the intake inbox) to ``root/accepted`` or,
    when rejected, to ``root/rejected`` with an error report; a rejection writes nothing to the
    warehouse. A warehouse failure rolls back, leaves the file where it was and re-raises.
    """
    path, root = Path(path), Path(root)
    if not path.is_file():
        raise AllocationError(f"文件不存在：{path}")
    upload_limits()  # a malformed JIXIAO_UPLOAD_MAX_* raises here: the file stays where it is
    submitted_at = _now()
    stamp = f"{submitted_at:%Y%m%d-%H%M%S}"
    file_hash = file_sha256(path)
    ensure_bonus_tables(warehouse)
    con = store.connect(warehouse)
    result: AllocationResult | None = None
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            result = validate_allocation(path, con)
            result.file_hash = file_hash
            if result.ok:
                result.version_id = f"{result.period}-{result.perf_dept_code}-{stamp}-{uuid.uuid4().hex[:6]}"
                _store_version(con, result, submitted_by, submitted_at)
                result.stored_path = place_file(path, root / "accepted", stamp, move)
                con.execute("COMMIT")
                result.status = "accepted"
            else:
                con.execute("ROLLBACK")
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass  # the failed statement was the COMMIT: nothing is left to roll back
            if result is not None:
                _undo_place(result, path, move)
            raise
    finally:
        con.close()
    if not result.ok:
        result.status = "rejected"
        result.stored_path = place_file(path, root / "rejected", stamp, move)
        result.report_path = write_error_report(result, result.stored_path, submitted_at)
    return result


def _undo_place(result: AllocationResult, original: Path, move: bool) -> None:
    stored = result.stored_path
    if stored is None or not stored.exists():
        return
    if move and not original.exists():
        shutil.move(stored, original)
    else:
        stored.unlink()
    result.stored_path = None


def _store_version(con, result: AllocationResult, submitted_by: str, submitted_at: datetime) -> None:
    period, dept = result.period, result.perf_dept_code
    result.superseded = [
        r[0]
        for r in con.execute(
            f"select version_id from {OPS}.allocation_versions "
            "where period = ? and perf_dept_code = ? and status = 'accepted'",
            [period, dept],
        ).fetchall()
    ]
    con.execute(
        f"update {OPS}.allocation_versions set status = 'superseded' "
        "where period = ? and perf_dept_code = ? and status = 'accepted'",
        [period, dept],
    )
    con.execute(
        f"insert into {OPS}.allocation_versions values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'accepted', null, null)",
        [
            result.version_id,
            period,
            dept,
            result.file,
            result.file_hash,
            submitted_by,
            submitted_at,
            result.dept_pool,
            result.declared_reserve,
        ],
    )
    con.executemany(
        f"insert into {OPS}.allocation_lines values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                result.version_id,
                ln.line_no,
                ln.staff_id,
                ln.staff_name,
                ln.amount,
                ln.suggested_amount,
                ln.transfer_dept_code,
                ln.reason,
            ]
            for ln in result.lines
        ],
    )
    _audit(
        con,
        period=period,
        dept=dept,
        action="allocation_submit",
        actor=submitted_by,
        reason=None,
        detail={
            "version_id": result.version_id,
            "file": result.file,
            "file_hash": result.file_hash,
            "lines": len(result.lines),
            "total": str(result.total),
            "declared_reserve": str(result.declared_reserve),
            "dept_pool": str(result.dept_pool),
            "superseded": result.superseded,
        },
    )


def take_in_inbox(
    inbox: Path | str, warehouse: Path | str, root: Path | str, *, submitted_by: str = "inbox"
) -> list[AllocationResult]:
    """Move every allocation workbook (``_jixiao`` sheet) out of the intake inbox through
    :func:`submit_allocation`; other files are left for the normal intake."""
    return [
        submit_allocation(p, warehouse, root, submitted_by=submitted_by, move=True)
        for p in inbox_files(inbox)
        if is_allocation_workbook(p)
    ]


# -- approval ---------------------------------------------------------------------------------------
@dataclass
class Approval:
    version_id: str
    period: str
    perf_dept_code: str
    approved_by: str
    approved_at: datetime
    superseded: list[str]


def approve_allocation(warehouse: Path | str, period: str, dept: str, *, approved_by: str) -> Approval:
    """The latest accepted version of period × dept becomes approved (a previously approved one is
    superseded). Refused when there is none, the period is not calculated/audited, or the dept
    pool changed since the submission."""
    check_period(period)
    ensure_bonus_tables(warehouse)
    con = store.connect(warehouse)
    try:
        with _Transaction(con):
            status = store.period_status(con, period)
            if status == "issued":
                raise AllocationError(f"期间 {period} 奖金已发放，不能再审批二次分配；如需调整请补录")
            if status == "draft":
                raise AllocationError(f"期间 {period} 尚未核算（当前状态：草稿），不能审批二次分配")
            row = con.execute(
                f"select version_id, dept_pool from {OPS}.allocation_versions "
                "where period = ? and perf_dept_code = ? and status = 'accepted' "
                "order by submitted_at desc, version_id desc limit 1",
                [period, dept],
            ).fetchone()
            if row is None:
                approved = con.execute(
                    f"select version_id from {OPS}.allocation_versions "
                    "where period = ? and perf_dept_code = ? and status = 'approved'",
                    [period, dept],
                ).fetchone()
                extra = f"（已审批版本：{approved[0]}）" if approved else ""
                raise AllocationError(f"期间 {period} 科室 {dept} 没有待审批的二次分配版本{extra}")
            version_id, version_pool = row
            pool = store.dept_pools(con, period).get(dept)
            if pool is None or pool.dept_pool != version_pool:
                now_text = yuan(pool.dept_pool) if pool else "无"
                raise AllocationError(
                    f"科室奖金总额已变化（提交时 {yuan(version_pool)} 元，当前 {now_text} 元），"
                    f"版本 {version_id} 不能审批；请重新生成模板并提交"
                )
            superseded = [
                r[0]
                for r in con.execute(
                    f"select version_id from {OPS}.allocation_versions "
                    "where period = ? and perf_dept_code = ? and status = 'approved'",
                    [period, dept],
                ).fetchall()
            ]
            con.execute(
                f"update {OPS}.allocation_versions set status = 'superseded' "
                "where period = ? and perf_dept_code = ? and status = 'approved'",
                [period, dept],
            )
            approved_at = _now()
            con.execute(
                f"update {OPS}.allocation_versions set status = 'approved', approved_by = ?, approved_at = ? "
                "where version_id = ?",
                [approved_by, approved_at, version_id],
            )
            _audit(
                con,
                period=period,
                dept=dept,
                action="allocation_approve",
                actor=approved_by,
                reason=None,
                detail={"version_id": version_id, "superseded": superseded},
            )
    finally:
        con.close()
    return Approval(version_id, period, dept, approved_by, approved_at, superseded)


# -- 补录 -------------------------------------------------------------------------------------------
def add_supplement(
    warehouse: Path | str,
    period: str,
    dept: str,
    staff_id: str,
    amount: str | Decimal,
    *,
    reason: str,
    recorded_by: str,
) -> str:
    """Record a 补录 line (period calculated, audited or issued; reason required); returns its id.

    The person must belong to ``dept`` in ``period`` or be a line of its approved version (划拨).
    A negative amount (补扣) is allowed, zero is not."""
    check_period(period)
    reason = clean_text(reason or "")
    if not reason:
        raise AllocationError("补录必须填写理由（--reason），只有空白或不可见字符不算填写")
    staff_id = normalise_text(staff_id or "")
    try:
        value = parse_money(amount, what="补录金额", allow_negative=True, allow_zero=False)
    except MoneyError as exc:
        raise AllocationError(str(exc)) from None
    if value is None:
        raise AllocationError("必须填写补录金额（--amount）")
    ensure_bonus_tables(warehouse)
    con = store.connect(warehouse)
    try:
        with _Transaction(con):
            status = store.period_status(con, period)
            if status not in ("calculated", "audited", "issued"):
                raise AllocationError(f"期间 {period} 尚未核算（当前状态：{status_label(status)}），不能补录")
            member = any(s["staff_id"] == staff_id for s in store.suggestions(con, period, dept))
            if not member:
                member = (
                    con.execute(
                        f"select count(*) from {OPS}.allocation_lines l join {OPS}.allocation_versions v "
                        "using (version_id) where v.period = ? and v.perf_dept_code = ? "
                        "and v.status = 'approved' and l.staff_id = ?",
                        [period, dept, staff_id],
                    ).fetchone()[0]
                    > 0
                )
            if not member:
                raise AllocationError(
                    f"工号 {staff_id} 本期不是科室 {dept} 的人员（也不在其已审批的二次分配中），不能补录"
                )
            supplement_id = f"{period}-{dept}-{uuid.uuid4().hex[:10]}"
            con.execute(
                f"insert into {OPS}.allocation_supplements values (?, ?, ?, ?, ?, ?, ?, ?)",
                [supplement_id, period, dept, staff_id, value, reason, recorded_by, _now()],
            )
            _audit(
                con,
                period=period,
                dept=dept,
                action="allocation_supplement",
                actor=recorded_by,
                reason=reason,
                detail={"supplement_id": supplement_id, "staff_id": staff_id, "amount": str(value)},
            )
    finally:
        con.close()
    return supplement_id


# -- print ------------------------------------------------------------------------------------------
def print_allocation(warehouse: Path | str, period: str, dept: str, out_dir: Path | str) -> Path:
    """The printable workbook of the approved version of period × dept."""
    check_period(period)
    con = store.connect(warehouse, read_only=True)
    try:
        try:
            cur = con.execute(
                f"select * from {OPS}.allocation_versions where period = ? and perf_dept_code = ? "
                "and status = 'approved' order by approved_at desc limit 1",
                [period, dept],
            )
        except duckdb.CatalogException:
            cur = None
        row = cur.fetchone() if cur else None
        if row is None:
            raise AllocationError(f"期间 {period} 科室 {dept} 没有已审批的二次分配，无法打印")
        version = dict(zip([d[0] for d in cur.description], row, strict=True))
        cur = con.execute(
            f"select * from {OPS}.allocation_lines where version_id = ? order by line_no",
            [version["version_id"]],
        )
        cols = [d[0] for d in cur.description]
        lines = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        info = store.staff_depts(con, period, [ln["staff_id"] for ln in lines])
        pool = store.dept_pools(con, period).get(dept)
        names = store.dept_names(con) or {}
    finally:
        con.close()
    for ln in lines:
        rec = info.get(ln["staff_id"], {}).get(ln["transfer_dept_code"] or dept)
        if rec:
            ln.update(post_category=rec["post_category"], title=rec["title"], position=rec["position"])
    dept_name = pool.perf_dept_name if pool else names.get(dept, dept)
    name = template_file_name(period, dept, dept_name).replace(".xlsx", "_审批版.xlsx")
    return build_print(
        Path(out_dir) / name, period=period, dept=dept, dept_name=dept_name, version=version, lines=lines
    )


# -- status -----------------------------------------------------------------------------------------
@dataclass
class DeptStatus:
    perf_dept_code: str
    perf_dept_name: str
    dept_pool: Decimal
    version_id: str | None = None
    version_status: str | None = None  # accepted / approved / superseded; None = not submitted
    submitted_by: str | None = None
    submitted_at: datetime | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None
    total: Decimal | None = None
    declared_reserve: Decimal | None = None
    supplements: Decimal = Decimal("0.00")

    @property
    def status_label(self) -> str:
        return VERSION_STATUS_LABELS.get(self.version_status or "", "未提交")


def allocation_status(warehouse: Path | str, period: str) -> tuple[str, list[DeptStatus]]:
    """The period status and, per dept with a pool, its latest (non-superseded) version."""
    check_period(period)
    con = store.connect(warehouse, read_only=True)
    try:
        status = store.period_status(con, period)
        out = {
            c: DeptStatus(c, p.perf_dept_name, p.dept_pool) for c, p in store.dept_pools(con, period).items()
        }
        if not relation_exists(con, OPS, "allocation_versions"):
            return status, [out[c] for c in sorted(out)]
        rows = con.execute(
            f"""
            select v.perf_dept_code, v.version_id, v.status, v.submitted_by, v.submitted_at, v.approved_by,
                   v.approved_at, v.declared_reserve,
                   (select sum(amount) from {OPS}.allocation_lines l where l.version_id = v.version_id)
            from {OPS}.allocation_versions v
            where v.period = ? and v.status <> 'superseded'
            order by v.submitted_at
            """,
            [period],
        ).fetchall()
        for code, vid, vstatus, by, at, appr_by, appr_at, reserve, total in rows:
            d = out.setdefault(code, DeptStatus(code, code, Decimal("0.00")))
            d.version_id, d.version_status, d.submitted_by, d.submitted_at = vid, vstatus, by, at
            d.approved_by, d.approved_at, d.declared_reserve, d.total = appr_by, appr_at, reserve, total
        for code, amount in con.execute(
            f"select perf_dept_code, sum(amount) from {OPS}.allocation_supplements where period = ? group by 1",
            [period],
        ).fetchall():
            out.setdefault(code, DeptStatus(code, code, Decimal("0.00"))).supplements = amount
    finally:
        con.close()
    return status, [out[c] for c in sorted(out)]
