-- Lines of the approved 二次分配 version per period × paying department (the latest approval wins).
-- Grain: version_id × line_no.
with versions as (

    select
        version_id,
        period,
        perf_dept_code,
        cast(dept_pool as decimal(18, 2)) as dept_pool,
        cast(coalesce(declared_reserve, 0) as decimal(18, 2)) as declared_reserve,
        file_name,
        file_hash,
        submitted_by,
        submitted_at,
        approved_by,
        approved_at,
        row_number() over (
            partition by period, perf_dept_code
            order by approved_at desc, version_id desc
        ) as row_rank
    from {{ source('bonus_ops', 'allocation_versions') }}
    where status = 'approved'

),

lines as (

    select * from {{ source('bonus_ops', 'allocation_lines') }}

),

final as (

    select
        v.version_id,
        v.period,
        v.perf_dept_code,
        v.dept_pool,
        v.declared_reserve,
        v.file_name,
        v.file_hash,
        v.submitted_by,
        v.submitted_at,
        v.approved_by,
        v.approved_at,
        cast(l.line_no as integer) as line_no,
        l.staff_id,
        l.staff_name,
        cast(l.amount as decimal(18, 2)) as amount,
        cast(l.suggested_amount as decimal(18, 2)) as suggested_amount,
        nullif(trim(l.transfer_dept_code), '') as transfer_dept_code,
        l.reason
    from versions as v
    inner join lines as l on l.version_id = v.version_id
    where v.row_rank = 1

)

select * from final
