"""Rejected and accepted uploads (退回文件): where a submitted file is kept, and the Chinese error
report beside a rejected one. Shared by the manual intake (connectors/intake) and the 二次分配
submissions (connectors/allocation)."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from connectors.produced_files import csv_cell

REPORT_HEADERS = ("文件", "工作表", "行", "列", "列名", "值", "原因")


def place_file(path: Path, folder: Path, stamp: str, move: bool = True) -> Path:
    """Move (or copy) ``path`` into ``folder`` as ``<stamp>_<name>``, never overwriting a file there."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{stamp}_{path.name}"
    n = 2
    while target.exists():
        target = folder / f"{stamp}-{n}_{path.name}"
        n += 1
    (shutil.move if move else shutil.copy2)(path, target)
    return target


def write_rejection_report(
    base: Path,
    *,
    file: str,
    subject: tuple[str, str],
    outcome: str,
    errors: Sequence,
    error_count: int,
    checked_at: datetime,
) -> Path:
    """``<base>.errors.csv`` (UTF-8 BOM, opens in Excel; one row per error: file, sheet, row, column,
    header, value, reason; a value Excel would evaluate is written as text, :func:`csv_cell`) and ``<base>.errors.txt`` (numbered messages); returns the csv path.
    ``subject`` is the (label, value) line naming what the file was, e.g. ("数据集", "科室满意度")."""
    csv_path = base.with_name(base.name + ".errors.csv")
    with csv_path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(REPORT_HEADERS)
        for e in errors:
            writer.writerow([csv_cell(v) for v in (e.file, e.sheet, e.row or "", e.column, e.header, e.value, e.reason)])
    shown = len(errors)
    lines = [
        f"文件：{file}",
        f"{subject[0]}：{subject[1]}",
        f"检查时间：{checked_at:%Y-%m-%d %H:%M:%S}",
        f"结果：未通过，{outcome}。共发现 {error_count} 个问题"
        + (f"（以下仅列出前 {shown} 个）" if shown < error_count else "")
        + "。",
        "请按以下说明修改原文件后重新提交：",
        "",
        *(f"{i}. {e.message}" for i, e in enumerate(errors, start=1)),
    ]
    base.with_name(base.name + ".errors.txt").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return csv_path
