-- 科室目标值（手工填报）: rename, cast, deduplicate. Grain: period × perf department × indicator.
with source as (

    select * from {{ source('manual', 'kpi_target') }}

),

renamed as (

    select
        {{ stg_cast('period', 'text') }} as period,
        {{ stg_cast('dept_code', 'text') }} as perf_dept_code,
        {{ stg_cast('indicator_code', 'text') }} as indicator_code,
        cast(nullif(trim(target), '') as decimal(18, 6)) as target,
        cast(nullif(trim(baseline), '') as decimal(18, 6)) as baseline,
        cast(nullif(trim(best), '') as decimal(18, 6)) as best,
        {{ stg_cast('remark', 'text') }} as remark,
        _batch_id as batch_id,
        _extracted_at as extracted_at
    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by period, perf_dept_code, indicator_code
            order by extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select period, perf_dept_code, indicator_code, target, baseline, best, remark, batch_id, extracted_at
    from ranked
    where row_rank = 1

)

select * from final
