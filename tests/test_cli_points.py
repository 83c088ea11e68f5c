"""The operator commands of the point-value library, run as an operator would (subprocess)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from conftest import REPO
from conftest import jixiao_in as _jixiao


def test_catalogue_load_rejects_a_bad_file_and_loads_a_good_one(tmp_path: Path):
    good = REPO / "reference" / "catalogues" / "national_service_items_2023.sample.tsv"
    # No --kind: the header tells the national spec from the crosswalk and the price catalogue.
    ok = _jixiao(["catalogue", "load", str(good), "--note", "测试"], tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "按表头识别为：national_items" in ok.stdout and "984 行" in ok.stdout

    lines = good.read_text(encoding="utf-8").splitlines()
    fields = lines[1].split("\t")
    fields[8] = "高"  # tech_difficulty of the first item (line 2)
    bad = tmp_path / "national_full.tsv"
    bad.write_text("\n".join([lines[0], "\t".join(fields), *lines[2:]]) + "\n", encoding="utf-8")
    rejected = _jixiao(["catalogue", "load", str(bad), "--kind", "national_items"], tmp_path)
    assert rejected.returncode == 1
    assert "文件 national_full.tsv，第 2 行，列「tech_difficulty」：值“高”不是 0–100 之间的数字" in rejected.stdout

    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    try:
        # The good load is still there, untouched by the rejected file.
        assert con.execute("SELECT count(*) FROM raw_reference.national_service_items").fetchone()[0] == 984
        assert con.execute("SELECT DISTINCT _source FROM raw_reference.national_service_items").fetchall() == [
            ("national_service_items_2023.sample.tsv",)
        ]
    finally:
        con.close()


def test_mapping_suggest_exports_the_review_sheet(tmp_path: Path, small_built):
    """After a run on the small demo (the session's shared run, read-only), the export lists every
    charged item without a standard item."""
    data = small_built.data
    assert small_built.returncode == 0, small_built.output
    out = tmp_path / "审核表.xlsx"
    proc = _jixiao(["mapping", "suggest", "--output", str(out)], data)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        n = con.execute("SELECT count(*) FROM marts.unmapped_charge_items").fetchone()[0]
    finally:
        con.close()
    assert n > 0 and f"{n} 个未对照项目" in proc.stdout

    from openpyxl import load_workbook

    ws = load_workbook(out)["收费项目对照审核表"]
    assert ws.max_row == n + 1
