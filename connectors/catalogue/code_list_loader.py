"""Loading code lists (编码目录导入) into ``raw_reference`` with provenance (来源记录).

``load_code_list`` checks the file first (``code_lists.read_code_list``) and loads nothing if
anything is wrong. Otherwise, in ONE DuckDB transaction, it replaces the whole table
``raw_reference.code_list__<name>`` (the list's columns plus ``edition``, ``effective_from``,
``effective_to``, all VARCHAR; empty → NULL; lineage ``_batch_id``, ``_source``, ``_loaded_at``)
and appends a row to ``raw_reference.code_list_loads`` (file name, sha256, rows, edition, note,
loaded_at). The staging model ``stg_reference__<name>`` reads that table from the next dbt run on,
instead of the shipped seed.

``code_list_status`` says, per list, where its rows come from now: 医院导入 (the table has rows)
or the shipped seed (随附演示目录 / 随附官方目录).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa

from connectors.warehouse import DuckDBWarehouse, relation_exists

from .code_lists import (
    DEFAULT_EFFECTIVE_FROM,
    SCHEMA,
    CodeListFile,
    CodeListSpec,
    code_lists,
    get_code_list,
    read_code_list,
    shipped_summary,
)
from .loader import _warehouse

LOADS_TABLE = "code_list_loads"
LOADS_COLUMNS = ("batch_id", "list_name", "table_name", "edition", "effective_from", "file_name", "sha256",
                 "rows", "loaded_at", "note")
_SHOWN_IN_MESSAGE = 20


class CodeListValidationError(ValueError):
    """The file failed validation (编码目录文件校验未通过); nothing was loaded. ``errors``: the problems."""

    def __init__(self, checked: CodeListFile):
        self.file_name = checked.file_name
        self.spec = checked.spec
        self.errors = checked.errors
        self.total = checked.errors.total
        self.summary = (
            f"编码目录文件 {checked.file_name}（{checked.spec.title}）校验未通过：共发现 {self.total} 个问题，"
            f"未导入任何数据，{checked.spec.table_name} 保持原有内容。"
        )
        lines = [self.summary, *(f"- {e.message}" for e in self.errors[:_SHOWN_IN_MESSAGE])]
        if self.total > _SHOWN_IN_MESSAGE:
            lines.append(f"……另有 {self.total - _SHOWN_IN_MESSAGE} 个问题未列出")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class CodeListLoad:
    """One successful load (导入结果)."""

    list_name: str
    title: str
    table_name: str
    edition: str
    file_name: str
    sha256: str
    rows: int
    batch_id: str
    loaded_at: datetime
    ignored_columns: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        text = (f"已导入{self.title} {self.file_name} 到 {self.table_name}：{self.rows} 行，"
                f"版本 {self.edition}，批次 {self.batch_id}")
        if self.ignored_columns:
            text += f"（未导入的多余列：{'、'.join(self.ignored_columns)}）"
        return text + "；下次 jixiao run 起指标使用医院目录"


def load_code_list(
    path: Path | str,
    name: str | CodeListSpec,
    warehouse: Path | str | DuckDBWarehouse,
    *,
    edition: str | None = None,
    effective_from: date | None = None,
    note: str = "",
) -> CodeListLoad:
    """Check and load one code-list file (导入编码目录), replacing the list's whole table.

    ``edition`` defaults to ``医院导入-YYYYMMDD``; ``effective_from`` fills empty effective_from
    cells (default 2000-01-01: the list applies to every period). Raises
    ``CodeListValidationError`` (and changes nothing) when the file has any problem.
    """
    spec = get_code_list(name)
    checked = read_code_list(path, spec, effective_from or DEFAULT_EFFECTIVE_FROM)
    if checked.errors.total:
        raise CodeListValidationError(checked)
    now = datetime.now()
    edition = (edition if edition is not None else f"医院导入-{now:%Y%m%d}").strip()
    if not edition:
        raise ValueError("版本（edition）不能为空")
    batch_id = f"code-list-{spec.name}-{now:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"
    columns = [*spec.column_names, "effective_from", "effective_to"]
    arrow = pa.table({col: pa.array([r[col] or None for r in checked.rows], type=pa.string()) for col in columns})
    all_columns = [*spec.column_names, "edition", "effective_from", "effective_to"]
    col_defs = ", ".join(f"{c} VARCHAR" for c in all_columns)

    with _warehouse(warehouse) as wh:
        con = wh.con
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
            _ensure_loads_table(con)
            con.execute(f"DROP TABLE IF EXISTS {spec.table_name}")
            con.execute(f"CREATE TABLE {spec.table_name} ({col_defs}, _batch_id VARCHAR, _source VARCHAR, "
                        "_loaded_at TIMESTAMP)")
            con.register("_jx_code_list", arrow)
            try:
                con.execute(
                    f"INSERT INTO {spec.table_name} ({', '.join(all_columns)}, _batch_id, _source, _loaded_at) "
                    f"SELECT {', '.join(spec.column_names)}, ?, effective_from, effective_to, ?, ?, ? "
                    "FROM _jx_code_list",
                    [edition, batch_id, checked.file_name, now.replace(microsecond=0)],
                )
            finally:
                con.unregister("_jx_code_list")
            written = con.execute(f"SELECT count(*) FROM {spec.table_name}").fetchone()[0]
            if written != len(checked.rows):
                raise RuntimeError(f"写入 {written} 行，与文件中的 {len(checked.rows)} 行不一致")
            con.execute(
                f"INSERT INTO {SCHEMA}.{LOADS_TABLE} ({', '.join(LOADS_COLUMNS)}) "
                f"VALUES ({', '.join('?' for _ in LOADS_COLUMNS)})",
                [batch_id, spec.name, spec.table_name, edition,
                 (effective_from or DEFAULT_EFFECTIVE_FROM).isoformat(), checked.file_name, checked.sha256,
                 written, now, note],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return CodeListLoad(spec.name, spec.title, spec.table_name, edition, checked.file_name, checked.sha256,
                        written, batch_id, now, tuple(checked.ignored))


def _ensure_loads_table(con) -> None:
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {SCHEMA}.{LOADS_TABLE} (batch_id VARCHAR, list_name VARCHAR, "
        "table_name VARCHAR, edition VARCHAR, effective_from VARCHAR, file_name VARCHAR, sha256 VARCHAR, "
        "rows BIGINT, loaded_at TIMESTAMP, note VARCHAR)"
    )


@dataclass(frozen=True)
class CodeListStatus:
    """Where a list's rows come from now (当前来源)."""

    list_name: str
    title: str
    source: str  # 医院导入 | 随附演示目录 | 随附官方目录
    edition: str
    rows: int
    loaded_at: datetime | None = None
    file_name: str | None = None
    note: str = ""

    @property
    def line(self) -> str:
        if self.loaded_at is None:
            return f"{self.list_name}  {self.title}  {self.source}（版本 {self.edition}）  {self.rows} 行"
        return (f"{self.list_name}  {self.title}  {self.source}（版本 {self.edition}，"
                f"导入于 {self.loaded_at:%Y-%m-%d %H:%M:%S}，文件 {self.file_name}）  {self.rows} 行")


