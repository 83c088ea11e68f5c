-- 科室对照: every source system's department code → perf department, with effective dates.
-- Open-ended mappings get effective_to = 9999-12-31 so range joins need no null handling.
with source as (

    select * from {{ ref('dept_code_map') }}

),

final as (

    select
        source_system,
        source_dept_code,
        source_dept_name,
        perf_dept_code,
        effective_from,
        {{ jx_open_end('effective_to') }} as effective_to
    from source

)

select * from final
