-- 抗菌药物 DDD 值 (per HIS drug code: grams per unit and DDD in grams). Grain: one row per drug_code × effective_from.
-- The hospital's loaded list (raw_reference.code_list__antibiotic_ddd, `jixiao reference load antibiotic_ddd`) when it
-- has rows, else the seed code_list__antibiotic_ddd (macro jx_code_list). effective_to null = open-ended.
with source as (

    {{ jx_code_list('antibiotic_ddd', {'drug_code': 'text', 'drug_name': 'text', 'atc_code': 'text', 'unit_strength_g': 'dec4', 'ddd_g': 'dec4'}) | indent(4) }}

),

renamed as (

    select
        drug_code,
        drug_name,
        atc_code,
        unit_strength_g,
        ddd_g,
        edition,
        effective_from,
        effective_to
    from source
    where drug_code is not null

),

final as (

    select
        drug_code,
        drug_name,
        atc_code,
        unit_strength_g,
        ddd_g,
        edition,
        effective_from,
        effective_to
    from renamed

)

select * from final
