-- 人事组织（hr.t_hr_org）: rename, cast, deduplicate. Grain: one row per HR organisation unit (人事组织).
with source as (

    select * from {{ source('hr', 't_hr_org') }}

),

renamed as (

    select
        {{ stg_cast('fid', 'text') }} as hr_org_id,
        {{ stg_cast('fnumber', 'text') }} as hr_org_code,
        {{ stg_cast('fname', 'text') }} as hr_org_name,
        {{ stg_cast('fparentid', 'text') }} as parent_hr_org_id,
        _partition as source_partition,
        _batch_id as batch_id,
        _extracted_at as extracted_at
    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by hr_org_id
            order by extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        hr_org_id,
        hr_org_code,
        hr_org_name,
        parent_hr_org_id,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
