-- 微创手术目录 (procedure codes that count as minimally invasive). Grain: one row per procedure_code × effective_from.
-- The hospital's loaded list (raw_reference.code_list__minimally_invasive_procedures, `jixiao reference load minimally_invasive_procedures`) when it
-- has rows, else the seed code_list__minimally_invasive_procedures (macro jx_code_list). effective_to null = open-ended.
with source as (

    {{ jx_code_list('minimally_invasive_procedures', {'procedure_code': 'text', 'procedure_name': 'text'}) | indent(4) }}

),

renamed as (

    select
        procedure_code,
        procedure_name,
        edition,
        effective_from,
        effective_to
    from source
    where procedure_code is not null

),

final as (

    select
        procedure_code,
        procedure_name,
        edition,
        effective_from,
        effective_to
    from renamed

)

select * from final
