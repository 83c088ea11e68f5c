-- 药品字典（his.GY_YPZD）: rename, cast, deduplicate. Grain: one row per HIS drug code (药品字典).
with source as (

    select * from {{ source('his', 'gy_ypzd') }}

),

renamed as (

    select
        {{ stg_cast('ypdm', 'text') }} as drug_code,
        {{ stg_cast('ypmc', 'text') }} as drug_name,
        {{ stg_cast('yplb', 'text') }} as drug_type,
        {{ stg_cast('gg', 'text') }} as spec,
        {{ stg_cast('dw', 'text') }} as unit,
        {{ stg_cast('lsj', 'dec4') }} as retail_price,
        {{ stg_cast('kjybz', 'flag') }} as is_antibiotic,
        {{ stg_cast('dddz', 'dec4') }} as ddd_value,
        {{ stg_cast('jbywbz', 'flag') }} as is_essential_drug,
        {{ stg_cast('jcbz', 'flag') }} as is_centrally_procured,
        {{ stg_cast('tybz', 'flag') }} as is_disabled,
        {{ stg_cast('xgsj', 'ts') }} as modified_at,
        _partition as source_partition,
        _batch_id as batch_id,
        _extracted_at as extracted_at
    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by drug_code
            order by modified_at desc nulls last, extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        drug_code,
        drug_name,
        drug_type,
        spec,
        unit,
        retail_price,
        is_antibiotic,
        ddd_value,
        is_essential_drug,
        is_centrally_procured,
        is_disabled,
        modified_at,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
