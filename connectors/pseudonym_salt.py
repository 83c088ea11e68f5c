"""The pseudonymisation salt inside the warehouse (假名化盐值), where dbt reads it at run time.

The dbt macro ``pseudonymise`` hashes patient identifiers with
``md5((select salt from jixiao_private.pseudonym_salt) || '|' || id)``. The salt is therefore never
part of the SQL dbt compiles, so it appears in no dbt artefact (manifest.json, run_results.json,
compiled/ and run/ SQL, dbt.log). :func:`ensure_pseudonym_salt` writes it into the warehouse before
every dbt build; the serving copy (marts, dq) does not carry the ``jixiao_private`` schema.
"""

from __future__ import annotations

import re
from pathlib import Path

from connectors.warehouse import ensure_tables

SCHEMA = "jixiao_private"
TABLE = "pseudonym_salt"
#: 16–128 characters of [A-Za-z0-9_-]: a salt is written as an SQL literal only after this check.
SALT_PATTERN = re.compile(r"^[A-Za-z0-9_\-]{16,128}$")


def ensure_pseudonym_salt(target: str | Path, salt: str) -> None:
    """Make ``jixiao_private.pseudonym_salt`` hold exactly ``salt`` (DuckDB file or PostgreSQL URL)."""
    if not SALT_PATTERN.match(salt or ""):
        raise ValueError("pseudonymisation salt must be 16–128 characters of [A-Za-z0-9_-]")
    ensure_tables(
        target,
        [
            f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}",
            f"CREATE TABLE IF NOT EXISTS {SCHEMA}.{TABLE} (salt VARCHAR NOT NULL)",
            f"DELETE FROM {SCHEMA}.{TABLE}",
            f"INSERT INTO {SCHEMA}.{TABLE} VALUES ('{salt}')",
        ],
    )
    if "://" not in str(target) and not str(target).startswith(("host=", "dbname=")):
        # the warehouse holds the salt and the raw patient rows: readable by its owner only
        for path in (Path(target), Path(f"{target}.wal")):
            if path.exists():
                path.chmod(0o600)
