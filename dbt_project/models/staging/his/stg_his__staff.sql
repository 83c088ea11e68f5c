-- 职工字典（his.GY_ZGXX）: rename, cast, deduplicate. Grain: one row per HIS staff id (职工字典).
with source as (

    select * from {{ source('his', 'gy_zgxx') }}

),

renamed as (

    select
        {{ stg_cast('zggh', 'text') }} as staff_id,
        {{ stg_cast('zgxm', 'text') }} as staff_name,
        {{ stg_cast('xb', 'text') }} as sex,
        {{ stg_cast('ksdm', 'text') }} as his_dept_code,
        {{ stg_cast('zglb', 'text') }} as staff_type,
        {{ stg_cast('zc', 'text') }} as title,
        {{ stg_cast('tybz', 'flag') }} as is_disabled,
        {{ stg_cast('xgsj', 'ts') }} as modified_at,
        _partition as source_partition,
        _batch_id as batch_id,
        _extracted_at as extracted_at
    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by staff_id
            order by modified_at desc nulls last, extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        staff_id,
        staff_name,
        sex,
        his_dept_code,
        staff_type,
        title,
        is_disabled,
        modified_at,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
