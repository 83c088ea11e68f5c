"""Runtime settings (运行配置) read from the environment, with demo defaults.

| variable | meaning | default |
|---|---|---|
| JIXIAO_DATA_DIR | data folder (sources, intake, dagster home, alerts) | ./data |
| JIXIAO_WAREHOUSE | DuckDB warehouse file | $JIXIAO_DATA_DIR/warehouse.duckdb |
| JIXIAO_SERVING_DB | serving copy (服务副本) for Superset, published after each dbt build | $JIXIAO_DATA_DIR/serving.duckdb |
| JIXIAO_PSEUDONYM_SALT | salt for patient-id pseudonymisation | random, kept in $JIXIAO_DATA_DIR/.pseudonym_salt |
| JIXIAO_PARTITION_START | first monthly partition | 2020-01 |
| DAGSTER_HOME | Dagster instance (run history) | $JIXIAO_DATA_DIR/dagster_home |
| JIXIAO_SRC_<SYSTEM>_URL / _ODBC | source connections (see connectors/sources/*.yml) | demo SQLite files |
| JIXIAO_DBT_UNIT_TESTS | ``include`` runs the dbt unit tests inside pipeline builds; ``exclude`` leaves them to the test suite | exclude |
| JIXIAO_UPLOAD_MAX_BYTES, _UNCOMPRESSED_BYTES, _ROWS, _COLUMNS | limits on an uploaded file (connectors/upload_limits.py) | 10 MB, 100 MB, 50,000, 200 |
| DBT_TARGET_PATH | dbt's artefact folder (manifest, run_results.json); relative paths are below dbt_project/ | target |
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from connectors.pseudonym_salt import SALT_PATTERN

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


class SettingsError(ValueError):
    """A setting from the environment is invalid; the message (Chinese) names the variable and the fix.
    The ``jixiao`` command prints it as one line and exits 2."""


def data_dir() -> Path:
    return Path(os.environ.get("JIXIAO_DATA_DIR", REPO_ROOT / "data")).resolve()


def warehouse_path() -> Path:
    return Path(os.environ.get("JIXIAO_WAREHOUSE", data_dir() / "warehouse.duckdb")).resolve()


def serving_path() -> Path:
    """The read-only copy of the marts that Superset reads (connectors/serving.py)."""
    return Path(os.environ.get("JIXIAO_SERVING_DB", data_dir() / "serving.duckdb")).resolve()


def dbt_target_path() -> Path:
    """dbt's target folder (dbt's own ``DBT_TARGET_PATH``, which dagster-dbt also reads).

    A test or a second installation on the same code gives each data folder its own, so two
    pipelines never write one manifest.json at the same time."""
    target = Path(os.environ.get("DBT_TARGET_PATH", "target"))
    return target if target.is_absolute() else DBT_PROJECT_DIR / target


UNIT_TEST_MODES = ("exclude", "include")


def dbt_unit_tests_included() -> bool:
    """Whether pipeline builds run the dbt unit tests (单元测试), from ``JIXIAO_DBT_UNIT_TESTS``.

    Unit tests check the code, not the night's data: production runs (nightly, monthly close,
    ``jixiao bonus run``, ``jixiao national submit``) leave them out, and so do the pipeline runs of the
    test suite; the suite runs all of them once on DuckDB (tests/test_dbt_unit_tests.py) and once on
    PostgreSQL (tests/test_postgres_target.py)."""
    mode = os.environ.get("JIXIAO_DBT_UNIT_TESTS", "exclude").strip().lower()
    if mode not in UNIT_TEST_MODES:
        raise SettingsError(f"JIXIAO_DBT_UNIT_TESTS 只能是 exclude（默认，生产运行不跑 dbt 单元测试）或 include，收到：{mode}")
    return mode == "include"


def dbt_build_args() -> list[str]:
    """``dbt build`` with or without the unit tests, as :func:`dbt_unit_tests_included` says."""
    return ["build"] if dbt_unit_tests_included() else ["build", "--exclude-resource-type", "unit_test"]


def intake_root() -> Path:
    return data_dir() / "intake"


def alerts_dir() -> Path:
    return data_dir() / "alerts"


def partition_start() -> str:
    return os.environ.get("JIXIAO_PARTITION_START", "2020-01")


def ensure_pseudonym_salt() -> str:
    """Return the pseudonymisation salt, creating a random one for this installation if unset.

    The salt is never printed. It must be 16–128 characters of [A-Za-z0-9_-]; the pipeline writes it
    into the warehouse (connectors/pseudonym_salt.py), where dbt reads it at run time.
    """
    salt = os.environ.get("JIXIAO_PSEUDONYM_SALT")
    if not salt:
        f = data_dir() / ".pseudonym_salt"
        if f.exists():
            salt = f.read_text(encoding="utf-8").strip()
        else:
            f.parent.mkdir(parents=True, exist_ok=True)
            salt = secrets.token_hex(24)
            f.write_text(salt, encoding="utf-8")
            f.chmod(0o600)
    if not SALT_PATTERN.match(salt):
        raise SettingsError("JIXIAO_PSEUDONYM_SALT 必须是 16–128 位字母、数字、下划线或连字符")
    os.environ["JIXIAO_PSEUDONYM_SALT"] = salt
    return salt


def configure_environment() -> None:
    """Export the settings dbt and Dagster read from the environment (idempotent)."""
    d = data_dir()
    d.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("JIXIAO_DATA_DIR", str(d))
    os.environ.setdefault("JIXIAO_WAREHOUSE", str(warehouse_path()))
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("DBT_PROFILES_DIR", str(DBT_PROJECT_DIR))
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(d / "dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    instance_yaml = home / "dagster.yaml"
    if not instance_yaml.exists():  # local SQLite storage in DAGSTER_HOME, no telemetry
        instance_yaml.write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    # The venv's executables (dbt) first, whether or not the venv is activated (make, cron, daemon).
    venv_bin = str(Path(sys.executable).parent)
    if venv_bin not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = venv_bin + os.pathsep + os.environ.get("PATH", "")
    ensure_pseudonym_salt()
    dbt_unit_tests_included()  # a misspelt JIXIAO_DBT_UNIT_TESTS stops here, before any step runs
