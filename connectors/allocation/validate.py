"""Validation (校验) of a filled 二次分配 workbook against the warehouse.

Every problem is an :class:`~connectors.intake.IntakeError` (file, sheet, Excel row, column letter
and header, value, Chinese reason), all collected so the department fixes everything in one round:

* the period has a calculated bonus (status calculated/audited) and the pool written in the file
  is the current dept pool (else the template is stale); no pool at all = wrong period;
* Σ 分配金额 + 科室留存 = dept pool, to the cent;
* every person belongs to the dept in the period (fct_allocation_suggestions), or is a 划拨 person:
  划拨科室编码 = the person's own dept in the period, with a reason;
* no negative amount, at most 2 decimals, no duplicate 工号;
* |amount − suggested| > deviation_bound × suggested needs a reason.
"""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.utils.exceptions import InvalidFileException

from connectors.allocation import store
from connectors.allocation.workbook import (
    COL,
    DIFF_CELL,
    HEADERS,
    KIND,
    META_SHEET,
    PERIOD_CELL,
    POOL_CELL,
    RESERVE_CELL,
    SHEET,
    TEMPLATE_VERSION,
)
from connectors.intake.validate import IntakeError
from connectors.money import MoneyError, parse_money
from connectors.upload_limits import UploadRefused, check_upload, upload_limits
from connectors.uploaded_text import cell_text, clean_text, normalise_text, show_invisible

log = logging.getLogger(__name__)
MAX_ERRORS = 200
CENT = store.CENT
_META_KEYS = ("kind", "template_version", "period", "perf_dept_code", "dept_pool", "first_row", "last_row")


def yuan(d: Decimal) -> str:
    return f"{d:,.2f}"


@dataclass
class AllocationLine:
    """One person of a valid file, as stored in bonus_ops.allocation_lines."""

    line_no: int
    row: int  # Excel row
    staff_id: str
    staff_name: str
    amount: Decimal
    suggested_amount: Decimal | None  # None for a 划拨 person (no suggestion in the paying dept)
    transfer_dept_code: str | None
    reason: str | None


@dataclass
class AllocationResult:
    """Outcome of validating (``valid``/``invalid``) or submitting (``accepted``/``rejected``) a file."""

    file: str
    path: Path
    status: str = "valid"
    period: str | None = None
    perf_dept_code: str | None = None
    perf_dept_name: str | None = None
    dept_pool: Decimal | None = None
    declared_reserve: Decimal | None = None
    lines: list[AllocationLine] = field(default_factory=list, repr=False)
    errors: list[IntakeError] = field(default_factory=list, repr=False)
    error_count: int = 0
    file_hash: str | None = None
    version_id: str | None = None
    superseded: list[str] = field(default_factory=list)
    stored_path: Path | None = None  # the copy in accepted/ or rejected/
    report_path: Path | None = None  # the .errors.csv of a rejected file

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def messages(self) -> list[str]:
        return [e.message for e in self.errors]

    @property
    def total(self) -> Decimal:
        return sum((ln.amount for ln in self.lines), Decimal("0.00"))

    def add_error(self, **fields) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(IntakeError(file=self.file, **fields))


class _Invalid(ValueError):
    """A cell value is invalid; the message is the Chinese reason."""


def _text(value) -> str:
    return normalise_text(value) if value is not None else ""


def parse_amount(raw, what: str = "金额") -> Decimal | None:
    """A money cell → Decimal (None when empty): :func:`connectors.money.parse_money`, not negative."""
    try:
        return parse_money(raw, what=what)
    except MoneyError as exc:
        raise _Invalid(str(exc)) from None


def read_metadata(path: Path | str) -> dict[str, str] | None:
    """The ``_jixiao`` key/values of an allocation workbook, or None if it is not one. A file over
    the upload limits raises :class:`UploadRefused` before anything is parsed."""
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    check_upload(path)
    try:
        wb = load_workbook(path, read_only=True)
    except Exception:  # not a readable workbook: not ours
        return None
    try:
        if META_SHEET not in wb.sheetnames:
            return None
        meta = {
            _text(r[0]): _text(r[1]) if len(r) > 1 else ""
            for r in wb[META_SHEET].iter_rows(values_only=True)
            if r and r[0] is not None
        }
    finally:
        wb.close()
    return meta if meta.get("kind") == KIND else None


def _row_span(meta: dict[str, str], max_rows: int) -> tuple[int, int] | None:
    """``(first_row, last_row)`` of the metadata when they are whole numbers within the row limit
    (an edited ``_jixiao`` sheet must not make the check read millions of rows)."""
    try:
        first, last = int(meta["first_row"]), int(meta["last_row"])
    except (KeyError, ValueError):
        return None
    if not (2 <= first <= last <= max_rows):
        return None
    return first, last


