"""Recalculating the national indicators after a filing (国考指标重算).

``jixiao national submit`` calls :func:`refresh_national` first so that 上报 always checks the 勾稽
rules against the filings loaded *now* (``jixiao intake load 填报指标_….xlsx``), not against the
last nightly run. It builds only the filed-value staging model and the national models (with their
data tests; unit tests as ``JIXIAO_DBT_UNIT_TESTS`` says) and lands the 勾稽 results in
dq.dq_check_results.
The other sources are whatever the last pipeline run left in the warehouse.
"""

from __future__ import annotations

import subprocess
import uuid
from dataclasses import dataclass

from orchestration import settings

NATIONAL_SELECTION = (
    "stg_manual__filed_indicator",
    "path:models/intermediate/national",
    "path:models/marts/national",
)


class NationalRefreshError(RuntimeError):
    """The national models did not build; the message carries dbt's own summary lines."""


@dataclass(frozen=True)
class RefreshResult:
    run_id: str
    gouji_rows: int


def refresh_national() -> RefreshResult:
    """dbt build of the national selection, then land the 勾稽 results (one run id for both)."""
    from connectors.pseudonym_salt import ensure_pseudonym_salt
    from expectations.gouji import land_gouji_results_at

    settings.configure_environment()
    ensure_pseudonym_salt(settings.warehouse_path(), settings.ensure_pseudonym_salt())  # macro pseudonymise
    cmd = [
        "dbt", *settings.dbt_build_args(), "--select", *NATIONAL_SELECTION,
        "--project-dir", str(settings.DBT_PROJECT_DIR), "--profiles-dir", str(settings.DBT_PROJECT_DIR),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = [ln for ln in proc.stdout.splitlines() if "ERROR" in ln or "FAIL" in ln or "Error" in ln][-10:]
        raise NationalRefreshError(
            "国考指标重算失败（dbt build 未通过），未做勾稽审核：\n" + "\n".join(tail or proc.stdout.splitlines()[-10:])
        )
    run_id = f"gouji-refresh-{uuid.uuid4().hex[:12]}"
    rows = land_gouji_results_at(settings.warehouse_path(), run_id=run_id)
    return RefreshResult(run_id=run_id, gouji_rows=rows)
