"""Issue 8 acceptance: the REAL asset tree (superset_assets/assets, 7 dashboards) on REAL pipeline data.

The small demo hospital (3 months) runs through `jixiao run` (once per test session: conftest
``small_built``), which publishes serving.duckdb; Superset is bootstrapped on it with the committed
assets and serves on a free loopback port (conftest ``superset_stack``, shared with test_superset.py),
and then:
every chart returns rows (query times → test-artifacts/superset/chart_times.{json,csv}, p95 printed);
key numbers equal the warehouse; 科主任 / 院领导 / 卫健局 see what their roles allow; headless chromium
screenshots every dashboard (1440 px, 移动看板 at 390 px) into test-artifacts/superset/ and finds no
error panel. Needs .venv-superset (`make superset-venv`, a dependency of `make pytest`) and, for the
screenshots, Debian's chromium + chromium-driver (.ci/run installs them).
"""

from __future__ import annotations

import csv
import json
import math
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from superset_support import (
    ADMIN,
    ASSETS,
    CHROMEDRIVER,
    CHROMIUM,
    ERROR_TEXTS,
    PERIOD,
    SUPERSET_PY,
    Client,
    browser,
    browser_login,
    screenshot_dashboard,
)

from conftest import REPO, query_warehouse

pytestmark = [
    pytest.mark.slow,
    pytest.mark.superset,
    # Never skipped in CI (`make pytest` builds .venv-superset): there a missing venv is an error.
    pytest.mark.skipif(not SUPERSET_PY.exists() and not os.environ.get("CI"), reason="no .venv-superset (make superset-venv)"),
]

ARTEFACTS = Path(os.environ.get("JIXIAO_TEST_ARTIFACTS", REPO / "test-artifacts")) / "superset"
MOBILE_SLUG = "jixiao-mobile"


@pytest.fixture(scope="module")
def stack(superset_stack):
    """The session's Superset stack (conftest ``superset_stack``) on the shared pipeline run."""
    return superset_stack


def _login(stack, user: str) -> Client:
    return Client(stack["base"], user, f"{user}-pw-123")


def _chart_data(client: Client, chart: dict, force: bool = False):
    return client.get(f"/api/v1/chart/{chart['id']}/data/" + ("?force=true" if force else ""))


def _rows(resp) -> list[dict]:
    assert resp.status_code == 200, resp.text[:2000]
    return [row for q in resp.json()["result"] for row in (q.get("data") or [])]


def _month(ms: float) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m")


def _p95(values: list[float]) -> float:
    s = sorted(values)
    return s[max(0, math.ceil(0.95 * len(s)) - 1)]


