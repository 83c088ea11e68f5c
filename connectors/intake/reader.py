"""Read a filled .xlsx/.csv into raw cell values, without any type coercion.

Excel cells keep the Python value openpyxl gives (str, int, float, datetime, …) so that the
validator can tell a typed number from text; CSV cells are always text. Row numbers are the ones
the user sees (header = row 1).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from connectors.uploaded_text import decode_text

SUPPORTED_SUFFIXES = (".xlsx", ".csv")


class ReadError(ValueError):
    """The file cannot be read at all; the message is Chinese and shown to the user."""


@dataclass
class Sheet:
    name: str  # "" for CSV
    rows: list[list]  # rows[i] is Excel row i + 1

    @property
    def is_empty(self) -> bool:
        return not any(_filled(v) for row in self.rows for v in row)


def _filled(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _read_csv(path: Path) -> list[Sheet]:
    decoded = decode_text(path.read_bytes())
    if decoded is None:
        raise ReadError("文件编码无法识别，请另存为“CSV UTF-8（逗号分隔）”后重新提交")
    text, _ = decoded
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise ReadError(f"CSV 格式错误（{exc}）") from None
    return [Sheet("", rows)]


def _read_xlsx(path: Path) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ReadError(
            f"无法作为 Excel（.xlsx）文件打开（{type(exc).__name__}），请用 Excel 另存为 .xlsx 后重新提交"
        ) from None
    try:
        return [Sheet(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets]
    finally:
        wb.close()


def read_sheets(path: Path | str) -> list[Sheet]:
    """All sheets of an .xlsx (in workbook order), or the single unnamed sheet of a .csv."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise ReadError(f"不支持的文件类型“{path.suffix or '无扩展名'}”，请提交 .xlsx 或 .csv 文件")
