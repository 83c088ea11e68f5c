-- 成本项目（cost.CB_CBXM）: rename, cast, deduplicate. Grain: one row per cost item (成本项目).
with source as (

    select * from {{ source('cost', 'cb_cbxm') }}

),

renamed as (

    select
        {{ stg_cast('cbxmdm', 'text') }} as cost_item_code,
        {{ stg_cast('cbxmmc', 'text') }} as cost_item_name,
        {{ stg_cast('cbfl', 'text') }} as cost_item_class,
        _partition as source_partition,
        _batch_id as batch_id,
        _extracted_at as extracted_at
    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by cost_item_code
            order by extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        cost_item_code,
        cost_item_name,
        cost_item_class,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
