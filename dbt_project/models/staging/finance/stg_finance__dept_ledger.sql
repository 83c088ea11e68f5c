-- 部门辅助总账（finance.gl_accass）: rename, cast, deduplicate. Grain: one row per period × account × finance department (部门辅助总账).
with source as (

    select * from {{ source('finance', 'gl_accass') }}

),

renamed as (

    select
        {{ stg_cast('i_id', 'text') }} as ledger_line_id,
        {{ stg_cast('iyear', 'int') }} as fiscal_year,
        {{ stg_cast('iperiod', 'int') }} as fiscal_month,
        {{ stg_cast('ccode', 'text') }} as account_code,
        {{ stg_cast('cdept_id', 'text') }} as finance_dept_code,
        {{ stg_cast('md', 'dec2') }} as debit_amount,
        {{ stg_cast('mc', 'dec2') }} as credit_amount,
        {{ stg_cast('dmodified', 'ts') }} as modified_at,
        _partition as source_partition,
        _batch_id as batch_id,
        _extracted_at as extracted_at
    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by ledger_line_id
            order by modified_at desc nulls last, extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        ledger_line_id,
        fiscal_year,
        fiscal_month,
        account_code,
        finance_dept_code,
        debit_amount,
        credit_amount,
        modified_at,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
