"""Demo source data of the national indicators (国考 / 经济管理监测, docs/national.md): secondary
diagnoses on the discharge abstract (BA_SYJL.QTZDDM), the key-monitored and non-selected drugs in the
drug dictionary, and the annual 医院填报 files (dataset filed_indicator) checked against the sources."""

from __future__ import annotations

import importlib
import re
import sqlite3
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from connectors.intake.validate import validate_file
from simulator import generate
from simulator import profiles as P
from simulator.filings import NATIONAL_FILED_CODES, NOT_YET_FILED, write_national_filings
from simulator.generate import secondary_diagnoses

from conftest import NATIONAL_DEMO

DEMO = NATIONAL_DEMO  # 2024-11 … 2025-12
SURGERY = {"beds": 200, "months": 6, "scale": 1.0, "seed": 11, "end_month": "2025-06"}
COMPLICATION_PREFIXES = ("T81.", "J95.8", "K91.8", "N99.8")
CODE_RE = re.compile(r"^[A-Z][0-9]{2}\.[0-9x][0-9]{2}$")
# docs/national.md, "Filed (医院填报, annual)": 13 国考 components, then 14 monitoring components
DOC_CODES = (
    "filed_emr_level", "filed_eqa_required", "filed_eqa_participated", "filed_eqa_passed",
    "filed_op_insurance_revenue", "filed_ip_insurance_revenue", "filed_talent_training_funds",
    "filed_key_discipline_funds", "filed_consistent_tcm_patients", "filed_specialty_capability",
    "filed_patient_satisfaction_op", "filed_patient_satisfaction_ip", "filed_staff_satisfaction",
    "filed_staff_quota", "filed_contract_staff", "filed_chief_accountant", "filed_finance_staff",
    "filed_retired_staff", "filed_retired_in_pension", "filed_beds_establishment", "filed_beds_non_establishment",
    "filed_medical_equipment_net", "filed_large_equipment", "filed_building_area", "filed_new_projects",
    "filed_sci_papers", "filed_students",
)


def _is_complication(code: str) -> bool:
    return code.startswith(COMPLICATION_PREFIXES)


@pytest.fixture(scope="module")
def demo(national_sources) -> Path:
    """The session's national demo sources (conftest ``national_sources``), read-only."""
    assert national_sources.data.name == "data"
    return national_sources.data


@pytest.fixture(scope="module")
def filings(demo, tmp_path_factory) -> dict[int, dict[str, tuple]]:
    """year → code → (value as Decimal text, data_source, remark), read by the real intake validator."""
    inbox = tmp_path_factory.mktemp("national_filings") / "inbox"
    files = write_national_filings(inbox, end_month=DEMO["end_month"], months=DEMO["months"],
                                   seed=DEMO["seed"], data_dir=demo)
    assert [f.name for f in files] == ["填报指标_2024.xlsx", "填报指标_2025.xlsx"]
    out: dict[int, dict[str, tuple]] = {}
    for f in files:
        result = validate_file(f, department_codes=set())
        assert result.ok and result.dataset == "filed_indicator", result.errors
        assert len(result.partitions) == 1
        year = int(result.partitions[0])
        rows = {r["indicator_code"]: (r["indicator_value"], r["data_source"], r["remark"]) for r in result.rows}
        assert len(rows) == result.row_count
        out[year] = rows
    return out


def _num(filings, year: int, code: str) -> float:
    return float(filings[year][code][0])


def _sql(root: Path, system: str, sql: str, *args):
    con = sqlite3.connect(root / "sources" / f"{system}.sqlite")
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


# --------------------------------------------------------------------------------------------------
# 其他诊断 QTZDDM
# --------------------------------------------------------------------------------------------------
def test_secondary_diagnoses_rates_on_a_large_sample():
    rng = np.random.default_rng(1)
    n = 200_000
    age = rng.integers(0, 95, n)
    has_op = rng.random(n) < 0.3
    principal = np.full(n, "I10.x00", dtype=object)
    out = secondary_diagnoses(np.random.default_rng(2), age, has_op, principal)
    codes = [c.split(";") if c else [] for c in out]
    comp = np.array([sum(_is_complication(c) for c in cs) for cs in codes])
    assert comp.max() == 1 and comp[~has_op].sum() == 0  # only operated patients, at most one complication
    rate = comp[has_op].mean()
    assert rate == pytest.approx(P.COMPLICATION_RATE, abs=0.002)
    assert not any("I10.x00" in cs for cs in codes)  # never the principal diagnosis again
    assert max(len(cs) - c for cs, c in zip(codes, comp, strict=True)) <= P.MAX_COMORBIDITIES
    child = age < 18
    assert all(not cs or all(_is_complication(c) for c in cs) for cs, ch in zip(codes, child, strict=True) if ch)
    old = age >= 65
    share_e11 = np.mean(["E11.900" in cs for cs, o in zip(codes, old, strict=True) if o])
    assert share_e11 == pytest.approx(0.18, abs=0.01)
    # the same stream gives the same column
    again = secondary_diagnoses(np.random.default_rng(2), age, has_op, principal)
    assert list(again) == list(out)


