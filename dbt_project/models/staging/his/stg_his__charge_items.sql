-- 收费项目字典（his.GY_SFXM）: rename, cast, deduplicate. Grain: one row per HIS charge item code (收费项目字典).
with source as (

    select * from {{ source('his', 'gy_sfxm') }}

),

renamed as (

    select
        {{ stg_cast('sfxmdm', 'text') }} as charge_item_code,
        {{ stg_cast('sfxmmc', 'text') }} as charge_item_name,
        {{ stg_cast('fylb', 'text') }} as fee_category_code,
        {{ stg_cast('fylbmc', 'text') }} as fee_category_name,
        {{ stg_cast('dw', 'text') }} as unit,
        {{ stg_cast('dj', 'dec4') }} as unit_price,
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
            partition by charge_item_code
            order by modified_at desc nulls last, extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        charge_item_code,
        charge_item_name,
        fee_category_code,
        fee_category_name,
        unit,
        unit_price,
        is_disabled,
        modified_at,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
