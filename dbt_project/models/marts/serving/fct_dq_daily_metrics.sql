-- 数据质量监控 每日指标: rows, completion rate, null rate and anomalies per source table and day, from
-- the latest run that measured that table and day. Grain: source_system × table_name × day.
--   completion_rate 完整率 = rows ÷ median rows of the same weekday over the trailing 8 weeks
--                   (expectations/daily_metrics.py); NULL where that median is unknown or 0 (the store
--                   writes NaN there)
with ranked as (

    select
        m.*,
        row_number() over (
            partition by m.source_system, m.table_name, m.day
            order by m.run_id desc
        ) as metric_rank
    from {{ source('dq', 'dq_daily_metrics') }} as m

),

final as (

    select
        r.run_id,
        r."partition" as partition_key,
        {{ jx_month('r.day') }} as period,
        r.day,
        r.source_system,
        case r.source_system
            when 'his' then 'HIS'
            when 'finance' then '财务'
            when 'cost' then '成本核算'
            when 'hr' then '人事'
            when 'beds' then '床位'
            else r.source_system
        end as system_name,
        r.table_name,
        cast(r.row_count as bigint) as row_count,
        cast(nullif(r.completion_rate, cast('NaN' as double precision)) as double precision) as completion_rate,
        cast(nullif(r.null_rate, cast('NaN' as double precision)) as double precision) as null_rate,
        cast(coalesce(r.anomaly_count, 0) as bigint) as anomaly_count
    from ranked as r
    where r.metric_rank = 1

)

select * from final
