"""Source declarations (数据源配置): which systems exist, how to reach them, which tables to extract.

Each source system is one YAML file in ``connectors/sources/`` (see ``his.yml``). The YAML is the
extraction contract: tables, key columns, incremental column and partition column. Connection
strings never live in the YAML: it names the environment variables that hold them.

A table is partitioned by month (``YYYY-MM``) in one of three ways:

* ``partition_column``: a date/datetime column; the month is a half-open date range.
* ``period_columns: {year, month}``: integer year and month columns (general-ledger style).
* ``period_column: {name, format}``: a text period such as ``202510`` (``%Y%m``).

A table with none of these is a dictionary and is fully refreshed as partition ``_all``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

SOURCES_DIR = Path(__file__).parent / "sources"
FULL_REFRESH_PARTITION = "_all"
_PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SourceConfigError(ValueError):
    """A source YAML file is malformed (names the file and the problem)."""


@dataclass(frozen=True)
class Period:
    """A calendar month, the unit of partitioning (核算期间)."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        m = _PERIOD_RE.match(text or "")
        if not m:
            raise ValueError(f"期间格式应为 YYYY-MM，收到：{text!r}")
        return cls(int(m.group(1)), int(m.group(2)))

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        """First day of the next month (exclusive bound)."""
        return self.next().start

    def next(self) -> Period:
        return Period(self.year + (self.month == 12), self.month % 12 + 1)

    def previous(self) -> Period:
        return Period(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def strftime(self, fmt: str) -> str:
        return self.start.strftime(fmt)

    def __str__(self) -> str:
        return self.key


def period_range(first: str, last: str) -> list[Period]:
    start, stop = Period.parse(first), Period.parse(last)
    if (stop.year, stop.month) < (start.year, start.month):
        raise ValueError(f"期间范围无效：{first} 晚于 {last}")
    out = [start]
    while out[-1] != stop:
        out.append(out[-1].next())
    return out


@dataclass(frozen=True)
class TableSpec:
    name: str
    label: str
    keys: tuple[str, ...]
    columns: tuple[str, ...]
    incremental_column: str | None = None
    partition_column: str | None = None
    period_year_column: str | None = None
    period_month_column: str | None = None
    period_text_column: str | None = None
    period_text_format: str | None = None
    #: personal columns the source has and Jixiao never keeps (e.g. the patient's name): not
    #: extracted, and dropped from a raw table that an older contract filled (docs/privacy.md)
    never_kept: tuple[str, ...] = ()

    @property
    def raw_name(self) -> str:
        """Name of the landing table in ``raw_<system>`` (lower case, portable across engines)."""
        return self.name.lower()

    @property
    def is_partitioned(self) -> bool:
        return bool(self.partition_column or self.period_year_column or self.period_text_column)


@dataclass(frozen=True)
class SourceSpec:
    system: str
    label: str
    url_env: str
    odbc_env: str | None
    demo_url: str | None
    tables: tuple[TableSpec, ...] = field(default_factory=tuple)
    path: Path | None = None

    @property
    def raw_schema(self) -> str:
        return f"raw_{self.system}"

    def table(self, name: str) -> TableSpec:
        for t in self.tables:
            if t.name.lower() == name.lower():
                return t
        raise KeyError(f"{self.system} 没有表 {name}")

    def connection(self, data_dir: Path | str | None = None, env: dict | None = None) -> tuple[str, str]:
        """Return ``(kind, target)``: ``("odbc", conn_str)`` or ``("sqlalchemy", url)``.

        The ODBC variable wins when set; then the URL variable; then the demo SQLite file.
        """
        env = os.environ if env is None else env
        if self.odbc_env and env.get(self.odbc_env):
            return "odbc", env[self.odbc_env]
        if env.get(self.url_env):
            return "sqlalchemy", env[self.url_env]
        if self.demo_url:
            base = Path(data_dir or env.get("JIXIAO_DATA_DIR", "data")).resolve()
            return "sqlalchemy", self.demo_url.format(data_dir=base.as_posix())
        raise SourceConfigError(f"{self.system}: 未设置环境变量 {self.url_env}，也没有演示数据源")


def _require(cond: bool, path: Path, msg: str) -> None:
    if not cond:
        raise SourceConfigError(f"{path.name}: {msg}")


def _parse_table(raw: dict, path: Path) -> TableSpec:
    _require(isinstance(raw, dict), path, "tables 的每一项必须是映射")
    name = raw.get("name")
    _require(isinstance(name, str) and bool(_IDENT_RE.match(name)), path, f"表名无效：{name!r}")
    columns = raw.get("columns") or []
    _require(isinstance(columns, list) and columns, path, f"{name}: columns 不能为空")
    for c in columns:
        _require(isinstance(c, str) and bool(_IDENT_RE.match(c)), path, f"{name}: 列名无效：{c!r}")
    lowered = [c.lower() for c in columns]
    _require(len(set(lowered)) == len(lowered), path, f"{name}: 列名重复")
    keys = raw.get("keys") or []
    _require(bool(keys), path, f"{name}: 必须声明 keys")
    colset = set(lowered)
    for k in keys:
        _require(k.lower() in colset, path, f"{name}: 主键列 {k} 不在 columns 中")
    inc = raw.get("incremental_column")
    _require(inc is None or inc.lower() in colset, path, f"{name}: 增量列 {inc} 不在 columns 中")
    part = raw.get("partition_column")
    pcols = raw.get("period_columns") or {}
    ptext = raw.get("period_column") or {}
    _require(sum(bool(x) for x in (part, pcols, ptext)) <= 1, path, f"{name}: 分区方式只能声明一种")
    for c in [part, pcols.get("year"), pcols.get("month"), ptext.get("name")]:
        _require(c is None or c.lower() in colset, path, f"{name}: 分区列 {c} 不在 columns 中")
    if pcols:
        _require(bool(pcols.get("year") and pcols.get("month")), path, f"{name}: period_columns 需要 year 和 month")
    if ptext:
        _require(bool(ptext.get("name") and ptext.get("format")), path, f"{name}: period_column 需要 name 和 format")
    never = raw.get("never_kept") or []
    _require(isinstance(never, list) and all(isinstance(c, str) and _IDENT_RE.match(c) for c in never), path,
             f"{name}: never_kept 应为列名列表")  # fmt: skip
    _require(not {c.lower() for c in never} & colset, path, f"{name}: never_kept 中的列不能同时出现在 columns 中")
    return TableSpec(
        name=name,
        label=str(raw.get("label", name)),
        keys=tuple(keys),
        columns=tuple(columns),
        incremental_column=inc,
        partition_column=part,
        period_year_column=pcols.get("year"),
        period_month_column=pcols.get("month"),
        period_text_column=ptext.get("name"),
        period_text_format=ptext.get("format"),
        never_kept=tuple(c.lower() for c in never),
    )


def load_source(path: Path | str) -> SourceSpec:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SourceConfigError(f"{path.name}: YAML 解析失败：{exc}") from exc
    _require(isinstance(raw, dict), path, "顶层必须是映射")
    system = raw.get("system")
    _require(isinstance(system, str) and bool(re.match(r"^[a-z][a-z0-9_]*$", system)), path, f"system 无效：{system!r}")
    conn = raw.get("connection") or {}
    _require(bool(conn.get("url_env")), path, "connection.url_env 必填（连接串只能来自环境变量）")
    tables = tuple(_parse_table(t, path) for t in raw.get("tables") or [])
    _require(bool(tables), path, "tables 不能为空")
    names = [t.raw_name for t in tables]
    _require(len(set(names)) == len(names), path, "表名重复")
    return SourceSpec(
        system=system,
        label=str(raw.get("label", system)),
        url_env=conn["url_env"],
        odbc_env=conn.get("odbc_env"),
        demo_url=conn.get("demo_url"),
        tables=tables,
        path=path,
    )


def load_sources(directory: Path | str = SOURCES_DIR) -> dict[str, SourceSpec]:
    """All source systems declared in ``directory``, keyed by system name."""
    specs = [load_source(p) for p in sorted(Path(directory).glob("*.yml"))]
    out: dict[str, SourceSpec] = {}
    for s in specs:
        if s.system in out:
            raise SourceConfigError(f"{s.path.name}: 系统 {s.system} 重复声明")
        out[s.system] = s
    return out
