-- 个人奖金 (live) from approved 二次分配 versions, 补录 and declared 科室留存. One row per line:
--   allocation    a person of the paying department (home dept = paying dept)
--   transfer      划拨: a person of another department paid from this department's pool (home dept =
--                 transfer_dept_code): 划拨 out of the paying dept, 划拨 in to the home dept
--   dept_reserve  科室留存 declared on the sheet (no person; home dept = paying dept)
--   supplement    补录 after issue (home dept = the department it was recorded for)
-- Σ over home dept D = dept bonus(D) + 划拨 in − 划拨 out + 补录 (tests/assert_staff_bonus_reconciles.sql).
-- Grain: period × paying_dept_code × line_type × line_ref.
with lines as (

    select * from {{ ref('stg_bonus_ops__allocation_lines') }}

),

versions as (

    select distinct version_id, period, perf_dept_code, declared_reserve, approved_by
    from lines

),

supplements as (

    select * from {{ ref('stg_bonus_ops__allocation_supplements') }}

),

final as (

    select
        period,
        perf_dept_code as paying_dept_code,
        coalesce(transfer_dept_code, perf_dept_code) as home_dept_code,
        case when transfer_dept_code is null then 'allocation' else 'transfer' end as line_type,
        cast(line_no as varchar) as line_ref,
        staff_id,
        staff_name,
        amount,
        suggested_amount,
        version_id,
        reason
    from lines
    union all
    select
        period,
        perf_dept_code,
        perf_dept_code,
        'dept_reserve',
        'reserve',
        cast(null as varchar),
        cast(null as varchar),
        declared_reserve,
        cast(null as decimal(18, 2)),
        version_id,
        '科室留存'
    from versions
    where declared_reserve <> 0
    union all
    select
        period,
        perf_dept_code,
        perf_dept_code,
        'supplement',
        supplement_id,
        staff_id,
        cast(null as varchar),
        amount,
        cast(null as decimal(18, 2)),
        cast(null as varchar),
        reason
    from supplements

)

select * from final
