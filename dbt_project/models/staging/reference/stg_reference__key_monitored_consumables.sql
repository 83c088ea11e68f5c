-- 重点治理高值医用耗材 (consumable charge items and their category). Grain: one row per charge_item_code × effective_from.
-- The hospital's loaded list (raw_reference.code_list__key_monitored_consumables, `jixiao reference load key_monitored_consumables`) when it
-- has rows, else the seed code_list__key_monitored_consumables (macro jx_code_list). effective_to null = open-ended.
with source as (

    {{ jx_code_list('key_monitored_consumables', {'charge_item_code': 'text', 'item_name': 'text', 'category': 'text'}) | indent(4) }}

),

renamed as (

    select
        charge_item_code,
        item_name,
        category,
        edition,
        effective_from,
        effective_to
    from source
    where charge_item_code is not null

),

final as (

    select
        charge_item_code,
        item_name,
        category,
        edition,
        effective_from,
        effective_to
    from renamed

)

select * from final
