-- 数据质量阻断: periods whose LATEST quality run (per partition) has a failed error-severity check.
-- The bonus layer skips them (int_bonus__dept_facts), so a period with broken source data gets no
-- bonus until the data is fixed (e.g. `jixiao recollect`) and the checks pass; other periods of the
-- same run still complete. Warnings never block. Grain: period.
with results as (

    select * from {{ source('dq', 'dq_check_results') }}

),

runs as (

    select "partition" as period, run_id, max(checked_at) as checked_at
    from results
    group by "partition", run_id

),

latest as (

    select period, run_id
    from (
        select
            runs.*,
            row_number() over (partition by period order by checked_at desc, run_id desc) as run_rank
        from runs
    ) as ranked
    where run_rank = 1

),

final as (

    select
        r."partition" as period,
        count(*) as failed_error_checks,
        min(r.check_id) as first_check_id
    from results as r
    inner join latest as l
        on l.period = r."partition" and l.run_id = r.run_id
    -- dbt test rows (partition '_all') never block a period: a failing error dbt test fails the build;
    -- 勾稽 rows (layer gouji, partition = a year) block 上报 of national filings, not bonus months
    where r.severity = 'error' and not r.passed and r."partition" <> '_all' and coalesce(r.layer, '') <> 'gouji'
    group by r."partition"

)

select * from final
