"""Running the pipeline through Dagster in process, and reading back what happened.

Used by the ``jixiao`` command: ``run_pipeline`` materialises a job for a range of months with
the instance in ``$DAGSTER_HOME`` (so runs show up in ``dagster dev`` and ``jixiao status``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import dagster as dg

from orchestration.defs.partitions import range_tags


@dataclass(frozen=True)
class StepTiming:
    step: str
    seconds: float
    status: str


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    job: str
    success: bool
    started: datetime | None
    seconds: float
    steps: list[StepTiming]
    failures: tuple[tuple[str, str], ...] = ()  # (step, the innermost error message, one line)


def load_definitions() -> dg.Definitions:
    """Re-parse the dbt project (partial parsing makes it quick), then import the definitions.

    Always parsing means a model added since the last run is never missing from the manifest."""
    from orchestration.defs.dbt.project import prepare_dbt_manifest

    prepare_dbt_manifest(force=True)
    from orchestration.definitions import defs

    return defs


def run_pipeline(
    first: str,
    last: str,
    *,
    job_name: str = "nightly_refresh",
    select: str | None = None,
    instance: dg.DagsterInstance | None = None,
    raise_on_error: bool = True,
    log_level: str = "INFO",
) -> RunSummary:
    """Materialise ``job_name`` for months ``first``..``last`` in one run, holding the data folder's
    run lock (orchestration/run_lock.py): a second run started meanwhile is refused, never interleaved."""
    from orchestration import settings
    from orchestration.run_lock import pipeline_lock

    with pipeline_lock(settings.data_dir(), f"jixiao {job_name} {first}…{last}"):
        return _run_locked(first, last, job_name, select, instance, raise_on_error, log_level)


def _run_locked(first, last, job_name, select, instance, raise_on_error, log_level) -> RunSummary:
    defs = load_definitions()
    job = defs.resolve_job_def(job_name)
    instance = instance or dg.DagsterInstance.get()
    selection = None
    if select:
        graph = defs.resolve_asset_graph()
        # Multi-assets that cannot be subset (intake, catalogues) come whole.
        chosen = dg.AssetSelection.from_string(select).required_multi_asset_neighbors()
        selection = sorted(chosen.resolve(graph))
        if not selection:
            raise ValueError(f"--select 没有选中任何资产：{select}")
    result = job.execute_in_process(
        run_config={"loggers": {"one_line_console": {"config": {"log_level": log_level}}}},
        instance=instance,
        tags=range_tags(first, last),
        asset_selection=selection,
        raise_on_error=raise_on_error,
    )
    return summarise_run(instance, result.run_id)


def summarise_run(instance: dg.DagsterInstance, run_id: str) -> RunSummary:
    run = instance.get_run_by_id(run_id)
    stats = instance.get_run_stats(run_id)
    steps = [
        StepTiming(
            s.step_key,
            round((s.end_time or s.start_time or 0) - (s.start_time or 0), 2),
            s.status.value if s.status else "?",
        )
        for s in instance.get_run_step_stats(run_id)
    ]
    started = datetime.fromtimestamp(stats.start_time) if stats.start_time else None
    seconds = round((stats.end_time or 0) - (stats.start_time or 0), 2) if stats.start_time else 0.0
    return RunSummary(run_id, run.job_name, run.is_success, started, seconds, steps, _failures(instance, run_id))


def _failures(instance: dg.DagsterInstance, run_id: str) -> tuple[tuple[str, str], ...]:
    """(step, the innermost cause's message on one line) of every failed step of the run."""
    out = []
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        event = record.dagster_event
        error = event.step_failure_data.error if event and event.step_failure_data else None
        while error is not None and error.cause is not None:
            error = error.cause
        message = " ".join((error.message if error else "").split())
        out.append((event.step_key if event else "?", message))
    return tuple(out)


def recent_runs(instance: dg.DagsterInstance, limit: int = 10) -> list[RunSummary]:
    return [summarise_run(instance, r.run_id) for r in instance.get_runs(limit=limit)]
