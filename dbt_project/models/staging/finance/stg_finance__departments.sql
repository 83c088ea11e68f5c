-- 财务部门档案（finance.department）: rename, cast, deduplicate. Grain: one row per finance department code (财务部门档案).
with source as (

    select * from {{ source('finance', 'department') }}

),

renamed as (

    select
        {{ stg_cast('cdepcode', 'text') }} as finance_dept_code,
        {{ stg_cast('cdepname', 'text') }} as finance_dept_name,
        {{ stg_cast('idepgrade', 'int') }} as dept_level,
        {{ stg_cast('cdepparent', 'text') }} as parent_finance_dept_code,
        {{ stg_cast('bdepend', 'flag') }} as is_leaf,
        _partition as source_partition,
        _batch_id as batch_id,
        _extracted_at as extracted_at
    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by finance_dept_code
            order by extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        finance_dept_code,
        finance_dept_name,
        dept_level,
        parent_finance_dept_code,
        is_leaf,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
