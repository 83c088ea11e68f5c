-- 综合目标考核 科室汇总: per scheme department × month, the total score and the KPI coefficient the
-- bonus layer uses (KPI 系数).
--   total_score = Σ weighted_score of the scheme's indicators (an indicator without a score adds 0
--                 and is counted in missing_indicators / no_target_indicators, never silently)
--   kpi_coefficient = clamp(total_score / divisor, floor_coefficient, cap_coefficient) with the rule
--                     of seed kpi_coefficient_rule in force in the month (default clamp(score/100, 0.85, 1.10))
with scores as (

    select * from {{ ref('int_kpi__scores') }}

),

schemes as (

    select scheme_code, scheme_name, scheme_score from {{ ref('kpi_schemes') }}

),

rules as (

    select * from {{ ref('kpi_coefficient_rule') }}

),

totals as (

    select
        scheme_code,
        perf_dept_code,
        period,
        count(*) as indicator_count,
        sum(case when score_status = 'ok' then 1 else 0 end) as scored_indicators,
        sum(case when score_status = '缺数' then 1 else 0 end) as missing_indicators,
        sum(case when score_status = '缺目标' then 1 else 0 end) as no_target_indicators,
        sum(case when score_status not in ('ok', '缺数', '缺目标') then 1 else 0 end) as other_unscored_indicators,
        sum(coalesce(weighted_score, 0)) as total_score
    from scores
    group by scheme_code, perf_dept_code, period

),

final as (

    select
        t.scheme_code,
        s.scheme_name,
        t.perf_dept_code,
        t.period,
        cast(s.scheme_score as decimal(9, 4)) as scheme_score,
        cast(round(t.total_score, 4) as decimal(18, 4)) as total_score,
        cast(t.indicator_count as integer) as indicator_count,
        cast(t.scored_indicators as integer) as scored_indicators,
        cast(t.missing_indicators as integer) as missing_indicators,
        cast(t.no_target_indicators as integer) as no_target_indicators,
        cast(t.other_unscored_indicators as integer) as other_unscored_indicators,
        case when t.scored_indicators = t.indicator_count then '完整' else '不完整' end as completeness,
        r.rule_code as coefficient_rule,
        cast(round(least(greatest(t.total_score / r.divisor, r.floor_coefficient), r.cap_coefficient), 4)
             as decimal(9, 4)) as kpi_coefficient
    from totals as t
    inner join schemes as s on s.scheme_code = t.scheme_code
    left join rules as r
        on cast(t.period || '-01' as date) between r.effective_from and {{ jx_open_end('r.effective_to') }}

)

select * from final
