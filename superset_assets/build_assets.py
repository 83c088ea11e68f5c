"""Generate the Superset asset bundle of the Jixiao dashboards from a compact spec.

    python superset_assets/build_assets.py            # (re)write superset_assets/assets/
    python superset_assets/build_assets.py --check    # exit 1 when assets/ is not what the spec gives
    python superset_assets/build_assets.py --out DIR  # write elsewhere

Reads ``spec/datasets.yml`` (database, datasets with Chinese column labels, metrics and d3 formats)
and ``spec/dashboards.yml`` (charts, dashboards as rows of charts, native filters) and writes the
Superset 6.x "assets" export layout that ``superset import-directory`` / ``ImportAssetsCommand``
read:

    metadata.yaml                       version 1.0.0, type assets
    databases/Jixiao_数据仓库.yaml       sqlalchemy_uri duckdb:///__SERVING_DB__ (the bootstrap puts
                                        the serving copy's absolute path there), read-only engine
    datasets/Jixiao_数据仓库/<table>.yaml
    charts/<key>.yaml                   params (form_data) and a saved query_context, so
                                        /api/v1/chart/<id>/data/ answers for every chart
    dashboards/<key>.yaml               position (ROOT_ID → GRID_ID → ROW-* → CHART-*), metadata with
                                        native filters, cross-filters and colours

Output is deterministic: uuids are uuid5 of the object's kind and key, chart ids in the export
(remapped by the importer through the uuids in ``position``) are the charts' order in the spec, and
YAML keys keep a fixed order. Column types come from the dbt model's contract (``data_type`` in
``dbt_project/models/marts/**/_*.yml``) unless the spec gives one.
"""

from __future__ import annotations

import argparse
import copy
import filecmp
import hashlib
import json
import shutil
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SPEC_DIR = HERE / "spec"
ASSETS_DIR = HERE / "assets"
MARTS_DIR = REPO / "dbt_project" / "models" / "marts"

VERSION = "1.0.0"
# Namespace of every generated uuid (uuid5(NAMESPACE, "<kind>:<key>")); never change it, or every
# object gets a new identity and an import creates duplicates instead of overwriting.
NAMESPACE = uuid.UUID("5d0c3c52-9a43-4d5e-8f0a-6a1b2c3d4e5f")
SERVING_DB_PLACEHOLDER = "__SERVING_DB__"
COLOR_SCHEME = "supersetColors"
LABEL_COLORS = {
    "通过": "#5AC189",
    "未通过": "#EC7063",
    "已计算": "#5AC189",
    "待填报": "#FCC700",
    "缺数": "#EC7063",
    "错误": "#EC7063",
    "警告": "#FCC700",
}
VIZ_TYPES = {
    "big_number": "big_number",
    "big_number_total": "big_number_total",
    "line": "echarts_timeseries_line",
    "bar": "echarts_timeseries_bar",
    "pie": "pie",
    "table": "table",
    "heatmap": "heatmap_v2",
    "gauge": "gauge_chart",
}
TIME_FORMATS = {"P1M": "%Y-%m", "P1D": "%Y-%m-%d", "P1Y": "%Y"}


class SpecError(ValueError):
    """The spec is inconsistent (unknown dataset, column, metric, chart …)."""


