-- 开放床位设置（beds.nis_bed_config）: rename, cast, deduplicate. Grain: one row per ward × effective date (开放床位设置).
with source as (

    select * from {{ source('beds', 'nis_bed_config') }}

),

renamed as (

    select
        {{ stg_cast('id', 'text') }} as bed_config_id,
        {{ stg_cast('ward_code', 'text') }} as ward_code,
        {{ stg_cast('eff_date', 'date') }} as effective_from,
        {{ stg_cast('open_beds', 'int') }} as open_beds,
        _partition as source_partition,
        _batch_id as batch_id,
        _extracted_at as extracted_at
    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by bed_config_id
            order by extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        bed_config_id,
        ward_code,
        effective_from,
        open_beds,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
