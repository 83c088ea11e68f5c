-- 辅助预警/异常校验 (live), one row per period × perf department × rule that fires. Rules and
-- thresholds: seed bonus_warning_rules (enabled rows only). Reads int_bonus__dept_summary only.
--   mom_change       |dept_bonus / prev_dept_bonus − 1| > threshold          (prev > 0)
--   per_capita_high  per_capita_bonus > threshold × 全院人均 (Σ dept_bonus / Σ headcount, staffed depts)
--   negative_bonus   dept_bonus < threshold (0)
--   points_no_staff  points > 0 and headcount = 0
--   staff_no_points  headcount > 0 and points = 0, points-basis departments
--   missing_kpi      points-basis department without a complete KPI result (coefficient taken as 1)
--   unmapped_share   unmapped_amount / charge_amount > threshold
-- Grain: period × perf_dept_code × rule_code.
with summary as (

    select * from {{ ref('int_bonus__dept_summary') }}

),

rules as (

    select * from {{ ref('bonus_warning_rules') }} where enabled

),

hospital as (

    select period, sum(dept_bonus) / nullif(sum(headcount), 0) as hospital_per_capita
    from summary
    where headcount > 0
    group by period

),

fired as (

    select s.period, s.perf_dept_code, 'mom_change' as rule_code, abs(s.mom_change) as observed_value,
           '本月 ' || cast(s.dept_bonus as varchar) || ' 元，上月 ' || cast(s.prev_dept_bonus as varchar)
           || ' 元，环比 ' || cast(round(s.mom_change * 100, 1) as varchar) || '%' as detail
    from summary as s
    where s.mom_change is not null
    union all
    select s.period, s.perf_dept_code, 'per_capita_high',
           s.per_capita_bonus / h.hospital_per_capita,
           '人均 ' || cast(s.per_capita_bonus as varchar) || ' 元，全院人均 '
           || cast(round(h.hospital_per_capita, 2) as varchar) || ' 元'
    from summary as s
    inner join hospital as h on h.period = s.period
    where s.per_capita_bonus is not null and h.hospital_per_capita > 0
    union all
    select s.period, s.perf_dept_code, 'negative_bonus', s.dept_bonus,
           '科室奖金合计 ' || cast(s.dept_bonus as varchar) || ' 元'
    from summary as s
    union all
    select s.period, s.perf_dept_code, 'points_no_staff', s.points,
           '点数 ' || cast(s.points as varchar) || '，在岗人数 0'
    from summary as s
    where s.headcount = 0
    union all
    select s.period, s.perf_dept_code, 'staff_no_points', cast(s.headcount as decimal(18, 4)),
           '在岗 ' || cast(s.headcount as varchar) || ' 人，点数 0'
    from summary as s
    where s.basis = 'points' and s.points = 0
    union all
    select s.period, s.perf_dept_code, 'missing_kpi', cast(case when s.kpi_coefficient is null then 0 else 1 end as decimal(18, 4)),
           case when s.kpi_coefficient is null then '无综合目标考核结果，KPI 系数按 1 计'
                else '考核指标不完整，KPI 系数 ' || cast(s.kpi_coefficient as varchar) end
    from summary as s
    where s.basis = 'points' and not s.kpi_complete
    union all
    select s.period, s.perf_dept_code, 'unmapped_share', s.unmapped_share,
           '未对照收费 ' || cast(s.unmapped_amount as varchar) || ' 元，占 '
           || cast(round(s.unmapped_share * 100, 2) as varchar) || '%'
    from summary as s
    where s.unmapped_share is not null

),

final as (

    select
        f.period,
        f.perf_dept_code,
        s.perf_dept_name,
        f.rule_code,
        r.rule_name,
        r.severity,
        cast(f.observed_value as decimal(18, 4)) as observed_value,
        cast(r.threshold as decimal(18, 4)) as threshold,
        f.detail
    from fired as f
    inner join rules as r on r.rule_code = f.rule_code
    inner join summary as s on s.period = f.period and s.perf_dept_code = f.perf_dept_code
    where case f.rule_code
            when 'mom_change' then f.observed_value > r.threshold
            when 'per_capita_high' then f.observed_value > r.threshold
            when 'negative_bonus' then f.observed_value < r.threshold
            when 'points_no_staff' then f.observed_value > r.threshold
            when 'staff_no_points' then f.observed_value > r.threshold
            when 'missing_kpi' then true
            when 'unmapped_share' then f.observed_value > r.threshold
          end

)

select * from final
