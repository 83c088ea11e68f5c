-- 考核评分输入: one row per scheme department × month × scheme indicator, with the actual value, the
-- target, baseline and best, the comparison reference and the method parameters.
--   departments: the 核算单元 of the scheme's 核算分组 (dim_department), schemes and indicators in force
--     in the month;
--   target: a filed target (科室目标值, raw_manual.kpi_target) when there is one (target_source
--     'filed'); else suggested (target_source 'suggested'):
--       history = median of the department's actuals in the same month of the previous 1–3 years
--                 (with one year of history that is simply the same month last year);
--       suggested = history × (1 + target_growth), bounded by the peer-group median of the month:
--                 not below it for higher-better, not above it for lower-better (同组中位数为底线);
--       without any history: the peer-group median × (1 + target_growth);
--   baseline / best: filed, else the library defaults;
--   reference_value (comparison, plus_minus): the same month last year.
-- Grain: scheme_code × perf_dept_code × period × indicator_code.
with indicators as (

    select * from {{ ref('kpi_indicators') }} where enabled

),

schemes as (

    select * from {{ ref('kpi_schemes') }}

),

scheme_indicators as (

    select * from {{ ref('kpi_scheme_indicators') }}

),

departments as (

    select perf_dept_code, accounting_group from {{ ref('dim_department') }} where is_accounting_unit

),

values_ as (

    select * from {{ ref('int_kpi__indicator_values') }}

),

months as (

    select distinct period from values_

),

filed as (

    select * from {{ ref('stg_manual__kpi_target') }}

),

grid as (

    select
        s.scheme_code,
        d.perf_dept_code,
        d.accounting_group as peer_group,
        m.period,
        i.indicator_code,
        si.weight
    from schemes as s
    inner join scheme_indicators as si on si.scheme_code = s.scheme_code
    inner join indicators as i on i.indicator_code = si.indicator_code
    inner join departments as d on d.accounting_group = s.accounting_group
    cross join months as m
    where cast(m.period || '-01' as date) between s.effective_from and {{ jx_open_end('s.effective_to') }}
      and cast(m.period || '-01' as date) between i.effective_from and {{ jx_open_end('i.effective_to') }}

),

with_values as (

    select
        g.*,
        v.actual,
        ly.actual as last_year_actual
    from grid as g
    left join values_ as v
        on v.perf_dept_code = g.perf_dept_code and v.period = g.period and v.indicator_code = g.indicator_code
    left join values_ as ly
        on ly.perf_dept_code = g.perf_dept_code
       and ly.indicator_code = g.indicator_code
       and ly.period = cast(cast(substr(g.period, 1, 4) as integer) - 1 as varchar) || substr(g.period, 5)

),

history as (

    -- the same calendar month in the previous 1–3 years
    select
        g.perf_dept_code,
        g.period,
        g.indicator_code,
        percentile_cont(0.5) within group (order by h.actual) as history_median
    from grid as g
    inner join values_ as h
        on h.perf_dept_code = g.perf_dept_code
       and h.indicator_code = g.indicator_code
       and substr(h.period, 5) = substr(g.period, 5)
       and cast(substr(h.period, 1, 4) as integer) between cast(substr(g.period, 1, 4) as integer) - 3
                                                        and cast(substr(g.period, 1, 4) as integer) - 1
    where h.actual is not null
    group by g.perf_dept_code, g.period, g.indicator_code

),

peer_medians as (

    select
        peer_group,
        period,
        indicator_code,
        percentile_cont(0.5) within group (order by actual) as peer_median
    from with_values
    where actual is not null
    group by peer_group, period, indicator_code

),

final as (

    select
        w.scheme_code,
        w.perf_dept_code,
        w.period,
        w.indicator_code,
        w.peer_group,
        i.method,
        i.direction,
        cast(i.points as decimal(18, 4)) as points,
        cast(i.floor_score as decimal(18, 4)) as floor_score,
        cast(i.cap_score as decimal(18, 4)) as cap_score,
        cast(w.actual as decimal(18, 4)) as actual,
        cast(case
            when f.target is not null then f.target
            when i.method <> 'target_ratio' then null
            when h.history_median is null then pm.peer_median * (1 + coalesce(i.target_growth, 0))
            when pm.peer_median is null then h.history_median * (1 + coalesce(i.target_growth, 0))
            when i.direction = 'higher'
                then greatest(h.history_median * (1 + coalesce(i.target_growth, 0)), pm.peer_median)
            else least(h.history_median * (1 + coalesce(i.target_growth, 0)), pm.peer_median)
        end as decimal(18, 4)) as target,
        case
            when f.target is not null then 'filed'
            when i.method = 'target_ratio' and (h.history_median is not null or pm.peer_median is not null)
                then 'suggested'
        end as target_source,
        cast(coalesce(f.baseline, i.default_baseline) as decimal(18, 4)) as baseline,
        cast(coalesce(f.best, i.default_best) as decimal(18, 4)) as best,
        cast(case when i.method in ('comparison', 'plus_minus') then w.last_year_actual end
             as decimal(18, 4)) as reference_value,
        i.deviation_kind,
        cast(i.step as decimal(18, 4)) as step,
        cast(i.per_step_score as decimal(18, 4)) as per_step_score,
        cast(i.threshold as decimal(18, 4)) as threshold,
        cast(i.partial_points as decimal(18, 4)) as partial_points,
        cast(i.factor as decimal(18, 4)) as factor,
        i.band_set,
        cast(w.weight as decimal(18, 4)) as weight
    from with_values as w
    inner join indicators as i on i.indicator_code = w.indicator_code
    left join filed as f
        on f.perf_dept_code = w.perf_dept_code and f.period = w.period and f.indicator_code = w.indicator_code
    left join peer_medians as pm
        on pm.peer_group = w.peer_group and pm.period = w.period and pm.indicator_code = w.indicator_code
    left join history as h
        on h.perf_dept_code = w.perf_dept_code and h.period = w.period and h.indicator_code = w.indicator_code

)

select * from final
