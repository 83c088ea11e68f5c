-- 处方明细（his.CF_CFMX）: rename, cast, deduplicate. Grain: one row per prescription line (处方明细).
with source as (

    select * from {{ source('his', 'cf_cfmx') }}

),

renamed as (

    select
        {{ stg_cast('cfmxxh', 'text') }} as prescription_line_id,
        {{ stg_cast('cfxh', 'text') }} as prescription_id,
        {{ stg_cast('jzlx', 'text') }} as encounter_type,
        {{ stg_cast('jzh', 'pseudo') }} as encounter_id,
        {{ stg_cast('brid', 'pseudo') }} as patient_key,
        {{ stg_cast('kfsj', 'ts') }} as prescribed_at,
        {{ stg_cast('ksdm', 'text') }} as his_dept_code,
        {{ stg_cast('ysgh', 'text') }} as doctor_id,
        {{ stg_cast('ypdm', 'text') }} as drug_code,
        {{ stg_cast('ypmc', 'text') }} as drug_name,
        {{ stg_cast('yplb', 'text') }} as drug_type,
        {{ stg_cast('sl', 'dec4') }} as quantity,
        {{ stg_cast('dj', 'dec4') }} as unit_price,
        {{ stg_cast('je', 'dec2') }} as amount,
        {{ stg_cast('kjybz', 'flag') }} as is_antibiotic,
        {{ stg_cast('ddds', 'dec4') }} as ddd_count,
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
            partition by prescription_line_id
            order by modified_at desc nulls last, extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        prescription_line_id,
        prescription_id,
        encounter_type,
        encounter_id,
        patient_key,
        prescribed_at,
        his_dept_code,
        doctor_id,
        drug_code,
        drug_name,
        drug_type,
        quantity,
        unit_price,
        amount,
        is_antibiotic,
        ddd_count,
        modified_at,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
