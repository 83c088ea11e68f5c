"""Validation (校验) of a hand-filled file against its dataset spec.

Every problem becomes an :class:`IntakeError` naming file, sheet, Excel row, column letter and
Chinese header, the bad value and a Chinese reason. All problems are collected (up to a cap),
so the person who filled the file can fix everything in one round.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl.utils import get_column_letter

from connectors.intake.reader import ReadError, Sheet, read_sheets
from connectors.intake.references import ROW_CHECK_FUNCTIONS, Reference, reference
from connectors.intake.spec import ColumnSpec, DatasetSpec, get_spec, load_specs
from connectors.intake.template import INSTRUCTIONS_SHEET
from connectors.money import MoneyError, parse_money
from connectors.uploaded_text import cell_text, clean_text, has_invisible, normalise_text, show_invisible

MAX_ERRORS = 200

_PERIOD_RE = re.compile(r"^(\d{4})(?:年|[-/年](\d{1,2})月?|(\d{2}))?$")
_DATE_RE = re.compile(r"^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?$")
_INTEGER_RE = re.compile(r"^[+-]?\d+(?:\.0*)?$")
_DECIMAL_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")


@dataclass(frozen=True)
class IntakeError:
    """One problem in a file. ``row``/``column`` are what the user sees in Excel (header = row 1)."""

    file: str
    sheet: str = ""
    row: int | None = None
    column: str = ""  # Excel column letter
    header: str = ""  # Chinese header of that column
    value: str = ""
    reason: str = ""

    @property
    def message(self) -> str:
        """E.g. ``文件 满意度_2025-10.xlsx，工作表「科室满意度」，第 5 行，D 列「样本量」：值“十二”不是整数``."""
        parts = [f"文件 {self.file}"]
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」")
        if self.row:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"{self.column} 列「{self.header}」" if self.header else f"{self.column} 列")
        return "，".join(parts) + "：" + self.reason

    def __str__(self) -> str:
        return self.message


@dataclass
class IntakeResult:
    """Outcome of validating (status ``valid``/``invalid``) or taking in (``accepted``/``rejected``) a file."""

    file: str
    path: Path
    dataset: str | None = None
    sheet: str = ""
    status: str = "valid"
    rows: list[dict[str, str | None]] = field(default_factory=list, repr=False)
    row_count: int = 0
    partitions: tuple[str, ...] = ()
    errors: list[IntakeError] = field(default_factory=list, repr=False)
    error_count: int = 0
    max_errors: int = field(default=MAX_ERRORS, repr=False)
    batch_id: str | None = None
    stored_path: Path | None = None  # where the file went (processed/ or quarantine/)
    report_path: Path | None = None  # the .errors.csv of a rejected file
    notes: list[str] = field(default_factory=list)  # what was read but ignored (extra or hidden sheets)
    added: int = 0  # rows of keys new to the warehouse
    replaced: int = 0  # rows of keys that were there and were replaced
    removed: int = 0  # other rows of the file's periods removed (only with a full replacement)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def messages(self) -> list[str]:
        return [e.message for e in self.errors]

    def add_error(self, **fields) -> None:
        self.error_count += 1
        if len(self.errors) < self.max_errors:
            self.errors.append(IntakeError(file=self.file, **fields))


class _Invalid(ValueError):
    """A cell value is invalid; the message is the Chinese reason."""


def _filled(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _number_text(text: str) -> str:
    """Full-width digits → ASCII, and ``1,234.5`` → ``1234.5``."""
    text = normalise_text(text)
    return text.replace(",", "") if _GROUPED_RE.match(text) else text


def _plain(d: Decimal) -> str:
    return format(d, "f")


def _check_range(col: ColumnSpec, number: Decimal, text: str) -> None:
    if col.min is not None and number < col.min:
        raise _Invalid(f"值“{text}”小于最小值 {_plain(col.min)}")
    if col.max is not None and number > col.max:
        raise _Invalid(f"值“{text}”大于最大值 {_plain(col.max)}")


def _not_future(col: ColumnSpec, period: str, text: str, today: date | None = None) -> str:
    """A period may not lie after the current month (a year: after the current year), plus
    ``max_future_years`` whole years for columns that file ahead (targets)."""
    today = today or date.today()
    year = today.year + col.max_future_years
    latest = f"{year:04d}" if len(period) == 4 else f"{year:04d}-{today.month if not col.max_future_years else 12:02d}"
    if period > latest:
        allowed = f"最晚可填 {latest}" + ("（可提前填报下一年度）" if col.max_future_years else "（不能填报未来期间）")
        raise _Invalid(f"期间“{text}”晚于当前日期 {today:%Y-%m}，{allowed}")
    return period


def _parse_period(col: ColumnSpec, raw, text: str) -> str:
    return _not_future(col, _period_value(col, raw, text), text)


def _period_value(col: ColumnSpec, raw, text: str) -> str:
    if isinstance(raw, date) and raw.day == 1:  # Excel turned "2025-10" into a date
        return f"{raw.year:04d}-{raw.month:02d}"
    if not isinstance(raw, date):
        m = _PERIOD_RE.match(normalise_text(text).replace(" ", ""))
        if m and 1900 <= int(m.group(1)) <= 2100:
            year, month = int(m.group(1)), m.group(2) or m.group(3)
            if month is None and col.allow_year:
                return f"{year:04d}"
            if month is not None and 1 <= int(month) <= 12:
                return f"{year:04d}-{int(month):02d}"
    expected = (
        "YYYY（年度）或 YYYY-MM（月度）格式，如 2025 或 2025-10"
        if col.allow_year
        else "YYYY-MM 格式，如 2025-10"
    )
    raise _Invalid(f"值“{text}”不是有效的统计期间，应为 {expected}")


def _parse_date(raw, text: str) -> str:
    if isinstance(raw, date):
        return (raw.date() if isinstance(raw, datetime) else raw).isoformat()
    m = _DATE_RE.match(normalise_text(text).replace(" ", ""))
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            pass
    raise _Invalid(f"值“{text}”不是有效日期，应为 YYYY-MM-DD 格式，如 2025-10-15")


def _parse_integer(col: ColumnSpec, text: str) -> str:
    number = _number_text(text)
    if not _INTEGER_RE.match(number):
        raise _Invalid(f"值“{text}”不是整数")
    value = int(Decimal(number))
    _check_range(col, Decimal(value), text)
    return str(value)


def _parse_decimal(col: ColumnSpec, text: str) -> str:
    number = _number_text(text)
    if not _DECIMAL_RE.match(number):
        raise _Invalid(f"值“{text}”不是数字")
    value = Decimal(number)
    if col.scale is not None:
        places = max(0, -value.normalize().as_tuple().exponent)
        if places > col.scale:
            raise _Invalid(f"值“{text}”的小数位数超过 {col.scale} 位")
        value = value.quantize(Decimal(1).scaleb(-col.scale))
    _check_range(col, value, text)
    return _plain(value)


def _parse_money(col: ColumnSpec, raw) -> str:
    try:
        value = parse_money(raw, what="金额", allow_negative=col.min is None or col.min < 0)
    except MoneyError as exc:
        raise _Invalid(str(exc)) from None
    _check_range(col, value, cell_text(raw))
    return _plain(value)


def parse_cell(col: ColumnSpec, raw, refs: dict[str, Reference] | None = None, *, free_text: bool = False) -> str | None:
    """Check one cell and return its normalised text (``None`` when empty); raises ``_Invalid``.

    Every text is normalised by :func:`connectors.uploaded_text.normalise_text` (NFKC, invisible
    characters removed), so a key with a zero-width space equals the key without it, and a
    required cell of only invisible characters is empty; ``free_text`` (a string column that is
    neither a key nor a reference, e.g. 原因说明) keeps what was typed, invisible characters removed
    (:func:`connectors.uploaded_text.clean_text`). ``refs`` are the reference sets the columns'
    ``allowed`` name (connectors/intake/references.py)."""
    text = clean_text(raw) if free_text else normalise_text(raw)
    if not text:
        if col.required:
            shown = cell_text(raw, strip=False) if raw is not None else ""
            if shown:
                raise _Invalid(f"必填项不能为空（单元格只有空白或不可见字符“{show_invisible(shown)}”）")
            raise _Invalid("必填项不能为空")
        return None
    if col.type == "period":
        value = _parse_period(col, raw, text)
    elif col.type == "date":
        value = _parse_date(raw, text)
    elif col.type == "integer":
        value = _parse_integer(col, text)
    elif col.type == "decimal":
        value = _parse_decimal(col, text)
    elif col.type == "money":
        value = _parse_money(col, raw)
    elif col.type == "enum":
        if text not in col.values:
            raise _Invalid(f"值“{show_invisible(text)}”不是可选值，应为：{'、'.join(col.values)}")
        value = text
    else:
        value = text
    if col.allowed:
        ref = (refs or {}).get(col.allowed) or reference(col.allowed)
        if not ref.contains(value):
            raise _Invalid(ref.explain(show_invisible(value)))
    return value


def _header_key(value) -> str:
    return normalise_text(value).replace(" ", "")


def infer_dataset(file_name: str, sheet_names: list[str]) -> DatasetSpec | None:
    """The dataset whose sheet name is in the workbook, else whose prefix starts the file name."""
    specs = load_specs()
    by_sheet = [s for s in specs.values() if s.sheet in sheet_names]
    if len(by_sheet) == 1:
        return by_sheet[0]
    stem = Path(file_name).stem.lower()
    best, best_len = None, 0
    for spec in specs.values():
        for prefix in spec.name_prefixes:
            if stem.startswith(prefix.lower()) and len(prefix) > best_len:
                best, best_len = spec, len(prefix)
    return best


def _pick_sheet(sheets: list[Sheet], spec: DatasetSpec, result: IntakeResult) -> Sheet | None:
    """The sheet the template defines, never a hidden one. A file without it is read only when it
    has exactly one visible sheet besides the instructions (a CSV, or a workbook saved from another
    tool). Every other sheet is named in ``result.notes`` as ignored."""
    named = [s for s in sheets if s.name == spec.sheet]
    if named and not named[0].visible:
        result.add_error(
            sheet=spec.sheet,
            reason=f"工作表「{spec.sheet}」是隐藏的工作表，其内容在 Excel 中看不到，不予读取；"
            "请取消隐藏并核对内容后重新提交",
        )
        return None
    if named:
        chosen = named[0]
    else:
        visible = [s for s in sheets if s.visible and s.name != INSTRUCTIONS_SHEET]
        if len(visible) != 1:
            names = "、".join(f"「{s.name}」" for s in sheets) or "（无）"
            result.add_error(
                reason=f"找不到工作表「{spec.sheet}」（文件中的工作表：{names}）；请使用模板填写，不要修改工作表名"
            )
            return None
        chosen = visible[0]
    for s in sheets:
        if s is chosen or (s.name == INSTRUCTIONS_SHEET and s.visible):
            continue
        kind = "隐藏工作表" if not s.visible else "多余的工作表"
        result.notes.append(f"已忽略{kind}「{s.name}」（只读取工作表「{chosen.name or spec.sheet}」）")
    return chosen


def _check_sheet(
    spec: DatasetSpec, sheet: Sheet, result: IntakeResult, refs: dict[str, Reference], closed: Collection[str]
) -> None:
    def add(**fields) -> None:
        result.add_error(sheet=sheet.name, **fields)

    all_headers = "、".join(c.header for c in spec.columns)
    if sheet.is_empty:
        add(reason=f"文件为空：没有表头，也没有数据（第 1 行应为表头：{all_headers}）")
        return
    header = [cell_text(v) for v in sheet.rows[0]]
    if not any(header):
        add(row=1, reason=f"应为表头（{all_headers}），但该行为空")
        return

    by_key: dict[str, ColumnSpec] = {_header_key(c.header): c for c in spec.columns}
    for c in spec.columns:
        by_key.setdefault(c.name, c)
    mapping: dict[int, ColumnSpec] = {}
    seen: dict[str, int] = {}
    unknown: list[int] = []
    for i, text in enumerate(header):
        if not text:
            continue
        col = by_key.get(_header_key(text))
        if col is None:
            unknown.append(i)
        elif col.name in seen:
            add(
                row=1,
                column=get_column_letter(i + 1),
                header=text,
                value=text,
                reason=f"列名重复，与 {get_column_letter(seen[col.name] + 1)} 列相同",
            )
        else:
            seen[col.name] = i
            mapping[i] = col
    missing = [c for c in spec.columns if c.name not in seen]
    for i in unknown:
        guess = difflib.get_close_matches(header[i], [c.header for c in missing], n=1, cutoff=0.5)
        hint = f"是否应为「{guess[0]}」？" if guess else f"「{spec.label}」的列为：{all_headers}"
        add(
            row=1,
            column=get_column_letter(i + 1),
            header=header[i],
            value=header[i],
            reason=f"未知列名，{hint}",
        )
    for c in missing:
        if c.required:
            add(row=1, header=c.header, reason=f"缺少必填列「{c.header}」")

    key_headers = "、".join(spec.column(k).header for k in spec.keys)
    first_row_of_key: dict[tuple, int] = {}
    headerless_reported: set[int] = set()
    for row_number, values in enumerate(sheet.rows[1:], start=2):
        if not any(_filled(v) for v in values):
            continue
        result.row_count += 1
        record: dict[str, str | None] = {c.name: None for c in spec.columns}
        for i, col in mapping.items():
            raw = values[i] if i < len(values) else None
            try:
                if raw is None and (row_number, i + 1) in sheet.uncalculated:
                    raise _Invalid(
                        "单元格是公式，但文件中没有保存计算结果（文件不是用 Excel 保存的）；"
                        "请在 Excel 中打开、保存后重新提交，或直接填写数值"
                    )
                free = col.type == "string" and not col.allowed and col.name not in spec.keys
                record[col.name] = parse_cell(col, raw, refs, free_text=free)
                if col.name == spec.period_column and record[col.name] in closed:
                    raise _Invalid(
                        f"期间 {record[col.name]} 的奖金已发放（已关账），不能再填报{spec.label}；"
                        "如需更正，请绩效办先重新开放该期间（jixiao reopen）"
                    )
            except _Invalid as exc:
                add(
                    row=row_number,
                    column=get_column_letter(i + 1),
                    header=col.header,
                    value=_shown(raw),
                    reason=str(exc),
                )
        for check in spec.checks:
            for column, reason in ROW_CHECK_FUNCTIONS[check](record):
                i = next((j for j, c in mapping.items() if c.name == column), None)
                add(
                    row=row_number,
                    column=get_column_letter(i + 1) if i is not None else "",
                    header=spec.column(column).header,
                    value=record.get(column) or "",
                    reason=reason,
                )
        for i, raw in enumerate(values):
            no_header = i >= len(header) or not header[i]
            if no_header and _filled(raw) and i not in headerless_reported:
                headerless_reported.add(i)
                add(
                    row=row_number,
                    column=get_column_letter(i + 1),
                    value=_shown(raw),
                    reason=f"该列没有表头，但填写了值“{_shown(raw)}”",
                )
        key = tuple(record[k] for k in spec.keys)
        if all(v is not None for v in key):
            first = first_row_of_key.setdefault(key, row_number)
            if first != row_number:
                shown = " / ".join(key)
                raw_keys = [values[i] for i, c in mapping.items() if c.name in spec.keys and i < len(values)]
                typed = ""
                if any(isinstance(v, str) and has_invisible(v) for v in raw_keys):
                    typed = "（本行实际填写的是“" + " / ".join(_shown(v) for v in raw_keys) + "”，含不可见字符）"
                add(
                    row=row_number,
                    header=key_headers,
                    value=shown,
                    reason=f"{key_headers}的组合“{shown}”与第 {first} 行重复{typed}",
                )
        result.rows.append(record)
    if result.row_count == 0:
        add(reason="文件只有表头，没有数据行")


def _shown(raw) -> str:
    """A cell as text with its invisible characters spelt out (``\\u200b``)."""
    return show_invisible(cell_text(raw))


def validate_file(
    path: Path | str,
    dataset: str | DatasetSpec | None = None,
    *,
    department_codes: Collection[str] | None = None,
    max_errors: int = MAX_ERRORS,
    closed_periods: Collection[str] = (),
) -> IntakeResult:
    """Validate a filled .xlsx/.csv; nothing is written anywhere.

    ``dataset`` is inferred from the sheet name or the file-name prefix when not given.
    ``department_codes`` defaults to the accounting units active today in the department seed.
    ``closed_periods``: months whose bonus is issued; datasets with ``closed_with_bonus`` refuse them.
    """
    path = Path(path)
    result = IntakeResult(file=path.name, path=path, max_errors=max_errors)
    try:
        sheets = read_sheets(path)
    except ReadError as exc:
        result.add_error(reason=str(exc))
        result.status = "invalid"
        return result
    spec = get_spec(dataset) if dataset is not None else infer_dataset(path.name, [s.name for s in sheets])
    if spec is None:
        specs = load_specs().values()
        names = "、".join(f"「{s.sheet}」" for s in specs)
        result.add_error(
            reason=f"无法识别填报数据集：工作表名应为 {names} 之一，或文件名以其开头（如“满意度_2025-10.xlsx”）"
        )
        result.status = "invalid"
        return result
    result.dataset = spec.dataset
    refs = {name: reference(name, department_codes) for name in {c.allowed for c in spec.columns if c.allowed}}
    sheet = _pick_sheet(sheets, spec, result)
    if sheet is not None:
        result.sheet = sheet.name
        _check_sheet(spec, sheet, result, refs, closed_periods if spec.closed_with_bonus else ())
    if result.ok:
        result.partitions = tuple(sorted({r[spec.period_column] for r in result.rows}))
    else:
        result.rows = []
    result.status = "valid" if result.ok else "invalid"
    return result
