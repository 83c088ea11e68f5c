# Jixiao 绩效 — developer and operator entry points. `make demo` and `make test` do all set-up.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export PYTHONUNBUFFERED := 1

.PHONY: help venv venv-test demo test test-fast lint pytest dagster bench lock clean superset superset-venv superset-bootstrap superset-lock serving-check

help:
	@echo "make demo     创建 .venv、安装固定版本依赖、生成演示医院、经 Dagster 跑完整流水线并打印摘要"
	@echo "make test     ruff + 全部 pytest（并行；含流水线、ODBC、PostgreSQL、MariaDB、Superset 与浏览器测试），输出最慢的 40 项"
	@echo "make test-fast ruff + 不需要流水线和服务器的测试（Python 单元测试与 dbt 单元测试），用于边改边测"
	@echo "make dagster  启动 Dagster UI（127.0.0.1:3000）"
	@echo "make bench    抽取性能基准：SQLite、PostgreSQL（COPY、游标、ODBC）的行/秒与峰值内存"
	@echo "make lock     由 pyproject.toml 重新生成 requirements.lock（运行）与 requirements-test.lock（运行＋测试工具）"
	@echo "make superset 创建 .venv-superset、初始化 Superset（角色、行级权限、看板）并启动（127.0.0.1:8088，需先 make demo）"

# Runtime dependencies (requirements.lock); the test tools come on top (requirements-test.lock, the
# same runtime pins plus the `test` extra of pyproject.toml) for the targets that need them.
$(BIN)/.installed: requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $@

$(BIN)/.installed-test: requirements-test.lock $(BIN)/.installed
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements-test.lock
	@touch $@

venv: $(BIN)/.installed

venv-test: $(BIN)/.installed-test

demo: venv
	$(BIN)/jixiao demo

lint: venv-test
	$(BIN)/ruff check .

# pytest-xdist, one worker per core; a test file (or a FILE_GROUPS group of files) is one unit of work,
# heaviest first (tests/conftest.py).
# The shared built warehouses are made once per run whatever the worker count (docs/testing.md).
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder

# superset-venv too: the Superset tests (tests/test_superset*.py) must run, never skip, in CI.
pytest: venv-test superset-venv
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) --durations=40

test: lint pytest

# The edit-run loop: no pipeline run, no server (PostgreSQL, MariaDB, ODBC, Superset); the dbt unit tests
# run on an empty warehouse (tests/test_dbt_unit_tests.py).
test-fast: lint
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) --durations=15 -m "not slow and not postgres and not mariadb and not odbc and not superset"

# The same Dagster instance as the jixiao command ($$DAGSTER_HOME under the data folder): the UI shows
# every run, materialisation and check of `make demo`.
dagster: venv
	$(BIN)/jixiao dagster --host 127.0.0.1 --port 3000

# ---- Superset (dashboards) ------------------------------------------------------------------
# Its own venv: Superset 6.1 pins SQLAlchemy<2 and pandas<2.2. It reads the serving copy
# (data/serving.duckdb) that the pipeline publishes after every successful dbt build.
SUPERSET_VENV := .venv-superset
SBIN := $(SUPERSET_VENV)/bin
SUPERSET_REQS := superset_assets/requirements-superset.txt

$(SBIN)/.installed: $(SUPERSET_REQS) | venv
	@test -x $(SBIN)/python || $(PYTHON) -m venv $(SUPERSET_VENV)
	$(BIN)/uv pip install --quiet --python $(SBIN)/python -r $(SUPERSET_REQS)
	@touch $@

superset-venv: $(SBIN)/.installed

serving-check:
	@s="$${JIXIAO_SERVING_DB:-$${JIXIAO_DATA_DIR:-data}/serving.duckdb}"; \
	test -f "$$s" || { echo "未找到服务副本 $$s：请先运行 make demo" >&2; exit 1; }

# Idempotent: re-running it updates the roles, RLS filters, database and dashboards.
superset-bootstrap: serving-check superset-venv
	$(SBIN)/python superset_assets/bootstrap.py bootstrap

superset: superset-bootstrap
	$(SBIN)/python superset_assets/bootstrap.py serve

superset-lock: venv
	$(BIN)/uv pip compile --quiet --python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
		superset_assets/requirements-superset.in -o $(SUPERSET_REQS)

bench: venv
	$(BIN)/python -m connectors.extraction_benchmark

# Both locks from pyproject.toml; the test lock is constrained to the runtime lock's versions.
lock: venv
	$(BIN)/uv pip compile --quiet --python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
		pyproject.toml -o requirements.lock
	$(BIN)/uv pip compile --quiet --python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
		pyproject.toml --extra test -c requirements.lock -o requirements-test.lock

clean:
	rm -rf data dbt_project/target dbt_project/logs .pytest_cache .ruff_cache test-artifacts
