-- 病区（beds.nis_ward）: rename, cast, deduplicate. Grain: one row per ward (病区).
with source as (

    select * from {{ source('beds', 'nis_ward') }}

),

renamed as (

    select
        {{ stg_cast('ward_code', 'text') }} as ward_code,
        {{ stg_cast('ward_name', 'text') }} as ward_name,
        {{ stg_cast('his_dept_code', 'text') }} as his_dept_code,
        {{ stg_cast('is_active', 'flag') }} as is_active,
        _partition as source_partition,
        _batch_id as batch_id,
        _extracted_at as extracted_at
    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by ward_code
            order by extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        ward_code,
        ward_name,
        his_dept_code,
        is_active,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
