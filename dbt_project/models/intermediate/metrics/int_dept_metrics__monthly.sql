-- 科室基础指标 (base metrics) per perf department × month: every metric once, long format, with its
-- numerator, denominator and value = numerator / denominator (a count when there is no denominator;
-- NULL when the denominator is 0). Formulas are documented in the domain models it unions.
with unioned as (

    select * from {{ ref('int_dept_metrics__inpatient') }}
    union all
    select * from {{ ref('int_dept_metrics__outpatient') }}
    union all
    select * from {{ ref('int_dept_metrics__beds') }}
    union all
    select * from {{ ref('int_dept_metrics__revenue') }}
    union all
    select * from {{ ref('int_dept_metrics__staff') }}
    union all
    select * from {{ ref('int_dept_metrics__satisfaction') }}

),

final as (

    select
        perf_dept_code,
        period,
        metric_code,
        numerator,
        denominator,
        cast(case
            when denominator is null then numerator
            when denominator = 0 then null
            else round(numerator / denominator, 6)
        end as decimal(18, 6)) as metric_value
    from unioned
    where perf_dept_code is not null

)

select * from final
