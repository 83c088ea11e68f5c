-- 床位日报（beds.nis_bed_census）: rename, cast, deduplicate. Grain: one row per day × ward (床位日报).
with source as (

    select * from {{ source('beds', 'nis_bed_census') }}

),

renamed as (

    select
        {{ stg_cast('census_date', 'date') }} as census_date,
        {{ stg_cast('ward_code', 'text') }} as ward_code,
        {{ stg_cast('open_beds', 'int') }} as open_beds,
        {{ stg_cast('occupied_beds', 'int') }} as occupied_beds,
        {{ stg_cast('admissions', 'int') }} as admissions,
        {{ stg_cast('discharges', 'int') }} as discharges,
        {{ stg_cast('transfers_in', 'int') }} as transfers_in,
        {{ stg_cast('transfers_out', 'int') }} as transfers_out,
        _partition as source_partition,
        _batch_id as batch_id,
        _extracted_at as extracted_at
    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by census_date, ward_code
            order by extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        census_date,
        ward_code,
        open_beds,
        occupied_beds,
        admissions,
        discharges,
        transfers_in,
        transfers_out,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
