-- 科室字典（his.GY_KSDM）: rename, cast, deduplicate. Grain: one row per HIS department code (科室字典).
with source as (

    select * from {{ source('his', 'gy_ksdm') }}

),

renamed as (

    select
        {{ stg_cast('ksdm', 'text') }} as his_dept_code,
        {{ stg_cast('ksmc', 'text') }} as his_dept_name,
        {{ stg_cast('kslb', 'text') }} as his_dept_type,
        {{ stg_cast('sjksdm', 'text') }} as parent_his_dept_code,
        {{ stg_cast('mzbz', 'flag') }} as is_outpatient,
        {{ stg_cast('zybz', 'flag') }} as is_inpatient,
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
            partition by his_dept_code
            order by modified_at desc nulls last, extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        his_dept_code,
        his_dept_name,
        his_dept_type,
        parent_his_dept_code,
        is_outpatient,
        is_inpatient,
        is_disabled,
        modified_at,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