@dataclass(frozen=True)
class _Cell:
    value: object
    column_letter: str


class _Grid:
    """The cells of sheet 「二次分配」 up to a fixed extent, read once as a stream (openpyxl read-only,
    rows never padded beyond the extent): ``grid["L8"].value``, ``grid.cell(row=7, column=2)``."""

    def __init__(self, cells: dict[tuple[int, int], object]):
        self._cells = cells

    @classmethod
    def read(cls, path: Path, data_only: bool, max_row: int, max_col: int) -> _Grid | None:
        wb = load_workbook(path, read_only=True, data_only=data_only)
        try:
            if SHEET not in wb.sheetnames:
                return None
            ws = wb[SHEET]
            ws.reset_dimensions()
            cells = {}
            for r, row in enumerate(ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col, values_only=True), 1):
                for c, v in enumerate(row, start=1):
                    if v is not None:
                        cells[(r, c)] = v
            return cls(cells)
        finally:
            wb.close()

    def cell(self, row: int, column: int) -> _Cell:
        return _Cell(self._cells.get((row, column)), get_column_letter(column))

    def __getitem__(self, ref: str) -> _Cell:
        letter, row = coordinate_from_string(ref)
        return self.cell(row, column_index_from_string(letter))


def is_allocation_workbook(path: Path | str) -> bool:
    """True for a workbook generated by ``jixiao allocation template`` (has the ``_jixiao`` sheet);
    False for a file over the upload limits (the normal intake rejects it with its report)."""
    try:
        return read_metadata(path) is not None
    except UploadRefused:
        return False


def validate_allocation(path: Path | str, con: duckdb.DuckDBPyConnection) -> AllocationResult:
    """Check a filled workbook against the warehouse opened as ``con``; nothing is written."""
    path = Path(path)
    result = AllocationResult(file=path.name, path=path)
    try:
        _validate(path, con, result)
    except duckdb.Error:
        raise  # the warehouse failed, not the file: the caller rolls back and keeps the file
    except Exception as exc:  # anything else the file provoked ends in the rejection path
        log.exception("allocation: unexpected failure while checking %s", path.name)
        result.add_error(reason=f"文件无法处理（{type(exc).__name__}），未受理；请使用系统生成的模板重新填写，或联系绩效办")
    finally:
        result.status = "valid" if result.ok else "invalid"
        if not result.ok:
            result.lines = []
    return result


