-- 重点监控合理用药药品 (generic names; drug_name contains generic_name). Grain: one row per generic_name × effective_from.
-- The hospital's loaded list (raw_reference.code_list__key_monitored_drugs, `jixiao reference load key_monitored_drugs`) when it
-- has rows, else the seed code_list__key_monitored_drugs (macro jx_code_list). effective_to null = open-ended.
with source as (

    {{ jx_code_list('key_monitored_drugs', {'generic_name': 'text'}) | indent(4) }}

),

renamed as (

    select
        generic_name,
        edition,
        effective_from,
        effective_to
    from source
    where generic_name is not null

),

final as (

    select
        generic_name,
        edition,
        effective_from,
        effective_to
    from renamed

)

select * from final
