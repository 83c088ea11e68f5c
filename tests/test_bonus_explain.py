"""``jixiao explain bonus``: the chain behind a bonus, read from the marts (fast: a hand-built warehouse,
no pipeline). Every asserted number is one written into the tables below."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from orchestration.bonus_explain import BonusExplainError, explain_dept_bonus, explain_staff_bonus

P = "2025-11"

MARTS = """
CREATE SCHEMA marts;
CREATE SCHEMA seeds;
CREATE TABLE marts.dim_department (perf_dept_code VARCHAR, perf_dept_name VARCHAR);
INSERT INTO marts.dim_department VALUES ('D01', '内科'), ('D02', '外科');

CREATE TABLE marts.fct_dept_bonus_summary (period VARCHAR, perf_dept_code VARCHAR, perf_dept_name VARCHAR,
    dept_category VARCHAR, accounting_group VARCHAR, basis VARCHAR, dept_bonus DECIMAL(18,2), headcount INTEGER,
    per_capita_bonus DECIMAL(18,2), points DECIMAL(18,4), kpi_coefficient DECIMAL(9,4), kpi_complete BOOLEAN,
    prev_dept_bonus DECIMAL(18,2), mom_change DECIMAL(18,4));
INSERT INTO marts.fct_dept_bonus_summary VALUES
    ('2025-11', 'D01', '内科', '临床', '医生组', 'points', 5360.00, 2, 2680.00, 40.0000, 0.9000, true, 5000.00, 0.0720);

CREATE TABLE marts.fct_dept_bonus (period VARCHAR, perf_dept_code VARCHAR, perf_dept_name VARCHAR,
    accounting_group VARCHAR, component_code VARCHAR, component_name VARCHAR, sort_order INTEGER,
    basis_quantity DECIMAL(18,4), rate DECIMAL(18,6), calculated_amount DECIMAL(18,2), adjustment_id VARCHAR,
    amount DECIMAL(18,2));
INSERT INTO marts.fct_dept_bonus VALUES
    ('2025-11', 'D01', '内科', '医生组', 'workload_base', '基础绩效', 10, 40, 60, 2400.00, NULL, 2400.00),
    ('2025-11', 'D01', '内科', '医生组', 'workload_kpi', '考核绩效', 20, 40, 36, 1440.00, 'ADJ1', 1500.00),
    ('2025-11', 'D01', '内科', '医生组', 'grade34_surgery', '三四级手术奖励', 40, 2, 300, 600.00, NULL, 600.00),
    ('2025-11', 'D01', '内科', '医生组', 'night_shift', '夜班奖励', 60, 3, 120, 360.00, NULL, 360.00),
    ('2025-11', 'D01', '内科', '医生组', 'closing', '总额调节', 90, 4860, NULL, 500.00, NULL, 500.00);

CREATE TABLE marts.fct_bonus_pool (period VARCHAR, accounting_group VARCHAR, scheme_code VARCHAR,
    pool_method VARCHAR, pool_amount DECIMAL(18,2), pool_share DECIMAL(9,4), group_budget DECIMAL(18,2),
    basis VARCHAR, point_price_mode VARCHAR, closing_mode VARCHAR, group_points DECIMAL(18,4),
    group_headcount INTEGER, point_price DECIMAL(18,6), dept_bonus_total DECIMAL(18,2), reserve_amount DECIMAL(18,2));
INSERT INTO marts.fct_bonus_pool VALUES
    ('2025-11', '医生组', 'B-DOC', 'budget', 100000.00, 0.4000, 40000.00, 'points', 'budget', 'renormalise',
     400.0000, 4, 100.000000, 40000.00, 0.00);
CREATE TABLE seeds.bonus_group_schemes (scheme_code VARCHAR, base_share DECIMAL(9,4), balance_ratio DECIMAL(9,4));
INSERT INTO seeds.bonus_group_schemes VALUES ('B-DOC', 0.6, 0.02);

CREATE TABLE marts.fct_bonus_warnings (period VARCHAR, perf_dept_code VARCHAR, perf_dept_name VARCHAR,
    rule_code VARCHAR, rule_name VARCHAR, severity VARCHAR, observed_value DECIMAL(18,4), threshold DECIMAL(18,4),
    detail VARCHAR);
INSERT INTO marts.fct_bonus_warnings VALUES
    ('2025-11', 'D01', '内科', 'mom_change', '环比波动过大', 'warn', 0.0720, 0.0500, '本月 5360.00 元，上月 5000.00 元');

