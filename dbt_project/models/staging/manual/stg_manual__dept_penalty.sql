-- 科室核减（手工填报）: rename, cast, deduplicate. Grain: period × perf department × penalty item.
with source as (

    select * from {{ source('manual', 'dept_penalty') }}

),

renamed as (

    select
        {{ stg_cast('period', 'text') }} as period,
        {{ stg_cast('dept_code', 'text') }} as perf_dept_code,
        {{ stg_cast('penalty_item', 'text') }} as penalty_item,
        {{ stg_cast('amount', 'dec2') }} as amount,
        {{ stg_cast('reason', 'text') }} as reason,
        {{ stg_cast('registrant', 'text') }} as registrant,
        _source as source_file,
        _batch_id as batch_id,
        _extracted_at as extracted_at
    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by period, perf_dept_code, penalty_item
            order by extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select period, perf_dept_code, penalty_item, amount, reason, registrant, source_file, batch_id, extracted_at
    from ranked
    where row_rank = 1

)

select * from final
