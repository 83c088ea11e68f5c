-- 综合目标考核 指标得分明细: one row per scheme department × month × indicator with the actual, the
-- target and where it came from, the method, raw and clamped score, weighted score and status.
with scores as (

    select * from {{ ref('int_kpi__scores') }}

),

indicators as (

    select indicator_code, indicator_name, category, unit from {{ ref('kpi_indicators') }}

),

departments as (

    select perf_dept_code, perf_dept_name from {{ ref('dim_department') }}

),

final as (

    select
        s.scheme_code,
        s.perf_dept_code,
        d.perf_dept_name,
        s.period,
        s.indicator_code,
        i.indicator_name,
        i.category,
        i.unit,
        s.method,
        s.direction,
        s.actual,
        s.target,
        s.target_source,
        s.baseline,
        s.best,
        s.reference_value,
        s.points,
        s.weight,
        s.raw_score,
        s.score,
        s.weighted_score,
        s.score_status,
        s.peer_rank,
        s.peer_count
    from scores as s
    left join indicators as i on i.indicator_code = s.indicator_code
    left join departments as d on d.perf_dept_code = s.perf_dept_code

)

select * from final
