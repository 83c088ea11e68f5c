-- 满意度指标 per perf department × month, from the filed surveys (手工填报). Grain: perf_dept_code ×
-- period × metric_code. satisfaction_<outpatient|inpatient|staff> = sample-weighted mean score:
-- Σ (score × sample_size) / Σ sample_size.
with surveys as (

    select * from {{ ref('stg_manual__dept_satisfaction') }}

),

long as (

    select
        perf_dept_code,
        period,
        case survey_type
            when '门诊' then 'satisfaction_outpatient'
            when '住院' then 'satisfaction_inpatient'
            when '员工' then 'satisfaction_staff'
        end as metric_code,
        sum(score * sample_size) as numerator,
        sum(sample_size) as denominator
    from surveys
    group by perf_dept_code, period, survey_type

),

final as (

    {{ metric_columns('long') }}

)

select * from final
