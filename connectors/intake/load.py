"""Intake (入库): validate a filled file, land it in ``raw_manual.<dataset>`` or quarantine it.

* Valid file: its rows replace the rows of the same keys (e.g. period × department × survey type)
  of ``raw_manual.<dataset>`` in one transaction (``DuckDBWarehouse.replace_keys``); other rows of
  those periods stay, unless the caller asks for a full replacement of the file's periods
  (``replace_periods=True``, ``jixiao intake load --replace-periods``). The result counts rows
  added, replaced and removed. Then the file moves to ``<intake_root>/processed/<stamp>_<name>``.
* Invalid file, or a file that cannot be read at all (too large, a zip bomb, not a workbook, an
  unexpected failure of the reader): nothing is loaded; the file moves to ``<intake_root>/quarantine/<stamp>_<name>``
  with ``<stamp>_<name>.errors.csv`` (UTF-8 BOM, opens in Excel) and ``.errors.txt`` beside it.

Every attempt is appended to ``raw_manual._intake_log`` in its own transaction.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from connectors.bonus_state import period_statuses
from connectors.intake.spec import get_spec
from connectors.intake.validate import IntakeResult, validate_file
from connectors.rejected_files import place_file, write_rejection_report
from connectors.upload_limits import upload_limits
from connectors.warehouse import DuckDBWarehouse

log = logging.getLogger(__name__)
SCHEMA = "raw_manual"
LOG_TABLE = "_intake_log"
def write_error_report(result: IntakeResult, base: Path, checked_at: datetime) -> Path:
    """Write ``<base>.errors.csv`` and ``<base>.errors.txt``; returns the .csv path."""
    label = get_spec(result.dataset).label + f"（{result.dataset}）" if result.dataset else "未识别"
    return write_rejection_report(
        base, file=result.file, subject=("数据集", label), outcome="数据未导入", errors=result.errors,
        error_count=result.error_count, checked_at=checked_at,
    )  # fmt: skip


def _land(wh: DuckDBWarehouse, result: IntakeResult, replace_periods: bool) -> None:
    spec = get_spec(result.dataset)
    names = spec.column_names
    data = {name: pa.array([r[name] for r in result.rows], pa.string()) for name in names}
    data["_partition"] = pa.array([r[spec.period_column] for r in result.rows], pa.string())
    counts = wh.replace_keys(
        SCHEMA,
        spec.dataset,
        names,
        pa.table(data),
        keys=spec.keys,
        batch_id=result.batch_id,
        source=result.file,
        whole_partitions=replace_periods,
    )
    result.added, result.replaced, result.removed = counts.added, counts.replaced, counts.removed


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
        for column, kind in (("rows_added", "BIGINT"), ("rows_replaced", "BIGINT"), ("rows_removed", "BIGINT"),
                             ("notes", "VARCHAR")):  # fmt: skip
            con.execute(f"ALTER TABLE {SCHEMA}.{LOG_TABLE} ADD COLUMN IF NOT EXISTS {column} {kind}")
        con.execute(
            f"INSERT INTO {SCHEMA}.{LOG_TABLE} (file, dataset, status, row_count, error_count, attempted_at, "
            "batch_id, partitions, stored_as, first_error, rows_added, rows_replaced, rows_removed, notes) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                result.added,
                result.replaced,
                result.removed,
                "；".join(result.notes) or None,
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
    replace_periods: bool = False,
) -> IntakeResult:
    """Validate one file and either load it (status ``accepted``) or quarantine it (``rejected``).

    ``replace_periods``: the file replaces its periods whole (rows of other departments or items
    of those periods are removed); by default only the keys the file carries are replaced.
    Any failure while reading or checking the file rejects it (the detail goes to the log), so a
    file never stays in the inbox to be retried forever. A warehouse failure rolls the load back,
    logs status ``failed``, leaves the file where it was and re-raises.
    """
    path, intake_root = Path(path), Path(intake_root)
    attempted_at = datetime.now().replace(microsecond=0)
    stamp = f"{attempted_at:%Y%m%d-%H%M%S}"
    upload_limits()  # a malformed JIXIAO_UPLOAD_MAX_* raises here: the file stays in the inbox
    closed = issued_periods(warehouse_path)  # a warehouse failure raises here; the file stays
    try:
        result = validate_file(path, dataset, department_codes=department_codes, closed_periods=closed)
    except Exception as exc:  # a reader or checker bug must not leave the file in the inbox
        log.exception("intake: unexpected failure while checking %s", path.name)
        result = IntakeResult(file=path.name, path=path, dataset=dataset, status="invalid")
        result.add_error(reason=f"文件无法处理（{type(exc).__name__}），已退回；请联系绩效办数据组查看日志")
    result.batch_id = f"intake-{stamp}-{uuid.uuid4().hex[:8]}"
    with DuckDBWarehouse(warehouse_path) as wh:
        if result.ok:
            try:
                _land(wh, result, replace_periods)
            except Exception:
                result.status = "failed"
                _log_attempt(wh, result, attempted_at)
                raise
            result.status = "accepted"
            result.stored_path = place_file(path, intake_root / "processed", stamp)
        else:
            result.status = "rejected"
            result.stored_path = place_file(path, intake_root / "quarantine", stamp)
            result.report_path = write_error_report(result, result.stored_path, attempted_at)
        _log_attempt(wh, result, attempted_at)
    return result


def issued_periods(warehouse_path: Path | str) -> frozenset[str]:
    """Months whose bonus is issued (已发放): the latest status in ``bonus_ops.period_status``."""
    if not Path(warehouse_path).exists():
        return frozenset()
    with DuckDBWarehouse(warehouse_path, read_only=True) as wh:
        statuses = period_statuses(wh.con)
    return frozenset(p for p, s in statuses.items() if s == "issued")


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
