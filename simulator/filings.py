"""Demo manual filings (演示手工填报), written through the real intake templates so the demo exercises
the real intake path:

- :func:`write_satisfaction_filings`: the monthly 科室满意度 surveys a hospital's quality office files
  as Excel. Scores are synthetic: a per-department level around 88–95 plus monthly noise, rounded to
  0.5; sample sizes scale with the survey type.
- :func:`write_national_filings`: the annual 医院填报 values of the national assessment (国考) and the
  economic monitoring (经济管理监测指标), one file per calendar year of the demo window (see
  docs/national.md, "Filed"). Values are derived from the generated sources so that the 勾稽 rules
  hold (beds split = average open beds, insurance revenue ≤ ledger revenue, equipment ≤ fixed
  assets, staff parts ≤ active staff); the latest year lacks the filings made after year end
  (:data:`NOT_YET_FILED`).

Deterministic for a given seed (and, for the national filings, the generated sources).
"""

from __future__ import annotations

import calendar
import math
import sqlite3
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


# --------------------------------------------------------------------------------------------------
# 医院填报 (national assessment and economic monitoring), dataset filed_indicator
# --------------------------------------------------------------------------------------------------
# component code → 数据来源 (the department or platform that provides the value)
NATIONAL_FILED_SOURCES: dict[str, str] = {
    # 国考
    "filed_emr_level": "信息科（国家卫生健康委电子病历评级）",
    "filed_eqa_required": "检验科（省临床检验中心）",
    "filed_eqa_participated": "检验科（省临床检验中心）",
    "filed_eqa_passed": "检验科（省临床检验中心）",
    "filed_op_insurance_revenue": "医保办（医保结算）",
    "filed_ip_insurance_revenue": "医保办（医保结算）",
    "filed_talent_training_funds": "财务科",
    "filed_key_discipline_funds": "财务科",
    "filed_consistent_tcm_patients": "医务科（病历抽查）",
    "filed_specialty_capability": "医务科（专科能力评价）",
    "filed_patient_satisfaction_op": "国家公立医院满意度调查平台",
    "filed_patient_satisfaction_ip": "国家公立医院满意度调查平台",
    "filed_staff_satisfaction": "国家公立医院满意度调查平台",
    # 经济管理监测指标
    "filed_staff_quota": "人事科",
    "filed_contract_staff": "人事科",
    "filed_chief_accountant": "人事科",
    "filed_finance_staff": "财务科",
    "filed_retired_staff": "人事科",
    "filed_retired_in_pension": "人事科",
    "filed_beds_establishment": "医务科",
    "filed_beds_non_establishment": "医务科",
    "filed_medical_equipment_net": "财务科（固定资产卡片）",
    "filed_large_equipment": "总务后勤科（设备）",
    "filed_building_area": "总务后勤科",
    "filed_new_projects": "科教科",
    "filed_sci_papers": "科教科",
    "filed_students": "科教科",
}
NATIONAL_FILED_CODES = tuple(NATIONAL_FILED_SOURCES)
# filed only after the year is over (survey results, publication counts): missing for the latest year
NOT_YET_FILED = ("filed_patient_satisfaction_op", "filed_patient_satisfaction_ip", "filed_staff_satisfaction",
                 "filed_sci_papers")
FINANCE_DEPT_HR = next(d.hr for d in DEPARTMENTS if d.name == "财务科")


