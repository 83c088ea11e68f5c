"""Property test: 二次分配 staff bonus reconciles — for random approved sheets with 划拨 (transfers to other
departments' people), 科室留存 and 补录, the real dbt SQL (int_bonus__staff_bonus, and the singular test
assert_staff_bonus_reconciles that guards Σ staff bonus = dept bonus + 划拨 in − 划拨 out + 补录) finds no
difference; and moving any one line by one cent makes the test report exactly that department.

The SQL is compiled once with `dbt compile` into a temporary target path and run in an in-memory DuckDB
per example (as tests/test_bonus_reconciliation_property.py does for the department bonus).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parent.parent
DBT_DIR = REPO / "dbt_project"
CATALOG = "jx_staff_prop"
PERIOD = "2025-06"


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("staff_compile")
    env = {
        **os.environ,
        "JIXIAO_WAREHOUSE": str(tmp / f"{CATALOG}.duckdb"),
        "JIXIAO_DBT_TARGET": "duckdb",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    env.setdefault("JIXIAO_PSEUDONYM_SALT", "x")
    cmd = [
        str(Path(sys.executable).with_name("dbt")), "compile", "--profiles-dir", ".",
        "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"),
        "-s", "int_bonus__staff_bonus", "assert_staff_bonus_reconciles",
    ]  # fmt: skip
    proc = subprocess.run(cmd, cwd=DBT_DIR, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    base = tmp / "target/compiled/jixiao"
    return {
        "model": (base / "models/intermediate/bonus/int_bonus__staff_bonus.sql").read_text(),
        "test": (base / "tests/assert_staff_bonus_reconciles.sql").read_text(),
    }


@dataclass(frozen=True)
class Sheet:
    dept: str
    pool: Decimal
    reserve: Decimal
    own: tuple[Decimal, ...]  # amounts to the dept's own people (the last one takes the remainder)
    transfers: tuple[tuple[str, Decimal], ...]  # (home dept of the person, amount) — 划拨 out


@dataclass(frozen=True)
class Case:
    sheets: tuple[Sheet, ...]
    supplements: tuple[tuple[str, Decimal], ...]  # (dept, amount) 补录, may be negative (补扣)


DEPTS = ("D01", "D02", "D03", "D04")
money = st.integers(0, 5_000_000).map(lambda c: Decimal(c).scaleb(-2))


@st.composite
def cases(draw) -> Case:
    depts = draw(st.lists(st.sampled_from(DEPTS), min_size=1, max_size=4, unique=True))
    sheets = []
    for d in depts:
        pool = draw(money)
        reserve = draw(st.integers(0, int(pool * 100) // 4).map(lambda c: Decimal(c).scaleb(-2)))
        left = pool - reserve
        transfers = []
        for home in draw(st.lists(st.sampled_from([x for x in DEPTS if x != d]), max_size=2)):
            amount = draw(st.integers(0, int(left * 100) // 3).map(lambda c: Decimal(c).scaleb(-2)))
            transfers.append((home, amount))
            left -= amount
        n = draw(st.integers(1, 5))
        own = [
            draw(st.integers(0, int(left * 100) // n).map(lambda c: Decimal(c).scaleb(-2)))
            for _ in range(n - 1)
        ]
        own.append(left - sum(own, Decimal("0.00")))  # the sheet adds up to the pool, as submission validates
        sheets.append(Sheet(d, pool, reserve, tuple(own), tuple(transfers)))
    supplements = draw(
        st.lists(st.tuples(st.sampled_from(depts), st.integers(-50_000, 50_000).map(lambda c: Decimal(c).scaleb(-2))),
                 max_size=3)
    )  # fmt: skip
    return Case(tuple(sheets), tuple(supplements))


def _warehouse(case: Case) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute(f"attach ':memory:' as {CATALOG}; use {CATALOG}")
    for schema in ("staging", "intermediate", "marts"):
        con.execute(f"create schema {schema}")
    con.execute(
        "create table staging.stg_bonus_ops__allocation_lines (version_id varchar, period varchar, "
        "perf_dept_code varchar, dept_pool decimal(18,2), declared_reserve decimal(18,2), file_name varchar, "
        "file_hash varchar, submitted_by varchar, submitted_at timestamp, approved_by varchar, "
        "approved_at timestamp, line_no integer, staff_id varchar, staff_name varchar, amount decimal(18,2), "
        "suggested_amount decimal(18,2), transfer_dept_code varchar, reason varchar)"
    )
    con.execute(
        "create table staging.stg_bonus_ops__allocation_supplements (supplement_id varchar, period varchar, "
        "perf_dept_code varchar, staff_id varchar, amount decimal(18,2), reason varchar, recorded_by varchar, "
        "recorded_at timestamp)"
    )
    con.execute(
        "create table marts.fct_dept_bonus_summary (period varchar, perf_dept_code varchar, dept_bonus decimal(18,2))"
    )
    for s in case.sheets:
        con.execute("insert into marts.fct_dept_bonus_summary values (?, ?, ?)", [PERIOD, s.dept, s.pool])
        lines = [(f"{s.dept}-P{i}", a, None) for i, a in enumerate(s.own)]
        lines += [(f"{home}-T{i}", a, home) for i, (home, a) in enumerate(s.transfers)]
        for no, (staff, amount, home) in enumerate(lines, start=1):
            con.execute(
                "insert into staging.stg_bonus_ops__allocation_lines values "
                "(?, ?, ?, ?, ?, 'f.xlsx', 'h', 'u', now(), 'a', now(), ?, ?, 'n', ?, null, ?, ?)",
                [f"V-{s.dept}", PERIOD, s.dept, s.pool, s.reserve, no, staff, amount, home,
                 "划拨" if home else None],
            )  # fmt: skip
    for i, (dept, amount) in enumerate(case.supplements):
        con.execute(
            "insert into staging.stg_bonus_ops__allocation_supplements values (?, ?, ?, ?, ?, '补录', 'u', now())",
            [f"S{i}", PERIOD, dept, f"{dept}-P0", amount],
        )
    return con


def _failures(con, compiled) -> set[str]:
    con.execute(f"create or replace table marts.fct_staff_bonus as\n{compiled['model']}")
    return {r[1] for r in con.execute(compiled["test"]).fetchall()}


SIMPLE = Case(
    # D01: pool 100.00 = reserve 10.00 + own 50.00 + 30.00 + 划拨 to a D02 person 10.00; D02: pool 40.00 = own
    # 40.00; 补录 D02 +5.00. By home dept: D01 = 10 + 50 + 30 = 90.00 = 100.00 + 0 − 10.00 + 0;
    # D02 = 40.00 + 10.00 + 5.00 = 55.00 = 40.00 + 10.00 − 0 + 5.00.
    sheets=(
        Sheet("D01", Decimal("100.00"), Decimal("10.00"), (Decimal("50.00"), Decimal("30.00")), (("D02", Decimal("10.00")),)),
        Sheet("D02", Decimal("40.00"), Decimal("0.00"), (Decimal("40.00"),), ()),
    ),
    supplements=(("D02", Decimal("5.00")),),
)  # fmt: skip


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
@example(case=SIMPLE)
def test_staff_bonus_reconciles_and_one_cent_is_caught(compiled, case: Case) -> None:
    con = _warehouse(case)
    try:
        assert _failures(con, compiled) == set()
        lines = con.execute("select line_type, count(*) from marts.fct_staff_bonus group by 1").fetchall()
        expected = sum(len(s.own) for s in case.sheets)
        assert dict(lines).get("allocation", 0) == expected
        # one cent more on the first person of the first sheet: that department, and only it, fails
        first = case.sheets[0]
        con.execute(
            "update staging.stg_bonus_ops__allocation_lines set amount = amount + 0.01 "
            "where perf_dept_code = ? and line_no = 1",
            [first.dept],
        )
        assert _failures(con, compiled) == {first.dept}
    finally:
        con.close()
