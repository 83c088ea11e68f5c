"""The bonus period end to end, as an operator runs it (subprocesses of `jixiao`, Dagster underneath):

(on a copy of the session's built small demo, tests/shared_data.py)
bonus run → allocation template → filled → submit → approve → bonus run (staff bonus) → audit →
close → sources regenerated with ANOTHER seed and the pipeline rerun → the closed period's published
rows hash identically → reopen without a reason fails, with a reason works.
"""

from __future__ import annotations

import shutil
import time
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from conftest import SMALL_DEMO, SMALL_PERIODS, assert_ok, query_warehouse, run_jixiao

PERIOD = SMALL_PERIODS[1]  # 2025-12
DEPT = "D0109"  # 消化内科


_jixiao, _ok, _query = run_jixiao, assert_ok, query_warehouse


@pytest.fixture(scope="module")
def workflow(small_built, tmp_path_factory):
    # A copy of the session's built warehouse: `bonus run` refreshes the month and writes bonus_ops.
    copy = small_built.copy_to(tmp_path_factory.mktemp("bonus") / "data")
    data, env = copy.data, copy.env
    started = time.monotonic()
    first = _jixiao(["bonus", "run", "--period", PERIOD, "--by", "绩效办测试"], env)
    return data, env, first, time.monotonic() - started


@pytest.mark.slow
def test_bonus_run_reconciles_to_the_cent(workflow):
    data, _, first, _ = workflow
    _ok(first)
    assert _query(data, "select status from bonus_ops.period_status where period = ?", [PERIOD]) == [("calculated",)]
    # Σ dept bonus + Σ reserve = pool, and each group's budget, recomputed here from the published marts
    (pool, budgets, dept_plus_reserve), = _query(
        data,
        "select max(pool_amount), sum(group_budget), sum(dept_bonus_total) + sum(reserve_amount) "
        "from marts.fct_bonus_pool where period = ?",
        [PERIOD],
    )
    (dept_total,) = _query(data, "select sum(amount) from marts.fct_dept_bonus where period = ?", [PERIOD])[0]
    (reserve,) = _query(data, "select sum(reserve_amount) from marts.fct_bonus_pool where period = ?", [PERIOD])[0]
    assert pool == Decimal("600000.00")  # the shipped monthly budget
    assert budgets == dept_plus_reserve == pool
    assert dept_total + reserve == pool
    # every 核算分组 of the shipped scheme has a budget
    groups = {r[0] for r in _query(data, "select accounting_group from marts.fct_bonus_pool where period = ?", [PERIOD])}
    assert groups == {"医生组", "护理组", "医技组", "药剂", "中医特色", "行政后勤"}
    # the suggestions of every department add up to its bonus
    bad = _query(
        data,
        "select s.perf_dept_code from marts.fct_allocation_suggestions s join marts.fct_dept_bonus_summary d "
        "using (period, perf_dept_code) where s.period = ? group by s.perf_dept_code, d.dept_bonus "
        "having sum(s.suggested_amount) <> d.dept_bonus",
        [PERIOD],
    )
    assert bad == []