def stable_uuid(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def short_id(*parts: str) -> str:
    return hashlib.sha1(":".join(parts).encode()).hexdigest()[:10]


def load_spec(spec_dir: Path = SPEC_DIR) -> tuple[dict, dict]:
    datasets = yaml.safe_load((spec_dir / "datasets.yml").read_text(encoding="utf-8"))
    dashboards = yaml.safe_load((spec_dir / "dashboards.yml").read_text(encoding="utf-8"))
    return datasets, dashboards


# ── dbt models ──────────────────────────────────────────────────────────────────────────────


def dbt_marts(marts_dir: Path = MARTS_DIR) -> dict[str, dict[str, Any]]:
    """Every model under models/marts: {name: {"columns": {col: data_type or None}, "sql": path}}."""
    models: dict[str, dict[str, Any]] = {}
    for sql in sorted(marts_dir.rglob("*.sql")):
        models[sql.stem] = {"columns": {}, "sql": sql, "contract": False}
    for yml in sorted(marts_dir.rglob("*.yml")):
        doc = yaml.safe_load(yml.read_text(encoding="utf-8")) or {}
        for m in doc.get("models") or []:
            if m.get("name") not in models:
                continue
            entry = models[m["name"]]
            entry["contract"] = bool(((m.get("config") or {}).get("contract") or {}).get("enforced"))
            for c in m.get("columns") or []:
                entry["columns"][c["name"]] = c.get("data_type")
    return models


# ── datasets ────────────────────────────────────────────────────────────────────────────────


def _column_spec(name: str, raw: Any, labels: dict, calculated: dict) -> dict:
    if raw is None:
        raw = {}
    if isinstance(raw, str):
        raw = {"label": raw}
    raw = dict(raw)
    if "calculated" in raw:
        base = dict(calculated[raw.pop("calculated")])
        base.update(raw)
        raw = base
    raw.setdefault("label", labels.get(name))
    return raw


def build_datasets(ds_spec: dict, models: dict) -> dict[str, dict]:
    """{table: {"uuid", "yaml": dataset dict, "columns": set, "metrics": {name: format},
    "dttm": main temporal column}}."""
    db_uuid = ds_spec["database"]["uuid"]
    labels = ds_spec.get("labels") or {}
    calculated = ds_spec.get("calculated") or {}
    formats = ds_spec["formats"]
    out: dict[str, dict] = {}
    for table, spec in ds_spec["datasets"].items():
        if table not in models:
            raise SpecError(f"数据集 {table}：marts 中没有这个 dbt 模型")
        model_cols = models[table]["columns"]
        columns = []
        for name, raw in (spec.get("columns") or {}).items():
            col = _column_spec(name, raw, labels, calculated)
            expression = col.get("expression")
            col_type = col.get("type") or (None if expression else model_cols.get(name))
            if not col_type:
                raise SpecError(f"数据集 {table} 列 {name}：dbt 模型未声明 data_type，请在 spec 中给出 type")
            if not col.get("label"):
                raise SpecError(f"数据集 {table} 列 {name}：缺少中文标签")
            columns.append(
                {
                    "column_name": name,
                    "verbose_name": col["label"],
                    "is_dttm": bool(col.get("dttm")),
                    "is_active": True,
                    "type": str(col_type).upper(),
                    "advanced_data_type": None,
                    "groupby": True,
                    "filterable": True,
                    "expression": expression,
                    "description": col.get("description"),
                    "python_date_format": None,
                    "extra": {},
                }
            )
        metrics = []
        metric_formats: dict[str, str] = {}
        for name, m in (spec.get("metrics") or {}).items():
            fmt = formats[m["format"]] if m.get("format") else None
            metric_formats[name] = fmt
            metrics.append(
                {
                    "metric_name": name,
                    "verbose_name": m["label"],
                    "metric_type": None,
                    "expression": str(m["sql"]),
                    "description": m.get("description"),
                    "d3format": fmt,
                    "currency": None,
                    "extra": {},
                    "warning_text": None,
                }
            )
        ds_uuid = stable_uuid("dataset", table)
        dttm = spec.get("main_dttm_col")
        out[table] = {
            "uuid": ds_uuid,
            "columns": {c["column_name"]: c for c in columns},
            "metrics": metric_formats,
            "metric_labels": {m["metric_name"]: m["verbose_name"] for m in metrics},
            "dttm": dttm,
            "yaml": {
                "table_name": table,
                "main_dttm_col": dttm,
                "description": spec.get("description"),
                "default_endpoint": None,
                "offset": 0,
                "cache_timeout": None,
                "catalog": None,
                "schema": spec.get("schema", "marts"),
                "sql": None,
                "params": None,
                "template_params": None,
                "filter_select_enabled": True,
                "fetch_values_predicate": None,
                "extra": None,
                "normalize_columns": False,
                "always_filter_main_dttm": False,
                "uuid": ds_uuid,
                "metrics": metrics,
                "columns": columns,
                "version": VERSION,
                "database_uuid": db_uuid,
            },
        }
    return out


# ── charts ──────────────────────────────────────────────────────────────────────────────────

_FILTER_OPS_NO_VALUE = {"IS NOT NULL", "IS NULL", "IS TRUE", "IS FALSE"}


def _adhoc_filters(chart_key: str, filters: list[dict]) -> tuple[list[dict], list[dict]]:
    """(form_data adhoc_filters, query_context filters) of the spec's simple filters."""
    adhoc, query = [], []
    for i, f in enumerate(filters or []):
        op = f["op"]
        value = f.get("value")
        adhoc.append(
            {
                "clause": "WHERE",
                "comparator": None if op in _FILTER_OPS_NO_VALUE else value,
                "expressionType": "SIMPLE",
                "filterOptionName": f"filter_{short_id(chart_key, str(i))}",
                "isExtra": False,
                "isNew": False,
                "operator": op,
                "operatorId": None,
                "sqlExpression": None,
                "subject": f["column"],
            }
        )
        q = {"col": f["column"], "op": op}
        if op not in _FILTER_OPS_NO_VALUE:
            q["val"] = value
        query.append(q)
    return adhoc, query


def _axis(column: str, time_grain: str | None) -> dict:
    axis = {"columnType": "BASE_AXIS", "expressionType": "SQL", "label": column, "sqlExpression": column}
    if time_grain:
        axis["timeGrain"] = time_grain
    return axis


def _sort_metric(column: str) -> dict:
    """An ad-hoc metric that sorts an aggregated table by one of its dimensions."""
    return {
        "expressionType": "SQL",
        "sqlExpression": f"MAX({column})",
        "label": f"MAX({column})",
        "hasCustomLabel": False,
        "optionName": f"metric_sort_{column}",
    }


def build_chart(key: str, spec: dict, chart_id: int, datasets: dict, formats: dict) -> dict:
    viz = spec.get("viz")
    if viz not in VIZ_TYPES:
        raise SpecError(f"图表 {key}：未知 viz {viz!r}")
    table = spec.get("dataset")
    if table not in datasets:
        raise SpecError(f"图表 {key}：数据集 {table!r} 不在 datasets.yml")
    ds = datasets[table]
    viz_type = VIZ_TYPES[viz]

    def need_metric(m: str) -> str:
        if m not in ds["metrics"]:
            raise SpecError(f"图表 {key}：数据集 {table} 没有指标 {m}")
        return m

    def need_column(c: str) -> str:
        if c not in ds["columns"]:
            raise SpecError(f"图表 {key}：数据集 {table} 没有列 {c}")
        return c

    for f in spec.get("filters") or []:
        need_column(f["column"])
    adhoc, q_filters = _adhoc_filters(key, spec.get("filters") or [])
    metrics = [need_metric(m) for m in (spec.get("metrics") or [])]
    metric = need_metric(spec["metric"]) if spec.get("metric") else None
    groupby = [need_column(c) for c in (spec.get("groupby") or [])]
    first_metric = metric or (metrics[0] if metrics else None)
    fmt = (
        formats[spec["format"]]
        if spec.get("format")
        else (ds["metrics"].get(first_metric) if first_metric else None)
    )
    row_limit = int(spec.get("row_limit", 10000))
    grain = spec.get("time_grain", "P1M")
    dttm = ds["dttm"]

    params: dict[str, Any] = {"viz_type": viz_type, "adhoc_filters": adhoc}
    query: dict[str, Any] = {
        "filters": q_filters,
        "extras": {"having": "", "where": ""},
        "applied_time_extras": {},
        "columns": [],
        "metrics": [],
        "orderby": [],
        "annotation_layers": [],
        "row_limit": row_limit,
        "series_limit": 0,
        "order_desc": True,
        "url_params": {},
        "custom_params": {},
        "custom_form_data": {},
        "post_processing": [],
    }

    if viz in ("big_number", "line") or (viz == "bar" and not spec.get("x")):
        # time series on the dataset's month (or day) column
        if not dttm:
            raise SpecError(f"图表 {key}：数据集 {table} 没有时间列 (main_dttm_col)")
        x = dttm
        axis = _axis(x, grain)
        params.update({"x_axis": x, "time_grain_sqla": grain, "time_range": "No filter"})
        if viz == "big_number":
            params.update(
                {
                    "metric": metric,
                    "compare_lag": int(spec.get("compare_lag", 1)),
                    "compare_suffix": spec.get("compare_suffix", "环比"),
                    "show_timestamp": True,
                    "show_trend_line": True,
                    "start_y_axis_at_zero": False,
                    "time_range_fixed": False,
                    "rolling_type": "None",
                    "aggregation": "LAST_VALUE",
                    "y_axis_format": fmt,
                    "time_format": TIME_FORMATS.get(grain, "smart_date"),
                    "header_font_size": 0.4,
                    "subheader_font_size": 0.15,
                    "color_picker": {"r": 0, "g": 122, "b": 135, "a": 1},
                }
            )
            query.update(
                {
                    "columns": [axis],
                    "metrics": [metric],
                    "orderby": [],
                    "post_processing": [
                        {
                            "operation": "pivot",
                            "options": {
                                "index": [x],
                                "columns": [],
                                "aggregates": {metric: {"operator": "mean"}},
                                "drop_missing_columns": True,
                            },
                        },
                        {"operation": "flatten"},
                    ],
                }
            )
        else:
            params.update(_timeseries_params(viz_type, metrics, groupby, fmt, grain, spec))
            query.update(_timeseries_query(axis, x, metrics, groupby, spec))
    elif viz == "bar":
        x = need_column(spec["x"])
        params.update(_timeseries_params(viz_type, metrics, groupby, fmt, None, spec))
        params["x_axis"] = x
        sort = spec.get("sort") or {}
        # a horizontal bar draws its first category at the bottom: flip, so the largest is on top
        ascending = (not sort.get("desc", True)) != bool(spec.get("horizontal"))
        if groupby:
            params.update({"x_axis_sort_series": "sum", "x_axis_sort_series_ascending": ascending})
        elif sort.get("metric"):
            params.update({"x_axis_sort": sort["metric"], "x_axis_sort_asc": ascending})
            # the query orders by the metric too, so row_limit keeps the top categories
            params.update(
                {"timeseries_limit_metric": sort["metric"], "order_desc": bool(sort.get("desc", True))}
            )
        elif sort.get("column"):
            params.update({"x_axis_sort": x, "x_axis_sort_asc": not sort.get("desc", False)})
        query.update(_timeseries_query(_axis(x, None), x, metrics, groupby, spec))
        if sort.get("metric") and not groupby:
            query["orderby"] = [[sort["metric"], not sort.get("desc", True)]]
    elif viz == "big_number_total":
        params.update(
            {
                "metric": metric,
                "header_font_size": 0.4,
                "subheader_font_size": 0.15,
                "subheader": spec.get("subheader", ""),
                "subtitle": spec.get("subheader", ""),
                "y_axis_format": fmt,
                "time_format": "smart_date",
            }
        )
        query.update({"metrics": [metric], "row_limit": 1})
    elif viz == "pie":
        params.update(
            {
                "groupby": groupby,
                "metric": metric,
                "row_limit": row_limit,
                "sort_by_metric": True,
                "color_scheme": COLOR_SCHEME,
                "show_labels_threshold": 5,
                "show_legend": True,
                "legendType": "scroll",
                "legendOrientation": "top",
                "label_type": "key_percent",
                "number_format": fmt,
                "date_format": "smart_date",
                "show_labels": True,
                "labels_outside": True,
                "outerRadius": 70,
                "donut": True,
                "innerRadius": 35,
                "show_total": True,
            }
        )
        query.update({"columns": groupby, "metrics": [metric], "orderby": [[metric, False]]})
    elif viz == "gauge":
        params.update(
            {
                "groupby": [],
                "metric": metric,
                "row_limit": 10,
                "min_val": spec.get("min", 0),
                "max_val": spec.get("max", 1),
                "start_angle": 225,
                "end_angle": -45,
                "color_scheme": COLOR_SCHEME,
                "font_size": 15,
                "number_format": fmt,
                "value_formatter": "",
                "show_pointer": True,
                "animation": True,
                "show_axis_tick": False,
                "show_split_line": False,
                "split_number": 10,
                "show_progress": True,
                "overlap": True,
                "round_cap": False,
            }
        )
        query.update({"metrics": [metric], "row_limit": 10})
    elif viz == "heatmap":
        x = need_column(spec["x"])
        y = need_column(spec["y"])
        params.update(
            {
                "x_axis": x,
                "groupby": y,
                "metric": metric,
                "row_limit": row_limit,
                "sort_x_axis": "alpha_asc",
                "sort_y_axis": "alpha_asc",
                "normalize_across": "heatmap",
                "legend_type": "continuous",
                "linear_color_scheme": "blue_white_yellow",
                "xscale_interval": -1,
                "yscale_interval": -1,
                "left_margin": "auto",
                "bottom_margin": "auto",
                "value_bounds": [None, None],
                "y_axis_format": fmt,
                "x_axis_time_format": "smart_date",
                "show_legend": True,
                "show_percentage": False,
                "show_values": False,
                "normalized": False,
            }
        )
        query.update({"columns": [_axis(x, None), y], "metrics": [metric], "orderby": [[metric, False]]})
    elif viz == "table":
        params.update(_table_params(key, spec, ds, metrics, groupby, formats))
        query.update(_table_query(spec, ds, metrics, groupby, row_limit))
    params.setdefault("row_limit", row_limit)
    params["extra_form_data"] = {}
    params["dashboards"] = []

    form_data = copy.deepcopy(params)
    form_data.update({"slice_id": chart_id, "datasource": "0__table"})
    query_context = {
        "datasource": {"id": 0, "type": "table"},
        "force": False,
        "queries": [query],
        "form_data": form_data,
        "result_format": "json",
        "result_type": "full",
    }
    return {
        "slice_name": spec["title"],
        "description": spec.get("description"),
        "certified_by": None,
        "certification_details": None,
        "viz_type": viz_type,
        "params": params,
        "query_context": json.dumps(query_context, ensure_ascii=False, sort_keys=True),
        "cache_timeout": None,
        "uuid": stable_uuid("chart", key),
        "version": VERSION,
        "dataset_uuid": ds["uuid"],
    }


def _timeseries_params(viz_type: str, metrics, groupby, fmt, grain, spec) -> dict:
    p = {
        "metrics": metrics,
        "groupby": groupby,
        "order_desc": True,
        "truncate_metric": True,
        "show_empty_columns": True,
        "comparison_type": "values",
        "annotation_layers": [],
        "forecastPeriods": 10,
        "forecastInterval": 0.8,
        "x_axis_title_margin": 15,
        "y_axis_title_margin": 15,
        "y_axis_title_position": "Left",
        "sort_series_type": "sum",
        "color_scheme": COLOR_SCHEME,
        "only_total": True,
        "show_legend": True,
        "legendType": "scroll",
        "legendOrientation": "top",
        "x_axis_time_format": TIME_FORMATS.get(grain or "", "smart_date"),
        "rich_tooltip": True,
        "tooltipTimeFormat": TIME_FORMATS.get(grain or "", "smart_date"),
        "y_axis_format": fmt,
        "truncateXAxis": True,
        "y_axis_bounds": [None, None],
        "zoomable": False,
    }
    if spec.get("series_limit"):
        p["limit"] = int(spec["series_limit"])
        p["timeseries_limit_metric"] = metrics[0]
    if viz_type == "echarts_timeseries_line":
        p.update(
            {"seriesType": "line", "markerEnabled": True, "markerSize": 6, "area": False, "opacity": 0.2}
        )
    else:
        p.update(
            {
                "orientation": "horizontal" if spec.get("horizontal") else "vertical",
                "stack": "Stack" if spec.get("stack") else None,
                "show_value": bool(spec.get("show_value")),
                "xAxisLabelRotation": 45,
            }
        )
    return p


def _timeseries_query(axis: dict, x: str, metrics, groupby, spec) -> dict:
    q = {
        "columns": [axis, *groupby],
        "series_columns": groupby,
        "metrics": metrics,
        "orderby": [[metrics[0], False]] if metrics else [],
        "post_processing": [
            {
                "operation": "pivot",
                "options": {
                    "index": [x],
                    "columns": groupby,
                    "aggregates": {m: {"operator": "mean"} for m in metrics},
                    "drop_missing_columns": False,
                },
            },
            {"operation": "flatten"},
        ],
    }
    if spec.get("series_limit"):
        q["series_limit"] = int(spec["series_limit"])
        q["series_limit_metric"] = metrics[0]
    return q


def _table_params(key: str, spec: dict, ds: dict, metrics, groupby, formats) -> dict:
    mode = spec.get("mode", "aggregate")
    order = spec.get("order_by") or {}
    column_config: dict[str, dict] = {}
    for m in metrics:
        if ds["metrics"].get(m):
            column_config[m] = {"d3NumberFormat": ds["metrics"][m]}
    for col, fmt_key in (spec.get("column_formats") or {}).items():
        column_config[col] = {"d3NumberFormat": formats[fmt_key]}
    p: dict[str, Any] = {
        "query_mode": mode,
        "groupby": groupby if mode == "aggregate" else [],
        "metrics": metrics if mode == "aggregate" else [],
        "all_columns": [],
        "percent_metrics": [],
        "order_by_cols": [],
        "row_limit": int(spec.get("row_limit", 10000)),
        "server_page_length": 10,
        "order_desc": bool(order.get("desc", True)),
        "table_timestamp_format": "smart_date",
        "page_length": int(spec.get("page_length", 0)) or None,
        "include_search": bool(spec.get("search")),
        "show_cell_bars": False,
        "color_pn": True,
        "allow_rearrange_columns": False,
        "allow_render_html": True,
        "column_config": column_config,
        "conditional_formatting": [],
        "temporal_columns_lookup": {},
    }
    if mode == "raw":
        cols = [c for c in spec["columns"]]
        for c in cols:
            if c not in ds["columns"]:
                raise SpecError(f"图表 {key}：数据集 {ds['yaml']['table_name']} 没有列 {c}")
        p["all_columns"] = cols
        if order.get("column"):
            p["order_by_cols"] = [json.dumps([order["column"], not order.get("desc", False)])]
    elif order.get("metric"):
        p["timeseries_limit_metric"] = order["metric"]
    elif order.get("column"):
        p["timeseries_limit_metric"] = _sort_metric(order["column"])
    return p


def _table_query(spec: dict, ds: dict, metrics, groupby, row_limit: int) -> dict:
    mode = spec.get("mode", "aggregate")
    order = spec.get("order_by") or {}
    if mode == "raw":
        orderby = [[order["column"], not order.get("desc", False)]] if order.get("column") else []
        return {"columns": list(spec["columns"]), "metrics": [], "orderby": orderby, "row_limit": row_limit}
    if order.get("metric"):
        orderby = [[order["metric"], not order.get("desc", True)]]
    elif order.get("column"):
        orderby = [[_sort_metric(order["column"]), not order.get("desc", True)]]
    else:
        orderby = []
    return {"columns": groupby, "metrics": metrics, "orderby": orderby, "row_limit": row_limit}


# ── dashboards ──────────────────────────────────────────────────────────────────────────────


def build_dashboard(dash: dict, charts: dict, chart_ids: dict, chart_specs: dict, datasets: dict) -> dict:
    key = dash["key"]
    position: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"children": ["GRID_ID"], "id": "ROOT_ID", "type": "ROOT"},
        "GRID_ID": {"children": [], "id": "GRID_ID", "parents": ["ROOT_ID"], "type": "GRID"},
        "HEADER_ID": {"id": "HEADER_ID", "meta": {"text": dash["title"]}, "type": "HEADER"},
    }
    on_dashboard: list[str] = []
    for r, row in enumerate(dash["rows"], start=1):
        row_id = f"ROW-{key}-{r}"
        position["GRID_ID"]["children"].append(row_id)
        children = []
        widths = 0
        for chart_key, width in row["charts"]:
            if chart_key not in charts:
                raise SpecError(f"看板 {key}：未定义的图表 {chart_key}")
            if chart_key in on_dashboard:
                raise SpecError(f"看板 {key}：图表 {chart_key} 出现两次")
            if dash.get("mobile") and width != 12:
                raise SpecError(f"移动看板 {key}：图表 {chart_key} 的宽度必须是 12（单列）")
            widths += width
            on_dashboard.append(chart_key)
            comp_id = f"CHART-{key}-{chart_key}".replace("_", "-")
            children.append(comp_id)
            position[comp_id] = {
                "children": [],
                "id": comp_id,
                "meta": {
                    "chartId": chart_ids[chart_key],
                    "height": int(row.get("height", 50)),
                    "sliceName": charts[chart_key]["slice_name"],
                    "uuid": charts[chart_key]["uuid"],
                    "width": int(width),
                },
                "parents": ["ROOT_ID", "GRID_ID", row_id],
                "type": "CHART",
            }
        if widths > 12:
            raise SpecError(f"看板 {key} 第 {r} 行：宽度合计 {widths} > 12")
        position[row_id] = {
            "children": children,
            "id": row_id,
            "meta": {"background": "BACKGROUND_TRANSPARENT"},
            "parents": ["ROOT_ID", "GRID_ID"],
            "type": "ROW",
        }

    filters = []
    filter_ids = {f["id"]: f"NATIVE_FILTER-{short_id(key, f['id'])}" for f in dash.get("filters") or []}
    for f in dash.get("filters") or []:
        table = f["dataset"]
        if table not in datasets or f["column"] not in datasets[table]["columns"]:
            raise SpecError(f"看板 {key} 筛选器 {f['name']}：{table}.{f['column']} 不存在")
        excluded = []
        for chart_key in on_dashboard:
            cs = chart_specs[chart_key]
            lacks_column = f["column"] not in datasets[cs["dataset"]]["columns"]
            if (
                lacks_column
                or cs["viz"] in (f.get("exclude_viz") or [])
                or chart_key in (f.get("exclude_charts") or [])
            ):
                excluded.append(chart_ids[chart_key])
        parent = f.get("parent")
        filters.append(
            {
                "id": filter_ids[f["id"]],
                "name": f["name"],
                "filterType": "filter_select",
                "type": "NATIVE_FILTER",
                "targets": [{"column": {"name": f["column"]}, "datasetUuid": datasets[table]["uuid"]}],
                "controlValues": {
                    "enableEmptyFilter": False,
                    "defaultToFirstItem": bool(f.get("default_first")),
                    "multiSelect": not f.get("single"),
                    "searchAllOptions": False,
                    "inverseSelection": False,
                    "sortAscending": not f.get("sort_desc"),
                },
                "defaultDataMask": {"extraFormData": {}, "filterState": {}, "ownState": {}},
                "cascadeParentIds": [filter_ids[parent]] if parent else [],
                # "select first value" needs requiredFirst: the charts wait for the filter's value
                **({"requiredFirst": True} if f.get("default_first") else {}),
                "scope": {"rootPath": ["ROOT_ID"], "excluded": sorted(excluded)},
                "tabsInScope": [],
                "description": f.get("description", ""),
            }
        )

    metadata = {
        "color_scheme": COLOR_SCHEME,
        "color_scheme_domain": [],
        "label_colors": LABEL_COLORS,
        "shared_label_colors": [],
        "map_label_colors": {},
        "refresh_frequency": 0,
        "timed_refresh_immune_slices": [],
        "expanded_slices": {},
        "default_filters": "{}",
        "cross_filters_enabled": True,
        "filter_bar_orientation": "HORIZONTAL" if dash.get("mobile") else "VERTICAL",
        "global_chart_configuration": {"scope": {"rootPath": ["ROOT_ID"], "excluded": []}},
        "native_filter_configuration": filters,
    }
    return {
        "dashboard_title": dash["title"],
        "description": dash.get("description"),
        "css": dash.get("css", ""),
        "slug": dash.get("slug"),
        "certified_by": None,
        "certification_details": None,
        "published": True,
        "uuid": stable_uuid("dashboard", key),
        "position": position,
        "metadata": metadata,
        "version": VERSION,
    }


