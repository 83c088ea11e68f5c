# Jixiao 绩效 — developer and operator entry points. `make demo` and `make test` do all set-up.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export PYTHONUNBUFFERED := 1

.PHONY: help venv demo test lint pytest dagster bench lock clean

help:
	@echo "make demo     创建 .venv、安装固定版本依赖、生成演示医院、经 Dagster 跑完整流水线并打印摘要"
	@echo "make test     ruff + pytest（含 ODBC、PostgreSQL、MariaDB 集成测试与 dbt build）"
	@echo "make dagster  启动 Dagster UI（127.0.0.1:3000）"
	@echo "make bench    抽取性能基准：SQLite、PostgreSQL（COPY、游标、ODBC）的行/秒与峰值内存"
	@echo "make lock     由 requirements.in 重新生成 requirements.lock"

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

pytest: venv
	$(BIN)/python -m pytest

test: lint pytest

dagster: venv
	$(BIN)/python -c "from orchestration.pipeline import load_definitions; load_definitions()"
	$(BIN)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

bench: venv
	$(BIN)/python -m connectors.extraction_benchmark

lock:
	$(BIN)/uv pip compile --quiet --python $(BIN)/python requirements.in -o requirements.lock

clean:
	rm -rf data dbt_project/target dbt_project/logs .pytest_cache .ruff_cache
