-- 项目编码对照 2023 ↔ 2012 ↔ 2001: rename, cast, deduplicate. Grain: one row per distinct
-- (code_2023, code_2012, code_2001) triple; heading rows (only a code and a name) are kept and flagged.
with source as (

    select * from {{ source('reference', 'service_code_crosswalk') }}

),

renamed as (

    select distinct
        {{ stg_cast('code_2023', 'text') }} as code_2023,
        {{ stg_cast('name_2023', 'text') }} as name_2023,
        {{ stg_cast('code_2012', 'text') }} as code_2012,
        {{ stg_cast('name_2012', 'text') }} as name_2012,
        {{ stg_cast('code_2001', 'text') }} as code_2001,
        {{ stg_cast('name_2001', 'text') }} as name_2001,
        {{ stg_cast('invoice_class', 'text') }} as invoice_class,
        {{ stg_cast('acct_class', 'text') }} as accounting_class,
        _partition as catalogue_edition
    from source

),

final as (

    select
        code_2023,
        name_2023,
        code_2012,
        name_2012,
        code_2001,
        name_2001,
        invoice_class,
        accounting_class,
        (code_2012 is null and code_2001 is null) as is_heading,
        catalogue_edition
    from renamed

)

select * from final
