-- 病案首页（his.BA_SYJL）: rename, cast, deduplicate. Grain: one row per discharge (病案首页).
with source as (

    select * from {{ source('his', 'ba_syjl') }}

),

renamed as (

    select
        {{ stg_cast('zyh', 'pseudo') }} as inpatient_id,
        {{ stg_cast('bah', 'pseudo') }} as medical_record_key,
        {{ stg_cast('brid', 'pseudo') }} as patient_key,
        {{ stg_cast('xb', 'text') }} as sex,
        {{ stg_cast('nl', 'int') }} as age_years,
        {{ stg_cast('rysj', 'ts') }} as admitted_at,
        {{ stg_cast('cysj', 'ts') }} as discharged_at,
        {{ stg_cast('ryks', 'text') }} as admit_his_dept_code,
        {{ stg_cast('cyks', 'text') }} as discharge_his_dept_code,
        {{ stg_cast('zzys', 'text') }} as attending_doctor_id,
        {{ stg_cast('zyzddm', 'text') }} as principal_diagnosis_code,
        {{ stg_cast('zyzdmc', 'text') }} as principal_diagnosis_name,
        {{ stg_cast('qtzddm', 'text') }} as secondary_diagnosis_codes,
        {{ stg_cast('sjzyts', 'int') }} as length_of_stay_days,
        {{ stg_cast('lyfs', 'text') }} as discharge_disposition,
        {{ stg_cast('zyzlbz', 'flag') }} as is_tcm_led_treatment,
        {{ stg_cast('wssqzybz', 'flag') }} as has_perioperative_tcm,
        {{ stg_cast('zfy', 'dec2') }} as total_cost,
        {{ stg_cast('ypf', 'dec2') }} as drug_cost,
        {{ stg_cast('hcf', 'dec2') }} as consumable_cost,
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
        medical_record_key,
        patient_key,
        sex,
        age_years,
        admitted_at,
        discharged_at,
        admit_his_dept_code,
        discharge_his_dept_code,
        attending_doctor_id,
        principal_diagnosis_code,
        principal_diagnosis_name,
        secondary_diagnosis_codes,
        length_of_stay_days,
        discharge_disposition,
        is_tcm_led_treatment,
        has_perioperative_tcm,
        total_cost,
        drug_cost,
        consumable_cost,
        modified_at,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
