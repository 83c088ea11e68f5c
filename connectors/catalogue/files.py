"""Reading (读取) and validating (校验) catalogue files.

``read_catalogue`` reads a .tsv / .csv / .xlsx file as text exactly as written (no type coercion,
values not trimmed; an empty cell stays ``""`` and becomes NULL when loaded) and remembers the line
or row number the user sees for every record (header = line 1).

``validate_catalogue`` collects every problem (问题) with file name, line, column, value and a
Chinese reason. The list keeps the first ``MAX_ERRORS`` problems; ``.total`` counts all of them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from connectors.upload_limits import UploadRefused, check_upload
from connectors.uploaded_text import cell_text, decode_text

from .kinds import CatalogueKind, get_kind

MAX_ERRORS = 200
SUPPORTED_SUFFIXES = (".tsv", ".csv", ".xlsx")
_COLUMN_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")

# Problems about the file or its header: shown as "第 1 行（表头）" or without a line.
_FILE_CODES = {"unreadable", "encoding", "empty_file", "no_rows"}
_HEADER_CODES = {"bad_header", "missing_column"}


@dataclass(frozen=True)
class CatalogueError:
    """One problem in a catalogue file (目录文件问题).

    ``code`` is machine-readable (``missing_column``, ``duplicate``, ``bad_number``, ``bad_format``,
    ``not_empty``, ``no_code``, ``field_count``, ``bad_header``, ``empty_file``, ``no_rows``,
    ``encoding``, ``unreadable``); ``message`` is the Chinese text for the user.
    """

    file_name: str
    line: int | None
    column: str | None
    value: str | None
    reason: str
    code: str

    @property
    def message(self) -> str:
        text = f"文件 {self.file_name}"
        if self.line is not None:
            text += f"，第 {self.line} 行"
            if self.code in _HEADER_CODES:
                text += "（表头）"
        if self.column is not None and self.code not in _HEADER_CODES | _FILE_CODES:
            text += f"，列「{self.column}」"
        return f"{text}：{self.reason}"

    def __str__(self) -> str:
        return self.message


class ErrorList(list):
    """``list[CatalogueError]`` holding at most ``limit`` problems; ``total`` counts all found."""

    def __init__(self, limit: int = MAX_ERRORS):
        super().__init__()
        self.limit = limit
        self.total = 0

    def add(self, error: CatalogueError) -> None:
        self.total += 1
        if len(self) < self.limit:
            self.append(error)

    @property
    def truncated(self) -> bool:
        return self.total > len(self)


@dataclass
class CatalogueFile:
    """A catalogue file read as text (已读入的目录文件).

    ``columns`` are the header names (trimmed, lower-case) in file order; ``rows`` the records,
    each as long as ``columns``; ``line_numbers[i]`` the line (or Excel row) of ``rows[i]``.
    ``read_errors`` holds what went wrong while reading (bad encoding, wrong field count, …).
    """

    path: Path
    kind: CatalogueKind
    columns: list[str] = field(default_factory=list)
    raw_header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    line_numbers: list[int] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    sha256: str = ""
    size_bytes: int = 0
    has_header: bool = False
    header_line: int = 1
    read_errors: list[CatalogueError] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return self.path.name

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """``(line, {column: value})`` for every record."""
        for line, row in zip(self.line_numbers, self.rows, strict=True):
            yield line, dict(zip(self.columns, row, strict=True))

    def error(self, line: int | None, column: str | None, value: str | None, reason: str, code: str):
        return CatalogueError(self.file_name, line, column, value, reason, code)


def file_sha256(path: Path | str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# -- reading ---------------------------------------------------------------------------------------
def read_catalogue(path: Path | str, kind: str | CatalogueKind) -> CatalogueFile:
    """Read a catalogue file (读取目录文件) as text.

    ``.tsv`` is tab-separated, one record per line, no quoting (the shipped samples' format);
    ``.csv`` is comma-separated with standard double-quote quoting; both UTF-8 (with or without
    BOM) or GB18030. ``.xlsx``: the first sheet, header in row 1. Raises ``FileNotFoundError`` or
    ``ValueError`` (unsupported extension); everything else lands in ``read_errors``.
    """
    path = Path(path)
    cf = CatalogueFile(path=path, kind=get_kind(kind))
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        hint = "；.xls 请在 Excel 中另存为 .xlsx" if suffix == ".xls" else ""
        raise ValueError(
            f"文件 {path.name}：不支持的文件类型「{suffix or '无扩展名'}」，只支持 .tsv、.csv、.xlsx{hint}"
        )
    if not path.is_file():
        raise FileNotFoundError(f"找不到目录文件：{path}")
    try:
        check_upload(path)  # size, unzipped size and declared dimension, before any parser
    except UploadRefused as exc:
        cf.read_errors.append(cf.error(None, None, None, str(exc), "unreadable"))
        return cf
    data = path.read_bytes()
    cf.sha256 = hashlib.sha256(data).hexdigest()
    cf.size_bytes = len(data)
    if not data.strip():
        cf.read_errors.append(cf.error(None, None, None, "文件为空，没有表头也没有数据", "empty_file"))
        return cf
    if suffix == ".xlsx":
        records = _xlsx_records(cf, data)
    else:
        records = _text_records(cf, data, "\t" if suffix == ".tsv" else ",")
    if records is None:
        return cf
    width = 0
    for line, fields in records:
        if not cf.has_header:
            cf.has_header = True
            cf.header_line = line
            cf.raw_header = ["" if f is None else str(f) for f in fields]
            cf.columns = [h.replace("\ufeff", "").strip().lower() for h in cf.raw_header]
            width = len(cf.columns)
            continue
        if all(f == "" for f in fields):
            continue  # blank line / empty Excel row
        if suffix == ".xlsx" and len(fields) != width:
            extra = fields[width:]
            if any(f != "" for f in extra):
                _field_count(cf, line, len(fields), width)
                continue
            fields = fields[:width] + [""] * (width - len(fields))
        elif len(fields) != width:
            _field_count(cf, line, len(fields), width)
            continue
        cf.rows.append(fields)
        cf.line_numbers.append(line)
    if not cf.has_header:
        cf.read_errors.append(cf.error(None, None, None, "文件为空，没有表头也没有数据", "empty_file"))
    return cf


def _field_count(cf: CatalogueFile, line: int, got: int, want: int) -> None:
    cf.read_errors.append(
        cf.error(
            line, None, None, f"有 {got} 个字段，表头有 {want} 个（分隔符或引号可能有误）", "field_count"
        )
    )


def _text_records(cf: CatalogueFile, data: bytes, delimiter: str):
    decoded = decode_text(data)
    if decoded is None:
        cf.read_errors.append(
            cf.error(None, None, None, "无法识别文件编码，请另存为 UTF-8 或 GB18030", "encoding")
        )
        return None
    text, cf.encoding = decoded
    cf.delimiter = delimiter
    if delimiter == "\t":
        reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    else:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=",", quotechar='"', doublequote=True)

    def gen():
        previous = 0
        try:
            for fields in reader:
                start = previous + 1
                previous = reader.line_num
                yield start, fields
        except csv.Error as exc:
            cf.read_errors.append(cf.error(previous + 1, None, None, f"无法解析（{exc}）", "unreadable"))

    return gen()


def _xlsx_records(cf: CatalogueFile, data: bytes):
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # any parse failure is a user-facing file problem
        cf.read_errors.append(
            cf.error(None, None, None, f"无法作为 .xlsx 打开（{type(exc).__name__}）", "unreadable")
        )
        return None
    if not wb.worksheets:
        cf.read_errors.append(cf.error(None, None, None, "工作簿中没有工作表", "empty_file"))
        return None
    ws = wb.worksheets[0]

    def gen():
        try:
            for number, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
                fields = [cell_text(v, strip=False) for v in values]
                while fields and fields[-1] == "" and not cf.has_header:
                    fields.pop()  # header: drop trailing empty cells
                if not cf.has_header and not fields:
                    continue
                yield number, fields
        finally:
            wb.close()

    return gen()


# -- validation ------------------------------------------------------------------------------------
def validate_catalogue(cf: CatalogueFile) -> ErrorList:
    """Every problem in ``cf`` (校验目录文件), in file order; at most ``MAX_ERRORS`` kept, ``.total`` all.

    Checks: readable, not empty; header names valid, unique, all required columns present; every
    record has as many fields as the header; required values filled; code formats; number ranges;
    unique key; at least one code on every non-heading row (crosswalk).
    """
    kind = cf.kind
    found: list[CatalogueError] = []
    _check(cf, kind, found)
    found.sort(key=lambda e: (e.line is not None, e.line or 0))  # file problems first, then by line
    errors = ErrorList()
    for e in found:
        errors.add(e)
    return errors


def _check(cf: CatalogueFile, kind: CatalogueKind, found: list[CatalogueError]) -> None:
    found.extend(cf.read_errors)
    if not cf.has_header:
        return
    hl = cf.header_line

    seen: dict[str, int] = {}
    for i, name in enumerate(cf.columns, start=1):
        raw = cf.raw_header[i - 1]
        if name == "":
            found.append(cf.error(hl, None, raw, f"第 {i} 列的列名为空", "bad_header"))
        elif not _COLUMN_NAME.match(name):
            found.append(
                cf.error(
                    hl,
                    name,
                    raw,
                    f"列名「{raw}」不合法：只能用英文字母、数字和下划线，且以字母开头",
                    "bad_header",
                )
            )
        elif name in seen:
            found.append(
                cf.error(hl, name, raw, f"列名「{raw}」重复（第 {seen[name]} 列和第 {i} 列）", "bad_header")
            )
        else:
            seen[name] = i
    missing = [c for c in kind.required_columns if c not in seen]
    for c in missing:
        found.append(cf.error(hl, c, None, f"缺少必需的列「{c}」", "missing_column"))

    if not cf.rows and not any(e.code == "field_count" for e in cf.read_errors):
        found.append(cf.error(None, None, None, "只有表头，没有数据行", "no_rows"))

    present = set(seen)
    key = [c for c in kind.unique_key if c in present] if set(kind.unique_key) <= present else []
    first_seen: dict[tuple[str, ...], int] = {}
    for line, row in cf.records():
        heading = kind.is_heading(row)
        for col in kind.not_empty:
            if col in present and row[col] == "":
                found.append(cf.error(line, col, "", "值为空，此列必须填写", "not_empty"))
        for col, formats in kind.codes.items():
            value = row.get(col, "")
            if col not in present or value == "" or any(f.matches(value) for f in formats):
                continue
            reason = f"值“{value}”格式不对，应为" + _spaced("，或".join(f.description for f in formats))
            if value != value.strip() and any(f.matches(value.strip()) for f in formats):
                reason += "（值的首尾有空格）"
            found.append(cf.error(line, col, value, reason, "bad_format"))
        for col, rule in kind.numbers.items():
            value = row.get(col, "")
            if col not in present or value == "":
                continue
            if not (_DECIMAL.match(value) and rule.accepts(float(value))):
                found.append(
                    cf.error(line, col, value, f"值“{value}”不是{_spaced(rule.describe())}", "bad_number")
                )
        if kind.require_one_of and not heading:
            cols = [c for c in kind.require_one_of if c in present]
            if cols and all(row[c] == "" for c in cols):
                reason = f"{'、'.join(cols)} 都为空：除分类标题行外，每行至少要有一个编码"
                found.append(cf.error(line, None, "", reason, "no_code"))
        if key:
            k = tuple(row[c] for c in key)
            if all(v == "" for v in k):
                continue
            if k in first_seen:
                shown = " / ".join(k)
                found.append(
                    cf.error(
                        line, "+".join(key), shown, f"值“{shown}”与第 {first_seen[k]} 行重复", "duplicate"
                    )
                )
            else:
                first_seen[k] = line


def _spaced(text: str) -> str:
    """A space between a Chinese word and a following number (中文与数字之间留空格)."""
    return f" {text}" if text[:1].isascii() and text[:1].isalnum() else text


def count_headings(cf: CatalogueFile) -> int:
    """Number of category/heading rows (分类标题行) in ``cf`` (crosswalk); 0 for other kinds."""
    return sum(1 for _, row in cf.records() if cf.kind.is_heading(row))


def infer_kind(path: Path | str) -> str | None:
    """The catalogue kind whose required columns the file's header holds (识别目录种类), or None.

    Reads only the header (row 1); when several kinds fit, the one with the most required columns
    wins. ``jixiao catalogue load FILE`` uses it when no ``--kind`` is given."""
    from .kinds import catalogue_kinds

    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        ws = load_workbook(path, read_only=True).worksheets[0]
        first = next(ws.iter_rows(max_row=1, values_only=True), ())
        header = {cell_text(v) for v in first}
    else:
        with path.open("rb") as f:
            decoded = decode_text(f.readline().rstrip(b"\r\n"))
        if decoded is None:
            return None
        line = decoded[0]
        header = {h.strip() for h in line.split("\t" if path.suffix.lower() == ".tsv" else ",")}
    fits = [k for k in catalogue_kinds().values() if set(k.required_columns) <= header]
    return max(fits, key=lambda k: len(k.required_columns)).name if fits else None
