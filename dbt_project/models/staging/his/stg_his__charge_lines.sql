-- 收费明细（his.FY_SFMX）: rename, cast, deduplicate. Grain: one row per HIS charge line (收费明细); refunds are negative lines.
with source as (

    select * from {{ source('his', 'fy_sfmx') }}

),

renamed as (

    select
        {{ stg_cast('mxxh', 'text') }} as charge_line_id,
        {{ stg_cast('jzlx', 'text') }} as encounter_type,
        {{ stg_cast('jzh', 'pseudo') }} as encounter_id,
        {{ stg_cast('brid', 'pseudo') }} as patient_key,
        {{ stg_cast('sfxmdm', 'text') }} as charge_item_code,
        {{ stg_cast('sfxmmc', 'text') }} as charge_item_name,
        {{ stg_cast('fylb', 'text') }} as fee_category_code,
        {{ stg_cast('sl', 'dec4') }} as quantity,
        {{ stg_cast('dj', 'dec4') }} as unit_price,
        {{ stg_cast('je', 'dec2') }} as amount,
        {{ stg_cast('kdks', 'text') }} as ordering_his_dept_code,
        {{ stg_cast('zxks', 'text') }} as executing_his_dept_code,
        {{ stg_cast('kdys', 'text') }} as ordering_doctor_id,
        {{ stg_cast('zxr', 'text') }} as executor_id,
        {{ stg_cast('sfsj', 'ts') }} as charged_at,
        {{ stg_cast('tfbz', 'flag') }} as is_refund,
        {{ stg_cast('ymxxh', 'text') }} as original_charge_line_id,
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
            partition by charge_line_id
            order by modified_at desc nulls last, extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        charge_line_id,
        encounter_type,
        encounter_id,
        patient_key,
        charge_item_code,
        charge_item_name,
        fee_category_code,
        quantity,
        unit_price,
        amount,
        ordering_his_dept_code,
        executing_his_dept_code,
        ordering_doctor_id,
        executor_id,
        charged_at,
        is_refund,
        original_charge_line_id,
        modified_at,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