def _validate(path: Path, con: duckdb.DuckDBPyConnection, result: AllocationResult) -> None:
    def add(**fields) -> None:
        result.add_error(**fields)

    try:
        meta = read_metadata(path)
    except UploadRefused as exc:
        add(reason=str(exc))
        return
    if meta is None:
        add(reason="不是二次分配表：缺少模板信息（请使用 jixiao allocation template 生成的模板填写）")
        return
    missing = [k for k in _META_KEYS if not meta.get(k)]
    if missing:
        add(sheet=META_SHEET, reason=f"模板信息不完整（缺少 {'、'.join(missing)}），请重新生成模板")
        return
    if meta["template_version"] != TEMPLATE_VERSION:
        add(
            reason=f"模板版本 {meta['template_version']} 已不再使用（当前为 {TEMPLATE_VERSION}），请重新生成模板"
        )
        return
    period, dept = meta["period"], meta["perf_dept_code"]
    result.period, result.perf_dept_code = period, dept
    result.perf_dept_name = meta.get("perf_dept_name") or dept
    limits = upload_limits()
    rows = _row_span(meta, limits.max_rows)
    if rows is None:
        add(sheet=META_SHEET, reason="模板信息中的行号（first_row/last_row）无效，模板被修改；请重新生成模板后填写")
        return
    first_row, last_row = rows
    header_row = first_row - 1
    reserve_ref = meta.get("reserve_cell") or RESERVE_CELL
    try:
        reserve_col_index, reserve_row_index = column_index_from_string(coordinate_from_string(reserve_ref)[0]), \
            coordinate_from_string(reserve_ref)[1]
        if reserve_row_index > limits.max_rows or reserve_col_index > limits.max_columns:
            raise ValueError(reserve_ref)
    except Exception:  # openpyxl's CellCoordinatesException and friends
        add(sheet=META_SHEET, reason=f"模板信息中的科室留存单元格“{show_invisible(reserve_ref)}”无效，模板被修改；请重新生成模板")
        return
    extent = (max(last_row, reserve_row_index), max(len(HEADERS), reserve_col_index))
    try:
        ws, ws_cached = _Grid.read(path, False, *extent), _Grid.read(path, True, *extent)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        add(reason=f"无法读取文件（{type(exc).__name__}），请使用系统生成的模板重新填写")
        return
    if ws is None:
        add(reason=f"找不到工作表「{SHEET}」，请使用原模板填写，不要改工作表名")
        return

    def err(row: int | None, letter: str, header: str, reason: str, value="") -> None:
        add(sheet=SHEET, row=row, column=letter, header=header, value=cell_text(value), reason=reason)

    # -- structure -----------------------------------------------------------------------------
    for i, h in enumerate(HEADERS, start=1):
        seen = _text(ws.cell(row=header_row, column=i).value)
        if seen != h:
            letter = ws.cell(row=header_row, column=i).column_letter
            err(header_row, letter, h, f"表头应为「{h}」，实为“{seen}”；表格结构被修改，请重新生成模板", seen)
            return

    def value(ref: str):
        raw = ws[ref].value
        if isinstance(raw, str) and raw.startswith("="):
            got = ws_cached[ref].value
            if got is None:
                raise _Invalid("公式没有计算结果，请直接填写数值（或在 Excel 中保存后再提交）")
            return got
        return raw

    # -- period, status, pool -------------------------------------------------------------------
    dept_label = f"{dept}（{result.perf_dept_name}）"
    pool_col, pool_row = coordinate_from_string(POOL_CELL)
    period_col, period_row = coordinate_from_string(PERIOD_CELL)
    try:
        file_pool = Decimal(meta["dept_pool"]).quantize(CENT)
    except InvalidOperation:
        add(sheet=META_SHEET, reason="模板信息中的科室奖金总额无效，请重新生成模板")
        return
    result.dept_pool = file_pool
    try:
        store.check_period(period)
    except store.AllocationError as exc:
        err(period_row, period_col, "期间", str(exc), period)
        return
    status = store.period_status(con, period)
    if status == "draft":
        err(
            period_row,
            period_col,
            "期间",
            f"期间 {period} 尚未核算（当前状态：草稿），不能提交二次分配；请在科室奖金核算完成后重新生成模板并提交",
            period,
        )
    elif status == "issued":
        err(
            period_row,
            period_col,
            "期间",
            f"期间 {period} 奖金已发放，不能再提交二次分配，只能补录（jixiao allocation supplement）",
            period,
        )
    elif status not in ("calculated", "audited"):
        err(period_row, period_col, "期间", f"期间 {period} 状态为“{status}”，不能提交二次分配", period)
    pools = store.dept_pools(con, period)
    pool = pools.get(dept)
    if pool is None:
        err(
            pool_row,
            pool_col,
            "科室奖金总额",
            f"期间错误：期间 {period} 没有科室 {dept_label}的奖金核算结果；请确认期间和科室后重新生成模板",
            yuan(file_pool),
        )
        have_pool = False
    else:
        have_pool = True
        if pool.dept_pool != file_pool:
            err(
                pool_row,
                pool_col,
                "科室奖金总额",
                f"表中科室奖金总额 {yuan(file_pool)} 元与当前核算结果 {yuan(pool.dept_pool)} 元不一致，模板已过期；"
                f"请重新生成模板（jixiao allocation template --period {period} --dept {dept}）后重新填写",
                yuan(file_pool),
            )
    bound = store.deviation_bound(con, period)
    if bound is None:
        add(
            reason=f"未找到期间 {period} 适用的二次分配方法（seeds.allocation_method），无法校验偏离比例；请联系绩效办"
        )

    # -- reserve ---------------------------------------------------------------------------------
    reserve_col, reserve_row = coordinate_from_string(reserve_ref)
    reserve: Decimal | None = Decimal("0.00")
    try:
        reserve = parse_amount(value(reserve_ref), "科室留存") or Decimal("0.00")
    except _Invalid as exc:
        err(reserve_row, reserve_col, "科室留存", str(exc), ws[reserve_ref].value)
        reserve = None
    result.declared_reserve = reserve

    # -- lines -----------------------------------------------------------------------------------
    members = {s["staff_id"]: s for s in store.suggestions(con, period, dept)} if have_pool else {}
    known_depts = store.dept_names(con)
    c_id, c_name, c_amount = COL["工号"], COL["姓名"], COL["分配金额"]
    c_transfer, c_reason = COL["划拨科室编码"], COL["说明/理由"]
    rows = []
    for r in range(first_row, last_row + 1):
        staff_id = _text(ws[f"{c_id}{r}"].value)
        name = clean_text(ws[f"{c_name}{r}"].value)
        transfer = _text(ws[f"{c_transfer}{r}"].value)
        reason = clean_text(ws[f"{c_reason}{r}"].value)
        raw_amount = ws[f"{c_amount}{r}"].value
        if not (staff_id or name or transfer or reason or _text(raw_amount)):
            continue
        rows.append((r, staff_id, name, transfer, reason, raw_amount))
    others = store.staff_depts(con, period, sorted({x[1] for x in rows if x[1]})) if have_pool else {}

    first_of: dict[str, int] = {}
    amounts_ok = reserve is not None
    file_total = Decimal("0.00")
    for r, staff_id, name, transfer, reason, raw_amount in rows:
        try:
            amount = parse_amount(value(f"{c_amount}{r}"), "分配金额")
            if amount is None:
                raise _Invalid("分配金额不能为空（不分配请填 0）")
        except _Invalid as exc:
            err(r, c_amount, "分配金额", str(exc), raw_amount)
            amount = None
            amounts_ok = False
        file_total += amount or 0
        if not staff_id:
            err(r, c_id, "工号", "本行填写了内容但缺少工号")
            continue
        if staff_id in first_of:
            err(
                r,
                c_id,
                "工号",
                f"工号 {staff_id} 与第 {first_of[staff_id]} 行重复，同一人只能出现一次",
                staff_id,
            )
            continue
        first_of[staff_id] = r
        if not have_pool:
            continue
        who = f"工号 {staff_id}" + (f"（{name}）" if name else "")
        member = members.get(staff_id)
        suggested: Decimal | None = None
        transfer_code: str | None = None
        if member is not None:
            known = member
            suggested = Decimal(member["suggested_amount"] or 0).quantize(CENT)
            if transfer and transfer != dept:
                err(
                    r,
                    c_transfer,
                    "划拨科室编码",
                    f"{who}本期属于本科室 {dept_label}，不是划拨人员，「划拨科室编码」应留空",
                    transfer,
                )
        elif not transfer:
            err(
                r,
                c_id,
                "工号",
                f"{who}本期不是本科室 {dept_label}的人员；如为其他科室人员在本科室发放（划拨），"
                "请填写「划拨科室编码」（该人员本期所在科室）并在「说明/理由」中写明理由",
                staff_id,
            )
            continue
        else:
            home = others.get(staff_id, {})
            known = home.get(transfer)
            if known is None:
                if transfer == dept:
                    why = f"「划拨科室编码」应填该人员本期所在的其他科室，不能填本科室 {dept}"
                elif known_depts is not None and transfer not in known_depts:
                    why = f"“{transfer}”不是有效的科室编码"
                elif home:
                    why = f"{who}本期不属于科室 {transfer}（本期所在科室：{'、'.join(sorted(home))}）"
                else:
                    why = f"{who}本期不属于科室 {transfer}，也不是任何科室的在岗人员，不能划拨"
                err(r, c_transfer, "划拨科室编码", why, transfer)
                continue
            transfer_code = transfer
            if not reason:
                err(
                    r,
                    c_reason,
                    "说明/理由",
                    f"{who}为划拨人员（来自科室 {transfer}），须在「说明/理由」中写明理由",
                )
        if name and known.get("staff_name") and name != known["staff_name"]:
            err(
                r,
                c_name,
                "姓名",
                f"姓名“{name}”与工号 {staff_id} 不符（系统中为“{known['staff_name']}”）",
                name,
            )
        if amount is not None and suggested is not None and bound is not None and not reason:
            diff = abs(amount - suggested)
            if diff > bound * suggested:
                pct = f"{diff / suggested * 100:.2f}%" if suggested else "—（建议金额为 0）"
                err(
                    r,
                    c_reason,
                    "说明/理由",
                    f"分配金额 {yuan(amount)} 元与建议金额 {yuan(suggested)} 元相差 {yuan(diff)} 元（{pct}），"
                    f"超过允许偏离 {bound * 100:.0f}%，须在「说明/理由」中写明理由",
                )
        if amount is not None:
            result.lines.append(
                AllocationLine(
                    line_no=len(result.lines) + 1,
                    row=r,
                    staff_id=staff_id,
                    staff_name=known.get("staff_name") or name,
                    amount=amount,
                    suggested_amount=suggested,
                    transfer_dept_code=transfer_code,
                    reason=reason or None,
                )
            )

    for staff_id, s in members.items():
        if staff_id not in first_of:
            add(
                sheet=SHEET,
                reason=f"本科室人员 工号 {staff_id}（{s['staff_name']}）不在表中；模板可能已过期，请重新生成模板"
                "（不分配请保留该行并填 0）",
            )

    # -- Σ amounts + reserve = pool --------------------------------------------------------------
    if amounts_ok and reserve is not None and pool is not None and pool.dept_pool == file_pool:
        diff = pool.dept_pool - file_total - reserve
        if diff != 0:
            side = "尚未分完" if diff > 0 else "超出总额"
            diff_col, diff_row = coordinate_from_string(DIFF_CELL)
            err(
                diff_row,
                diff_col,
                "差额",
                f"分配金额合计 {yuan(file_total)} 元 + 科室留存 {yuan(reserve)} 元 = {yuan(file_total + reserve)} 元，"
                f"与科室奖金总额 {yuan(pool.dept_pool)} 元不符，差 {yuan(abs(diff))} 元（{side}）",
                yuan(diff),
            )
