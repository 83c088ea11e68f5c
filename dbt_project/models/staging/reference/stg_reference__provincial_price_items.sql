-- 省医疗服务价格项目: rename, cast, deduplicate. Grain: one row per provincial item code.
with source as (

    select * from {{ source('reference', 'provincial_price_items') }}

),

renamed as (

    select
        {{ stg_cast('item_code', 'text') }} as item_code,
        {{ stg_cast('item_name', 'text') }} as item_name,
        {{ stg_cast('item_content', 'text') }} as item_content,
        {{ stg_cast('excluded', 'text') }} as excluded_content,
        {{ stg_cast('unit', 'text') }} as unit,
        {{ stg_cast('pay_cat', 'text') }} as insurance_payment_class,
        {{ stg_cast('item_explain', 'text') }} as item_note,
        {{ stg_cast('remark', 'text') }} as remark,
        {{ stg_cast('trial', 'text') }} as trial_flag,
        {{ stg_cast('cat_name', 'text') }} as catalogue_path,
        _partition as catalogue_edition,
        _batch_id as batch_id,
        _extracted_at as extracted_at
    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (partition by item_code order by extracted_at desc, batch_id desc) as row_rank
    from renamed
    where item_code is not null

),

final as (

    select
        item_code,
        item_name,
        item_content,
        excluded_content,
        unit,
        insurance_payment_class,
        item_note,
        remark,
        trial_flag,
        catalogue_path,
        catalogue_edition
    from ranked
    where row_rank = 1

)

select * from final
