-- 人员档案（hr.t_hr_person）: rename, cast, deduplicate. Grain: one row per employee (人员档案).
with source as (

    select * from {{ source('hr', 't_hr_person') }}

),

renamed as (

    select
        {{ stg_cast('fnumber', 'text') }} as staff_id,
        {{ stg_cast('fname', 'text') }} as staff_name,
        {{ stg_cast('fgender', 'text') }} as sex,
        {{ stg_cast('fbirthday', 'date') }} as birth_date,
        {{ stg_cast('forgnumber', 'text') }} as hr_org_code,
        {{ stg_cast('fpostcategory', 'text') }} as post_category,
        {{ stg_cast('ftitle', 'text') }} as title,
        {{ stg_cast('fposition', 'text') }} as position,
        {{ stg_cast('ftcmflag', 'flag') }} as is_tcm_physician,
        {{ stg_cast('fhiredate', 'date') }} as hired_on,
        {{ stg_cast('fleavedate', 'date') }} as left_on,
        {{ stg_cast('fmodifytime', 'ts') }} as modified_at,
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
        birth_date,
        hr_org_code,
        post_category,
        title,
        position,
        is_tcm_physician,
        hired_on,
        left_on,
        modified_at,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