CREATE TABLE marts.fct_kpi_dept_summary (scheme_code VARCHAR, scheme_name VARCHAR, perf_dept_code VARCHAR,
    period VARCHAR, scheme_score DECIMAL(9,4), total_score DECIMAL(18,4), completeness VARCHAR,
    coefficient_rule VARCHAR, kpi_coefficient DECIMAL(9,4));
INSERT INTO marts.fct_kpi_dept_summary VALUES
    ('S_DOC', '医生组考核方案', 'D01', '2025-11', 100, 90.0000, '完整', 'C2024', 0.9000);
CREATE TABLE marts.fct_kpi_scores (scheme_code VARCHAR, perf_dept_code VARCHAR, period VARCHAR,
    indicator_code VARCHAR, indicator_name VARCHAR, unit VARCHAR, method VARCHAR, actual DECIMAL(18,4),
    target DECIMAL(18,4), target_source VARCHAR, score DECIMAL(18,4), points DECIMAL(18,4), weight DECIMAL(18,4),
    weighted_score DECIMAL(18,4), score_status VARCHAR);
INSERT INTO marts.fct_kpi_scores VALUES
    ('S_DOC', 'D01', '2025-11', 'K01', '门诊人次', '人次', 'target_ratio', 120, 100, 'configured', 60, 60, 60, 60, 'ok'),
    ('S_DOC', 'D01', '2025-11', 'K02', '药占比', '比例', 'threshold', 0.25, 0.3, 'configured', 30, 40, 40, 30, 'ok');

CREATE TABLE marts.fct_allocation_suggestions (period VARCHAR, perf_dept_code VARCHAR, perf_dept_name VARCHAR,
    staff_id VARCHAR, staff_name VARCHAR, post_category VARCHAR, title VARCHAR, position VARCHAR,
    attendance_days DECIMAL(18,2), days_in_month INTEGER, post_coefficient DECIMAL(9,4),
    attendance_coefficient DECIMAL(9,4), staff_points DECIMAL(18,4), points_factor DECIMAL(9,4), is_manager BOOLEAN,
    management_amount DECIMAL(18,2), suggested_amount DECIMAL(18,2), dept_pool DECIMAL(18,2));
INSERT INTO marts.fct_allocation_suggestions VALUES
    ('2025-11', 'D01', '内科', 'S1', '张医生', '医生', '主任医师', '科主任', 30, 30, 1.2, 1, 25, 1.1, true,
     500.00, 3100.00, 5360.00),
    ('2025-11', 'D01', '内科', 'S2', '李护士', '护理', '护士', NULL, 24, 30, 1, 0.8, 15, 0.9, false,
     0.00, 2260.00, 5360.00);

CREATE TABLE marts.fct_staff_bonus (period VARCHAR, paying_dept_code VARCHAR, home_dept_code VARCHAR,
    line_type VARCHAR, line_ref VARCHAR, staff_id VARCHAR, staff_name VARCHAR, amount DECIMAL(18,2),
    suggested_amount DECIMAL(18,2), version_id VARCHAR, reason VARCHAR);
INSERT INTO marts.fct_staff_bonus VALUES
    ('2025-11', 'D01', 'D01', 'allocation', '1', 'S1', '张医生', 3000.00, 3100.00, 'V1', '按考勤调整');

CREATE TABLE marts.fct_workload_points (perf_dept_code VARCHAR, period VARCHAR, role VARCHAR, points DECIMAL(18,4));
INSERT INTO marts.fct_workload_points VALUES ('D01', '2025-11', 'executing', 40);
CREATE TABLE marts.fct_charge_line_points (perf_dept_code VARCHAR, period VARCHAR, points_status VARCHAR,
    standard_code VARCHAR, role VARCHAR, quantity DECIMAL(18,4), base_points DECIMAL(18,4),
    adjustment_multiplier DECIMAL(9,4), adjustment_id VARCHAR, override_points DECIMAL(18,4),
    split_ratio DECIMAL(9,4), points DECIMAL(18,4));
INSERT INTO marts.fct_charge_line_points VALUES
    ('D01', '2025-11', 'scored', 'AAAA0001', 'executing', 4, 10, 1, NULL, NULL, 1, 40);
CREATE TABLE marts.dim_service_item (item_code VARCHAR, item_name VARCHAR);
INSERT INTO marts.dim_service_item VALUES ('AAAA0001', '普通门诊诊察');
CREATE TABLE marts.fct_doctor_workload_points (perf_dept_code VARCHAR, period VARCHAR, staff_id VARCHAR,
    staff_name VARCHAR, role VARCHAR, line_count INTEGER, points DECIMAL(18,4));
