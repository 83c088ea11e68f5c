"""Jobs and schedules: nightly refresh, monthly close, and the run-failure sensor."""


import json
from datetime import datetime, timedelta

import dagster as dg

from connectors.source_config import Period
from orchestration.defs.partitions import range_tags
from orchestration.settings import alerts_dir

# Everything, manual intake and the quality checks included: a nightly run also takes in any files
# waiting in the inbox, and checks the landed partitions before dbt builds on them. Last, after a
# successful build, the serving copy for Superset (服务副本, group serving).
PIPELINE_SELECTION = dg.AssetSelection.groups(
    "raw", "quality", "seeds", "staging", "intermediate", "marts", "serving"
)

nightly_refresh = dg.define_asset_job(
    "nightly_refresh",
    selection=PIPELINE_SELECTION,
    description="每日刷新：抽取昨日所在月份及上月（迟到数据），再全量 dbt build",
)
monthly_close = dg.define_asset_job(
    "monthly_close",
    selection=PIPELINE_SELECTION,
    description="月结：重抽上一个月的全部数据并 dbt build",
)


def nightly_partitions(scheduled: datetime) -> tuple[str, str]:
    """Yesterday's month, and the month before it for late-arriving records (迟到数据)."""
    yesterday = Period.parse((scheduled - timedelta(days=1)).strftime("%Y-%m"))
    return yesterday.previous().key, yesterday.key


def monthly_close_partition(scheduled: datetime) -> str:
    return Period.parse(scheduled.strftime("%Y-%m")).previous().key


@dg.schedule(job=nightly_refresh, cron_schedule="0 2 * * *", execution_timezone="Asia/Shanghai")
def nightly_refresh_schedule(context: dg.ScheduleEvaluationContext):
    first, last = nightly_partitions(context.scheduled_execution_time)
    return dg.RunRequest(run_key=f"nightly-{context.scheduled_execution_time:%Y%m%d}", tags=range_tags(first, last))


@dg.schedule(job=monthly_close, cron_schedule="0 3 5 * *", execution_timezone="Asia/Shanghai")
def monthly_close_schedule(context: dg.ScheduleEvaluationContext):
    period = monthly_close_partition(context.scheduled_execution_time)
    return dg.RunRequest(run_key=f"close-{period}", tags=range_tags(period, period))


@dg.run_failure_sensor(default_status=dg.DefaultSensorStatus.RUNNING)
def run_failure_recorder(context: dg.RunFailureSensorContext):
    """Record every failed run in data/alerts/run_failures.jsonl and send it to WeCom (企业微信)."""
    record = {
        "at": datetime.now().isoformat(timespec="seconds"),
        "run_id": context.dagster_run.run_id,
        "job": context.dagster_run.job_name,
        "tags": dict(context.dagster_run.tags),
        "message": context.failure_event.message,
    }
    alerts_dir().mkdir(parents=True, exist_ok=True)
    with (alerts_dir() / "run_failures.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")
    _notify_run_failure(context)  # WeCom hook


# ---- WeCom notifications (企业微信通知) ------------------------------------------------------
def _notify_run_failure(context: dg.RunFailureSensorContext) -> None:
    """Send notice_run_failure for the run's first failed step (tier source/connection for a step
    that reads the source systems, pipeline otherwise). Never fails the sensor: a warning line."""
    try:
        from connectors import notifiers

        step, error = None, context.failure_event.message
        for event in context.get_step_failure_events():
            step = event.step_key
            data = event.event_specific_data
            err = getattr(data, "error", None)
            while getattr(err, "cause", None) is not None:  # Dagster wraps the op's own exception
                err = err.cause
            error = (getattr(err, "message", None) or event.message or error or "").strip()
            break
        run = context.dagster_run
        result = notifiers.notify(notifiers.notice_run_failure(run.job_name, run.run_id, step, error))
        if result.status == "failed":
            context.log.warning("企业微信通知发送失败（详见 alerts/wecom_log.jsonl）")
    except Exception as exc:  # a notification never fails the sensor
        text = type(exc).__name__
        try:
            from connectors.notifiers.wecom import scrub

            text = scrub(f"{text}: {exc}")
        except Exception:  # the notifier itself is broken: the exception type only
            pass
        context.log.warning(f"企业微信通知未能发送：{text}")


# ---- end WeCom notifications ----------------------------------------------------------------


defs = dg.Definitions(
    jobs=[nightly_refresh, monthly_close],
    schedules=[nightly_refresh_schedule, monthly_close_schedule],
    sensors=[run_failure_recorder],
)
