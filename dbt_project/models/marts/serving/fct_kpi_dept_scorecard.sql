-- 综合目标考核 科室得分卡 (score card) serving mart. Grain: perf department × month (one scheme per
-- department, as in fct_kpi_dept_summary). The summary with the department's name and category, so a
-- dashboard filters it like every other department dataset, and the progress figures:
--   score_rate              得分率 = total_score / scheme_score (the scheme's full score, e.g. 100)
--   target_indicators       指标中有目标值 (filed or suggested) 且有实际值的个数
--   target_met_indicators   其中达标的个数: actual ≥ target for direction higher, actual ≤ target for lower
--   target_met_share        达标率 = target_met_indicators / target_indicators (NULL when none)
--   total_score_prev_month  上月总分 (same department); total_score_mom_change 环比变化 = current − previous
with summary as (

    select * from {{ ref('fct_kpi_dept_summary') }}

),

departments as (

    select perf_dept_code, perf_dept_name, dept_category, accounting_group
    from {{ ref('dim_department') }}

),

targets as (

    select
        perf_dept_code,
        period,
        sum(case when target is not null and actual is not null then 1 else 0 end) as target_indicators,
        sum(case
                when target is null or actual is null then 0
                when direction = 'lower' and actual <= target then 1
                when direction <> 'lower' and actual >= target then 1
                else 0
            end) as target_met_indicators
    from {{ ref('fct_kpi_scores') }}
    group by perf_dept_code, period

),

scored as (

    select
        s.period,
        cast(s.period || '-01' as date) as period_date,
        {{ jx_month("cast(cast(s.period || '-01' as date) - interval '1 month' as date)") }} as prev_month_period,
        s.perf_dept_code,
        d.perf_dept_name,
        d.dept_category,
        d.accounting_group,
        s.scheme_code,
        s.scheme_name,
        s.scheme_score,
        s.total_score,
        s.kpi_coefficient,
        s.completeness,
        s.indicator_count,
        s.scored_indicators,
        s.missing_indicators,
        s.no_target_indicators,
        coalesce(t.target_indicators, 0) as target_indicators,
        coalesce(t.target_met_indicators, 0) as target_met_indicators
    from summary as s
    left join departments as d on d.perf_dept_code = s.perf_dept_code
    left join targets as t on t.perf_dept_code = s.perf_dept_code and t.period = s.period

),

final as (

    select
        cur.period,
        cur.period_date,
        cur.perf_dept_code,
        cur.perf_dept_name,
        cur.dept_category,
        cur.accounting_group,
        cur.scheme_code,
        cur.scheme_name,
        cur.scheme_score,
        cur.total_score,
        cast(case when cur.scheme_score > 0 then round(cur.total_score / cur.scheme_score, 4) end
             as decimal(9, 4)) as score_rate,
        cur.kpi_coefficient,
        cur.completeness,
        cur.indicator_count,
        cur.scored_indicators,
        cur.missing_indicators,
        cur.no_target_indicators,
        cast(cur.target_indicators as integer) as target_indicators,
        cast(cur.target_met_indicators as integer) as target_met_indicators,
        cast(case when cur.target_indicators > 0
                  then round(cast(cur.target_met_indicators as decimal(18, 4)) / cur.target_indicators, 4) end
             as decimal(9, 4)) as target_met_share,
        prev.total_score as total_score_prev_month,
        cast(cur.total_score - prev.total_score as decimal(18, 4)) as total_score_mom_change
    from scored as cur
    left join scored as prev on prev.perf_dept_code = cur.perf_dept_code and prev.period = cur.prev_month_period

)

select * from final