# ── the bundle ──────────────────────────────────────────────────────────────────────────────


def build_bundle(spec_dir: Path = SPEC_DIR, marts_dir: Path = MARTS_DIR) -> dict[str, Any]:
    """{relative path: YAML document} of the whole bundle."""
    ds_spec, dash_spec = load_spec(spec_dir)
    models = dbt_marts(marts_dir)
    datasets = build_datasets(ds_spec, models)
    formats = ds_spec["formats"]
    db = ds_spec["database"]
    db_dir = db["file"]

    files: dict[str, Any] = {"metadata.yaml": {"version": VERSION, "type": "assets"}}
    files[f"databases/{db_dir}.yaml"] = {
        "database_name": db["name"],
        "sqlalchemy_uri": db["sqlalchemy_uri"],
        "cache_timeout": None,
        "expose_in_sqllab": True,
        "allow_run_async": False,
        "allow_ctas": False,
        "allow_cvas": False,
        "allow_dml": False,
        "allow_file_upload": False,
        "extra": {
            "engine_params": {"connect_args": {"read_only": True}},
            "metadata_params": {},
            "schemas_allowed_for_file_upload": [],
        },
        "uuid": db["uuid"],
        "version": VERSION,
    }
    for table, ds in datasets.items():
        files[f"datasets/{db_dir}/{table}.yaml"] = ds["yaml"]

    chart_specs = dash_spec["charts"]
    chart_ids = {k: i for i, k in enumerate(chart_specs, start=1)}
    charts = {k: build_chart(k, s, chart_ids[k], datasets, formats) for k, s in chart_specs.items()}
    used = set()
    for dash in dash_spec["dashboards"]:
        files[f"dashboards/{dash['key']}.yaml"] = build_dashboard(
            dash, charts, chart_ids, chart_specs, datasets
        )
        used.update(k for row in dash["rows"] for k, _ in row["charts"])
    unused = sorted(set(chart_specs) - used)
    if unused:
        raise SpecError(f"未放到任何看板上的图表：{', '.join(unused)}")
    for k, c in charts.items():
        files[f"charts/{k}.yaml"] = c
    return files


