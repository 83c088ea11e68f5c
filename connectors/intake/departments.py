"""Allowed department codes (绩效科室编码) from the department-system seed of the dbt project."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

DEFAULT_DEPARTMENT_SEED = (
    Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "department" / "perf_department.csv"
)
SEED_COLUMNS = (
    "perf_dept_code",
    "perf_dept_name",
    "dept_category",
    "parent_dept_code",
    "accounting_group",
    "is_accounting_unit",
    "effective_from",
    "effective_to",
)


def _seed_date(text: str, where: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"{where}：日期 {text!r} 应为 YYYY-MM-DD") from None


def load_department_codes(
    seed_path: Path | str = DEFAULT_DEPARTMENT_SEED, on_date: date | str | None = None
) -> frozenset[str]:
    """Codes of the perf departments active on ``on_date`` (default today).

    A row is active when ``effective_from <= on_date <= effective_to``; an empty bound is open.
    A code with several rows (history) is active if any of its rows is.
    """
    seed_path = Path(seed_path)
    if isinstance(on_date, str):
        on_date = date.fromisoformat(on_date)
    elif isinstance(on_date, datetime):
        on_date = on_date.date()
    on_date = on_date or date.today()
    if not seed_path.exists():
        raise FileNotFoundError(f"科室字典文件不存在：{seed_path}")
    with seed_path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [
            c
            for c in ("perf_dept_code", "effective_from", "effective_to")
            if c not in (reader.fieldnames or [])
        ]
        if missing:
            raise ValueError(f"{seed_path.name} 缺少列：{', '.join(missing)}")
        codes = set()
        for line, row in enumerate(reader, start=2):
            code = (row["perf_dept_code"] or "").strip()
            if not code:
                continue
            where = f"{seed_path.name} 第 {line} 行"
            start = _seed_date(row["effective_from"], where)
            end = _seed_date(row["effective_to"], where)
            if (start is None or start <= on_date) and (end is None or on_date <= end):
                codes.add(code)
    return frozenset(codes)
