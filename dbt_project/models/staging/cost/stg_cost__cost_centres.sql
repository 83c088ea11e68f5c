-- 成本科室（cost.CB_KSDY）: rename, cast, deduplicate. Grain: one row per cost centre (成本科室).
with source as (

    select * from {{ source('cost', 'cb_ksdy') }}

),

renamed as (

    select
        {{ stg_cast('cbksdm', 'text') }} as cost_centre_code,
        {{ stg_cast('cbksmc', 'text') }} as cost_centre_name,
        {{ stg_cast('kslx', 'text') }} as cost_centre_type,
        {{ stg_cast('ftjc', 'int') }} as allocation_level,
        _partition as source_partition,
        _batch_id as batch_id,
        _extracted_at as extracted_at
    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by cost_centre_code
            order by extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        cost_centre_code,
        cost_centre_name,
        cost_centre_type,
        allocation_level,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