def code_list_status(warehouse: Path | str | DuckDBWarehouse | None) -> list[CodeListStatus]:
    """Per list (in ``code_lists.yml`` order): 医院导入 when ``raw_reference.code_list__<name>`` has
    rows (edition and time of its latest load), else the shipped seed. A warehouse file that does
    not exist yet (or None) means every list is the shipped one."""
    loaded: dict[str, tuple[int, dict | None]] = {}
    if isinstance(warehouse, DuckDBWarehouse):
        loaded = _loaded_lists(warehouse.con)
    elif warehouse is not None and Path(warehouse).is_file():
        with DuckDBWarehouse(warehouse, read_only=True) as wh:
            loaded = _loaded_lists(wh.con)
    out = []
    for spec in code_lists().values():
        rows, log = loaded.get(spec.name, (0, None))
        if rows:
            out.append(CodeListStatus(spec.name, spec.title, "医院导入", (log or {}).get("edition") or "未知",
                                      rows, (log or {}).get("loaded_at"), (log or {}).get("file_name") or "未知",
                                      (log or {}).get("note") or ""))
        else:
            edition, seed_rows = shipped_summary(spec)
            out.append(CodeListStatus(spec.name, spec.title, spec.shipped_label, edition, seed_rows))
    return out


def _loaded_lists(con) -> dict[str, tuple[int, dict | None]]:
    has_log = relation_exists(con, SCHEMA, LOADS_TABLE)
    out = {}
    for spec in code_lists().values():
        if not relation_exists(con, SCHEMA, spec.table):
            continue
        rows = con.execute(f"SELECT count(*) FROM {spec.table_name}").fetchone()[0]
        log = None
        if has_log:
            hit = con.execute(
                f"SELECT {', '.join(LOADS_COLUMNS)} FROM {SCHEMA}.{LOADS_TABLE} WHERE list_name = ? "
                "ORDER BY loaded_at DESC LIMIT 1", [spec.name]).fetchone()
            log = dict(zip(LOADS_COLUMNS, hit, strict=True)) if hit else None
        out[spec.name] = (rows, log)
    return out
