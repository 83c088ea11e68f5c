-- 全国医疗服务项目技术规范（2023）: rename, cast, deduplicate. Grain: one row per 2023 item code.
with source as (

    select * from {{ source('reference', 'national_service_items') }}

),

renamed as (

    select
        {{ stg_cast('item_code', 'text') }} as item_code,
        {{ stg_cast('item_name', 'text') }} as item_name,
        {{ stg_cast('item_name_en', 'text') }} as item_name_en,
        {{ stg_cast('item_content', 'text') }} as item_content,
        {{ stg_cast('hr_time', 'text') }} as hr_time,
        {{ stg_cast('tech_difficulty', 'dec4') }} as tech_difficulty,
        {{ stg_cast('risk_level', 'dec4') }} as risk_level,
        {{ stg_cast('hr_value', 'dec4') }} as hr_value,
        {{ stg_cast('unit', 'text') }} as unit,
        {{ stg_cast('remark', 'text') }} as pricing_note,
        {{ stg_cast('adjust_coef', 'text') }} as adjustment_rule,
        {{ stg_cast('invoice_class', 'text') }} as invoice_class,
        {{ stg_cast('acct_class', 'text') }} as accounting_class,
        {{ stg_cast('mr_cost_class', 'text') }} as medical_record_cost_class,
        {{ stg_cast('cat_name', 'text') }} as catalogue_path,
        {{ stg_cast('cat_code', 'text') }} as catalogue_code,
        _partition as catalogue_edition,
        _source as source_file,
        _batch_id as batch_id,
        _extracted_at as extracted_at
    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (partition by item_code order by extracted_at desc, batch_id desc) as row_rank
    from renamed
    where item_code is not null

),

final as (

    select
        item_code,
        item_name,
        item_name_en,
        item_content,
        hr_time,
        tech_difficulty,
        risk_level,
        hr_value,
        unit,
        pricing_note,
        adjustment_rule,
        invoice_class,
        accounting_class,
        medical_record_cost_class,
        catalogue_path,
        catalogue_code,
        catalogue_edition,
        source_file,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
