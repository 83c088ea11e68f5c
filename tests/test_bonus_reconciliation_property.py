"""Property tests: the bonus SQL reconciles to the cent, for random pools, points and allocations.

The SQL under test is the real dbt SQL: the bonus models are compiled once per module with `dbt compile`
(into a temporary target path), and every hypothesis example runs the compiled SELECTs in a fresh in-memory
DuckDB whose upstream relations (int_bonus__pool, int_bonus__dept_facts, the seeds, the adjustments,
the staff months, …) hold the generated inputs. Nothing here re-implements allocate_cents; the
assertions are the properties it promises: Σ parts = pool exactly, each part its exact proportional share
(an exact fraction) rounded down or up to the cent — so within one cent of it — with the extra cents on the
largest remainders, two decimals, no NULL.
"""

from __future__ import annotations

import dataclasses
import decimal
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parent.parent
DBT_DIR = REPO / "dbt_project"
MODELS = (
    "int_bonus__group_budgets",
    "int_bonus__components",
    "int_bonus__closed",
    "int_bonus__dept_summary",
    "int_bonus__allocation_suggestions",
)
# The compiled SQL names relations "<catalog>"."<schema>"."<table>", catalog = the warehouse file's stem;
# every example attaches an in-memory database under that name.
CATALOG = "jx_bonus_prop"
CENT = Decimal("0.01")
GROUPS = ("医生组", "护理组", "医技组", "药剂", "行政后勤", "中医特色")
SINGLE_ITEMS = (
    ("grade34_surgery", "grade34_surgeries"),
    ("tcm_therapy", "tcm_therapies"),
    ("night_shift", "night_shifts"),
)
SETTINGS = settings(
    max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


# ---------------------------------------------------------------------------------------------------
# The compiled models and a scratch warehouse
# ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> dict[str, str]:
    """model name → compiled SELECT (dbt compile into a temp target path; dbt_project/target untouched)."""
    tmp = tmp_path_factory.mktemp("bonus_compile")
    env = {
        **os.environ,
        "JIXIAO_WAREHOUSE": str(tmp / f"{CATALOG}.duckdb"),
        "JIXIAO_DBT_TARGET": "duckdb",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    env.setdefault("JIXIAO_PSEUDONYM_SALT", "x")
    cmd = [
        str(Path(sys.executable).with_name("dbt")), "compile", "--profiles-dir", ".",
        "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"), "-s", *MODELS,
    ]  # fmt: skip
    proc = subprocess.run(cmd, cwd=DBT_DIR, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    out = {}
    for model in MODELS:
        sql = (tmp / "target/compiled/jixiao/models/intermediate/bonus" / f"{model}.sql").read_text()
        assert f'"{CATALOG}".' in sql, f"{model}: compiled SQL does not name catalog {CATALOG}"
        out[model] = sql
    return out


TABLES: dict[str, tuple[str, str]] = {
    # relation → (schema, columns) — exactly the columns (and types) of the real upstream models/seeds
    "int_bonus__pool": ("intermediate", "period varchar, pool_amount decimal(18,2)"),
    "int_bonus__dept_facts": (
        "intermediate",
        "period varchar, perf_dept_code varchar, perf_dept_name varchar, dept_category varchar, "
        "accounting_group varchar, is_home_group boolean, points decimal(18,4), headcount integer, "
        "post_coefficient_sum decimal(18,4), night_shifts integer, kpi_coefficient decimal(9,4), "
        "kpi_complete boolean, medical_revenue decimal(18,2), controllable_cost decimal(18,2), "
        "grade34_surgeries integer, tcm_therapies decimal(18,4), penalty_amount decimal(18,2), "
        "charge_amount decimal(18,2), unmapped_amount decimal(18,2)",
    ),
    "bonus_group_schemes": (
        "seeds",
        "accounting_group varchar(20), scheme_code varchar(20), pool_share decimal(9,4), basis varchar(20), "
        "point_price_mode varchar(10), fixed_point_price decimal(18,6), base_share decimal(9,4), "
        "balance_ratio decimal(9,4), closing_mode varchar(20), effective_from date, effective_to date, "
        "description varchar(500)",
    ),
    "bonus_single_items": (
        "seeds",
        "item_code varchar(30), item_name varchar(50), metric varchar(30), accounting_group varchar(20), "
        "unit_reward decimal(18,2), effective_from date, effective_to date, description varchar(500)",
    ),
    "stg_bonus_ops__adjustments": (
        "staging",
        "adjustment_id varchar, period varchar, perf_dept_code varchar, accounting_group varchar, "
        "component_code varchar, old_value decimal(18,2), new_value decimal(18,2), reason varchar, "
        "adjusted_by varchar, adjusted_at timestamp",
    ),
    "int_bonus__dept_summary": (
        "intermediate",
        "period varchar, perf_dept_code varchar, dept_bonus decimal(18,2)",
    ),
    "int_bonus__staff_months": (
        "intermediate",
        "period varchar, staff_id varchar, staff_name varchar, perf_dept_code varchar, perf_dept_name varchar, "
        "dept_category varchar, accounting_group varchar, post_category varchar, title varchar, position varchar, "
        "post_coefficient decimal(9,4), attendance_days decimal(18,2), expected_days decimal(18,2), "
        "night_shifts integer, days_in_month integer",
    ),
    "allocation_method": (
        "seeds",
        "method_code varchar(20), management_share decimal(9,4), points_weight decimal(9,4), "
        "deviation_bound decimal(9,4), effective_from date, effective_to date, description varchar(500)",
    ),
    "fct_doctor_workload_points": (
        "marts",
        "staff_id varchar, staff_name varchar, staff_type varchar, period varchar, role varchar, "
        "perf_dept_code varchar, points decimal(18,4), line_count bigint, amount decimal(18,2)",
    ),
}


def warehouse(rows: dict[str, list[tuple]]) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB named like the compiled catalog, with every upstream table (rows or empty)."""
    con = duckdb.connect(":memory:")
    con.execute(f"attach ':memory:' as {CATALOG}; use {CATALOG}")
    for schema in ("intermediate", "seeds", "staging", "marts"):
        con.execute(f"create schema {schema}")
    for name, (schema, columns) in TABLES.items():
        con.execute(f"create table {schema}.{name} ({columns})")
        data = rows.get(name, [])
        if data:
            marks = "(" + ", ".join("?" * len(data[0])) + ")"
            con.execute(
                f"insert into {schema}.{name} values " + ", ".join([marks] * len(data)),
                [v for row in data for v in row],
            )
    return con


def run_model(con, compiled: dict[str, str], model: str) -> None:
    """Materialise a compiled model as intermediate.<model> (replacing a given input of that name)."""
    con.execute(f"create or replace table intermediate.{model} as\n{compiled[model]}")


def fetch(con, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def is_cents(x) -> bool:
    return isinstance(x, Decimal) and x == x.quantize(CENT)


def round2(x: Decimal) -> Decimal:
    """DuckDB round()/cast of a DECIMAL: half away from zero (= Decimal ROUND_HALF_UP)."""
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def assert_split(parts: list[Decimal], pool: Decimal, weights: list[Decimal]) -> None:
    """parts is pool split in proportion to weights by largest remainder (equal shares when Σ weights = 0):
    Σ parts = pool; each |part| is its exact share |pool| × w / Σ w (a Fraction, no rounding) rounded down
    or up to the cent, so |part − exact| < 0.01; only a positive remainder is rounded up; and no part
    rounded down has a larger remainder than a part rounded up."""
    assert sum(parts, Decimal("0.00")) == pool, (parts, pool)
    total = sum(weights, Decimal(0))
    up, down = [], []
    for part, w in zip(parts, weights, strict=True):
        assert is_cents(part), part
        exact = abs(Fraction(pool)) * (Fraction(w) / Fraction(total) if total else Fraction(1, len(parts)))
        floor = Fraction(math.floor(exact * 100), 100)
        assert abs(Fraction(part)) in (floor, floor + Fraction(1, 100)), (part, float(exact), parts, weights)
        assert part == 0 or (part > 0) == (pool > 0), (part, pool)
        (up if abs(Fraction(part)) > floor else down).append(exact - floor)
    assert all(r > 0 for r in up), (parts, weights)
    assert not up or not down or min(up) >= max(down), (parts, pool, weights)


# ---------------------------------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------------------------------


def scaled(lo: int, hi: int, places: int) -> st.SearchStrategy[Decimal]:
    """Decimals with `places` decimals in [lo, hi] × 10^−places."""
    return st.integers(lo, hi).map(lambda n: Decimal(n).scaleb(-places))


def money(max_cents: int) -> st.SearchStrategy[Decimal]:
    """0.00 … max: zero, a cent or five, anything, and (hypothesis favours small integers) the top 0.1 %."""
    return st.one_of(
        st.just(Decimal("0.00")),
        st.sampled_from([CENT, Decimal("0.05")]),
        scaled(0, max_cents, 2),
        scaled(max_cents // 1000, max_cents, 2),
    )


@dataclass(frozen=True)
class Scheme:
    group: str
    share: Decimal
    basis: str
    price_mode: str
    fixed_price: Decimal | None
    base_share: Decimal
    balance_ratio: Decimal
    closing_mode: str


@dataclass(frozen=True)
class Fact:
    dept: str
    group: str
    is_home: bool
    points: Decimal
    headcount: int
    post_sum: Decimal
    night_shifts: int
    kpi: Decimal | None
    revenue: Decimal
    cost: Decimal
    grade34: int
    tcm: Decimal
    penalty: Decimal


@dataclass(frozen=True)
class BonusCase:
    schemes: tuple[Scheme, ...]
    single_items: tuple[tuple[str, str, str, Decimal], ...]  # item_code, metric, group, unit_reward
    pools: tuple[tuple[str, Decimal], ...]  # period, pool_amount
    facts: tuple[tuple[str, Fact], ...]  # period, fact row
    adjustments: tuple[tuple[str, str, str, str, Decimal], ...]  # period, dept, group, component, new_value


@st.composite
def shares(draw, n: int) -> list[Decimal]:
    """n shares with 4 decimals summing to exactly 1 (zeros allowed)."""
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=n - 1, max_size=n - 1)))
    bounds = [0, *cuts, 10_000]
    return [Decimal(b - a).scaleb(-4) for a, b in zip(bounds, bounds[1:], strict=False)]


@st.composite
def bonus_cases(draw) -> BonusCase:
    groups = draw(st.permutations(GROUPS))[: draw(st.integers(1, len(GROUPS)))]
    schemes = []
    for group, share in zip(groups, draw(shares(len(groups))), strict=True):
        mode = draw(st.sampled_from(["budget", "fixed"]))
        schemes.append(
            Scheme(
                group=group,
                share=share,
                basis=draw(st.sampled_from(["points", "points", "per_capita"])),
                price_mode=mode,
                fixed_price=draw(scaled(1, 100_000_000, 6)) if mode == "fixed" else None,
                base_share=draw(scaled(0, 10_000, 4)),
                balance_ratio=draw(st.one_of(st.just(Decimal("0.0000")), scaled(0, 1_000, 4))),
                closing_mode=draw(st.sampled_from(["renormalise", "reserve"])),
            )
        )
    single_items = tuple(
        (item, metric, group, draw(scaled(0, 100_000, 2)))
        for item, metric in SINGLE_ITEMS
        for group in groups
        if draw(st.booleans())
    )
    periods = ["2025-01", "2025-02"][: draw(st.integers(1, 2))]
    # Pools 0.00 … 10^9.
    pools = tuple((p, draw(money(100_000_000_000))) for p in periods)
    n_depts = draw(st.integers(0, 6))
    homes = [draw(st.sampled_from(groups)) for _ in range(n_depts)]
    extra = [draw(st.sets(st.sampled_from(groups))) - {homes[d]} for d in range(n_depts)]
    facts = []
    for period, pool in pools:
        # Points 0 or 0.0001 … 10^6, but a positive row has ≥ pool / 10^11 points: a budget point price
        # (budget / group points) is DECIMAL(18,6), and ≥ 10^12 yuan per point fails the cast loudly.
        least = max(1, int(pool * 10_000 / 10**11) + 1)
        points = st.one_of(st.just(Decimal("0.0000")), scaled(least, max(least, 10_000_000_000), 4))
        for d in range(n_depts):
            dept = f"D{d:02d}"
            kpi = draw(st.one_of(st.none(), scaled(5_000, 15_000, 4)))
            for group in [homes[d], *sorted(extra[d])]:
                home = group == homes[d]
                headcount = draw(st.integers(0, 40))
                facts.append(
                    (
                        period,
                        Fact(
                            dept=dept,
                            group=group,
                            is_home=home,
                            points=draw(points),
                            headcount=headcount,
                            post_sum=draw(scaled(0, 30_000 * headcount, 4)),
                            night_shifts=draw(st.integers(0, 200)),
                            kpi=kpi,
                            revenue=draw(money(1_000_000_000)) if home else Decimal("0.00"),
                            cost=draw(money(1_000_000_000)) if home else Decimal("0.00"),
                            grade34=draw(st.integers(0, 100)) if home else 0,
                            tcm=draw(scaled(0, 10_000_000, 4)) if home else Decimal("0.0000"),
                            penalty=draw(money(5_000_000)) if home else Decimal("0.00"),
                        ),
                    )
                )
    components = [
        "workload_base",
        "workload_kpi",
        "balance",
        "penalty",
        "night_shift",
        "per_capita",
        "closing",
    ]
    adjustments = ()
    if facts:
        keys = st.tuples(st.sampled_from(facts), st.sampled_from(components))
        picked = draw(
            st.lists(keys, max_size=4, unique_by=lambda k: (k[0][0], k[0][1].dept, k[0][1].group, k[1]))
        )
        adjustments = tuple(
            (period, f.dept, f.group, comp, draw(scaled(-100_000_000, 100_000_000, 2)))
            for (period, f), comp in picked
        )
    return BonusCase(tuple(schemes), single_items, pools, tuple(facts), adjustments)


# Hand-computed example. Pool 100.00 over shares 0.5/0.3/0.2 → budgets 50.00 / 30.00 / 20.00.
#   医生组 (budget price, base_share 1, renormalise): D00, D01, D02 with 1 point each → point price
#     50/3 = 16.666667; workload_base = round(16.666667, 2) = 16.67 each, workload_kpi 0.00 → Σ 50.01,
#     closing pool 50.00 − 50.01 = −0.01 over equal weights 16.67: the one cent goes to the first key,
#     D00 → closing −0.01 / 0.00 / 0.00 → D00 16.66, D01 16.67, D02 16.67 (Σ 50.00).
#   护理组 (fixed price 2.00, base_share 0.6, reserve): D03 with 10 points, KPI 1.2 → W = 20.00,
#     workload_base = 12.00, workload_kpi = round(20 × 0.4 × 1.2, 2) = 9.60 → Σ 21.60, reserve 8.40.
#   医技组 (renormalise) has no department rows → no rows, its whole 20.00 is reserve.
#   Σ dept bonus 71.60 + reserve 28.40 = 100.00.
def _fact(dept: str, group: str, points: str, kpi: str | None = None) -> Fact:
    zero2, zero4 = Decimal("0.00"), Decimal("0.0000")
    return Fact(dept, group, True, Decimal(points), 1, Decimal("1.0000"), 0, None if kpi is None else Decimal(kpi),
                zero2, zero2, 0, zero4, zero2)  # fmt: skip


HAND_CASE = BonusCase(
    schemes=(
        Scheme(
            "医生组",
            Decimal("0.5000"),
            "points",
            "budget",
            None,
            Decimal("1.0000"),
            Decimal("0"),
            "renormalise",
        ),
        Scheme(
            "护理组",
            Decimal("0.3000"),
            "points",
            "fixed",
            Decimal("2"),
            Decimal("0.6000"),
            Decimal("0"),
            "reserve",
        ),
        Scheme(
            "医技组",
            Decimal("0.2000"),
            "points",
            "budget",
            None,
            Decimal("0.6000"),
            Decimal("0"),
            "renormalise",
        ),
    ),
    single_items=(),
    pools=(("2025-01", Decimal("100.00")),),
    facts=tuple(
        ("2025-01", f)
        for f in (
            _fact("D00", "医生组", "1"),
            _fact("D01", "医生组", "1"),
            _fact("D02", "医生组", "1"),
            _fact("D03", "护理组", "10", kpi="1.2"),
        )
    ),
    adjustments=(),
)


def bonus_rows(case: BonusCase) -> dict[str, list[tuple]]:
    schemes = [
        (s.group, f"S-{i}", s.share, s.basis, s.price_mode, s.fixed_price, s.base_share, s.balance_ratio,
         s.closing_mode, "2024-01-01", None, "")
        for i, s in enumerate(case.schemes)
    ]  # fmt: skip
    # an expired version of every scheme (shares that do not even sum to 1): must be ignored
    schemes += [
        (s.group, f"OLD-{i}", Decimal("0.9000"), "points", "fixed", Decimal("1"), Decimal("0.5"), Decimal("0.5"),
         "reserve", "2020-01-01", "2023-12-31", "")
        for i, s in enumerate(case.schemes)
    ]  # fmt: skip
    facts = [
        (p, f.dept, f"name {f.dept}", "临床", f.group, f.is_home, f.points, f.headcount, f.post_sum, f.night_shifts,
         f.kpi, f.kpi is not None, f.revenue, f.cost, f.grade34, f.tcm, f.penalty, Decimal("0.00"), Decimal("0.00"))
        for p, f in case.facts
    ]  # fmt: skip
    items = [(item, item, metric, g, r, "2024-01-01", None, "") for item, metric, g, r in case.single_items]
    adjustments = [
        (f"A{i}", p, d, g, c, None, v, "复核", "tester", "2025-03-01 00:00:00")
        for i, (p, d, g, c, v) in enumerate(case.adjustments)
    ]
    return {
        "int_bonus__pool": list(case.pools),
        "int_bonus__dept_facts": facts,
        "bonus_group_schemes": schemes,
        "bonus_single_items": items,
        "stg_bonus_ops__adjustments": adjustments,
    }


def run_bonus(compiled: dict[str, str], case: BonusCase) -> duckdb.DuckDBPyConnection:
    con = warehouse(bonus_rows(case))
    for model in (
        "int_bonus__group_budgets",
        "int_bonus__components",
        "int_bonus__closed",
        "int_bonus__dept_summary",
    ):
        run_model(con, compiled, model)
    return con


# ---------------------------------------------------------------------------------------------------
# Properties 1–3: pool → group budgets → components → closing, to the cent
# ---------------------------------------------------------------------------------------------------


@SETTINGS
@given(case=bonus_cases())
@example(case=HAND_CASE)
def test_bonus_pool_reconciles_to_the_cent(compiled, case: BonusCase) -> None:
    with decimal.localcontext(prec=60):
        check_bonus_case(compiled, case)


def check_bonus_case(compiled: dict[str, str], case: BonusCase) -> None:
    con = run_bonus(compiled, case)
    schemes = {s.group: s for s in case.schemes}
    pools = dict(case.pools)

    # 1. Σ group_budget = pool exactly, split by largest remainder over the shares.
    budgets = fetch(con, "select * from intermediate.int_bonus__group_budgets")
    assert sorted((b["period"], b["accounting_group"]) for b in budgets) == sorted(
        (p, g) for p in pools for g in schemes
    )
    budget = {(b["period"], b["accounting_group"]): b["group_budget"] for b in budgets}
    for period, pool in pools.items():
        assert_split([budget[period, g] for g in schemes], pool, [s.share for s in schemes.values()])

    closed = fetch(con, "select * from intermediate.int_bonus__closed")
    rows = {(p, f.dept, f.group): f for p, f in case.facts if f.group in schemes}
    for r in closed:
        assert (r["period"], r["perf_dept_code"], r["accounting_group"]) in rows
        assert is_cents(r["amount"]) and is_cents(r["calculated_amount"]), r

    # Adjustments: the adjusted value replaces the calculated one (closing rows are never adjusted).
    adjusted = {(p, d, g, c): v for p, d, g, c, v in case.adjustments}
    for r in closed:
        key = (r["period"], r["perf_dept_code"], r["accounting_group"], r["component_code"])
        expect = adjusted.get(key) if r["component_code"] != "closing" else None
        assert r["amount"] == (r["calculated_amount"] if expect is None else expect), r

    # 2./3. Per group: Σ amount + reserve = group_budget; renormalise groups with rows have reserve 0.00,
    # one closing row per department row: (budget − Σ components) split by largest remainder over the
    # rows' component totals (negative totals weigh 0).
    reserve_total: dict[str, Decimal] = {p: Decimal("0.00") for p in pools}
    for (period, g), group_budget in budget.items():
        group_rows = [r for r in closed if (r["period"], r["accounting_group"]) == (period, g)]
        total = sum((r["amount"] for r in group_rows), Decimal("0.00"))
        reserve = group_budget - total
        assert total + reserve == group_budget and is_cents(reserve)
        dept_rows = sorted(d for (p, d, gg) in rows if (p, gg) == (period, g))
        closing = {r["perf_dept_code"]: r["amount"] for r in group_rows if r["component_code"] == "closing"}
        if schemes[g].closing_mode == "reserve":
            assert closing == {}
        elif dept_rows:
            assert reserve == 0, (period, g, group_budget, total)
            assert sorted(closing) == dept_rows
            raw = {
                d: sum(
                    r["amount"]
                    for r in group_rows
                    if r["perf_dept_code"] == d and r["component_code"] != "closing"
                )
                for d in dept_rows
            }
            assert_split(
                [closing[d] for d in dept_rows],
                group_budget - sum(raw.values()),
                [max(raw[d], Decimal(0)) for d in dept_rows],
            )
        else:
            assert group_rows == []
        reserve_total[period] += reserve

    # End to end: Σ dept bonus (int_bonus__dept_summary) + Σ reserve = pool, per period.
    summary = fetch(
        con, "select period, perf_dept_code, dept_bonus from intermediate.int_bonus__dept_summary"
    )
    for period, pool in pools.items():
        dept_bonus = [s["dept_bonus"] for s in summary if s["period"] == period]
        assert all(is_cents(x) for x in dept_bonus)
        assert sum(dept_bonus, Decimal("0.00")) + reserve_total[period] == pool

    # The workload formulas on the rows (W = points × point price at 8 decimals, rounded half up).
    price = {(b["period"], b["accounting_group"]): b["point_price"] for b in budgets}
    for r in closed:
        f = rows[r["period"], r["perf_dept_code"], r["accounting_group"]]
        s = schemes[f.group]
        w = (f.points * (price[r["period"], f.group] or 0)).quantize(Decimal("1e-8"), rounding=ROUND_HALF_UP)
        if r["component_code"] == "workload_base":
            assert r["calculated_amount"] == round2(w * s.base_share)
        elif r["component_code"] == "workload_kpi":
            assert r["calculated_amount"] == round2(
                w * (1 - s.base_share) * (f.kpi if f.kpi is not None else 1)
            )
        elif r["component_code"] == "penalty":
            assert r["calculated_amount"] == -f.penalty


def test_hand_computed_example(compiled) -> None:
    """The numbers of HAND_CASE, worked out by hand in the comment above it."""
    con = run_bonus(compiled, HAND_CASE)
    budgets = dict(
        con.execute(
            "select accounting_group, group_budget from intermediate.int_bonus__group_budgets"
        ).fetchall()
    )
    assert budgets == {"医生组": Decimal("50.00"), "护理组": Decimal("30.00"), "医技组": Decimal("20.00")}
    closing = dict(
        con.execute(
            "select perf_dept_code, amount from intermediate.int_bonus__closed where component_code = 'closing'"
        ).fetchall()
    )
    assert closing == {"D00": Decimal("-0.01"), "D01": Decimal("0.00"), "D02": Decimal("0.00")}
    bonus = dict(
        con.execute("select perf_dept_code, dept_bonus from intermediate.int_bonus__dept_summary").fetchall()
    )
    assert bonus == {
        "D00": Decimal("16.66"),
        "D01": Decimal("16.67"),
        "D02": Decimal("16.67"),
        "D03": Decimal("21.60"),
    }


def test_large_point_price_does_not_overflow_kpi_rate(compiled) -> None:
    """Regression (found by the property test; fixed by casting the point price to DECIMAL(38,6) first):
    the workload_kpi `rate`, cast(point_price × (1 − base_share) × coalesce(kpi_coefficient, 1) as
    decimal(18, 6)), was typed by DuckDB DECIMAL(18,6) × DECIMAL(10,4) → DECIMAL(18,10), × DECIMAL(14,4) →
    DECIMAL(18,14): four integer digits, so any rate ≥ 10 000 failed the build ("Overflow in multiplication
    of DECIMAL(18)"). Here: pool 100.00, one budget-priced group, one department with 0.01 points → point
    price 10 000, rate 10 000 × 1 × 1 = 10 000."""
    case = dataclasses.replace(
        HAND_CASE,
        schemes=(
            Scheme(
                "医生组", Decimal("1"), "points", "budget", None, Decimal("0"), Decimal("0"), "renormalise"
            ),
        ),
        facts=(("2025-01", _fact("D00", "医生组", "0.01")),),
    )
    run_bonus(compiled, case)


def test_scheme_without_points_group_distributes_budget(compiled) -> None:
    """Regression (found by the property test; fixed by a left join to clinical_average): when no scheme
    group in force has basis points, clinical_average has no row for the period, the per_capita CTE (inner
    join) yielded no component for the per_capita rows, so they got no closing row either: a renormalise
    group with departments kept its whole budget as reserve, contradicting "0 for renormalise groups with
    departments" (fct_bonus_pool). Here: pool 100.00, one per_capita renormalise group, one department →
    a per_capita 0.00 row and a closing row of 100.00."""
    case = dataclasses.replace(
        HAND_CASE,
        schemes=(
            Scheme(
                "行政后勤",
                Decimal("1"),
                "per_capita",
                "budget",
                None,
                Decimal("1"),
                Decimal("0"),
                "renormalise",
            ),
        ),
        facts=(("2025-01", _fact("D00", "行政后勤", "0")),),
    )
    con = run_bonus(compiled, case)
    closed = con.execute("select sum(amount) from intermediate.int_bonus__closed").fetchone()[0]
    assert closed == Decimal("100.00")


# ---------------------------------------------------------------------------------------------------
# Property 4: 二次分配 suggestions, Σ = dept pool to the cent
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Staff:
    staff_id: str
    position: str | None
    post_coefficient: Decimal
    attendance_days: Decimal
    days_in_month: int
    points: tuple[Decimal, ...]  # fct_doctor_workload_points rows (one per role) in the period


@dataclass(frozen=True)
class AllocationCase:
    management_share: Decimal
    points_weight: Decimal
    pools: tuple[tuple[str, str, Decimal], ...]  # period, dept, dept_bonus
    staff: tuple[tuple[str, str, Staff], ...]  # period, dept, staff


@st.composite
def allocation_cases(draw) -> AllocationCase:
    pool = st.one_of(
        st.sampled_from([Decimal("0.00"), CENT, Decimal("0.05"), Decimal("-0.05")]),
        scaled(-1_000, 100_000, 2),
        scaled(-100_000_000_00, 1_000_000_000_00, 2),
        money(1_000_000_000_00),
    )
    points = st.one_of(st.just(Decimal("0.0000")), scaled(0, 10_000_000_000, 4))
    staff_member = st.builds(
        Staff,
        staff_id=st.just(""),
        position=st.sampled_from(["科主任", "护士长", "医师", "护士", None]),
        post_coefficient=scaled(0, 30_000, 4),
        attendance_days=scaled(0, 3_500, 2),
        days_in_month=st.integers(28, 31),
        points=st.lists(points, max_size=3).map(tuple),
    )
    periods = ["2025-01", "2025-02"][: draw(st.integers(1, 2))]
    pools, staff = [], []
    for period in periods:
        for d in range(draw(st.integers(1, 4))):
            dept = f"D{d:02d}"
            pools.append((period, dept, draw(pool)))
            for i, s in enumerate(draw(st.lists(staff_member, max_size=8))):
                staff.append((period, dept, dataclasses.replace(s, staff_id=f"S{d:02d}{i:02d}")))
        # staff of a department without a pool row get no suggestion
        staff.append((period, "DX", Staff("SX", "科主任", Decimal("1.0000"), Decimal("20.00"), 30, ())))
    return AllocationCase(
        management_share=draw(scaled(0, 10_000, 4)),
        points_weight=draw(scaled(0, 10_000, 4)),
        pools=tuple(pools),
        staff=tuple(staff),
    )


# Hand-computed: pool 100.00, management_share 0.08, points_weight 0.5; S0000 科主任 and S0001 医师, both
# post coefficient 1, full attendance (31/31), no points → points factor 1, weights 1 and 1.
# Management pool round(100 × 0.08, 2) = 8.00 → S0000; rest 92.00 → 46.00 each → 54.00 / 46.00.
HAND_ALLOCATION = AllocationCase(
    management_share=Decimal("0.0800"),
    points_weight=Decimal("0.5000"),
    pools=(("2025-01", "D00", Decimal("100.00")),),
    staff=(
        ("2025-01", "D00", Staff("S0000", "科主任", Decimal("1"), Decimal("31"), 31, ())),
        ("2025-01", "D00", Staff("S0001", "医师", Decimal("1"), Decimal("31"), 31, ())),
    ),
)


def allocation_rows(case: AllocationCase) -> dict[str, list[tuple]]:
    staff_months = [
        (p, s.staff_id, f"name {s.staff_id}", d, f"name {d}", "临床", "医生组", "医生", "主治医师", s.position,
         s.post_coefficient, s.attendance_days, s.days_in_month, 0, s.days_in_month)
        for p, d, s in case.staff
    ]  # fmt: skip
    points = [
        (s.staff_id, "", "doctor", p, f"role{i}", d, x, 1, Decimal("0.00"))
        for p, d, s in case.staff
        for i, x in enumerate(s.points)
    ]
    # points of another month must not count
    points += [
        (s.staff_id, "", "doctor", "2024-12", "order", d, Decimal("99999.0000"), 1, Decimal(0))
        for _, d, s in case.staff
    ]
    methods = [
        ("OLD", Decimal("0.5"), Decimal("1"), Decimal("0.3"), "2020-01-01", "2023-12-31", ""),
        ("NEW", case.management_share, case.points_weight, Decimal("0.3"), "2024-01-01", None, ""),
    ]
    return {
        "int_bonus__dept_summary": list(case.pools),
        "int_bonus__staff_months": staff_months,
        "fct_doctor_workload_points": points,
        "allocation_method": methods,
    }


@SETTINGS
@given(case=allocation_cases())
@example(case=HAND_ALLOCATION)
def test_allocation_suggestions_reconcile_to_the_cent(compiled, case: AllocationCase) -> None:
    """Per dept: Σ suggested = dept_pool exactly; nothing negative when the pool ≥ 0 (nothing positive when
    ≤ 0); management_amount = the management pool round(dept_pool × management_share, 2) split equally over
    the managers by largest remainder (0 for the others); suggested − management_amount = the rest split by
    largest remainder over w = post coefficient × attendance coefficient × points factor (at 6 decimals; equal
    shares when Σ w = 0) — each part within a cent of its exact share, so |suggested − exact proportional
    share| < 0.02 (0.01 for non-managers)."""
    with decimal.localcontext(prec=60):
        check_allocation_case(compiled, case)


def check_allocation_case(compiled: dict[str, str], case: AllocationCase) -> None:
    con = warehouse(allocation_rows(case))
    run_model(con, compiled, "int_bonus__allocation_suggestions")
    out = fetch(con, "select * from intermediate.int_bonus__allocation_suggestions")
    staff = {(p, s.staff_id): (d, s) for p, d, s in case.staff}
    pools = {(p, d): x for p, d, x in case.pools}

    assert sorted((r["period"], r["staff_id"]) for r in out) == sorted(
        k for k, (d, _) in staff.items() if (k[0], d) in pools
    )
    for (period, dept), pool in pools.items():
        rows = [r for r in out if (r["period"], r["perf_dept_code"]) == (period, dept)]
        if not rows:
            continue
        assert all(r["dept_pool"] == pool for r in rows)
        assert sum(r["suggested_amount"] for r in rows) == pool
        for r in rows:
            assert is_cents(r["suggested_amount"]) and is_cents(r["management_amount"]), r
            if pool >= 0:
                assert r["suggested_amount"] >= 0, r
            if pool <= 0:
                assert r["suggested_amount"] <= 0, r

        # the shaping columns, recomputed from the inputs (DuckDB divides in double: half a unit of 10^-4)
        mean_points = sum(sum(staff[period, r["staff_id"]][1].points, Decimal(0)) for r in rows) / len(rows)
        for r in rows:
            s = staff[period, r["staff_id"]][1]
            # 出勤系数 = attended / 应出勤 (expected_days; here the generated days_in_month), capped at 1
            assert abs(r["attendance_coefficient"] - min(s.attendance_days / s.days_in_month, 1)) <= Decimal(
                "0.00005"
            )
            own = sum(s.points, Decimal(0))
            factor = (
                (1 - case.points_weight) + case.points_weight * own / mean_points if mean_points > 0 else 1
            )
            assert abs(r["points_factor"] - factor) <= Decimal("0.0000501"), (r, factor)

        managers = [r for r in rows if r["is_manager"]]
        management_pool = round2(pool * case.management_share) if managers else Decimal("0.00")
        assert all(r["management_amount"] == 0 for r in rows if not r["is_manager"])
        if managers:
            assert_split(
                [r["management_amount"] for r in managers], management_pool, [Decimal(1)] * len(managers)
            )

        rest_pool = pool - management_pool
        weight = {
            r["staff_id"]: (
                r["post_coefficient"] * r["attendance_coefficient"] * r["points_factor"]
            ).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
            for r in rows
        }
        assert_split(
            [r["suggested_amount"] - r["management_amount"] for r in rows],
            rest_pool,
            [weight[r["staff_id"]] for r in rows],
        )

    if case == HAND_ALLOCATION:
        assert {r["staff_id"]: r["suggested_amount"] for r in out} == {
            "S0000": Decimal("54.00"),
            "S0001": Decimal("46.00"),
        }
