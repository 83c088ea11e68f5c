-- 门诊挂号记录（his.MZ_GHJL）: rename, cast, deduplicate. Grain: one row per outpatient registration (门诊挂号).
with source as (

    select * from {{ source('his', 'mz_ghjl') }}

),

renamed as (

    select
        {{ stg_cast('ghxh', 'pseudo') }} as registration_id,
        {{ stg_cast('brid', 'pseudo') }} as patient_key,
        {{ stg_cast('xb', 'text') }} as sex,
        {{ stg_cast('csrq', 'date') }} as birth_date,
        {{ stg_cast('ghsj', 'ts') }} as registered_at,
        {{ stg_cast('ksdm', 'text') }} as his_dept_code,
        {{ stg_cast('ysgh', 'text') }} as doctor_id,
        {{ stg_cast('ghlb', 'text') }} as registration_type,
        {{ stg_cast('thbz', 'flag') }} as is_cancelled,
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
            partition by registration_id
            order by modified_at desc nulls last, extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        registration_id,
        patient_key,
        sex,
        birth_date,
        registered_at,
        his_dept_code,
        doctor_id,
        registration_type,
        is_cancelled,
        modified_at,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
