"""Source declarations are validated on load, with messages that name the file and the problem."""

from pathlib import Path

import pytest

from connectors.source_config import (
    FULL_REFRESH_PARTITION,
    Period,
    SourceConfigError,
    load_source,
    load_sources,
    period_range,
)
from connectors.source_reader import build_query


def test_shipped_sources_load():
    sources = load_sources()
    assert sorted(sources) == ["beds", "cost", "finance", "his", "hr"]
    his = sources["his"]
    assert his.table("FY_SFMX").partition_column == "SFSJ"
    assert his.table("fy_sfmx").keys == ("MXXH",)
    assert not his.table("GY_KSDM").is_partitioned


def test_period_arithmetic():
    assert Period.parse("2025-12").next().key == "2026-01"
    assert Period.parse("2025-01").previous().key == "2024-12"
    assert [p.key for p in period_range("2025-11", "2026-02")] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    with pytest.raises(ValueError, match="YYYY-MM"):
        Period.parse("2025-13")


def test_partition_queries_per_style():
    sources = load_sources()
    p = Period.parse("2025-10")
    q = build_query(sources["his"].table("FY_SFMX"), p)
    assert q.sql.endswith('WHERE "SFSJ" >= ? AND "SFSJ" < ?')
    assert [str(v) for v in q.params] == ["2025-10-01", "2025-11-01"]
    q = build_query(sources["finance"].table("gl_accass"), p, quote="`")
    assert q.sql.endswith("WHERE `iyear` = ? AND `iperiod` = ?") and q.params == (2025, 10)
    q = build_query(sources["cost"].table("CB_KSCB"), p)
    assert q.params == ("202510",)
    q = build_query(sources["his"].table("GY_KSDM"), p)
    assert q.partition == FULL_REFRESH_PARTITION and "WHERE" not in q.sql


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("system: x\nconnection: {url_env: X}\ntables: [{name: t, keys: [id], columns: [a]}]", "主键列 id 不在 columns 中"),
        ("system: x\ntables: [{name: t, keys: [a], columns: [a]}]", "connection.url_env 必填"),
        (
            "system: x\nconnection: {url_env: X}\ntables: [{name: t, keys: [a], columns: [a], partition_column: b}]",
            "分区列 b 不在 columns 中",
        ),
        ("system: x\nconnection: {url_env: X}\ntables: [{name: t, keys: [a], columns: [a, A]}]", "列名重复"),
        ("system: x\nconnection: {url_env: X}\ntables: [{name: 't;drop', keys: [a], columns: [a]}]", "表名无效"),
    ],
)
def test_bad_source_yaml_is_rejected(tmp_path: Path, body: str, message: str):
    f = tmp_path / "bad.yml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(SourceConfigError) as exc:
        load_source(f)
    assert str(exc.value).startswith("bad.yml: ")
    assert message in str(exc.value)


def test_connection_comes_from_environment(tmp_path: Path):
    his = load_sources()["his"]
    assert his.connection(env={"JIXIAO_SRC_HIS_ODBC": "DSN=x", "JIXIAO_SRC_HIS_URL": "sqlite://"}) == ("odbc", "DSN=x")
    assert his.connection(env={"JIXIAO_SRC_HIS_URL": "postgresql+psycopg://h/db"}) == (
        "sqlalchemy",
        "postgresql+psycopg://h/db",
    )
    kind, url = his.connection(data_dir=tmp_path, env={})
    assert kind == "sqlalchemy" and url == f"sqlite:///{tmp_path.resolve().as_posix()}/sources/his.sqlite"
