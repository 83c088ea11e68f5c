# Jixiao 绩效 — developer and operator entry points. `make demo` and `make test` do all set-up.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export PYTHONUNBUFFERED := 1

.PHONY: help venv demo test lint pytest dagster bench lock clean superset superset-venv superset-bootstrap superset-lock serving-check

help:
	@echo "make demo     创建 .venv、安装固定版本依赖、生成演示医院、经 Dagster 跑完整流水线并打印摘要"
	@echo "make test     ruff + pytest（含 ODBC、PostgreSQL、MariaDB 集成测试与 dbt build）"
	@echo "make dagster  启动 Dagster UI（127.0.0.1:3000）"
	@echo "make bench    抽取性能基准：SQLite、PostgreSQL（COPY、游标、ODBC）的行/秒与峰值内存"
	@echo "make lock     由 requirements.in 重新生成 requirements.lock"
	@echo "make superset 创建 .venv-superset、初始化 Superset（角色、行级权限、看板）并启动（127.0.0.1:8088，需先 make demo）"

$(BIN)/.installed: requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $@

venv: $(BIN)/.installed

demo: venv
	$(BIN)/jixiao demo

lint: venv
	$(BIN)/ruff check .

# superset-venv too: the Superset tests (tests/test_superset*.py) must run, never skip, in CI.
pytest: venv superset-venv
	$(BIN)/python -m pytest

test: lint pytest

dagster: venv
	$(BIN)/python -c "from orchestration.pipeline import load_definitions; load_definitions()"
	$(BIN)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

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

lock:
	$(BIN)/uv pip compile --quiet --python $(BIN)/python requirements.in -o requirements.lock

clean:
	rm -rf data dbt_project/target dbt_project/logs .pytest_cache .ruff_cache test-artifacts
