"""Code lists (编码目录) of the national assessment: specs, reading and validation.

A code list (手术分级目录, 低风险病种, 抗菌药物 DDD 值 …) is a small table the hospital maintains
itself. The shipped seed ``code_list__<name>`` (``dbt_project/seeds/national/code_lists/``) stands in
until the hospital loads its own file with ``jixiao reference load`` (``code_list_loader``); the
staging model ``stg_reference__<name>`` then reads ``raw_reference.code_list__<name>`` instead.

``code_lists.yml`` says what each list's file looks like. ``read_code_list`` reads a .csv / .tsv /
.xlsx file (the catalogue reader, ``files.read_catalogue``), maps Chinese headers to column names,
and checks every row: required columns, empty keys, duplicate keys, numbers, grades 1–4, 是/否
values, dates and overlapping periods. Every problem names the file, line and column and says why,
in Chinese (``files.CatalogueError``); the loader loads nothing when there is any.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import yaml

from .files import CatalogueError, CatalogueFile, ErrorList, read_catalogue
from .kinds import CatalogueKind

SPEC_FILE = Path(__file__).with_name("code_lists.yml")
REPO = Path(__file__).resolve().parents[2]
SEED_DIR = REPO / "dbt_project" / "seeds" / "national" / "code_lists"
SCHEMA = "raw_reference"
#: An empty effective_from and no --effective-from: the list applies to every period in the warehouse.
DEFAULT_EFFECTIVE_FROM = date(2000, 1, 1)
DATE_COLUMNS = {"effective_from": ("生效日期", "起始日期"), "effective_to": ("失效日期", "截止日期")}
FLAG_VALUES = {"1": True, "y": True, "yes": True, "true": True, "t": True, "是": True,
               "0": False, "n": False, "no": False, "false": False, "f": False, "否": False}
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
_DATE = re.compile(r"^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_TYPE_HINT = {"grade": "1–4 的整数", "positive": "大于 0 的数字", "flag": "是/否（或 1/0、true/false）"}


@dataclass(frozen=True)
class ListColumn:
    name: str
    type: str  # code | text | grade | positive | flag
    not_empty: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CodeListSpec:
    """One code list as declared in ``code_lists.yml``."""

    name: str
    title: str
    shipped: str  # demo | official
    columns: tuple[ListColumn, ...]
    key: tuple[str, ...]
    prefixes: bool = False

    @property
    def table(self) -> str:
        return f"code_list__{self.name}"

    @property
    def table_name(self) -> str:
        return f"{SCHEMA}.{self.table}"

    @property
    def seed_path(self) -> Path:
        return SEED_DIR / f"code_list__{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def shipped_label(self) -> str:
        return "随附演示目录" if self.shipped == "demo" else "随附官方目录"


@cache
def code_lists() -> dict[str, CodeListSpec]:
    """All code lists by name (``surgery_grades`` …), in the order of ``code_lists.yml``."""
    doc = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    out = {}
    for name, spec in doc["lists"].items():
        columns = tuple(
            ListColumn(col, c["type"], bool(c.get("not_empty")), tuple(c.get("aliases") or ()))
            for col, c in spec["columns"].items()
        )
        out[name] = CodeListSpec(name, spec["title"], spec["shipped"], columns, tuple(spec["key"]),
                                 bool(spec.get("prefixes")))
    return out


def get_code_list(name: str | CodeListSpec) -> CodeListSpec:
    """The list called ``name`` (or titled, e.g. 手术分级目录); a Chinese ``ValueError`` otherwise."""
    if isinstance(name, CodeListSpec):
        return name
    lists = code_lists()
    if name in lists:
        return lists[name]
    for spec in lists.values():
        if spec.title.replace(" ", "") == name.replace(" ", ""):
            return spec
    raise ValueError(f"未知的编码目录「{name}」，可选：{'、'.join(lists)}")


def _header_key(text: str) -> str:
    return text.replace("\ufeff", "").replace("（", "(").replace("）", ")").replace(" ", "").strip().lower()


@dataclass
class CodeListFile:
    """A code-list file read and checked (已读入并校验的编码目录文件).

    ``rows``: one dict per record with the list's columns plus ``effective_from`` / ``effective_to``,
    values normalised (trimmed; flags ``true``/``false``; dates ISO; "" = empty), only when there
    is no error. ``lines[i]`` is the line (Excel row) of ``rows[i]``; ``ignored`` the extra columns.
    """

    spec: CodeListSpec
    catalogue: CatalogueFile
    rows: list[dict[str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    errors: ErrorList = field(default_factory=ErrorList)
    ignored: list[str] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return self.catalogue.file_name

    @property
    def sha256(self) -> str:
        return self.catalogue.sha256


def read_code_list(path: Path | str, name: str | CodeListSpec,
                   effective_from: date = DEFAULT_EFFECTIVE_FROM) -> CodeListFile:
    """Read and check a code-list file (读取并校验编码目录). Empty effective_from cells take
    ``effective_from``. Raises ``FileNotFoundError`` / ``ValueError`` (unsupported file type)."""
    spec = get_code_list(name)
    kind = CatalogueKind(name=spec.name, schema=SCHEMA, table=spec.table, title=spec.title, sample_file="",
                         default_edition="", required_columns=spec.column_names)
    cf = read_catalogue(path, kind)
    out = CodeListFile(spec, cf)
    found: list[CatalogueError] = list(cf.read_errors)
    if cf.has_header:
        columns = _map_header(spec, cf, found)
        if columns is not None:
            _check_rows(out, columns, effective_from, found)
    found.sort(key=lambda e: (e.line is not None, e.line or 0))
    for e in found:
        out.errors.add(e)
    if out.errors.total:
        out.rows, out.lines = [], []
    return out


def _map_header(spec: CodeListSpec, cf: CatalogueFile, found: list) -> dict[str, tuple[int, str]] | None:
    """column name → (field index, header as written); None when a required column is missing."""
    lookup: dict[str, str] = {}
    for col in spec.columns:
        for alias in (col.name, *col.aliases):
            lookup[_header_key(alias)] = col.name
    for col, aliases in DATE_COLUMNS.items():
        for alias in (col, *aliases):
            lookup[_header_key(alias)] = col
    columns: dict[str, tuple[int, str]] = {}
    hl = cf.header_line
    for i, raw in enumerate(cf.raw_header):
        name = lookup.get(_header_key(raw))
        if name is None:
            continue  # an extra column (备注 …): not loaded, listed in CodeListFile.ignored
        if name in columns:
            found.append(cf.error(hl, name, raw, f"列「{columns[name][1]}」和列「{raw}」是同一列，只能有一个",
                                  "bad_header"))
            continue
        columns[name] = (i, raw.strip())
    missing = [c for c in spec.columns if c.name not in columns]
    for c in missing:
        alias = f"（或中文列名「{c.aliases[0]}」）" if c.aliases else ""
        found.append(cf.error(hl, c.name, None, f"缺少必需的列「{c.name}」{alias}", "missing_column"))
    if not cf.rows and not cf.read_errors:
        found.append(cf.error(None, None, None, "只有表头，没有数据行", "no_rows"))
    return None if missing else columns


def _parse_date(value: str) -> date | None:
    m = _DATE.match(value)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _check_rows(out: CodeListFile, columns: dict[str, tuple[int, str]], default_from: date, found: list) -> None:
    spec, cf = out.spec, out.catalogue
    out.ignored = [h.strip() for i, h in enumerate(cf.raw_header)
                   if h.strip() and i not in {idx for idx, _ in columns.values()}]
    types = {c.name: c for c in spec.columns}
    periods: dict[tuple[str, ...], list[tuple[date, date | None, int]]] = {}
    for line, fields in zip(cf.line_numbers, cf.rows, strict=True):
        row: dict[str, str] = {}
        bad = False
        for name, (idx, shown) in columns.items():
            value = fields[idx].strip() if idx < len(fields) else ""
            err = None
            col = types.get(name)
            if value == "":
                if col is not None and col.not_empty:
                    err = "值为空，此列必须填写"
            elif name in DATE_COLUMNS:
                d = _parse_date(value)
                if d is None:
                    err = f"值“{value}”不是日期，应写成 YYYY-MM-DD（如 2025-01-01）"
                else:
                    value = d.isoformat()
            elif col.type == "grade":
                if not (value.isdigit() and 1 <= int(value) <= 4):
                    err = f"值“{value}”不是手术级别：应为 {_TYPE_HINT['grade']}"
                else:
                    value = str(int(value))
            elif col.type == "positive":
                if not (_DECIMAL.match(value) and float(value) > 0):
                    err = f"值“{value}”不是{_TYPE_HINT['positive']}"
            elif col.type == "flag":
                if value.lower() not in FLAG_VALUES:
                    err = f"值“{value}”无法识别：应为{_TYPE_HINT['flag']}"
                else:
                    value = "true" if FLAG_VALUES[value.lower()] else "false"
            if err:
                code = {"grade": "bad_number", "positive": "bad_number"}.get(col.type if col else "", "bad_format")
                found.append(cf.error(line, shown, value, err, "not_empty" if value == "" else code))
                bad = True
            row[name] = value
        start = _parse_date(row.get("effective_from") or "") or default_from
        row["effective_from"] = start.isoformat()
        end = _parse_date(row.get("effective_to") or "")
        row.setdefault("effective_to", "")
        if end is not None and end < start:
            found.append(cf.error(line, columns["effective_to"][1], row["effective_to"],
                                  f"失效日期 {end} 早于生效日期 {start}", "bad_format"))
            bad = True
        key = tuple(row[k] for k in spec.key)
        if not bad and all(key):
            periods.setdefault(key, []).append((start, end, line))
        out.rows.append(row)
        out.lines.append(line)
    _check_periods(spec, cf, columns, periods, found)
    if spec.prefixes:
        _check_prefixes(spec, cf, columns, periods, found)


def _check_periods(spec, cf, columns, periods, found) -> None:
    """Duplicate keys (same key and start) and overlapping periods of one key."""
    shown = "+".join(columns[k][1] for k in spec.key)
    for key, spans in periods.items():
        spans.sort(key=lambda s: (s[0], s[2]))
        value = " / ".join(key)
        for (s0, e0, l0), (s1, _, l1) in zip(spans, spans[1:], strict=False):
            if s1 == s0:
                found.append(cf.error(l1, shown, value, f"值“{value}”与第 {l0} 行重复（生效日期也相同）", "duplicate"))
            elif e0 is None or e0 >= s1:
                found.append(cf.error(l1, shown, value,
                                      f"值“{value}”与第 {l0} 行的有效期重叠（第 {l0} 行到 "
                                      f"{e0 or '长期有效'}，本行从 {s1} 起）", "duplicate"))


def _check_prefixes(spec, cf, columns, periods, found) -> None:
    """No prefix starts another one: a charge item must match at most one row."""
    first: dict[str, int] = {}
    for key, spans in periods.items():
        first[key[0]] = min(line for _, _, line in spans)
    shown = columns[spec.key[0]][1]
    for code, line in sorted(first.items(), key=lambda kv: kv[1]):
        for i in range(1, len(code)):
            if code[:i] in first:
                other = code[:i]
                found.append(cf.error(line, shown, code,
                                      f"编码前缀“{code}”以第 {first[other]} 行的前缀“{other}”开头："
                                      "同一个收费项目会匹配两行，请只保留其一", "duplicate"))
                break


def shipped_summary(name: str | CodeListSpec) -> tuple[str, int]:
    """(edition, rows) of the shipped seed of a list."""
    spec = get_code_list(name)
    with spec.seed_path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    editions = sorted({r["edition"] for r in rows})
    return "、".join(editions), len(rows)
