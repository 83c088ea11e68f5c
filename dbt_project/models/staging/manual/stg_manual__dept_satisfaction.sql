-- 科室满意度（手工填报）: rename, cast, deduplicate. Grain: period × perf department × survey type.
with source as (

    select * from {{ source('manual', 'dept_satisfaction') }}

),

renamed as (

    select
        {{ stg_cast('period', 'text') }} as period,
        {{ stg_cast('dept_code', 'text') }} as perf_dept_code,
        {{ stg_cast('survey_type', 'text') }} as survey_type,
        {{ stg_cast('sample_size', 'int') }} as sample_size,
        {{ stg_cast('score', 'dec2') }} as score,
        _source as source_file,
        _batch_id as batch_id,
        _extracted_at as extracted_at
    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by period, perf_dept_code, survey_type
            order by extracted_at desc, batch_id desc
        ) as row_rank
    from renamed

),

final as (

    select period, perf_dept_code, survey_type, sample_size, score, source_file, batch_id, extracted_at
    from ranked
    where row_rank = 1

)

select * from final
