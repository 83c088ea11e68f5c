"""Demo manual filings (演示手工填报): the monthly 科室满意度 surveys a hospital's quality office
files as Excel, written through the real intake template so the demo exercises the real intake path.

Scores are synthetic: a per-department level around 88–95 plus monthly noise, rounded to 0.5;
sample sizes scale with the survey type. Deterministic for a given seed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from simulator.hospital import DEPARTMENTS

SURVEY_TYPES = ("门诊", "住院", "员工")
_SAMPLE_BASE = {"门诊": 60, "住院": 30, "员工": 8}


def _months(end_month: str, months: int) -> list[str]:
    y, m = int(end_month[:4]), int(end_month[5:7])
    out = []
    for _ in range(months):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


def write_satisfaction_filings(inbox: Path | str, *, end_month: str, months: int, seed: int = 20240101) -> list[Path]:
    """One file 满意度_<YYYY-MM>.xlsx per month in ``inbox``, every accounting unit × survey type."""
    from openpyxl import load_workbook

    from connectors.intake import build_template

    inbox = Path(inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed + 7919)
    units = [d for d in DEPARTMENTS if d.group]  # 核算单元 (grouping nodes have no group)
    level = {d.code: rng.uniform(88.0, 95.0) for d in units}
    files = []
    template = inbox.parent / ".satisfaction_template.xlsx"
    build_template("dept_satisfaction", template)
    for period in _months(end_month, months):
        wb = load_workbook(template)
        ws = wb["科室满意度"]
        for d in units:
            for survey in SURVEY_TYPES:
                score = float(np.clip(np.round((level[d.code] + rng.normal(0, 2.0)) * 2) / 2, 60, 100))
                sample = int(_SAMPLE_BASE[survey] + rng.integers(0, _SAMPLE_BASE[survey]))
                ws.append([period, d.code, survey, sample, score])
        path = inbox / f"满意度_{period}.xlsx"
        wb.save(path)
        files.append(path)
    template.unlink(missing_ok=True)
    return files
