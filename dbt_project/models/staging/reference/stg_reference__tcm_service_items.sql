-- 中医医疗服务项目 (charge-item code prefixes; 中医非药物疗法 flag). Grain: one row per code_prefix × effective_from.
-- The hospital's loaded list (raw_reference.code_list__tcm_service_items, `jixiao reference load tcm_service_items`) when it
-- has rows, else the seed code_list__tcm_service_items (macro jx_code_list). effective_to null = open-ended.
with source as (

    {{ jx_code_list('tcm_service_items', {'code_prefix': 'text', 'category_name': 'text', 'is_non_drug_therapy': 'flag'}) | indent(4) }}

),

renamed as (

    select
        code_prefix,
        category_name,
        is_non_drug_therapy,
        edition,
        effective_from,
        effective_to
    from source
    where code_prefix is not null

),

final as (

    select
        code_prefix,
        category_name,
        is_non_drug_therapy,
        edition,
        effective_from,
        effective_to
    from renamed

)

select * from final