def test_qtzddm_in_generated_abstracts(tmp_path):
    generate(tmp_path, **SURGERY)
    rows = _sql(tmp_path, "his", """select b.ZYH, b.ZYZDDM, b.QTZDDM, b.NL, s.ZYH is not null
                                   from BA_SYJL b left join (select distinct ZYH from BA_SSJL) s using (ZYH)""")
    assert len(rows) > 2000
    assert all(q is not None for _, _, q, _, _ in rows)  # '' when none, never NULL
    surgery = [r for r in rows if r[4]]
    with_comp = [r for r in surgery if any(_is_complication(c) for c in r[2].split(";") if c)]
    rate = len(with_comp) / len(surgery)
    print(f"surgery patients {len(surgery)}, with a complication {len(with_comp)} ({100 * rate:.2f} %)")
    assert len(surgery) > 500
    assert 0.01 <= rate <= 0.035
    assert not [r for r in rows if not r[4] and any(_is_complication(c) for c in r[2].split(";") if c)]
    codes = Counter(c for r in rows for c in r[2].split(";") if c)
    assert all(CODE_RE.match(c) for c in codes), codes
    assert codes["I10.x00"] > codes["E11.900"] > codes["K21.900"] > 0
    assert not [r for r in rows if r[1] in r[2].split(";")]
    share = sum(1 for r in rows if r[2]) / len(rows)
    assert 0.25 < share < 0.6


def test_qtzddm_does_not_disturb_other_columns(demo, tmp_path, monkeypatch):
    """QTZDDM has its own random stream: the other BA_SYJL columns equal those generated without it."""
    module = importlib.import_module("simulator.generate")  # the package attribute is the function
    rows = _sql(demo, "his", "select * from BA_SYJL order by ZYH")
    cols = [r[1] for r in _sql(demo, "his", "pragma table_info(BA_SYJL)")]
    q = cols.index("QTZDDM")
    assert cols[q - 1] == "ZYZDMC" and cols[q + 1] == "SJZYTS"
    monkeypatch.setattr(module, "secondary_diagnoses",
                        lambda rng, age, has_op, principal: np.full(len(age), "", dtype=object))
    generate(tmp_path, **DEMO)
    blank = _sql(tmp_path, "his", "select * from BA_SYJL order by ZYH")
    assert [r[:q] + r[q + 1:] for r in rows] == [r[:q] + r[q + 1:] for r in blank]
    assert {r[q] for r in blank} == {""} and any(r[q] for r in rows)


# --------------------------------------------------------------------------------------------------
# drug dictionary: 重点监控 and 集采未中选
# --------------------------------------------------------------------------------------------------
def test_key_monitored_and_non_selected_drugs(demo):
    d = {r[1]: r for r in _sql(demo, "his", "select YPDM, YPMC, YPLB, KJYBZ, JBYWBZ, JCBZ from GY_YPZD")}
    assert d["注射用磷酸肌酸钠"][2:] == (1, 0, 0, 0)
    assert d["前列地尔注射液"][2:] == (1, 0, 0, 0)
    assert d["阿莫西林胶囊"][4:] == (1, 1) and d["阿莫西林胶囊(原研)"][3:] == (1, 1, 0)
    assert d["阿莫西林胶囊"][0] == "XY10003"  # existing codes unchanged


# --------------------------------------------------------------------------------------------------
# 医院填报
# --------------------------------------------------------------------------------------------------
def test_filed_codes_per_year(filings):
    assert set(DOC_CODES) == set(NATIONAL_FILED_CODES) and len(DOC_CODES) == 27
    assert set(filings[2024]) == set(DOC_CODES)
    assert set(DOC_CODES) - set(filings[2025]) == set(NOT_YET_FILED) == {
        "filed_patient_satisfaction_op", "filed_patient_satisfaction_ip", "filed_staff_satisfaction",
        "filed_sci_papers"}
    assert len(filings[2025]) == 23
    for rows in filings.values():
        assert all(source for _, source, _ in rows.values())


