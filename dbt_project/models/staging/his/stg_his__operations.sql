-- 病案首页手术操作（his.BA_SSJL）: rename, cast, deduplicate. Grain: one row per operation/procedure on a discharge abstract (病案首页手术操作).
with source as (

    select * from {{ source('his', 'ba_ssjl') }}

),

renamed as (

    select
        {{ stg_cast('ssjlid', 'text') }} as operation_record_id,
        {{ stg_cast('zyh', 'pseudo') }} as inpatient_id,
        {{ stg_cast('ssxh', 'int') }} as operation_seq,
        {{ stg_cast('ssczdm', 'text') }} as procedure_code,
        {{ stg_cast('ssczmc', 'text') }} as procedure_name,
        {{ stg_cast('ssjb', 'int') }} as surgery_grade,
        {{ stg_cast('wcbz', 'flag') }} as is_minimally_invasive,
        {{ stg_cast('ssrq', 'ts') }} as operated_at,
        {{ stg_cast('szys', 'text') }} as surgeon_id,
        {{ stg_cast('mzys', 'text') }} as anaesthetist_id,
        {{ stg_cast('mzfs', 'text') }} as anaesthesia_method,
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
            partition by operation_record_id
            order by modified_at desc nulls last, extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        operation_record_id,
        inpatient_id,
        operation_seq,
        procedure_code,
        procedure_name,
        surgery_grade,
        is_minimally_invasive,
        operated_at,
        surgeon_id,
        anaesthetist_id,
        anaesthesia_method,
        modified_at,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