@pytest.mark.slow
def test_allocation_round_trip_close_lock_and_reopen(workflow, tmp_path):
    data, env, first, _ = workflow
    _ok(first)
    # 1. template for one department, filled programmatically: move 10.00 between two people
    out = tmp_path / "templates"
    _ok(_jixiao(["allocation", "template", "--period", PERIOD, "--dept", DEPT, "--out", str(out)], env))
    (template,) = sorted(out.glob(f"*{DEPT}*.xlsx"))
    wb = load_workbook(template)
    ws = wb["二次分配"]
    rows = [r for r in range(8, ws.max_row + 1) if ws[f"B{r}"].value and ws[f"L{r}"].value is not None]
    assert len(rows) >= 2
    a, b = rows[0], rows[1]
    moved = Decimal("10.00")
    ws[f"L{a}"] = float(Decimal(str(ws[f"L{a}"].value)) - moved)
    ws[f"L{b}"] = float(Decimal(str(ws[f"L{b}"].value)) + moved)
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    staff_a, staff_b = str(ws[f"B{a}"].value), str(ws[f"B{b}"].value)

    # 2. submit → approve → recalculate: the approved lines reach fct_staff_bonus
    _ok(_jixiao(["allocation", "submit", str(filled), "--by", "科主任测试"], env))
    _ok(_jixiao(["allocation", "approve", "--period", PERIOD, "--dept", DEPT, "--by", "绩效办测试"], env))
    # audit before the recalculation is refused: the marts do not contain the approval yet
    stale = _jixiao(["bonus", "audit", "--period", PERIOD, "--by", "审核测试"], env)
    assert stale.returncode == 1 and "尚未包含" in stale.stdout + stale.stderr
    _ok(_jixiao(["bonus", "run", "--period", PERIOD, "--by", "绩效办测试"], env))
    (dept_bonus,) = _query(
        data, "select dept_bonus from marts.fct_dept_bonus_summary where period = ? and perf_dept_code = ?", [PERIOD, DEPT]
    )[0]
    staff = dict(
        _query(
            data,
            "select staff_id, amount from marts.fct_staff_bonus where period = ? and paying_dept_code = ? "
            "and line_type = 'allocation'",
            [PERIOD, DEPT],
        )
    )
    assert sum(staff.values()) == dept_bonus  # Σ staff bonus = dept bonus (no 划拨, no 补录 here)
    suggested = dict(
        _query(
            data,
            "select staff_id, suggested_amount from marts.fct_allocation_suggestions where period = ? "
            "and perf_dept_code = ?",
            [PERIOD, DEPT],
        )
    )
    assert staff[staff_a] == suggested[staff_a] - moved
    assert staff[staff_b] == suggested[staff_b] + moved

    # the trace of one person: their amount, the approved version, then the department's chain
    trace = _ok(_jixiao(["explain", "bonus", "--period", PERIOD, "--staff", staff_a], env)).stdout
    (version_id,) = _query(
        data, "select version_id from bonus_ops.allocation_versions where status = 'approved' and perf_dept_code = ?",
        [DEPT],
    )[0]
    assert f"{staff[staff_a]:,.2f}" in trace and version_id in trace and f"{dept_bonus:,.2f}" in trace

    # 3. audit → close: archive + content hash
    _ok(_jixiao(["bonus", "audit", "--period", PERIOD, "--by", "审核测试"], env))
    _ok(_jixiao(["close", "--period", PERIOD, "--by", "院长测试"], env))
    (stored_hash,) = _query(
        data, "select content_hash from bonus_ops.period_archive where period = ? and is_active", [PERIOD]
    )[0]
    published_before = _query(data, "select * from marts.fct_dept_bonus_summary where period = ? order by 2", [PERIOD])

    # 4. regenerate every source with another seed and rerun everything
    from simulator.generate import generate

    shutil.rmtree(data / "sources")
    generate(data, **{**SMALL_DEMO, "seed": SMALL_DEMO["seed"] + 1})
    _ok(_jixiao(["run", "--period", SMALL_PERIODS[0], "--to", PERIOD], env))
    from orchestration.bonus_period import published_hash

    rerun_hash, _ = published_hash(data / "warehouse.duckdb", PERIOD)
    assert rerun_hash == stored_hash
    assert _query(data, "select * from marts.fct_dept_bonus_summary where period = ? order by 2", [PERIOD]) == (
        published_before
    )
    # … while the live calculation of that period did change (so the lock is what kept it)
    live = _query(data, "select * from intermediate.int_bonus__dept_summary where period = ? order by 2", [PERIOD])
    assert live != published_before
    # a still-open period is recalculated from the new sources as usual
    assert _query(data, "select count(*) from marts.fct_bonus_pool where period = ?", [SMALL_PERIODS[0]])[0][0] == 6

    # 5. reopen: no reason → refused (exit 1, nothing changes); with a reason → draft, logged
    refused = _jixiao(["reopen", "--period", PERIOD, "--by", "院长测试"], env)
    assert refused.returncode == 1
    assert _query(data, "select status from bonus_ops.period_status where period = ?", [PERIOD]) == [("issued",)]
    _ok(_jixiao(["reopen", "--period", PERIOD, "--reason", "科室申诉复核", "--by", "院长测试"], env))
    assert _query(data, "select status from bonus_ops.period_status where period = ?", [PERIOD]) == [("draft",)]
    actions = [r[0] for r in _query(data, "select action from bonus_ops.audit_log where period = ? order by logged_at", [PERIOD])]
    assert actions[-1] == "reopen" and "close" in actions and "allocation_approve" in actions