def test_every_chart_of_the_import_returns_rows(stack):
    admin, charts = stack["admin"], stack["charts"]
    assert len(charts) == len(list((ASSETS / "charts").glob("*.yaml"))) == 56
    timings, empty = [], []
    for title, chart in sorted(charts.items(), key=lambda kv: kv[1]["id"]):
        t0 = time.perf_counter()
        resp = _chart_data(admin, chart, force=True)  # force: no cache, the query really runs
        seconds = time.perf_counter() - t0
        assert resp.status_code == 200, f"{title}: {resp.status_code} {resp.text[:1000]}"
        rows = len(_rows(resp))
        if rows < 1:
            empty.append(title)
        timings.append({"chart_id": chart["id"], "chart": title, "viz_type": chart["viz_type"], "rows": rows,
                        "seconds": round(seconds, 4)})
    p95 = _p95([t["seconds"] for t in timings])
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / "chart_times.json").write_text(json.dumps(
        {"charts": timings, "count": len(timings), "p95_seconds": round(p95, 4),
         "max_seconds": max(t["seconds"] for t in timings)}, ensure_ascii=False, indent=2), encoding="utf-8")
    with (ARTEFACTS / "chart_times.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(timings[0]))
        w.writeheader()
        w.writerows(timings)
    print(f"\n{len(timings)} charts, query time p95 {p95:.3f} s, max {max(t['seconds'] for t in timings):.3f} s "
          f"→ {ARTEFACTS / 'chart_times.csv'}")
    assert not empty, f"charts without rows: {empty}"


def test_key_numbers_equal_thequery_warehouse(stack):
    admin, charts, data = stack["admin"], stack["charts"], stack["data"]
    # 科室绩效: 科室奖金合计 of the period = sum(dept_bonus) of the mart.
    bonus = {_month(r["period_date"]): r["dept_bonus"] for r in _rows(_chart_data(admin, charts["科室奖金合计"]))}
    (want,) = query_warehouse(data, "select sum(dept_bonus) from marts.fct_dept_bonus_summary where period = ?", [PERIOD])[0]
    assert want and bonus[PERIOD] == pytest.approx(float(want), abs=0.01)
    # 院级运营驾驶舱: 出院人次 of the month = the mart = the discharge abstracts of staging.
    discharges = {_month(r["period_date"]): r["discharges"] for r in _rows(_chart_data(admin, charts["出院人次"]))}
    (mart,) = query_warehouse(data, "select sum(discharges) from marts.fct_dept_operations_monthly where period = ?", [PERIOD])[0]
    (staged,) = query_warehouse(data, "select count(*) from staging.stg_his__discharge_abstracts "
                                 "where strftime(discharged_at, '%Y-%m') = ?", [PERIOD])[0]
    assert discharges[PERIOD] == mart == staged > 0
    # 国考指标监测: one indicator's yearly value, as the table shows it.
    name, part, value = query_warehouse(
        data, "select indicator_name, coalesce(part_name, ''), value from marts.fct_national_indicators "
              "where period_type = 'year' and period = '2025' and list_code = 'general_l2' and value is not null "
              "order by seq_no limit 1")[0]
    shown = [r["value"] for r in _rows(_chart_data(admin, charts["国考指标（年度）"]))
             if r["indicator_name"] == name and r["part_label"] == part]
    assert shown == [pytest.approx(float(value))]


def _dept_codes(client: Client, dataset_id: int, metric: str) -> list[str]:
    resp = client.post("/api/v1/chart/data", {
        "datasource": {"id": dataset_id, "type": "table"},
        "queries": [{"columns": ["perf_dept_code"], "metrics": [metric], "row_limit": 1000}],
        "result_format": "json", "result_type": "full"})
    return sorted({r["perf_dept_code"] for r in _rows(resp)})


def test_department_head_sees_only_their_department_leadership_sees_all(stack):
    admin, charts = stack["admin"], stack["charts"]
    code, name = stack["dept"]
    kzr, leader = _login(stack, "kzr"), _login(stack, "leader")
    bonus_ds = charts["科室奖金合计"]["datasource_id"]
    ops_ds = charts["出院人次"]["datasource_id"]
    assert _dept_codes(kzr, bonus_ds, "dept_bonus") == [code]
    assert _dept_codes(kzr, ops_ds, "discharges") == [code]
    assert len(_dept_codes(leader, bonus_ds, "dept_bonus")) > 5
    # The saved department-level charts, as the dashboards query them.
    for title in ("科室奖金明细（点数、人均、KPI 系数、环比）", "科室月度明细（科室类别 → 科室 → 月）"):
        mine = _rows(_chart_data(kzr, charts[title]))
        assert mine and {r["perf_dept_name"] for r in mine} == {name}, title
        assert len({r["perf_dept_name"] for r in _rows(_chart_data(leader, charts[title]))}) > 5, title
    # Totals too: 科室奖金合计 for the 科主任 is his department's bonus, not the hospital's.
    (want,) = query_warehouse(stack["data"], "select sum(dept_bonus) from marts.fct_dept_bonus_summary "
                                        "where period = ? and perf_dept_code = ?", [PERIOD, code])[0]
    mine = {_month(r["period_date"]): r["dept_bonus"] for r in _rows(_chart_data(kzr, charts["科室奖金合计"]))}
    assert mine[PERIOD] == pytest.approx(float(want), abs=0.01)
    assert admin  # the admin client stays logged in for the other tests


def test_health_bureau_gets_national_but_not_operations(stack):
    charts = stack["charts"]
    bureau = _login(stack, "bureau")
    resp = _chart_data(bureau, charts["出院人次"])
    assert resp.status_code in (403, 404) or not _rows(resp), resp.text[:500]
    resp = bureau.post("/api/v1/chart/data", {
        "datasource": {"id": charts["出院人次"]["datasource_id"], "type": "table"},
        "queries": [{"columns": ["perf_dept_code"], "metrics": ["discharges"]}], "result_format": "json"})
    assert resp.status_code in (403, 404), resp.text[:500]
    assert len(_rows(_chart_data(bureau, charts["国考指标（年度）"]))) > 10


def test_dashboards_render_in_a_real_browser(stack):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        if os.environ.get("CI"):
            pytest.fail("CI needs Debian's chromium and chromium-driver (.ci/run installs them)")
        pytest.skip("no /usr/bin/chromium + /usr/bin/chromedriver (apt-get install chromium chromium-driver)")
    admin = stack["admin"]
    dashboards = admin.get("/api/v1/dashboard/?q=(page_size:100)").json()["result"]
    assert len(dashboards) == 7
    driver = browser()
    report, problems = [], []
    try:
        browser_login(driver, stack["base"], *ADMIN)
        for dash in sorted(dashboards, key=lambda d: d["slug"]):
            expected = len(admin.get(f"/api/v1/dashboard/{dash['id']}/charts").json()["result"])
            widths = [1440, 390] if dash["slug"] == MOBILE_SLUG else [1440]
            for width in widths:
                png = ARTEFACTS / f"{dash['slug']}-{width}.png"
                state = screenshot_dashboard(driver, stack["base"], dash["slug"], png, expected,
                                             width=width, mobile=width < 500)
                bad_texts = sorted({t for text in state["texts"] for t in ERROR_TEXTS if t in text})
                report.append({"dashboard": dash["dashboard_title"], "slug": dash["slug"], "width": width,
                               "charts": expected, "shown": state["charts"], "rendered": state["rendered"],
                               "seconds": state["seconds"], "png": str(png)})
                if state["errors"] or bad_texts or state["loading"] or state["rendered"] < expected:
                    problems.append({**report[-1], "errors": state["errors"], "texts": bad_texts,
                                     "loading": state["loading"]})
    finally:
        driver.quit()
    (ARTEFACTS / "dashboards.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    for r in report:
        print(f"{r['dashboard']} @{r['width']}px: {r['rendered']}/{r['charts']} charts, {r['seconds']} s → {r['png']}")
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=2)
