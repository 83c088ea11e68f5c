"""Read a filled .xlsx/.csv into raw cell values, without any type coercion.

Excel cells keep the Python value openpyxl gives (str, int, float, datetime, …) so that the
validator can tell a typed number from text; CSV cells are always text. Row numbers are the ones
the user sees (header = row 1).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from connectors.upload_limits import UploadLimits, UploadRefused, check_extent, check_upload, upload_limits
from connectors.uploaded_text import decode_text

SUPPORTED_SUFFIXES = (".xlsx", ".csv")


class ReadError(ValueError):
    """The file cannot be read at all; the message is Chinese and shown to the user."""


@dataclass
class Sheet:
    name: str  # "" for CSV
    rows: list[list]  # rows[i] is Excel row i + 1
    state: str = "visible"  # visible / hidden / veryHidden (Excel's sheet state)
    #: (row, column) of formula cells without a cached result (1-based, as the user sees them)
    uncalculated: frozenset[tuple[int, int]] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not any(_filled(v) for row in self.rows for v in row)

    @property
    def visible(self) -> bool:
        return self.state == "visible"


def _filled(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _bounded_rows(rows: Iterable, limits: UploadLimits, sheet: str) -> list[list]:
    """The rows of a stream, refusing it as soon as it passes the row or column limit (a sheet may
    omit or understate its declared dimension); trailing empty rows are dropped."""
    out: list[list] = []
    for n, row in enumerate(rows, start=1):
        if n > limits.max_rows:
            check_extent(n, 0, limits, sheet=sheet)
        row = list(row)
        while row and not _filled(row[-1]):
            row.pop()
        if len(row) > limits.max_columns:
            check_extent(n, len(row), limits, sheet=sheet)
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


def _read_csv(path: Path, limits: UploadLimits) -> list[Sheet]:
    decoded = decode_text(path.read_bytes())
    if decoded is None:
        raise ReadError("文件编码无法识别，请另存为“CSV UTF-8（逗号分隔）”后重新提交")
    text, _ = decoded
    try:
        rows = _bounded_rows(csv.reader(io.StringIO(text, newline="")), limits, "")
    except csv.Error as exc:
        raise ReadError(f"CSV 格式错误（{exc}）") from None
    return [Sheet("", rows)]


def _open(path: Path, data_only: bool):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=data_only)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ReadError(
            f"无法作为 Excel（.xlsx）文件打开（{type(exc).__name__}），请用 Excel 另存为 .xlsx 后重新提交"
        ) from None


def _stream(ws) -> Iterator[tuple]:
    ws.reset_dimensions()  # never pad rows to a declared (possibly hostile) dimension
    return ws.iter_rows(values_only=True)


def _read_xlsx(path: Path, limits: UploadLimits) -> list[Sheet]:
    values = _open(path, data_only=True)
    formulas = _open(path, data_only=False)
    try:
        sheets = []
        for ws, ws_f in zip(values.worksheets, formulas.worksheets, strict=True):
            rows = _bounded_rows(_stream(ws), limits, ws.title)
            uncalculated = set()
            for r, row in enumerate(_bounded_rows(_stream(ws_f), limits, ws.title), start=1):
                for c, v in enumerate(row, start=1):
                    if isinstance(v, str) and v.startswith("="):
                        cached = rows[r - 1][c - 1] if r <= len(rows) and c <= len(rows[r - 1]) else None
                        if cached is None:
                            uncalculated.add((r, c))
            sheets.append(Sheet(ws.title, rows, ws.sheet_state or "visible", frozenset(uncalculated)))
        return sheets
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        if isinstance(exc, UploadRefused):
            raise
        raise ReadError(
            f"无法读取 Excel（.xlsx）文件内容（{type(exc).__name__}），请用 Excel 另存为 .xlsx 后重新提交"
        ) from None
    finally:
        values.close()
        formulas.close()


def read_sheets(path: Path | str, limits: UploadLimits | None = None) -> list[Sheet]:
    """All sheets of an .xlsx (in workbook order, hidden ones included with their state), or the
    single unnamed sheet of a .csv. The file is checked against the upload limits first
    (:mod:`connectors.upload_limits`), and both are read as streams."""
    path = Path(path)
    limits = limits or upload_limits()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ReadError(f"不支持的文件类型“{path.suffix or '无扩展名'}”，请提交 .xlsx 或 .csv 文件")
    try:
        check_upload(path, limits)
        return _read_csv(path, limits) if suffix == ".csv" else _read_xlsx(path, limits)
    except UploadRefused as exc:
        raise ReadError(str(exc)) from None
