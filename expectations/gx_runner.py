"""Validate pandas batches with Great Expectations (GX 1.x, ephemeral context, pandas datasource).

GX's SQL datasource fails on DuckDB, so each :class:`~expectations.check.Frame` is queried from
DuckDB into a DataFrame and validated as a whole-dataframe batch. All checks of a frame form one
``gx.ExpectationSuite`` validated in one pass; each expectation carries its ``check_id`` in
``meta``. ``result_format=COMPLETE`` with the frame's key columns as
``unexpected_index_column_names`` gives the failing rows' source keys.
"""

from __future__ import annotations

import logging
import os
from functools import cache

from expectations.check import Check, Frame
from expectations.outcome import RECORD_CAP, Outcome, plain


@cache
def _batch_definition():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context.variables.progress_bars = ProgressBarsConfig(globally=False)
    except Exception:  # noqa: BLE001 - cosmetic only
        pass
    source = context.data_sources.add_pandas("jixiao_dq")
    asset = source.add_dataframe_asset("partition_batch")
    return asset.add_batch_definition_whole_dataframe("whole")


def build_expectation(check: Check, partition: str):
    import great_expectations as gx

    cls = getattr(gx.expectations, check.gx.expectation)
    return cls(**check.gx.arguments(partition), meta={"check_id": check.check_id})


def validate_frame(df, frame: Frame, checks: list[Check], partition: str) -> list[Outcome]:
    import great_expectations as gx

    batch_definition = _batch_definition()  # creates the context first: suites need one
    suite = gx.ExpectationSuite(name=f"{frame.layer}.{frame.system}.{frame.table}")
    by_id = {c.check_id: c for c in checks}
    for c in checks:
        suite.add_expectation(build_expectation(c, partition))
    batch = batch_definition.get_batch(batch_parameters={"dataframe": df})
    keys = [k for k in frame.keys if k in df.columns]
    result = batch.validate(
        suite, result_format={"result_format": "COMPLETE", "unexpected_index_column_names": keys}
    )
    outcomes = []
    for r in result.results:
        cfg = r.expectation_config
        check = by_id[cfg.meta["check_id"]]
        res = r.result or {}
        exc = (r.exception_info or {}).get("exception_message") if r.exception_info else None
        if r.exception_info and r.exception_info.get("raised_exception"):
            outcomes.append(Outcome(check, False, f"异常: {exc}", 0, [], cfg.type))
            continue
        n = int(res.get("unexpected_count") or 0)
        total = res.get("element_count")
        if "observed_value" in res and not n:
            observed = str(res["observed_value"])
        else:
            pct = res.get("unexpected_percent")
            observed = f"{n}/{total}" + (f" ({pct:.3f}%)" if pct else "")
        records = []
        for row in (res.get("unexpected_index_list") or [])[:RECORD_CAP]:
            row = dict(row) if isinstance(row, dict) else {"index": row}
            k = {c: plain(row.pop(c)) for c in keys if c in row}
            records.append((k, {c: plain(v) for c, v in row.items()}))
        outcomes.append(Outcome(check, bool(r.success), observed, n, records, cfg.type))
    return outcomes
