"""Accept a filled review workbook (导入已审核的对照) into the seed charge_item_mapping.csv.

All filled rows are validated first; the seed is only touched when every row is valid, and then
atomically (temp file in the same folder + os.replace), appending after the existing rows.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from connectors.mapping_review.layout import (
    COL_CONFIRMED_AT,
    COL_CONFIRMED_BY,
    COL_HIS_CODE,
    COL_NOTE,
    COL_STANDARD_CODE,
    LIBRARY_SHEET,
    REQUIRED_HEADERS,
    REVIEW_SHEET,
    SEED_HEADER,
    MappingReviewError,
)
from connectors.mapping_review.warehouse import HIS_ITEMS_TABLE, STANDARD_TABLE, connect_read_only
from connectors.produced_files import csv_cell
from connectors.upload_limits import UploadRefused, check_upload
from connectors.uploaded_text import clean_text, normalise_text

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class ConfirmedMapping:
    """One confirmed row of the sheet (一条确认对照); ``row`` is the Excel row number."""

    row: int
    his_code: str
    standard_code: str
    confirmed_by: str
    confirmed_at: date
    note: str

    def seed_fields(self) -> list[str]:
        return [
            self.his_code,
            self.standard_code,
            self.confirmed_by,
            self.confirmed_at.isoformat(),
            self.note,
        ]


@dataclass(frozen=True)
class AcceptResult:
    """Result of accept_review_sheet (导入结果)."""

    seed_path: Path
    appended: int  # 追加的对照条数
    rows: tuple[ConfirmedMapping, ...]  # the appended rows, in seed order (by his_code)
    skipped: int  # 未填确认标准编码而跳过的行数


def _text(value) -> str:
    """A cell as normalised text (:func:`connectors.uploaded_text.normalise_text`: NFKC, invisible
    characters removed; integral numbers, i.e. codes Excel turned into numbers, without '.0')."""
    if isinstance(value, bool):
        return str(value)
    return normalise_text(value)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cell(row: int, column: str, message: str) -> str:
    return f"第 {row} 行「{column}」：{message}"


def _parse_date(value, today: date) -> date | str:
    """The confirmation date of a cell, or the Chinese problem description."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return today
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if isinstance(value, str) and _ISO_DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    return f"“{text}”不是有效日期，请填 YYYY-MM-DD 格式的日期，如 {today.isoformat()}，或留空表示当天"


