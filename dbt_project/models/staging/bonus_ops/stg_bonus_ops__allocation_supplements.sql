-- 补录 (supplementary payments after issue). Grain: supplement_id.
with source as (

    select * from {{ source('bonus_ops', 'allocation_supplements') }}

),

final as (

    select
        supplement_id,
        period,
        perf_dept_code,
        staff_id,
        cast(amount as decimal(18, 2)) as amount,
        reason,
        recorded_by,
        recorded_at
    from source

)

select * from final
