"""The Superset dashboards as code (superset_assets/): the generated tree is what the spec gives, every
chart's dataset exists, every dataset is a dbt mart with the columns it names, the SQL of every metric
and calculated column runs on DuckDB, and what a user reads is Chinese."""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from conftest import REPO

ASSETS = REPO / "superset_assets" / "assets"
sys.path.insert(0, str(REPO / "superset_assets"))
import build_assets  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff▲]")
DATABASE_UUID = "8a1b9c5e-0b7f-4c3e-9d2a-6f3e1a2b4c5d"
# Hospital-level datasets: no department rows, so no perf_dept_code (the 科主任 role does not read them).
HOSPITAL_LEVEL = {
    "fct_national_indicators",
    "fct_dq_check_results",
    "fct_dq_failing_records",
    "fct_dq_daily_metrics",
}


def _load(kind: str) -> dict[str, dict]:
    return {
        p.relative_to(ASSETS).as_posix(): yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((ASSETS / kind).rglob("*.yaml"))
    }


@pytest.fixture(scope="module")
def tree():
    return {k: _load(k) for k in ("databases", "datasets", "charts", "dashboards")}


def test_generated_tree_is_up_to_date(tmp_path: Path):
    build_assets.write_bundle(tmp_path)
    changed = build_assets.diff_trees(tmp_path, ASSETS)
    assert not changed, (
        f"superset_assets/assets is stale, run python superset_assets/build_assets.py: {changed}"
    )
    # deterministic: a second run gives the same bytes
    again = tmp_path / "again"
    build_assets.write_bundle(again)
    assert not build_assets.diff_trees(tmp_path / "charts", again / "charts")


def test_bundle_layout_and_database(tree):
    meta = yaml.safe_load((ASSETS / "metadata.yaml").read_text(encoding="utf-8"))
    assert meta == {"version": "1.0.0", "type": "assets"}
    (db,) = tree["databases"].values()
    assert "databases/Jixiao_数据仓库.yaml" in tree["databases"]
    assert db["database_name"] == "Jixiao 数据仓库" and db["uuid"] == DATABASE_UUID
    assert db["sqlalchemy_uri"] == "duckdb:///__SERVING_DB__"
    assert db["extra"]["engine_params"] == {"connect_args": {"read_only": True}}
    assert db["expose_in_sqllab"] is True and db["allow_dml"] is False
    for path, ds in tree["datasets"].items():
        assert path.startswith("datasets/Jixiao_数据仓库/") and ds["database_uuid"] == DATABASE_UUID
    uuids = [d["uuid"] for k in ("datasets", "charts", "dashboards") for d in tree[k].values()]
    assert len(uuids) == len(set(uuids))


def test_every_dataset_is_a_mart_with_its_columns(tree):
    models = build_assets.dbt_marts()
    for ds in tree["datasets"].values():
        table = ds["table_name"]
        assert ds["schema"] == "marts" and ds["sql"] is None, table  # physical marts tables only
        assert table in models, f"{table} is not a dbt model under dbt_project/models/marts"
        model = models[table]
        sql = model["sql"].read_text(encoding="utf-8")
        names = {c["column_name"] for c in ds["columns"]}
        for c in ds["columns"]:
            if c["expression"]:
                continue
            if model["contract"]:
                assert c["column_name"] in model["columns"], f"{table}.{c['column_name']} not in the contract"
            else:
                assert re.search(rf"\b{c['column_name']}\b", sql), (
                    f"{table}.{c['column_name']} not in {model['sql']}"
                )
        if ds["main_dttm_col"]:
            assert ds["main_dttm_col"] in names
            (dttm,) = [c for c in ds["columns"] if c["column_name"] == ds["main_dttm_col"]]
            assert dttm["is_dttm"]
        if table not in HOSPITAL_LEVEL:
            assert "perf_dept_code" in names, f"{table}: department rows need perf_dept_code (RLS of 科主任)"


