"""Standard catalogue loader (标准项目库导入): validation, all-or-nothing loads, provenance."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from connectors.catalogue import (
    REFERENCE_DIR,
    CatalogueValidationError,
    catalogue_kinds,
    ensure_shipped_catalogues,
    load_catalogue,
    read_catalogue,
    validate_catalogue,
)

NATIONAL = REFERENCE_DIR / "national_service_items_2023.sample.tsv"
CROSSWALK = REFERENCE_DIR / "service_code_crosswalk_2023_2012.sample.tsv"
HUBEI = REFERENCE_DIR / "hubei_price_items_2023.sample.tsv"
EXPECTED = {
    "national_items": ("raw_reference.national_service_items", NATIONAL, 984, "2023"),
    "crosswalk": ("raw_reference.service_code_crosswalk", CROSSWALK, 939, "2023"),
    "provincial_prices": ("raw_reference.provincial_price_items", HUBEI, 578, "hubei-2023"),
}


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def write_lines(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def set_field(line: str, header: str, column: str, value: str) -> str:
    fields = line.split("\t")
    fields[header.split("\t").index(column)] = value
    return "\t".join(fields)


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def snapshot(db: Path) -> tuple:
    return (
        query(db, "SELECT count(*), min(_batch_id), max(_source) FROM raw_reference.national_service_items"),
        query(db, "SELECT count(*) FROM raw_reference.catalogue_loads"),
    )


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "warehouse.duckdb"


@pytest.fixture
def loaded_db(db) -> Path:
    """A warehouse that already holds the national sample (the previous content)."""
    load_catalogue(NATIONAL, "national_items", db)
    return db


# -- the shipped samples -----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", list(EXPECTED))
def test_shipped_sample_validates_and_loads(kind, db):
    table, path, rows, edition = EXPECTED[kind]
    cf = read_catalogue(path, kind)
    errors = validate_catalogue(cf)
    assert errors == [] and errors.total == 0
    assert len(cf.rows) == rows and cf.line_numbers[0] == 2 and cf.line_numbers[-1] == rows + 1

    result = load_catalogue(path, kind, db)
    assert (result.action, result.rows, result.edition, result.table_name) == ("loaded", rows, edition, table)
    assert result.is_shipped_sample is True

    header = lines(path)[0].split("\t")
    described = query(db, f"DESCRIBE {table}")
    assert [r[0] for r in described] == [*header, "_partition", "_batch_id", "_extracted_at", "_source"]
    assert {r[1] for r in described[: len(header)]} == {"VARCHAR"}
    assert described[len(header) + 2][1] == "TIMESTAMP"
    assert query(db, f"SELECT count(*), min(_partition), max(_partition), max(_source) FROM {table}") == [
        (rows, edition, edition, path.name)
    ]
    log = query(
        db,
        "SELECT kind, table_name, edition, file_name, sha256, rows, source_note, is_shipped_sample, "
        "loaded_at IS NOT NULL, batch_id FROM raw_reference.catalogue_loads",
    )
    assert log == [(kind, table, edition, path.name, result.sha256, rows, "", True, True, result.batch_id)]


def test_values_kept_as_text_and_empty_becomes_null(db):
    load_catalogue(NATIONAL, "national_items", db)
    load_catalogue(CROSSWALK, "crosswalk", db)
    load_catalogue(HUBEI, "provincial_prices", db)
    nat = "raw_reference.national_service_items"
    # 11 bed rows + 29 chapter-十一 rows have no tech_difficulty; values are not coerced
    assert query(db, f"SELECT count(*) FROM {nat} WHERE tech_difficulty IS NULL") == [(40,)]
    assert query(db, f"SELECT count(*) FROM {nat} WHERE tech_difficulty = ''") == [(0,)]
    assert query(
        db, "SELECT count(*) FROM raw_reference.provincial_price_items WHERE item_code = '110200006x'"
    ) == [(1,)]
    cw = "raw_reference.service_code_crosswalk"
    assert query(db, f"SELECT count(*) FROM {cw} WHERE code_2023 IS NULL") == [(92,)]
    assert query(db, f"SELECT count(*) FROM {cw} WHERE code_2023 = 'ABCA0001'") == [(2,)]
    assert query(db, f"SELECT name_2023 FROM {cw} WHERE code_2023 = 'AAAA-AAAD'") == [("西医诊察",)]


def test_crosswalk_headings_are_recognised():
    from connectors.catalogue.files import count_headings

    assert count_headings(read_catalogue(CROSSWALK, "crosswalk")) == 63


# -- ensure_shipped_catalogues -----------------------------------------------------------------------
def test_ensure_shipped_catalogues_is_idempotent(db):
    first = ensure_shipped_catalogues(db)
    assert [(r.kind, r.action, r.rows) for r in first] == [
        ("national_items", "loaded", 984),
        ("crosswalk", "loaded", 939),
        ("provincial_prices", "loaded", 578),
    ]
    batches = query(db, "SELECT kind, batch_id FROM raw_reference.catalogue_loads ORDER BY kind")
    second = ensure_shipped_catalogues(db)
    assert [r.action for r in second] == ["unchanged"] * 3
    assert query(db, "SELECT kind, batch_id FROM raw_reference.catalogue_loads ORDER BY kind") == batches
    assert query(db, "SELECT count(DISTINCT _batch_id) FROM raw_reference.national_service_items") == [(1,)]


def test_ensure_never_overwrites_a_hospital_catalogue(db, tmp_path):
    ensure_shipped_catalogues(db)
    full = tmp_path / "national_full.tsv"
    write_lines(full, lines(NATIONAL)[:101])  # "the hospital's full catalogue": a different file
    result = load_catalogue(
        full, "national_items", db, edition="2023-hospital", source_note="医保局下发完整版"
    )
    assert result.is_shipped_sample is False and result.rows == 100

    again = ensure_shipped_catalogues(db)
    assert [r.action for r in again] == ["kept", "unchanged", "unchanged"]
    assert again[0].file_name == "national_full.tsv" and again[0].rows == 100
    assert query(
        db, "SELECT count(*), min(_partition), min(_source) FROM raw_reference.national_service_items"
    ) == [(100, "2023-hospital", "national_full.tsv")]


def test_ensure_reloads_a_changed_sample_but_keeps_unknown_content(db, tmp_path):
    ref = tmp_path / "ref"
    shutil.copytree(REFERENCE_DIR, ref)
    ensure_shipped_catalogues(db, ref)
    ref.joinpath(HUBEI.name).chmod(0o644)
    write_lines(ref / HUBEI.name, lines(HUBEI)[:51])  # a newer sample ships
    results = ensure_shipped_catalogues(db, ref)
    assert [(r.action, r.rows) for r in results] == [("unchanged", 984), ("unchanged", 939), ("loaded", 50)]

    other = tmp_path / "other.duckdb"  # a table put there by hand, no load record: leave it alone
    con = duckdb.connect(str(other))
    con.execute("CREATE SCHEMA raw_reference")
    con.execute("CREATE TABLE raw_reference.national_service_items (item_code VARCHAR)")
    con.execute("INSERT INTO raw_reference.national_service_items VALUES ('AAAA0001')")
    con.close()
    assert [r.action for r in ensure_shipped_catalogues(other)] == ["kept", "loaded", "loaded"]


def test_shipped_flag_is_detected_from_content(db, tmp_path):
    copy = tmp_path / "renamed.tsv"
    shutil.copyfile(NATIONAL, copy)
    assert load_catalogue(copy, "national_items", db).is_shipped_sample is True
    # a byte-identical copy loaded by hand is still the demo sample (not a hospital catalogue)
    assert [r.action for r in ensure_shipped_catalogues(db)] == ["unchanged", "loaded", "loaded"]


# -- bad files: exact message, nothing loaded, previous content stays -------------------------------
def _reject(db: Path, path: Path, kind: str = "national_items") -> list[str]:
    before = snapshot(db)
    with pytest.raises(CatalogueValidationError) as info:
        load_catalogue(path, kind, db)
    assert snapshot(db) == before
    exc = info.value
    assert exc.total == len(exc.errors)
    assert str(exc).startswith(f"目录文件 {path.name}（")
    assert "未导入任何数据" in str(exc)
    return [e.message for e in exc.errors]


def test_duplicate_item_code_names_both_lines(loaded_db, tmp_path):
    rows = lines(NATIONAL)
    header = rows[0]
    rows[11] = set_field(rows[11], header, "item_code", rows[1].split("\t")[0])
    bad = write_lines(tmp_path / "national_full.tsv", rows)
    assert _reject(loaded_db, bad) == [
        "文件 national_full.tsv，第 12 行，列「item_code」：值“AAAA0001”与第 2 行重复"
    ]


def test_missing_required_column(loaded_db, tmp_path):
    rows = [line.split("\t") for line in lines(NATIONAL)]
    idx = rows[0].index("risk_level")
    bad = write_lines(tmp_path / "national_full.tsv", ["\t".join(r[:idx] + r[idx + 1 :]) for r in rows])
    assert _reject(loaded_db, bad) == ["文件 national_full.tsv，第 1 行（表头）：缺少必需的列「risk_level」"]


def test_text_in_tech_difficulty(loaded_db, tmp_path):
    rows = lines(NATIONAL)
    rows[11] = set_field(rows[11], rows[0], "tech_difficulty", "高")
    bad = write_lines(tmp_path / "national_full.tsv", rows)
    assert _reject(loaded_db, bad) == [
        "文件 national_full.tsv，第 12 行，列「tech_difficulty」：值“高”不是 0–100 之间的数字"
    ]


def test_risk_level_out_of_range_and_negative_hr_value(loaded_db, tmp_path):
    rows = lines(NATIONAL)
    rows[4] = set_field(rows[4], rows[0], "risk_level", "150")
    rows[5] = set_field(rows[5], rows[0], "hr_value", "-1")
    bad = write_lines(tmp_path / "national_full.tsv", rows)
    assert _reject(loaded_db, bad) == [
        "文件 national_full.tsv，第 5 行，列「risk_level」：值“150”不是 0–100 之间的数字",
        "文件 national_full.tsv，第 6 行，列「hr_value」：值“-1”不是大于或等于 0 的数字",
    ]


def test_bad_code_format(loaded_db, tmp_path):
    rows = lines(NATIONAL)
    rows[2] = set_field(rows[2], rows[0], "item_code", "aaaa0002")
    rows[3] = set_field(rows[3], rows[0], "item_code", "AAAA0003 ")
    bad = write_lines(tmp_path / "national_full.tsv", rows)
    want = "格式不对，应为 8 位的 2023 版国家项目编码（1 个大写字母 + 7 位大写字母或数字）"
    assert _reject(loaded_db, bad) == [
        f"文件 national_full.tsv，第 3 行，列「item_code」：值“aaaa0002”{want}",
        f"文件 national_full.tsv，第 4 行，列「item_code」：值“AAAA0003 ”{want}（值的首尾有空格）",
    ]


def test_bad_nine_digit_code_in_provincial_and_crosswalk(loaded_db, tmp_path):
    rows = lines(HUBEI)
    rows[1] = set_field(rows[1], rows[0], "item_code", "11010001")
    bad = write_lines(tmp_path / "hubei_full.tsv", rows)
    want = "格式不对，应为 9 位数字的 2001 版项目编码（可带小写字母子项后缀和/或 x 后缀，如 110200006x）"
    assert _reject(loaded_db, bad, "provincial_prices") == [
        f"文件 hubei_full.tsv，第 2 行，列「item_code」：值“11010001”{want}"
    ]
    rows = lines(CROSSWALK)
    rows[5] = set_field(rows[5], rows[0], "code_2001", "ABC")
    rows[6] = "\t".join(["", "某项目", "", "", "", "", "", "", ""])  # no code at all, not a heading
    bad = write_lines(tmp_path / "crosswalk_full.tsv", rows)
    assert _reject(loaded_db, bad, "crosswalk") == [
        f"文件 crosswalk_full.tsv，第 6 行，列「code_2001」：值“ABC”{want}",
        "文件 crosswalk_full.tsv，第 7 行：code_2023、code_2012、code_2001 都为空：除分类标题行外，每行至少要有一个编码",
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "文件为空，没有表头也没有数据"),
        (b"\n\n", "文件为空，没有表头也没有数据"),
        (None, "只有表头，没有数据行"),
    ],
)
def test_empty_file(loaded_db, tmp_path, content, reason):
    bad = tmp_path / "national_full.tsv"
    bad.write_bytes(content if content is not None else (lines(NATIONAL)[0] + "\n").encode())
    assert _reject(loaded_db, bad) == [f"文件 national_full.tsv：{reason}"]


def test_wrong_field_count_and_many_errors_are_capped(loaded_db, tmp_path):
    rows = lines(NATIONAL)
    rows[7] = rows[7].rsplit("\t", 1)[0]
    for i in range(20, 400):
        rows[i] = set_field(rows[i], rows[0], "risk_level", "x")
    bad = write_lines(tmp_path / "national_full.tsv", rows)
    before = snapshot(loaded_db)
    with pytest.raises(CatalogueValidationError) as info:
        load_catalogue(bad, "national_items", loaded_db)
    assert snapshot(loaded_db) == before
    exc = info.value
    assert exc.total == 381 and len(exc.errors) == 200 and exc.errors.truncated
    assert (
        exc.errors[0].message
        == "文件 national_full.tsv，第 8 行：有 18 个字段，表头有 19 个（分隔符或引号可能有误）"
    )
    assert "共发现 381 个问题" in str(exc) and "……另有 361 个问题未列出" in str(exc)


def test_bad_file_into_empty_warehouse_creates_nothing(db, tmp_path):
    bad = tmp_path / "national_full.tsv"
    bad.write_bytes(b"")
    with pytest.raises(CatalogueValidationError):
        load_catalogue(bad, "national_items", db)
    assert not db.exists() or query(db, "SELECT count(*) FROM information_schema.tables") == [(0,)]


# -- other formats ---------------------------------------------------------------------------------------
def test_gb18030_csv_loads(db, tmp_path):
    src = [line.split("\t") for line in lines(HUBEI)]
    path = tmp_path / "湖北价格目录.csv"
    with open(path, "w", encoding="gb18030", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(src)
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    cf = read_catalogue(path, "provincial_prices")
    assert cf.encoding == "gb18030" and cf.delimiter == ","
    result = load_catalogue(path, "provincial_prices", db, edition="hubei-2023-full", source_note="省医保局")
    assert (result.rows, result.is_shipped_sample, result.edition) == (578, False, "hubei-2023-full")
    sample_row = dict(zip(src[0], src[1], strict=True))
    got = query(
        db,
        "SELECT item_name, cat_name, _source FROM raw_reference.provincial_price_items WHERE item_code = '110100001'",
    )
    assert got == [(sample_row["item_name"], sample_row["cat_name"], "湖北价格目录.csv")]
    assert query(db, "SELECT source_note, edition FROM raw_reference.catalogue_loads") == [
        ("省医保局", "hubei-2023-full")
    ]


def test_utf8_bom_csv_with_quoted_fields(db, tmp_path):
    src = [line.split("\t") for line in lines(NATIONAL)[:21]]
    src[1][3] = '含逗号, 和"引号"\n以及换行'
    path = tmp_path / "national.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(src)
    cf = read_catalogue(path, "national_items")
    assert cf.columns[0] == "item_code" and cf.line_numbers[:2] == [2, 4]
    assert load_catalogue(path, "national_items", db).rows == 20
    assert query(db, "SELECT item_content FROM raw_reference.national_service_items LIMIT 1") == [
        (src[1][3],)
    ]


def test_xlsx_first_sheet_loads_with_row_numbers(db, tmp_path):
    from openpyxl import Workbook

    src = [line.split("\t") for line in lines(NATIONAL)[:31]]
    wb = Workbook()
    ws = wb.active
    for r in src:
        ws.append(
            [
                float(v) if v and r is not src[0] and c in ("tech_difficulty", "hr_value") else v
                for c, v in zip(src[0], r, strict=True)
            ]
        )
    ws.append([None] * len(src[0]))  # trailing empty row
    ws.cell(row=5, column=src[0].index("risk_level") + 1, value="高风险")
    wb.create_sheet("其他")
    path = tmp_path / "国家项目.xlsx"
    wb.save(path)
    errors = validate_catalogue(read_catalogue(path, "national_items"))
    assert [e.message for e in errors] == [
        "文件 国家项目.xlsx，第 5 行，列「risk_level」：值“高风险”不是 0–100 之间的数字"
    ]
    ws.cell(row=5, column=src[0].index("risk_level") + 1, value=src[4][src[0].index("risk_level")])
    wb.save(path)
    assert load_catalogue(path, "national_items", db).rows == 30
    got = query(db, "SELECT tech_difficulty, hr_value FROM raw_reference.national_service_items")
    expected = [
        (r[src[0].index("tech_difficulty")] or None, r[src[0].index("hr_value")] or None) for r in src[1:]
    ]
    assert got == expected


def test_unknown_kind_and_unsupported_extension(tmp_path):
    with pytest.raises(ValueError, match="未知的目录种类「prices」"):
        read_catalogue(HUBEI, "prices")
    (tmp_path / "a.xls").write_bytes(b"x")
    with pytest.raises(ValueError, match="不支持的文件类型「.xls」"):
        read_catalogue(tmp_path / "a.xls", "national_items")
    assert set(catalogue_kinds()) == set(EXPECTED)


def test_postgres_target_is_refused_clearly():
    with pytest.raises(NotImplementedError, match="只能导入 DuckDB"):
        ensure_shipped_catalogues("postgresql://localhost/jixiao")
