-- 会计科目（finance.code）: rename, cast, deduplicate. Grain: one row per ledger account (会计科目).
with source as (

    select * from {{ source('finance', 'code') }}

),

renamed as (

    select
        {{ stg_cast('ccode', 'text') }} as account_code,
        {{ stg_cast('ccode_name', 'text') }} as account_name,
        {{ stg_cast('igrade', 'int') }} as account_level,
        {{ stg_cast('cclass', 'text') }} as account_class,
        {{ stg_cast('bend', 'flag') }} as is_leaf,
        _partition as source_partition,
        _batch_id as batch_id,
        _extracted_at as extracted_at
    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by account_code
            order by extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        account_code,
        account_name,
        account_level,
        account_class,
        is_leaf,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
