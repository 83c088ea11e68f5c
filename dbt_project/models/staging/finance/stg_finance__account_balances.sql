-- 科目总账（finance.gl_accsum）: rename, cast, deduplicate. Grain: one row per period × account (科目总账余额).
with source as (

    select * from {{ source('finance', 'gl_accsum') }}

),

renamed as (

    select
        {{ stg_cast('i_id', 'text') }} as balance_id,
        {{ stg_cast('iyear', 'int') }} as fiscal_year,
        {{ stg_cast('iperiod', 'int') }} as fiscal_month,
        {{ stg_cast('ccode', 'text') }} as account_code,
        {{ stg_cast('mb', 'dec2') }} as opening_balance,
        {{ stg_cast('md', 'dec2') }} as debit_amount,
        {{ stg_cast('mc', 'dec2') }} as credit_amount,
        {{ stg_cast('me', 'dec2') }} as closing_balance,
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
            partition by balance_id
            order by modified_at desc nulls last, extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        balance_id,
        fiscal_year,
        fiscal_month,
        account_code,
        opening_balance,
        debit_amount,
        credit_amount,
        closing_balance,
        modified_at,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
