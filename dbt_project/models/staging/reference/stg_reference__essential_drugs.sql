-- 国家基本药物目录 (HIS drug names of 基本药物). Grain: one row per drug_name × effective_from.
-- The hospital's loaded list (raw_reference.code_list__essential_drugs, `jixiao reference load essential_drugs`) when it
-- has rows, else the seed code_list__essential_drugs (macro jx_code_list). effective_to null = open-ended.
with source as (

    {{ jx_code_list('essential_drugs', {'drug_name': 'text'}) | indent(4) }}

),

renamed as (

    select
        drug_name,
        edition,
        effective_from,
        effective_to
    from source
    where drug_name is not null

),

final as (

    select
        drug_name,
        edition,
        effective_from,
        effective_to
    from renamed

)

select * from final
