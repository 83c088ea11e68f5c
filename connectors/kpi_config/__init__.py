"""KPI configuration validation (综合目标考核配置校验): check the KPI seeds before any computation.

Typical use::

    check_kpi_config()                      # raises KpiConfigInvalid listing every error
    errors = validate_kpi_config(seed_dir, targets=rows_of_raw_manual_kpi_target)
    calculation_order()                     # [["K01", …], ["K12", "K14"]] — derived indicators by level

Command line: ``python -m connectors.kpi_config [seed_dir] [--targets 目标值.csv]`` prints OK or the
errors (exit status 1).
"""

from connectors.kpi_config.metrics import BASE_METRIC_CODES, known_metric_codes, metrics_not_in_dbt
from connectors.kpi_config.validate import (
    DEFAULT_SEED_DIR,
    SUPPORTED_METHODS,
    KpiConfigError,
    KpiConfigInvalid,
    calculation_order,
    check_kpi_config,
    validate_kpi_config,
)

__all__ = [
    "BASE_METRIC_CODES",
    "DEFAULT_SEED_DIR",
    "SUPPORTED_METHODS",
    "KpiConfigError",
    "KpiConfigInvalid",
    "calculation_order",
    "check_kpi_config",
    "known_metric_codes",
    "metrics_not_in_dbt",
    "validate_kpi_config",
]