def national_source_facts(data_dir: Path | str, *, end_month: str, months: int) -> dict[int, dict[str, float]]:
    """Per calendar year of the window, what the filings must agree with, read back from the generated
    SQLite sources in ``<data_dir>/sources``: ``open_beds_avg`` (Σ open beds per day averaged over the
    window's days of the year), ``op_revenue`` / ``ip_revenue`` (ledger 600101 / 600102 of the year =
    HIS charges), ``fixed_assets_net`` (1601 + 1602 at the last month), ``staff_active`` (HR, hired on
    or before and not left by the last day of the year's last month), ``doctors``, ``nurses``,
    ``finance_staff`` (财务科), ``discharges``, ``tcm_led`` (ZYZLBZ = 1) and ``months`` covered."""
    src = Path(data_dir) / "sources"
    periods = _months(end_month, months)
    years = sorted({int(p[:4]) for p in periods})
    facts: dict[int, dict[str, float]] = {}
    for y in years:
        last = max(p for p in periods if int(p[:4]) == y)
        ly, lm = int(last[:4]), int(last[5:7])
        facts[y] = {"months": sum(int(p[:4]) == y for p in periods), "last_month": lm,
                    "last_day": f"{ly:04d}-{lm:02d}-{calendar.monthrange(ly, lm)[1]:02d}"}
    con = sqlite3.connect(src / "beds.sqlite")
    try:
        for y, beds in con.execute("""select cast(substr(census_date, 1, 4) as int), 1.0 * sum(open_beds)
                                      / count(distinct census_date) from nis_bed_census group by 1"""):
            if y in facts:
                facts[y]["open_beds_avg"] = beds
    finally:
        con.close()
    con = sqlite3.connect(src / "finance.sqlite")
    try:
        for y, op, ip in con.execute("""select iyear, sum(case when ccode like '600101%' then mc - md else 0 end),
                                               sum(case when ccode like '600102%' then mc - md else 0 end)
                                        from gl_accass group by iyear"""):
            if y in facts:
                facts[y]["op_revenue"], facts[y]["ip_revenue"] = op, ip
        for y, f in facts.items():
            (net,) = con.execute("""select sum(me) from gl_accsum where ccode in ('1601', '1602')
                                    and iyear = ? and iperiod = ?""", (y, f["last_month"])).fetchone()
            f["fixed_assets_net"] = net
    finally:
        con.close()
    con = sqlite3.connect(src / "hr.sqlite")
    try:
        for f in facts.values():
            n, doc, nurse, fin = con.execute(
                """select count(*), sum(fpostcategory = '医生'), sum(fpostcategory = '护理'),
                          sum(forgnumber = ?) from t_hr_person
                   where fhiredate <= ? and (fleavedate is null or fleavedate > ?)""",
                (FINANCE_DEPT_HR, f["last_day"], f["last_day"])).fetchone()
            f.update(staff_active=n, doctors=doc or 0, nurses=nurse or 0, finance_staff=fin or 0)
    finally:
        con.close()
    con = sqlite3.connect(src / "his.sqlite")
    try:
        for y, n, tcm in con.execute("""select cast(substr(CYSJ, 1, 4) as int), count(*), sum(ZYZLBZ)
                                        from BA_SYJL group by 1"""):
            if y in facts:
                facts[y]["discharges"], facts[y]["tcm_led"] = n, tcm or 0
    finally:
        con.close()
    return facts


def _half_up(x: float) -> int:
    return int(math.floor(x + 0.5))


