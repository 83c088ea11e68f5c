"""Loading catalogues into the warehouse (标准项目库导入) with provenance (来源记录).

``load_catalogue`` validates first and loads nothing if anything is wrong. Otherwise, in ONE DuckDB
transaction, it replaces the whole content of the kind's raw table (all file columns as VARCHAR in
file order, empty → NULL, plus the lineage columns ``_partition`` = edition, ``_batch_id``,
``_extracted_at``, ``_source`` = file name) and appends a row to ``raw_reference.catalogue_loads``.

``ensure_shipped_catalogues`` (run by the pipeline every time) loads the shipped samples
(随附样例) unless the hospital has loaded its own full catalogue (医院完整目录) or the same sample
is already there.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import pyarrow as pa

from connectors.warehouse import DuckDBWarehouse

from .files import ErrorList, count_headings, file_sha256, read_catalogue, validate_catalogue
from .kinds import CatalogueKind, catalogue_kinds, get_kind

REPO = Path(__file__).resolve().parents[2]
REFERENCE_DIR = REPO / "reference" / "catalogues"
LOADS_SCHEMA = "raw_reference"
LOADS_TABLE = "catalogue_loads"
LOADS_COLUMNS = (
    "batch_id",
    "kind",
    "table_name",
    "edition",
    "file_name",
    "sha256",
    "rows",
    "loaded_at",
    "source_note",
    "is_shipped_sample",
)
SHIPPED_NOTE = "随附样例（演示用，非完整目录）"
_SHOWN_IN_MESSAGE = 20


class CatalogueValidationError(ValueError):
    """The file failed validation (目录文件校验未通过); nothing was loaded.

    ``errors`` holds up to 200 problems (``CatalogueError``), ``total`` counts all of them.
    """

    def __init__(self, file_name: str, kind: CatalogueKind, errors: ErrorList):
        self.file_name = file_name
        self.kind = kind
        self.errors = errors
        self.total = errors.total
        self.summary = (
            f"目录文件 {file_name}（{kind.title}）校验未通过：共发现 {errors.total} 个问题，"
            f"未导入任何数据，{kind.table_name} 保持原有内容。"
        )
        lines = [self.summary, *(f"- {e.message}" for e in errors[:_SHOWN_IN_MESSAGE])]
        if errors.total > _SHOWN_IN_MESSAGE:
            lines.append(f"……另有 {errors.total - _SHOWN_IN_MESSAGE} 个问题未列出")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class LoadResult:
    """Outcome of one catalogue (导入结果).

    ``action``: ``loaded`` (this call wrote the table), ``unchanged`` (the same shipped sample was
    already loaded) or ``kept`` (the hospital's own catalogue is loaded; the sample was not used).
    The other fields describe the catalogue now in the table.
    """

    kind: str
    table_name: str
    action: str
    edition: str | None
    file_name: str | None
    sha256: str | None
    rows: int
    batch_id: str | None
    loaded_at: datetime | None
    is_shipped_sample: bool | None
    source_note: str = ""
    headings: int = 0

    @property
    def message(self) -> str:
        what = "随附样例" if self.is_shipped_sample else "医院目录"
        if self.action == "loaded":
            extra = f"（其中分类标题行 {self.headings} 行）" if self.headings else ""
            return (
                f"已导入{what} {self.file_name} 到 {self.table_name}：{self.rows} 行{extra}，"
                f"版本 {self.edition}，批次 {self.batch_id}"
            )
        if self.action == "unchanged":
            return f"{self.table_name} 已是随附样例 {self.file_name}（{self.rows} 行），无需重新导入"
        if self.file_name is None:
            return f"{self.table_name} 中已有来源不明的数据（{self.rows} 行），不用随附样例覆盖"
        return f"{self.table_name} 中已是医院导入的目录 {self.file_name}（{self.rows} 行），不用随附样例覆盖"

    def __str__(self) -> str:
        return self.message


@cache
def _shipped_hashes(reference_dir: Path = REFERENCE_DIR) -> frozenset[str]:
    hashes = set()
    for kind in catalogue_kinds().values():
        sample = reference_dir / kind.sample_file
        if sample.is_file():
            hashes.add(file_sha256(sample))
    return frozenset(hashes)


@contextlib.contextmanager
def _warehouse(target: Path | str | DuckDBWarehouse) -> Iterator[DuckDBWarehouse]:
    if isinstance(target, DuckDBWarehouse):
        yield target
        return
    if str(target).startswith(("postgresql://", "postgres://", "host=", "dbname=")):
        raise NotImplementedError("标准目录目前只能导入 DuckDB 仓库（请给出 .duckdb 文件路径）")
    wh = DuckDBWarehouse(target)
    try:
        yield wh
    finally:
        wh.close()


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _ensure_loads_table(con) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {LOADS_SCHEMA}")
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {LOADS_SCHEMA}.{LOADS_TABLE} (batch_id VARCHAR, kind VARCHAR, "
        "table_name VARCHAR, edition VARCHAR, file_name VARCHAR, sha256 VARCHAR, rows BIGINT, "
        "loaded_at TIMESTAMP, source_note VARCHAR, is_shipped_sample BOOLEAN)"
    )


def load_catalogue(
    path: Path | str,
    kind: str,
    warehouse_path: Path | str | DuckDBWarehouse,
    *,
    edition: str | None = None,
    source_note: str = "",
    shipped_sample: bool | None = None,
) -> LoadResult:
    """Validate and load one catalogue file (导入标准目录), replacing the kind's whole table.

    ``edition`` becomes ``_partition`` (default: the kind's ``default_edition``, e.g. ``2023`` or
    ``hubei-2023``). ``shipped_sample`` marks the load as the demo sample; by default it is true
    exactly when the file is byte-identical to a shipped sample. Raises
    ``CatalogueValidationError`` (and changes nothing) when the file has any problem.
    """
    k = get_kind(kind)
    cf = read_catalogue(path, k)
    errors = validate_catalogue(cf)
    if errors.total:
        raise CatalogueValidationError(cf.file_name, k, errors)
    edition = (edition if edition is not None else k.default_edition).strip()
    if not edition:
        raise ValueError("版本（edition）不能为空")
    if shipped_sample is None:
        shipped_sample = cf.sha256 in _shipped_hashes()

    now = datetime.now()
    extracted_at = now.replace(microsecond=0)
    batch_id = f"catalogue-{k.name}-{now:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"
    columns = cf.columns
    arrow = pa.table(
        {
            col: pa.array([row[i] if row[i] != "" else None for row in cf.rows], type=pa.string())
            for i, col in enumerate(columns)
        }
    )
    target = f"{k.schema}.{k.table}"
    col_defs = ", ".join(f"{_q(c)} VARCHAR" for c in columns)
    col_list = ", ".join(_q(c) for c in columns)

    with _warehouse(warehouse_path) as wh:
        con = wh.con
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {k.schema}")
            _ensure_loads_table(con)
            con.execute(f"DROP TABLE IF EXISTS {target}")
            con.execute(
                f"CREATE TABLE {target} ({col_defs}, _partition VARCHAR, _batch_id VARCHAR, "
                "_extracted_at TIMESTAMP, _source VARCHAR)"
            )
            con.register("_jx_catalogue", arrow)
            try:
                con.execute(
                    f"INSERT INTO {target} ({col_list}, _partition, _batch_id, _extracted_at, _source) "
                    f"SELECT {col_list}, ?, ?, ?, ? FROM _jx_catalogue",
                    [edition, batch_id, extracted_at, cf.file_name],
                )
            finally:
                con.unregister("_jx_catalogue")
            written = con.execute(f"SELECT count(*) FROM {target}").fetchone()[0]
            if written != len(cf.rows):
                raise RuntimeError(f"写入 {written} 行，与文件中的 {len(cf.rows)} 行不一致")
            con.execute(
                f"INSERT INTO {LOADS_SCHEMA}.{LOADS_TABLE} ({', '.join(LOADS_COLUMNS)}) "
                f"VALUES ({', '.join('?' for _ in LOADS_COLUMNS)})",
                [
                    batch_id,
                    k.name,
                    k.table_name,
                    edition,
                    cf.file_name,
                    cf.sha256,
                    written,
                    now,
                    source_note,
                    shipped_sample,
                ],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return LoadResult(
        kind=k.name,
        table_name=k.table_name,
        action="loaded",
        edition=edition,
        file_name=cf.file_name,
        sha256=cf.sha256,
        rows=written,
        batch_id=batch_id,
        loaded_at=now,
        is_shipped_sample=shipped_sample,
        source_note=source_note,
        headings=count_headings(cf),
    )


def _table_rows(con, k: CatalogueKind) -> int | None:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [k.schema, k.table],
    ).fetchone()[0]
    if not exists:
        return None
    return con.execute(f"SELECT count(*) FROM {k.schema}.{k.table}").fetchone()[0]


def current_catalogue(warehouse: Path | str | DuckDBWarehouse, kind: str) -> dict | None:
    """The latest ``raw_reference.catalogue_loads`` row for ``kind`` (当前目录来源), or None."""
    k = get_kind(kind)
    with _warehouse(warehouse) as wh:
        con = wh.con
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
            [LOADS_SCHEMA, LOADS_TABLE],
        ).fetchone()[0]
        if not exists:
            return None
        row = con.execute(
            f"SELECT {', '.join(LOADS_COLUMNS)} FROM {LOADS_SCHEMA}.{LOADS_TABLE} WHERE kind = ? "
            "ORDER BY loaded_at DESC, rowid DESC LIMIT 1",
            [k.name],
        ).fetchone()
    return dict(zip(LOADS_COLUMNS, row, strict=True)) if row else None


def ensure_shipped_catalogues(
    warehouse_path: Path | str | DuckDBWarehouse,
    reference_dir: Path | str = REFERENCE_DIR,
) -> list[LoadResult]:
    """Make sure every catalogue kind has content (确保已有标准目录); idempotent, run every pipeline run.

    Per kind: keep a hospital's own catalogue (latest load not a shipped sample, table not empty)
    and any table content of unknown origin; skip when the same sample (same sha256) is already
    loaded and intact; otherwise load the shipped sample from ``reference_dir``.
    """
    reference_dir = Path(reference_dir)
    results: list[LoadResult] = []
    with _warehouse(warehouse_path) as wh:
        for k in catalogue_kinds().values():
            sample = reference_dir / k.sample_file
            if not sample.is_file():
                raise FileNotFoundError(f"找不到随附样例目录文件：{sample}")
            sha = file_sha256(sample)
            latest = current_catalogue(wh, k.name)
            rows = _table_rows(wh.con, k)
            if latest is not None and rows:
                if not latest["is_shipped_sample"]:
                    results.append(_from_log(k, "kept", latest, rows))
                    continue
                if latest["sha256"] == sha and rows == latest["rows"]:
                    results.append(_from_log(k, "unchanged", latest, rows))
                    continue
            elif latest is None and rows:
                results.append(
                    LoadResult(k.name, k.table_name, "kept", None, None, None, rows, None, None, None)
                )
                continue
            results.append(load_catalogue(sample, k.name, wh, source_note=SHIPPED_NOTE, shipped_sample=True))
    return results


def _from_log(k: CatalogueKind, action: str, log: dict, rows: int) -> LoadResult:
    return LoadResult(
        kind=k.name,
        table_name=k.table_name,
        action=action,
        edition=log["edition"],
        file_name=log["file_name"],
        sha256=log["sha256"],
        rows=rows,
        batch_id=log["batch_id"],
        loaded_at=log["loaded_at"],
        is_shipped_sample=log["is_shipped_sample"],
        source_note=log["source_note"] or "",
    )
