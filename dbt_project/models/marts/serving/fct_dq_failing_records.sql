-- 数据质量监控 不符记录 (failing-record drill): the failing records of the latest result of each check.
-- Grain: partition × check_id × record (record_keys). Only rows of the run that gave the check's latest
-- result (fct_dq_check_results), so a fixed and rechecked partition shows no stale records.
with latest as (

    select run_id, partition_key, check_id, check_name, category_name, severity_name, system_name
    from {{ ref('fct_dq_check_results') }}

),

final as (

    select
        f.run_id,
        f."partition" as partition_key,
        case when length(f."partition") = 7 then f."partition" end as period,
        case when length(f."partition") = 7 then cast(f."partition" || '-01' as date) end as period_date,
        f.check_id,
        l.check_name,
        l.category_name,
        l.severity_name,
        l.system_name,
        f.source_system,
        f.table_name,
        f.record_keys,
        f.detail
    from {{ source('dq', 'dq_failing_records') }} as f
    inner join latest as l
        on l.run_id = f.run_id and l.partition_key = f."partition" and l.check_id = f.check_id

)

select * from final
