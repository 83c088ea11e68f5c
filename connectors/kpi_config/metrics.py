"""Base metric codes (基础指标) that KPI indicators may reference as ``metric:<code>``.

Source of truth: the union of

* ``BASE_METRIC_CODES`` below — the base metrics the KPI layer is specified to receive (the dbt metric
  layer ``int_dept_metrics__monthly`` plus metrics landed from HR and hand-filled sources, e.g.
  ``staff_headcount``, ``satisfaction_*``), and
* the ``accepted_values`` of ``metric_code`` declared in
  ``dbt_project/models/intermediate/metrics/_metrics__models.yml`` (read when the file is present, so a
  metric added to the dbt layer is known without touching this module).

:func:`metrics_not_in_dbt` lists the codes of the constant that the dbt model does not declare yet: the
CLI prints them as a note (提示), not as an error — an indicator on such a metric validates but has no
data until the metric is produced.
"""

from __future__ import annotations

from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_METRICS_YML = REPO_ROOT / "dbt_project" / "models" / "intermediate" / "metrics" / "_metrics__models.yml"
DBT_METRICS_MODEL = "int_dept_metrics__monthly"

BASE_METRIC_CODES: tuple[str, ...] = (
    "discharges",
    "avg_length_of_stay",
    "cost_per_discharge",
    "tcm_led_discharge_share",
    "surgeries",
    "grade34_surgery_share",
    "grade34_surgeries",
    "minimally_invasive_share",
    "outpatient_visits",
    "herbal_prescription_share",
    "occupied_bed_days",
    "bed_use_rate",
    "medical_revenue",
    "drug_share",
    "consumable_share",
    "tcm_nondrug_share",
    "workload_points",
    "staff_headcount",
    "tcm_physician_share",
    "satisfaction_outpatient",
    "satisfaction_inpatient",
    "satisfaction_staff",
)


def dbt_metric_codes(path: Path | str = DBT_METRICS_YML) -> frozenset[str] | None:
    """``accepted_values`` of ``metric_code`` of the dbt metric model, or None when not declared/readable."""
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return None
    for model in doc.get("models") or []:
        if not isinstance(model, dict) or model.get("name") != DBT_METRICS_MODEL:
            continue
        for column in model.get("columns") or []:
            if not isinstance(column, dict) or column.get("name") != "metric_code":
                continue
            for test in column.get("data_tests") or column.get("tests") or []:
                if isinstance(test, dict) and "accepted_values" in test:
                    spec = test["accepted_values"] or {}
                    values = (spec.get("arguments") or {}).get("values", spec.get("values"))
                    if isinstance(values, list):
                        return frozenset(str(v) for v in values)
    return None


def known_metric_codes(dbt_yml: Path | str = DBT_METRICS_YML) -> frozenset[str]:
    """Every base metric code an indicator may reference (constant ∪ dbt ``accepted_values``)."""
    return frozenset(BASE_METRIC_CODES) | (dbt_metric_codes(dbt_yml) or frozenset())


def metrics_not_in_dbt(dbt_yml: Path | str = DBT_METRICS_YML) -> list[str]:
    """Codes of :data:`BASE_METRIC_CODES` the dbt metric model does not declare (empty if not readable)."""
    declared = dbt_metric_codes(dbt_yml)
    if declared is None:
        return []
    return [code for code in BASE_METRIC_CODES if code not in declared]
