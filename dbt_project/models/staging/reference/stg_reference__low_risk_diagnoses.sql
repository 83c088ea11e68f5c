-- 低风险病种 (principal-diagnosis ICD-10 prefixes of the low-risk group). Grain: one row per diagnosis_code_prefix × effective_from.
-- The hospital's loaded list (raw_reference.code_list__low_risk_diagnoses, `jixiao reference load low_risk_diagnoses`) when it
-- has rows, else the seed code_list__low_risk_diagnoses (macro jx_code_list). effective_to null = open-ended.
with source as (

    {{ jx_code_list('low_risk_diagnoses', {'diagnosis_code_prefix': 'text', 'diagnosis_name': 'text'}) | indent(4) }}

),

renamed as (

    select
        diagnosis_code_prefix,
        diagnosis_name,
        edition,
        effective_from,
        effective_to
    from source
    where diagnosis_code_prefix is not null

),

final as (

    select
        diagnosis_code_prefix,
        diagnosis_name,
        edition,
        effective_from,
        effective_to
    from renamed

)

select * from final
