"""What is in the warehouse: row counts per layer and freshness per source (数据新鲜度)."""

from __future__ import annotations

from dataclasses import dataclass

from connectors.source_config import load_sources

LAYER_ORDER = ("raw", "seeds", "staging", "intermediate", "marts", "meta")


@dataclass(frozen=True)
class TableCount:
    layer: str
    schema: str
    table: str
    rows: int


@dataclass(frozen=True)
class Freshness:
    system: str
    last_extracted_at: str | None
    latest_partition: str | None
    tables: int


def layer_of(schema: str) -> str:
    if schema == "raw_meta":  # extraction log, not data
        return "meta"
    return "raw" if schema.startswith("raw_") else schema


def table_counts(con) -> list[TableCount]:
    """Rows of every table in the layer schemas (DuckDB connection)."""
    rows = con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_schema LIKE 'raw\\_%' ESCAPE '\\' OR table_schema IN ('seeds','staging','intermediate','marts') "
        "ORDER BY table_schema, table_name"
    ).fetchall()
    out = []
    for schema, table in rows:
        n = con.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()[0]
        out.append(TableCount(layer_of(schema), schema, table, n))
    return out


def layer_totals(counts: list[TableCount]) -> dict[str, tuple[int, int]]:
    """layer → (tables, rows), in pipeline order."""
    totals: dict[str, list[int]] = {}
    for c in counts:
        t = totals.setdefault(c.layer, [0, 0])
        t[0] += 1
        t[1] += c.rows
    ordered = {k: tuple(totals[k]) for k in LAYER_ORDER if k in totals}
    ordered.update({k: tuple(v) for k, v in totals.items() if k not in ordered})
    return ordered


def freshness(con) -> list[Freshness]:
    out = []
    existing = {
        (s, t)
        for s, t in con.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall()
    }
    for system, spec in load_sources().items():
        last, part, n = None, None, 0
        for t in spec.tables:
            if (spec.raw_schema, t.raw_name) not in existing:
                continue
            n += 1
            lx, lp = con.execute(
                f"SELECT max(_extracted_at), max(CASE WHEN _partition <> '_all' THEN _partition END) "
                f"FROM {spec.raw_schema}.{t.raw_name}"
            ).fetchone()
            last = max(filter(None, [last, lx]), default=None)
            part = max(filter(None, [part, lp]), default=None)
        out.append(Freshness(system, str(last) if last else None, part, n))
    return out