def national_filing_values(facts: dict[str, float], year: int, *, seed: int) -> dict[str, float]:
    """The filed values of one year (every code of :data:`NATIONAL_FILED_CODES`), from the year's
    source facts (see :func:`national_source_facts`). Random parts come from ``seed`` and ``year``."""
    rng = np.random.default_rng([seed, 7321, year])
    base = np.random.default_rng([seed, 7321])  # properties of the hospital that hardly change
    beds = _half_up(facts["open_beds_avg"])
    size = facts["open_beds_avg"] / 200.0
    staff = int(facts["staff_active"])
    revenue = facts["op_revenue"] + facts["ip_revenue"]
    establishment = min(beds, _half_up(beds * float(base.uniform(0.82, 0.9))))
    retired = _half_up(staff * float(base.uniform(0.24, 0.3))) + int(rng.integers(0, 6))
    required = 30 + _half_up(20 * min(size, 2.0))
    participated = required - int(rng.integers(0, 3))
    v = {
        "filed_emr_level": 3 if year >= 2025 else 2,
        "filed_eqa_required": required,
        "filed_eqa_participated": participated,
        "filed_eqa_passed": participated - int(rng.integers(0, 3)),
        "filed_op_insurance_revenue": round(facts["op_revenue"] * float(rng.uniform(0.45, 0.52)), 2),
        "filed_ip_insurance_revenue": round(facts["ip_revenue"] * float(rng.uniform(0.53, 0.6)), 2),
        "filed_talent_training_funds": round(revenue * float(rng.uniform(0.004, 0.008)), 2),
        "filed_key_discipline_funds": round(revenue * float(rng.uniform(0.008, 0.015)), 2),
        "filed_consistent_tcm_patients": int(facts.get("tcm_led", 0) * float(rng.uniform(0.86, 0.95))),
        "filed_specialty_capability": round(float(rng.uniform(68, 82)), 1),
        "filed_patient_satisfaction_op": round(float(rng.uniform(86, 93)), 1),
        "filed_patient_satisfaction_ip": round(float(rng.uniform(90, 96)), 1),
        "filed_staff_satisfaction": round(float(rng.uniform(80, 90)), 1),
        "filed_staff_quota": int(staff * float(base.uniform(0.55, 0.62))),
        "filed_contract_staff": int(staff * float(rng.uniform(0.28, 0.34))),
        "filed_chief_accountant": 1 if beds >= 100 else 0,
        "filed_finance_staff": int(facts["finance_staff"]),
        "filed_retired_staff": retired,
        "filed_retired_in_pension": retired - int(rng.integers(0, 4)),
        "filed_beds_establishment": establishment,
        "filed_beds_non_establishment": beds - establishment,
        "filed_medical_equipment_net": round(facts["fixed_assets_net"] * float(rng.uniform(0.3, 0.4)), 2),
        "filed_large_equipment": 1 + int(size * float(base.uniform(1.5, 2.5))),
        "filed_building_area": _half_up(beds * float(base.uniform(85, 95)) / 10) * 10,
        "filed_new_projects": int(rng.integers(1, 3 + _half_up(3 * size))),
        "filed_sci_papers": int(rng.integers(0, 2 + _half_up(size))),
        "filed_students": _half_up(size * float(rng.uniform(15, 30))),
    }
    assert set(v) == set(NATIONAL_FILED_CODES)
    return v


def _remark(code: str, values: dict[str, float]) -> str | None:
    if code == "filed_eqa_passed" and values["filed_eqa_passed"] < values["filed_eqa_participated"]:
        return f"{values['filed_eqa_participated'] - values['filed_eqa_passed']} 项不合格，已整改"
    if code == "filed_beds_non_establishment" and values[code]:
        return "超出编制床位数的实际开放床位"
    return None


def write_national_filings(inbox: Path | str, *, end_month: str, months: int, seed: int = 20240101,
                           data_dir: Path | str) -> list[Path]:
    """One file 填报指标_<YYYY>.xlsx per calendar year of the window in ``inbox`` (dataset
    ``filed_indicator``, period ``YYYY``), every filed component of docs/national.md except, for the
    year of ``end_month``, :data:`NOT_YET_FILED`. ``data_dir`` holds the generated sources."""
    from openpyxl import load_workbook

    from connectors.intake import build_template

    inbox = Path(inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    facts = national_source_facts(data_dir, end_month=end_month, months=months)
    latest = int(end_month[:4])
    template = inbox.parent / ".filed_indicator_template.xlsx"
    build_template("filed_indicator", template)
    files = []
    for year, f in sorted(facts.items()):
        values = national_filing_values(f, year, seed=seed)
        wb = load_workbook(template)
        ws = wb["医院填报指标"]
        for code in NATIONAL_FILED_CODES:
            if year == latest and code in NOT_YET_FILED:
                continue
            ws.append([str(year), code, values[code], NATIONAL_FILED_SOURCES[code], _remark(code, values)])
        path = inbox / f"填报指标_{year}.xlsx"
        wb.save(path)
        files.append(path)
    template.unlink(missing_ok=True)
    return files


def write_demo_filings(data_dir: Path | str, *, end_month: str, months: int,
                       seed: int = 20240101) -> tuple[list[Path], list[Path]]:
    """The demo's manual filings, as ``jixiao demo-sources`` leaves them in ``<data_dir>/intake/inbox``
    for the pipeline to load: the monthly satisfaction files and the annual 医院填报 files.
    ``data_dir`` holds the generated sources (``sources/*.sqlite``)."""
    inbox = Path(data_dir) / "intake" / "inbox"
    satisfaction = write_satisfaction_filings(inbox, end_month=end_month, months=months, seed=seed)
    national = write_national_filings(inbox, end_month=end_month, months=months, seed=seed, data_dir=data_dir)
    return satisfaction, national
