-- 住院登记（his.ZY_RYDJ）: rename, cast, deduplicate. Grain: one row per inpatient stay (住院登记).
with source as (

    select * from {{ source('his', 'zy_rydj') }}

),

renamed as (

    select
        {{ stg_cast('zyh', 'pseudo') }} as inpatient_id,
        {{ stg_cast('brid', 'pseudo') }} as patient_key,
        {{ stg_cast('xb', 'text') }} as sex,
        {{ stg_cast('csrq', 'date') }} as birth_date,
        {{ stg_cast('rysj', 'ts') }} as admitted_at,
        {{ stg_cast('ryks', 'text') }} as admit_his_dept_code,
        {{ stg_cast('cysj', 'ts') }} as discharged_at,
        {{ stg_cast('cyks', 'text') }} as discharge_his_dept_code,
        {{ stg_cast('zyzt', 'text') }} as stay_status,
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
            partition by inpatient_id
            order by modified_at desc nulls last, extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        inpatient_id,
        patient_key,
        sex,
        birth_date,
        admitted_at,
        admit_his_dept_code,
        discharged_at,
        discharge_his_dept_code,
        stay_status,
        modified_at,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