def _read_sheet(path: Path) -> list[tuple[int, dict[str, object]]]:
    """(Excel row number, {header: value}) of every non-empty data row of the review sheet."""
    from openpyxl import load_workbook

    if not path.is_file():
        raise MappingReviewError([f"找不到审核表文件 {path}"])
    try:
        check_upload(path)
    except UploadRefused as exc:
        raise MappingReviewError([f"{path.name}：{exc}"]) from None
    try:
        wb = load_workbook(path, data_only=True, read_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise MappingReviewError(
            [
                f"无法作为 Excel（.xlsx）文件打开 {path.name}（{type(exc).__name__}），请用 Excel 另存为 .xlsx 后重新导入"
            ]
        ) from None
    try:
        if REVIEW_SHEET not in wb.sheetnames:
            raise MappingReviewError(
                [
                    f"找不到工作表「{REVIEW_SHEET}」（文件中的工作表：{'、'.join(wb.sheetnames)}），请勿重命名该工作表"
                ]
            )
        rows = [list(r) for r in wb[REVIEW_SHEET].iter_rows(values_only=True)]
    finally:
        wb.close()
    header = [_text(v) for v in rows[0]] if rows else []
    positions: dict[str, int] = {}
    for i, name in enumerate(header):
        positions.setdefault(name, i)
    missing = [h for h in REQUIRED_HEADERS if h not in positions]
    if missing:
        raise MappingReviewError(
            [
                f"工作表「{REVIEW_SHEET}」第 1 行缺少列「{h}」，请勿修改或删除表头（可重新导出审核表）"
                for h in missing
            ]
        )
    result = []
    for n, values in enumerate(rows[1:], start=2):
        cells = {h: (values[i] if i < len(values) else None) for h, i in positions.items()}
        if any(_text(v) for v in cells.values()):
            result.append((n, cells))
    return result


def _read_seed(seed_path: Path) -> tuple[bytes, dict[str, dict[str, str]]]:
    """The seed's bytes and its rows by his_code."""
    name = seed_path.name
    if not seed_path.is_file():
        raise MappingReviewError([f"找不到对照文件 {seed_path}"])
    data = seed_path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MappingReviewError([f"对照文件 {name} 不是 UTF-8 编码，请先修复该文件"]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != SEED_HEADER:
        raise MappingReviewError(
            [
                f"对照文件 {name} 的表头应为 {','.join(SEED_HEADER)}，实际为 {','.join(header or [])}，请先修复该文件"
            ]
        )
    existing: dict[str, dict[str, str]] = {}
    for fields in reader:
        if not any(f.strip() for f in fields):
            continue
        record = dict(zip(SEED_HEADER, (f.strip() for f in fields), strict=False))
        existing.setdefault(record.get("his_code", ""), record)
    return data, existing


def _write_seed(seed_path: Path, original: bytes, rows: list[ConfirmedMapping]) -> None:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    for r in rows:
        fields = r.seed_fields()  # his_code, standard_code, confirmed_by, confirmed_at, note
        # codes stay exactly as in the HIS (dbt joins on them); the people's text is never a formula
        writer.writerow([*fields[:2], csv_cell(fields[2]), fields[3], csv_cell(fields[4])])
    head = original if not original or original.endswith(b"\n") else original + b"\n"
    payload = head + buf.getvalue().encode("utf-8")
    fd, tmp = tempfile.mkstemp(dir=seed_path.parent, prefix=f".{seed_path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(seed_path.stat().st_mode))
        os.replace(tmp, seed_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def accept_review_sheet(
    path: Path | str, warehouse_path: Path | str, seed_path: Path | str, *, today: date | None = None
) -> AcceptResult:
    """Validate the filled review sheet (已填审核表) and append its confirmed rows to the seed.

    Only rows with 确认标准编码 filled are taken. Every problem is collected; on any problem
    MappingReviewError is raised (``.errors``: Chinese messages naming Excel row and column) and
    the seed is left untouched. Otherwise the rows are appended (sorted by his_code) atomically.
    ``today`` is the date recorded for rows whose 确认日期 is empty (default: the current date).
    """
    path, seed_path = Path(path), Path(seed_path)
    today = today or date.today()
    sheet_rows = _read_sheet(path)
    original, existing = _read_seed(seed_path)
    with connect_read_only(warehouse_path, STANDARD_TABLE, HIS_ITEMS_TABLE) as con:
        his_codes = {
            r[0] for r in con.execute(f"select distinct charge_item_code from {HIS_ITEMS_TABLE}").fetchall()
        }
        standard_codes = {
            r[0] for r in con.execute(f"select distinct item_code from {STANDARD_TABLE}").fetchall()
        }
    standard_by_upper = {c.upper(): c for c in standard_codes if c}

    errors: list[str] = []
    accepted: list[ConfirmedMapping] = []
    first_row_of: dict[str, int] = {}
    skipped = 0
    for n, cells in sheet_rows:
        standard_code = _text(cells[COL_STANDARD_CODE])
        if not standard_code:
            skipped += 1
            continue
        row_errors: list[str] = []
        his_code = _text(cells[COL_HIS_CODE])
        if not his_code:
            row_errors.append(_cell(n, COL_HIS_CODE, "已填确认标准编码的行必须有收费项目编码"))
        elif his_code not in his_codes:
            row_errors.append(_cell(n, COL_HIS_CODE, f"收费项目“{his_code}”不在 HIS 收费项目字典中"))
        elif his_code in existing:
            old = existing[his_code]
            row_errors.append(
                _cell(
                    n,
                    COL_HIS_CODE,
                    f"收费项目“{his_code}”已有确认对照（→ {old.get('standard_code', '')}，"
                    f"{old.get('confirmed_by', '')} {old.get('confirmed_at', '')} 确认），不能重复确认；"
                    f"如需更改请直接修改 {seed_path.name}",
                )
            )
        elif his_code in first_row_of:
            row_errors.append(
                _cell(
                    n,
                    COL_HIS_CODE,
                    f"收费项目“{his_code}”已在第 {first_row_of[his_code]} 行确认，同一项目只能确认一次",
                )
            )
        if his_code and his_code not in first_row_of:
            first_row_of[his_code] = n
        if standard_code not in standard_codes:
            hint = standard_by_upper.get(standard_code.upper())
            message = f"标准编码“{standard_code}”不在标准项目库中"
            message += f"，是否应为“{hint}”？" if hint else f"，请在「{LIBRARY_SHEET}」工作表中查找正确编码"
            row_errors.append(_cell(n, COL_STANDARD_CODE, message))
        confirmed_by = _one_line(clean_text(cells[COL_CONFIRMED_BY]))
        if not confirmed_by:
            row_errors.append(_cell(n, COL_CONFIRMED_BY, "已填确认标准编码的行必须填写确认人"))
        confirmed_at = _parse_date(cells[COL_CONFIRMED_AT], today)
        if isinstance(confirmed_at, str):
            row_errors.append(_cell(n, COL_CONFIRMED_AT, confirmed_at))
        if row_errors:
            errors.extend(row_errors)
            continue
        accepted.append(
            ConfirmedMapping(
                row=n,
                his_code=his_code,
                standard_code=standard_code,
                confirmed_by=confirmed_by,
                confirmed_at=confirmed_at,
                note=_one_line(clean_text(cells[COL_NOTE])),
            )
        )
    if errors:
        raise MappingReviewError(errors)
    accepted.sort(key=lambda r: r.his_code)
    if accepted:
        _write_seed(seed_path, original, accepted)
    return AcceptResult(seed_path=seed_path, appended=len(accepted), rows=tuple(accepted), skipped=skipped)
