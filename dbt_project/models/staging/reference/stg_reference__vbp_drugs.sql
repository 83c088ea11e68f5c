-- 国家组织集中采购药品 (HIS drug name → generic name, 中选 or not). Grain: one row per drug_name × effective_from.
-- The hospital's loaded list (raw_reference.code_list__vbp_drugs, `jixiao reference load vbp_drugs`) when it
-- has rows, else the seed code_list__vbp_drugs (macro jx_code_list). effective_to null = open-ended.
with source as (

    {{ jx_code_list('vbp_drugs', {'drug_name': 'text', 'generic_name': 'text', 'is_selected': 'flag'}) | indent(4) }}

),

renamed as (

    select
        drug_name,
        generic_name,
        is_selected,
        edition,
        effective_from,
        effective_to
    from source
    where drug_name is not null

),

final as (

    select
        drug_name,
        generic_name,
        is_selected,
        edition,
        effective_from,
        effective_to
    from renamed

)

select * from final
