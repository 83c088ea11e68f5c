-- 数据质量监控 serving mart: the latest result of every check in every partition. Grain: partition ×
-- check_id. dq.dq_check_results keeps every run (an audit trail); a rerun of one system's checks
-- (`jixiao recollect`) writes a run with only that system's checks, so "latest" is taken per check:
-- the row with the greatest checked_at, ties by run_id. Partitions: 'YYYY-MM' (source checks, period
-- filled), '_all' (dbt tests, landed after a build: they show here from the next build on) and 'YYYY'
-- (勾稽 rules of the economic monitoring year).
-- Labels are Chinese for the dashboards: category_name 完整性/一致性/合理性 (Kahn, expectations/check.py),
-- severity_name 错误/警告, system_name, result_name 通过/未通过.
with results as (

    select
        r.*,
        row_number() over (
            partition by r."partition", r.check_id
            order by r.checked_at desc, r.run_id desc
        ) as result_rank
    from {{ source('dq', 'dq_check_results') }} as r

),

final as (

    select
        r.run_id,
        r."partition" as partition_key,
        case when length(r."partition") = 7 then r."partition" end as period,
        case when length(r."partition") = 7 then cast(r."partition" || '-01' as date) end as period_date,
        r.check_id,
        r.check_name,
        r.category,
        case r.category
            when 'completeness' then '完整性'
            when 'conformance' then '一致性'
            when 'plausibility' then '合理性'
            else r.category
        end as category_name,
        r.severity,
        case r.severity when 'error' then '错误' when 'warn' then '警告' else r.severity end as severity_name,
        r.layer,
        r.system,
        case r.system
            when 'his' then 'HIS'
            when 'finance' then '财务'
            when 'cost' then '成本核算'
            when 'hr' then '人事'
            when 'beds' then '床位'
            when 'dbt' then 'dbt 模型测试'
            when 'national' then '国考勾稽'
            else r.system
        end as system_name,
        r.table_name,
        r.observed_value,
        r.threshold,
        r.passed,
        case when r.passed then '通过' else '未通过' end as result_name,
        cast(coalesce(r.failing_count, 0) as bigint) as failing_count,
        r.expectation_type,
        r.checked_at
    from results as r
    where r.result_rank = 1

)

select * from final