INSERT INTO marts.fct_doctor_workload_points VALUES ('D01', '2025-11', 'S1', '张医生', 'executing', 4, 40);
"""

OPS = """
INSERT INTO bonus_ops.adjustments VALUES ('ADJ1', '2025-11', 'D01', '医生组', 'workload_kpi', 1440.00, 1500.00,
    '考核数据补录', '王审核', TIMESTAMP '2025-12-03 10:00:00', true);
INSERT INTO bonus_ops.allocation_versions VALUES ('V1', '2025-11', 'D01', '内科_2025-11.xlsx', 'abc123', '张医生',
    TIMESTAMP '2025-12-05 09:00:00', 5360.00, 0.00, 'approved', '赵院长', TIMESTAMP '2025-12-06 09:00:00');
INSERT INTO bonus_ops.period_status VALUES ('2025-11', 'issued', TIMESTAMP '2025-12-08 09:00:00', '财务');
INSERT INTO bonus_ops.period_archive VALUES ('A1', '2025-11', TIMESTAMP '2025-12-08 09:00:00', '财务', 'deadbeef',
    '{}', '{}', true, NULL, NULL, NULL);
"""


def _warehouse(path: Path, ops: bool = True) -> Path:
    from connectors.bonus_state.tables import ddl_statements

    con = duckdb.connect(str(path))
    try:
        con.execute(MARTS)
        if ops:
            for s in ddl_statements():
                con.execute(s)
            con.execute(OPS)
    finally:
        con.close()
    return path


@pytest.fixture
def wh(tmp_path: Path) -> Path:
    return _warehouse(tmp_path / "wh.duckdb")


def test_dept_chain_is_the_marts_numbers(wh: Path):
    t = explain_dept_bonus(wh, "D01", P, top=5)
    assert (t.perf_dept_name, t.dept_bonus, t.headcount, t.per_capita_bonus) == (
        "内科",
        Decimal("5360.00"),
        2,
        Decimal("2680.00"),
    )
    assert [c.amount for c in t.components] == [
        Decimal(x) for x in ("2400.00", "1500.00", "600.00", "360.00", "500.00")
    ]
    assert t.components_total == t.dept_bonus
    kpi_line = next(c for c in t.components if c.component_code == "workload_kpi")
    assert (kpi_line.calculated_amount, kpi_line.amount) == (Decimal("1440.00"), Decimal("1500.00"))
    adj = kpi_line.adjustment
    assert (adj.old_value, adj.new_value, adj.reason, adj.adjusted_by) == (
        Decimal("1440.00"),
        Decimal("1500.00"),
        "考核数据补录",
        "王审核",
    )
    assert "1,440.00 → 1,500.00" in adj.text
    g = t.groups["医生组"]
    assert (g.pool_amount, g.group_budget, g.group_points, g.point_price, g.reserve_amount, g.base_share) == (
        Decimal("100000.00"),
        Decimal("40000.00"),
        Decimal("400.0000"),
        Decimal("100.000000"),
        Decimal("0.00"),
        Decimal("0.6000"),
    )
    assert t.formula(t.components[0]) == "点数 40.0000 × 点单价 100 × A% 60% = 2,400.00"
    assert (
        t.formula(kpi_line)
        == "点数 40.0000 × 点单价 100 × (1 − 60%) × KPI 系数 0.9 = 1,440.00 → 复核调整为 1,500.00"
    )
    assert [(c.component_code, c.basis_quantity, c.rate, c.amount) for c in t.single_items] == [
        ("grade34_surgery", Decimal("2.0000"), Decimal("300.000000"), Decimal("600.00")),
        ("night_shift", Decimal("3.0000"), Decimal("120.000000"), Decimal("360.00")),
    ]
    (k,) = t.kpi
    assert (k.total_score, k.kpi_coefficient, k.coefficient_rule) == (
        Decimal("90.0000"),
        Decimal("0.9000"),
        "C2024",
    )
    assert [(x.indicator_code, x.weighted_score) for x in k.lines] == [
        ("K01", Decimal("60.0000")),
        ("K02", Decimal("30.0000")),
    ]
    assert [w.rule_code for w in t.warnings] == ["mom_change"]
    assert t.points_trace.total_points == Decimal("40.0000")
    assert [i.standard_code for i in t.points_trace.items] == ["AAAA0001"]
    assert [d.staff_id for d in t.points_trace.doctors] == ["S1"]
    assert t.state.is_archived and t.state.content_hash == "deadbeef"
    assert "已关账归档，以下为归档数据" in t.state.text


def test_staff_chain_has_lines_version_suggestion_and_dept(wh: Path):
    s = explain_staff_bonus(wh, "S1", P)
    assert s.staff_name == "张医生"
    (line,) = s.lines
    assert (line.line_type, line.paying_dept_code, line.amount, line.suggested_amount, line.version_id) == (
        "allocation",
        "D01",
        Decimal("3000.00"),
        Decimal("3100.00"),
        "V1",
    )
    assert s.total == Decimal("3000.00")
    v = s.versions["D01"]
    assert (v.version_id, v.file_name, v.file_hash, v.submitted_by, v.approved_by) == (
        "V1",
        "内科_2025-11.xlsx",
        "abc123",
        "张医生",
        "赵院长",
    )
    (g,) = s.suggestions
    assert (g.suggested_amount, g.management_amount, g.post_coefficient, g.points_factor, g.staff_points) == (
        Decimal("3100.00"),
        Decimal("500.00"),
        Decimal("1.2000"),
        Decimal("1.1000"),
        Decimal("25.0000"),
    )
    assert [d.perf_dept_code for d in s.depts] == ["D01"]
    assert s.depts[0].dept_bonus == Decimal("5360.00")


def test_staff_without_lines_and_without_ops_tables(tmp_path: Path):
    wh = _warehouse(tmp_path / "bare.duckdb", ops=False)
    s = explain_staff_bonus(wh, "S2", P)
    assert s.lines == [] and s.versions == {"D01": None}
    assert s.suggestions[0].suggested_amount == Decimal("2260.00")
    assert not s.state.is_archived
    d = s.depts[0]
    kpi_line = next(c for c in d.components if c.component_code == "workload_kpi")
    assert kpi_line.adjustment_id == "ADJ1" and kpi_line.adjustment is None  # adjustments table missing


def test_errors_are_clear(wh: Path):
    with pytest.raises(BonusExplainError, match="科室编码 D99 不在绩效科室字典中"):
        explain_dept_bonus(wh, "D99", P)
    with pytest.raises(BonusExplainError, match="外科（D02）在 2025-11 没有科室奖金"):
        explain_dept_bonus(wh, "D02", P)
    with pytest.raises(BonusExplainError, match="期间 2030-01 没有科室奖金核算结果"):
        explain_dept_bonus(wh, "D01", "2030-01")
    with pytest.raises(BonusExplainError, match="工号 S9 不在任何期间的奖金数据中"):
        explain_staff_bonus(wh, "S9", P)
    with pytest.raises(BonusExplainError, match="工号 S1 在 2030-01 没有奖金"):
        explain_staff_bonus(wh, "S1", "2030-01")


def test_cli_prints_the_chain(wh: Path, tmp_path: Path, monkeypatch):
    from orchestration.cli import app

    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(wh))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    run = CliRunner().invoke
    r = run(app, ["explain", "bonus", "--period", P, "--staff", "S1"])
    assert r.exit_code == 0, r.output
    out = r.output
    assert "期间 2025-11 已关账归档，以下为归档数据（状态 已发放，归档哈希 deadbeef" in out
    assert "张医生（S1）2025-11 个人奖金合计 3,000.00" in out
    assert "二次分配版本 V1（D01）：文件 内科_2025-11.xlsx，哈希 abc123" in out
    assert "二次分配建议（内科，科室奖金 5,360.00）：3,100.00（其中管理分配 500.00）" in out
    assert "内科（D01）2025-11 科室奖金 5,360.00" in out
    assert "各项合计 5,360.00，科室奖金 5,360.00" in out
    assert "复核调整 ADJ1：1,440.00 → 1,500.00，原因：考核数据补录，调整人 王审核" in out
    assert "点数 40.0000 × 点单价 100 × A% 60% = 2,400.00" in out
    assert "规则 C2024 → KPI 系数 0.9" in out

    r = run(app, ["explain", "bonus", "--period", P, "--dept", "D99"])
    assert r.exit_code == 1 and "科室编码 D99 不在绩效科室字典中" in r.output
    r = run(app, ["explain", "bonus", "--period", P])
    assert r.exit_code == 2 and "请指定 --dept 或 --staff（二选一）" in r.output
