-- 复核调整 in force: active rows, the latest per component. Grain: period × dept × group × component.
with source as (

    select * from {{ source('bonus_ops', 'adjustments') }}

),

ranked as (

    select
        adjustment_id,
        period,
        perf_dept_code,
        accounting_group,
        component_code,
        cast(old_value as decimal(18, 2)) as old_value,
        cast(new_value as decimal(18, 2)) as new_value,
        reason,
        adjusted_by,
        adjusted_at,
        row_number() over (
            partition by period, perf_dept_code, accounting_group, component_code
            order by adjusted_at desc, adjustment_id desc
        ) as row_rank
    from source
    where is_active

),

final as (

    select adjustment_id, period, perf_dept_code, accounting_group, component_code, old_value, new_value,
           reason, adjusted_by, adjusted_at
    from ranked
    where row_rank = 1

)

select * from final
