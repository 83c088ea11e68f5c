-- 医院填报指标（手工填报, template 医院填报指标）: rename, cast, deduplicate. Grain: period × indicator_code
-- (the latest filing wins). period is 'YYYY' (annual) or 'YYYY-MM' (monthly); for the national
-- assessment indicator_code is a component code of seed national_components (source_kind filed).
with source as (

    select * from {{ source('manual', 'filed_indicator') }}

),

renamed as (

    select
        {{ stg_cast('period', 'text') }} as period,
        {{ stg_cast('indicator_code', 'text') }} as indicator_code,
        cast(round(cast(nullif(trim(indicator_value), '') as decimal(28, 8)), 4) as decimal(20, 4)) as indicator_value,
        {{ stg_cast('data_source', 'text') }} as data_source,
        {{ stg_cast('remark', 'text') }} as remark,
        _source as source_file,
        _partition as source_partition,
        _batch_id as batch_id,
        _extracted_at as extracted_at
    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by period, indicator_code
            order by extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select
        period,
        indicator_code,
        indicator_value,
        data_source,
        remark,
        source_file,
        source_partition,
        batch_id,
        extracted_at
    from ranked
    where row_rank = 1

)

select * from final