def test_beds_split_equals_average_open_beds(demo, filings):
    avg = dict(_sql(demo, "beds", """select cast(substr(census_date, 1, 4) as int),
                                            1.0 * sum(open_beds) / count(distinct census_date)
                                     from nis_bed_census group by 1"""))
    assert avg[2024] == 60.0 and avg[2025] == pytest.approx(61.17, abs=0.01)  # 康复科 opens beds mid-window
    for y in (2024, 2025):
        total = _num(filings, y, "filed_beds_establishment") + _num(filings, y, "filed_beds_non_establishment")
        assert total == round(avg[y])
        assert _num(filings, y, "filed_beds_establishment") > 0 and _num(filings, y, "filed_beds_non_establishment") >= 0
    assert (_num(filings, 2024, "filed_beds_establishment"), _num(filings, 2025, "filed_beds_establishment")) == (50, 51)


def test_insurance_revenue_within_ledger_and_his(demo, filings):
    ledger = {y: (op, ip) for y, op, ip in _sql(demo, "finance", """
        select iyear, sum(case when ccode like '600101%' then mc - md end), sum(case when ccode like '600102%'
        then mc - md end) from gl_accass group by iyear""")}
    his = {(int(y), jz): je for y, jz, je in _sql(demo, "his", """
        select substr(SFSJ, 1, 4), JZLX, sum(JE) from FY_SFMX group by 1, 2""")}
    for y in (2024, 2025):
        op, ip = _num(filings, y, "filed_op_insurance_revenue"), _num(filings, y, "filed_ip_insurance_revenue")
        assert op <= ledger[y][0] and ip <= ledger[y][1]
        assert 0.45 <= op / his[(y, "MZ")] <= 0.6 and 0.45 <= ip / his[(y, "ZY")] <= 0.6
        assert (op + ip) / (ledger[y][0] + ledger[y][1]) < 1  # 医保结算资金占医疗收入比例 ≤ 100 %


def test_staff_assets_and_quality_rules(demo, filings):
    for y in (2024, 2025):
        day = f"{y}-12-31"
        active, doctors, nurses = _sql(demo, "hr", """
            select count(*), sum(fpostcategory = '医生'), sum(fpostcategory = '护理') from t_hr_person
            where fhiredate <= ? and (fleavedate is null or fleavedate > ?)""", day, day)[0]
        assert _num(filings, y, "filed_staff_quota") + _num(filings, y, "filed_contract_staff") <= active
        assert doctors + nurses + _num(filings, y, "filed_finance_staff") <= active
        assert 0 <= _num(filings, y, "filed_retired_in_pension") <= _num(filings, y, "filed_retired_staff")
        (net,) = _sql(demo, "finance", """select sum(me) from gl_accsum where ccode in ('1601', '1602')
                                          and iyear = ? and iperiod = 12""", y)[0]
        assert 0 < _num(filings, y, "filed_medical_equipment_net") <= net
        req, part, passed = (_num(filings, y, c) for c in ("filed_eqa_required", "filed_eqa_participated",
                                                            "filed_eqa_passed"))
        assert 0 < passed <= part <= req
        emr = filings[y]["filed_emr_level"][0]
        assert re.fullmatch(r"[0-8]", emr)
        discharges = _sql(demo, "his", "select count(*) from BA_SYJL where substr(CYSJ, 1, 4) = ?", str(y))[0][0]
        assert 0 < _num(filings, y, "filed_consistent_tcm_patients") <= discharges
    assert filings[2024]["filed_emr_level"][0] == "2" and filings[2025]["filed_emr_level"][0] == "3"
    for code in ("filed_patient_satisfaction_op", "filed_patient_satisfaction_ip", "filed_staff_satisfaction"):
        text = filings[2024][code][0]
        assert re.fullmatch(r"\d{2}(\.\d)?", text) and 60 <= float(text) <= 100


def test_filings_are_deterministic(demo, filings, tmp_path):
    files = write_national_filings(tmp_path, end_month=DEMO["end_month"], months=DEMO["months"], seed=DEMO["seed"],
                                   data_dir=demo)
    for f in files:
        result = validate_file(f, department_codes=set())
        year = int(result.partitions[0])
        again = {r["indicator_code"]: (r["indicator_value"], r["data_source"], r["remark"]) for r in result.rows}
        assert again == filings[year]
