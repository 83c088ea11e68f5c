"""Intake (入库): validate a filled file, land it in ``raw_manual.<dataset>`` or quarantine it.

* Valid file: its rows replace the same partitions (periods) of ``raw_manual.<dataset>`` in one
  transaction (``DuckDBWarehouse.replace_partitions``), then the file moves to
  ``<intake_root>/processed/<stamp>_<name>``.
* Invalid file: nothing is loaded; the file moves to ``<intake_root>/quarantine/<stamp>_<name>``
  with ``<stamp>_<name>.errors.csv`` (UTF-8 BOM, opens in Excel) and ``.errors.txt`` beside it.

Every attempt is appended to ``raw_manual._intake_log`` in its own transaction.
"""

from __future__ import annotations

import csv
import shutil
import uuid
from collections.abc import Collection
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from connectors.intake.spec import get_spec
from connectors.intake.validate import IntakeResult, validate_file
from connectors.warehouse import DuckDBWarehouse

SCHEMA = "raw_manual"
LOG_TABLE = "_intake_log"
REPORT_HEADERS = ("文件", "工作表", "行", "列", "列名", "值", "原因")


def _move(path: Path, folder: Path, stamp: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{stamp}_{path.name}"
    n = 2
    while target.exists():
        target = folder / f"{stamp}-{n}_{path.name}"
        n += 1
    shutil.move(path, target)
    return target


def write_error_report(result: IntakeResult, base: Path, checked_at: datetime) -> Path:
    """Write ``<base>.errors.csv`` and ``<base>.errors.txt``; returns the .csv path."""
    csv_path = base.with_name(base.name + ".errors.csv")
    with csv_path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(REPORT_HEADERS)
        for e in result.errors:
            writer.writerow([e.file, e.sheet, e.row or "", e.column, e.header, e.value, e.reason])
    label = get_spec(result.dataset).label + f"（{result.dataset}）" if result.dataset else "未识别"
    shown = len(result.errors)
    lines = [
        f"文件：{result.file}",
        f"数据集：{label}",
        f"检查时间：{checked_at:%Y-%m-%d %H:%M:%S}",
        f"结果：未通过，数据未导入。共发现 {result.error_count} 个问题"
        + (f"（以下仅列出前 {shown} 个）" if shown < result.error_count else "")
        + "。",
        "请按以下说明修改原文件后重新提交：",
        "",
        *(f"{i}. {e.message}" for i, e in enumerate(result.errors, start=1)),
    ]
    base.with_name(base.name + ".errors.txt").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return csv_path


def _land(wh: DuckDBWarehouse, result: IntakeResult) -> int:
    spec = get_spec(result.dataset)
    names = spec.column_names
    data = {name: pa.array([r[name] for r in result.rows], pa.string()) for name in names}
    data["_partition"] = pa.array([r[spec.period_column] for r in result.rows], pa.string())
    return wh.replace_partitions(
        SCHEMA,
        spec.dataset,
        names,
        [pa.table(data)],
        partitions=list(result.partitions),
        batch_id=result.batch_id,
        source=result.file,
    )


def _log_attempt(wh: DuckDBWarehouse, result: IntakeResult, attempted_at: datetime) -> None:
    con = wh.con
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {SCHEMA}.{LOG_TABLE} (file VARCHAR, dataset VARCHAR, status VARCHAR, "
            "row_count BIGINT, error_count BIGINT, attempted_at TIMESTAMP, batch_id VARCHAR, partitions VARCHAR, "
            "stored_as VARCHAR, first_error VARCHAR)"
        )
        con.execute(
            f"INSERT INTO {SCHEMA}.{LOG_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                result.file,
                result.dataset,
                result.status,
                result.row_count,
                result.error_count,
                attempted_at,
                result.batch_id,
                ",".join(result.partitions),
                str(result.stored_path) if result.stored_path else None,
                result.errors[0].message if result.errors else None,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def intake_file(
    path: Path | str,
    warehouse_path: Path | str,
    *,
    intake_root: Path | str,
    department_codes: Collection[str] | None = None,
    dataset: str | None = None,
) -> IntakeResult:
    """Validate one file and either load it (status ``accepted``) or quarantine it (``rejected``).

    A warehouse failure rolls the load back, logs status ``failed``, leaves the file where it
    was and re-raises.
    """
    path, intake_root = Path(path), Path(intake_root)
    attempted_at = datetime.now().replace(microsecond=0)
    stamp = f"{attempted_at:%Y%m%d-%H%M%S}"
    result = validate_file(path, dataset, department_codes=department_codes)
    result.batch_id = f"intake-{stamp}-{uuid.uuid4().hex[:8]}"
    with DuckDBWarehouse(warehouse_path) as wh:
        if result.ok:
            try:
                _land(wh, result)
            except Exception:
                result.status = "failed"
                _log_attempt(wh, result, attempted_at)
                raise
            result.status = "accepted"
            result.stored_path = _move(path, intake_root / "processed", stamp)
        else:
            result.status = "rejected"
            result.stored_path = _move(path, intake_root / "quarantine", stamp)
            result.report_path = write_error_report(result, result.stored_path, attempted_at)
        _log_attempt(wh, result, attempted_at)
    return result


def inbox_files(inbox: Path | str) -> list[Path]:
    """Files waiting in ``inbox``, oldest first (Excel lock files ``~$…`` and hidden files skipped)."""
    files = [p for p in Path(inbox).iterdir() if p.is_file() and not p.name.startswith(("~$", "."))]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))


def ensure_dataset_tables(warehouse_path: Path | str) -> list[str]:
    """Create every dataset's ``raw_manual`` table (empty) that does not exist yet; returns the
    dataset names. Models read a dataset whose first file has not arrived as empty, never missing."""
    from connectors.intake.spec import load_specs

    with DuckDBWarehouse(warehouse_path) as wh:
        for spec in load_specs().values():
            wh.ensure_table(SCHEMA, spec.dataset, spec.column_names)
    return sorted(load_specs())


def intake_folder(
    inbox: Path | str,
    warehouse_path: Path | str,
    intake_root: Path | str,
    *,
    department_codes: Collection[str] | None = None,
) -> list[IntakeResult]:
    """Take in every file of ``inbox`` (oldest first, so a later resubmission wins).

    Files of other types are rejected to quarantine with a report too, so the inbox empties.
    """
    return [
        intake_file(p, warehouse_path, intake_root=intake_root, department_codes=department_codes)
        for p in inbox_files(inbox)
    ]
