-- 手术分级目录 (surgery grade 1–4 per procedure code). Grain: one row per procedure_code × effective_from.
-- The hospital's loaded list (raw_reference.code_list__surgery_grades, `jixiao reference load surgery_grades`) when it
-- has rows, else the seed code_list__surgery_grades (macro jx_code_list). effective_to null = open-ended.
with source as (

    {{ jx_code_list('surgery_grades', {'procedure_code': 'text', 'procedure_name': 'text', 'surgery_grade': 'int'}) | indent(4) }}

),

renamed as (

    select
        procedure_code,
        procedure_name,
        surgery_grade,
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
        surgery_grade,
        edition,
        effective_from,
        effective_to
    from renamed

)

select * from final