def dump(doc: Any) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120, default_flow_style=False)


def write_bundle(out: Path, spec_dir: Path = SPEC_DIR, marts_dir: Path = MARTS_DIR) -> int:
    files = build_bundle(spec_dir, marts_dir)
    for sub in ("metadata.yaml", "databases", "datasets", "charts", "dashboards"):
        p = out / sub
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()
    for rel, doc in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(doc), encoding="utf-8")
    return len(files)


def diff_trees(a: Path, b: Path) -> list[str]:
    """Relative paths that differ between two trees (missing on either side or different bytes)."""
    fa = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()} if a.is_dir() else set()
    fb = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()} if b.is_dir() else set()
    out = sorted(fa ^ fb)
    out += sorted(r for r in fa & fb if not filecmp.cmp(a / r, b / r, shallow=False))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="生成 Superset 看板资产（superset_assets/assets/）")
    ap.add_argument("--out", type=Path, default=ASSETS_DIR)
    ap.add_argument("--check", action="store_true", help="只比较，不写入；不一致时退出码 1")
    args = ap.parse_args(argv)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            write_bundle(Path(tmp))
            changed = diff_trees(Path(tmp), args.out)
        if changed:
            print("Superset 资产与 spec 不一致，请运行 python superset_assets/build_assets.py：")
            for r in changed:
                print(f"  {r}")
            return 1
        print("Superset 资产与 spec 一致")
        return 0
    n = write_bundle(args.out)
    print(f"已生成 {n} 个文件到 {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
