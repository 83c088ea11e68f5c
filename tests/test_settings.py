"""Runtime settings that decide what a production run does (orchestration/settings.py)."""

from __future__ import annotations

import os
from unittest import mock

import pytest

from orchestration import settings

from conftest import pipeline_env, run_jixiao


def test_production_builds_leave_the_dbt_unit_tests_out(monkeypatch):
    monkeypatch.delenv("JIXIAO_DBT_UNIT_TESTS", raising=False)
    assert settings.dbt_build_args() == ["build", "--exclude-resource-type", "unit_test"]
    monkeypatch.setenv("JIXIAO_DBT_UNIT_TESTS", "exclude")
    assert settings.dbt_build_args() == ["build", "--exclude-resource-type", "unit_test"]
    monkeypatch.setenv("JIXIAO_DBT_UNIT_TESTS", " Include ")
    assert settings.dbt_build_args() == ["build"]


def test_a_misspelt_unit_test_setting_is_refused_in_chinese(monkeypatch, tmp_path):
    monkeypatch.setenv("JIXIAO_DBT_UNIT_TESTS", "yes")
    with pytest.raises(ValueError, match="JIXIAO_DBT_UNIT_TESTS 只能是 exclude.*或 include，收到：yes"):
        settings.dbt_build_args()
    # …before any step runs: configure_environment() checks it (its other exports are undone after)
    with mock.patch.dict(os.environ, {"JIXIAO_DATA_DIR": str(tmp_path)}):
        with pytest.raises(ValueError, match="JIXIAO_DBT_UNIT_TESTS"):
            settings.configure_environment()


def test_dbt_target_path_follows_dbt_target_path(monkeypatch, tmp_path):
    monkeypatch.delenv("DBT_TARGET_PATH", raising=False)
    assert settings.dbt_target_path() == settings.DBT_PROJECT_DIR / "target"
    monkeypatch.setenv("DBT_TARGET_PATH", "elsewhere")
    assert settings.dbt_target_path() == settings.DBT_PROJECT_DIR / "elsewhere"
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "t"))
    assert settings.dbt_target_path() == tmp_path / "t"


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("JIXIAO_DBT_UNIT_TESTS", "yes", "配置错误：JIXIAO_DBT_UNIT_TESTS 只能是 exclude（默认，生产运行不跑 dbt 单元测试）或 include，收到：yes"),
    ("JIXIAO_PSEUDONYM_SALT", "short", "配置错误：JIXIAO_PSEUDONYM_SALT 必须是 16–128 位字母、数字、下划线或连字符"),
])
def test_the_command_reports_a_bad_setting_in_one_line(tmp_path, variable, value, message):
    proc = run_jixiao(["status"], pipeline_env(tmp_path, **{variable: value}))
    assert proc.returncode == 2
    assert proc.stderr.strip() == message
    assert "Traceback" not in proc.stdout + proc.stderr