def test_metric_and_calculated_column_sql_runs_on_duckdb(tree):
    """Every hand-written SQL expression, on empty tables typed like the datasets."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    models = build_assets.dbt_marts()
    for ds in tree["datasets"].values():
        table = ds["table_name"]
        cols = dict(models[table]["columns"]) if models[table]["contract"] else {}
        for c in ds["columns"]:
            if not c["expression"]:
                cols.setdefault(c["column_name"], c["type"])
        ddl = ", ".join(f'"{n}" {t or "VARCHAR"}' for n, t in cols.items())
        con.execute(f"CREATE TABLE marts.{table} ({ddl})")
        for c in ds["columns"]:
            if c["expression"]:
                con.execute(f"SELECT {c['expression']} AS x FROM marts.{table}").fetchall()
        for m in ds["metrics"]:
            con.execute(f"SELECT {m['expression']} AS x FROM marts.{table}").fetchall()


def test_every_chart_has_its_dataset_metrics_and_columns(tree):
    datasets = {d["uuid"]: d for d in tree["datasets"].values()}
    for path, chart in tree["charts"].items():
        ds = datasets.get(chart["dataset_uuid"])
        assert ds, f"{path}: dataset {chart['dataset_uuid']} not in the bundle"
        metrics = {m["metric_name"] for m in ds["metrics"]}
        columns = {c["column_name"] for c in ds["columns"]}
        p = chart["params"]
        for m in [*(p.get("metrics") or []), *([p["metric"]] if p.get("metric") else [])]:
            assert m in metrics, f"{path}: metric {m}"
        groupby = p.get("groupby") or []
        groupby = [groupby] if isinstance(groupby, str) else groupby  # heatmap: one column
        for c in [*groupby, *(p.get("all_columns") or []), *([p["x_axis"]] if p.get("x_axis") else [])]:
            assert c in columns, f"{path}: column {c}"
        qc = json.loads(chart["query_context"])
        assert qc["queries"] and qc["form_data"]["viz_type"] == chart["viz_type"]


def test_dashboards_place_every_chart_and_filter_real_columns(tree):
    charts = {c["uuid"]: c for c in tree["charts"].values()}
    datasets = {d["uuid"]: d for d in tree["datasets"].values()}
    placed = set()
    assert len(tree["dashboards"]) == 7
    for path, dash in tree["dashboards"].items():
        pos = dash["position"]
        assert (
            pos["ROOT_ID"]["children"] == ["GRID_ID"]
            and pos["HEADER_ID"]["meta"]["text"] == dash["dashboard_title"]
        )
        ids = {}
        for row_id in pos["GRID_ID"]["children"]:
            row = pos[row_id]
            assert row["type"] == "ROW"
            assert sum(pos[c]["meta"]["width"] for c in row["children"]) <= 12
            for comp in row["children"]:
                meta = pos[comp]["meta"]
                assert meta["uuid"] in charts, f"{path}: {comp} has no chart"
                ids[meta["chartId"]] = meta["uuid"]
                placed.add(meta["uuid"])
                if dash["slug"] == "jixiao-mobile":
                    assert meta["width"] == 12  # one column on a 390-px phone
        md = dash["metadata"]
        assert md["cross_filters_enabled"] is True
        for f in md["native_filter_configuration"]:
            assert CJK.search(f["name"])
            (target,) = f["targets"]
            ds = datasets[target["datasetUuid"]]
            assert target["column"]["name"] in {c["column_name"] for c in ds["columns"]}
            assert set(f["scope"]["excluded"]) <= set(ids)
    assert placed == set(charts)


def test_titles_labels_and_formats_are_chinese_yuan_and_percent(tree):
    for dash in tree["dashboards"].values():
        assert CJK.search(dash["dashboard_title"]) and dash["published"]
    for chart in tree["charts"].values():
        assert CJK.search(chart["slice_name"]), chart["slice_name"]
    money = re.compile(r"(收入|成本|结余|奖金|预算|单价)$")
    for ds in tree["datasets"].values():
        assert CJK.search(ds["description"])
        for c in ds["columns"]:
            assert c["verbose_name"] and CJK.search(c["verbose_name"]), (
                f"{ds['table_name']}.{c['column_name']}"
            )
        for m in ds["metrics"]:
            assert CJK.search(m["verbose_name"]), f"{ds['table_name']}.{m['metric_name']}"
            if money.search(m["verbose_name"]) and "环比" not in m["verbose_name"]:
                assert m["d3format"].startswith("$"), (
                    f"{m['metric_name']}: money renders as ¥ through D3_FORMAT"
                )
            if re.search(r"(率|占比|同比|环比)$", m["verbose_name"]):
                assert m["d3format"].endswith("%"), f"{m['metric_name']}: a rate is a percentage"


def test_superset_config_renders_the_currency_as_yuan():
    """The "$" of the money formats is the yuan only through D3_FORMAT in superset_config.py."""
    cfg = REPO / "superset_assets" / "superset_config.py"
    if not cfg.exists():
        pytest.skip("superset_config.py not present")
    for node in ast.parse(cfg.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "D3_FORMAT" for t in node.targets):
            assert ast.literal_eval(node.value)["currency"] == ["¥", ""]
            return
    pytest.fail("superset_config.py sets no D3_FORMAT with currency ¥")
