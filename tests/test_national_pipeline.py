"""National indicators (国考) and economic monitoring end to end, as an operator runs them:

demo sources for 14 months (2024-11 … 2025-12, with the demo's 医院填报 files in the intake inbox) →
`jixiao run` (Dagster: extraction, intake, quality, dbt build; built once per test session, conftest
``national_built``) → both years carry every indicator of
both lists → unfiled values are 待填报 with a null value → the 勾稽 rules pass on the demo and land in
dq.dq_check_results → 上报 succeeds → a corrected filing that breaks 编制床位 + 非编制床位 = 平均开放床位
is loaded → 上报 is refused with the Chinese error and nothing is recorded.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from conftest import assert_ok, query_warehouse, run_jixiao

_jixiao, _ok, _query = run_jixiao, assert_ok, query_warehouse


@pytest.fixture(scope="module")
def demo(national_built):
    """The session's national demo run (conftest ``national_built``), read-only."""
    _ok(national_built)
    return national_built.data, national_built.env


@pytest.mark.slow
def test_both_years_carry_every_indicator_of_both_lists(demo):
    data, _ = demo
    rows = _query(
        data,
        "select period, list_code, max(months_covered), count(distinct seq_no), count(*) "
        "from marts.fct_national_indicators where period_type = 'year' group by 1, 2 order by 1, 2",
    )
    # 28 general indicators (34 rows with their 门诊/住院 and 参加率/合格率 parts), 34 TCM (42 rows);
    # 2024 holds November–December only, 2025 the whole year
    assert rows == [
        ("2024", "general_l2", 2, 28, 34),
        ("2024", "tcm_l2", 2, 34, 42),
        ("2025", "general_l2", 12, 28, 34),
        ("2025", "tcm_l2", 12, 34, 42),
    ]
    # ▲ national monitoring indicators as the seed counts them: 21 general, 23 TCM
    flags = _query(
        data,
        "select list_code, count(distinct seq_no) from marts.fct_national_indicators "
        "where period = '2025' and is_national_monitoring group by 1 order by 1",
    )
    assert flags == [("general_l2", 21), ("tcm_l2", 23)]


@pytest.mark.slow
def test_values_match_an_independent_recount_of_the_sources(demo):
    data, _ = demo
    # 平均住院日 2025 recounted from the discharge abstracts: Σ 实际住院天数 / 出院人次
    (days, discharges), = _query(
        data,
        "select sum(length_of_stay_days), count(*) from staging.stg_his__discharge_abstracts "
        "where discharged_at >= '2025-01-01' and discharged_at < '2026-01-01'",
    )
    (value, num, den), = _query(
        data,
        "select value, numerator, denominator from marts.fct_national_indicators "
        "where period = '2025' and list_code = 'tcm_l2' and indicator_code = 'average_length_of_stay'",
    )
    assert (num, den) == (Decimal(days), Decimal(discharges))
    assert value == round(Decimal(days) / Decimal(discharges), 4)
    # 医疗盈余率 is computed, and its numerator is 医疗活动收入 − 医疗活动费用
    (status,), = _query(
        data,
        "select status from marts.fct_national_indicators where period = '2025' and list_code = 'general_l2' "
        "and indicator_code = 'medical_surplus_rate'",
    )
    assert status == "computed"
    # growth over 2024, which holds 2 of the 12 months 2025 needs → 缺数, never a growth over a partial year
    growth = _query(
        data,
        "select part_code, value, status, status_reason from marts.fct_national_indicators "
        "where period = '2025' and list_code = 'general_l2' and indicator_code = 'medical_revenue_growth' "
        "order by part_code",
    )
    assert growth == [
        ("ip", None, "缺数", "上年同期数据不完整，无法计算增幅"),
        ("op", None, "缺数", "上年同期数据不完整，无法计算增幅"),
    ]
    # … but December 2025 compares with December 2024 in the monthly rows
    (monthly,), = _query(
        data,
        "select status from marts.fct_national_indicators where period_type = 'month' and period = '2025-12' "
        "and list_code = 'general_l2' and indicator_code = 'medical_revenue_growth' and part_code = 'op'",
    )
    assert monthly == "computed"


@pytest.mark.slow
def test_unfiled_values_are_pending_never_zero(demo):
    data, _ = demo
    pending = _query(
        data,
        "select indicator_code, part_code, value, status, status_reason from marts.fct_national_indicators "
        "where period = '2025' and list_code = 'tcm_l2' and status = '待填报' order by 1, 2",
    )
    # the demo files everything for 2025 except the satisfaction surveys (published after the year);
    # the only other non-computed rows are the growth indicators (缺数, tested above)
    assert pending == [
        ("patient_satisfaction", "ip", None, "待填报", "待填报：住院患者满意度得分"),
        ("patient_satisfaction", "op", None, "待填报", "待填报：门诊患者满意度得分"),
        ("staff_satisfaction", "all", None, "待填报", "待填报：医务人员满意度得分"),
    ]
    # 2024's filing is there: its value is exactly what was filed
    (filed,), = _query(
        data,
        "select cast(indicator_value as decimal(18,4)) from raw_manual.filed_indicator "
        "where period = '2024' and indicator_code = 'filed_staff_satisfaction'",
    )
    (value, status), = _query(
        data,
        "select value, status from marts.fct_national_indicators where period = '2024' and list_code = 'tcm_l2' "
        "and indicator_code = 'staff_satisfaction'",
    )
    assert (value, status) == (filed, "computed")
    # monitoring item 7 (SCI 论文数) is not filed for 2025 either
    item = _query(
        data, "select current_value, status from marts.fct_monitoring_indicators where year = 2025 and item_code = '7'"
    )
    assert item == [(None, "待填报")]


@pytest.mark.slow
def test_monitoring_items_year_on_year_and_gouji_in_quality_results(demo):
    data, _ = demo
    items = _query(data, "select count(*), count(distinct item_code) from marts.fct_monitoring_indicators where year = 2025")
    assert items == [(33, 33)]  # 18 indicators and 15 sub-items
    # 13 出院人数 recounted; previous = November–December 2024 is not the same months → null
    (current, previous, status), = _query(
        data, "select current_value, previous_value, status from marts.fct_monitoring_indicators "
        "where year = 2025 and item_code = '13'"
    )
    (discharges,), = _query(
        data,
        "select count(*) from staging.stg_his__discharge_abstracts "
        "where discharged_at >= '2025-01-01' and discharged_at < '2026-01-01'",
    )
    assert (current, previous, status) == (Decimal(discharges), None, "computed")
    checks = _query(
        data, "select year, count(*), count(*) filter (where passed) from marts.fct_monitoring_gouji_checks "
        "group by 1 order by 1"
    )
    assert checks == [(2024, 8, 8), (2025, 8, 8)]
    landed = _query(
        data,
        "select \"partition\", count(*), count(*) filter (where passed) from dq.dq_check_results "
        "where layer = 'gouji' group by 1 order by 1",
    )
    assert landed == [("2024", 8, 8), ("2025", 8, 8)]


@pytest.mark.slow
def test_broken_gouji_rule_refuses_submission(national_built, tmp_path):
    copy = national_built.copy_to(tmp_path / "data")  # 上报 and the corrected filing change the warehouse
    data, env = copy.data, copy.env
    # all rules pass → 上报 is recorded
    first = _ok(_jixiao(["national", "submit", "--year", "2025", "--by", "绩效办测试"], env))
    assert "2025 年已上报" in first.stdout
    assert _query(data, "select count(*) from national_ops.submissions where year = 2025") == [(1,)]
    # a corrected 2025 filing with 编制床位数 10 higher: 编制 + 非编制 no longer equals 平均开放床位
    (original,) = sorted((data / "intake" / "processed").glob("*填报指标_2025.xlsx"))
    wb = load_workbook(original)
    ws = wb["医院填报指标"]
    changed = 0
    for row in ws.iter_rows(min_row=2):
        if row[1].value == "filed_beds_establishment":
            row[2].value = float(row[2].value) + 10
            changed += 1
    assert changed == 1
    corrected = tmp_path / "填报指标_2025_更正.xlsx"
    wb.save(corrected)
    _ok(_jixiao(["intake", "load", str(corrected)], env))

    refused = _jixiao(["national", "submit", "--year", "2025", "--by", "绩效办测试"], env)
    assert refused.returncode == 2, refused.stdout[-3000:] + refused.stderr[-3000:]
    out = refused.stdout
    assert "编制床位数＋非编制床位数＝平均开放床位" in out
    assert "勾稽关系审核未通过，不能上报" in out
    # nothing new recorded; the failed rule is in the quality results of the refresh
    assert _query(data, "select count(*) from national_ops.submissions where year = 2025") == [(1,)]
    (left, right, passed), = _query(
        data, "select left_value, right_value, passed from marts.fct_monitoring_gouji_checks "
        "where year = 2025 and rule_code = 'beds_split'"
    )
    assert passed is False and left - right >= Decimal("9")
    (latest,), = _query(
        data,
        "select passed from dq.dq_check_results where layer = 'gouji' and check_id like 'gouji.beds_split%' "
        "and \"partition\" = '2025' order by checked_at desc limit 1",
    )
    assert latest is False
