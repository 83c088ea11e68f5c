-- 科室奖金核算基础数据: everything the bonus formulas read, one row per period × perf department ×
-- 核算分组 (a clinical department has a 医生组 row and a 护理组 row: 医护分开核算).
--   points          工作量点数 of the group's roles (seed bonus_role_groups, else the dept's group)
--   headcount       在岗人数 counted in the group; post_coefficient_sum = Σ 岗位系数 of those people
--   night_shifts    夜班数 of those people (考勤)
--   kpi_coefficient KPI 系数 of the department (fct_kpi_dept_summary); NULL = none, kpi_complete false
--   medical_revenue, controllable_cost, grade34_surgeries, tcm_therapies, penalty_amount: department
--                   level, on the department's own group row only (is_home_group)
--   charge_amount, unmapped_amount: technical-value charges ordered by the dept and those without a
--                   standard item (未对照), department level, home group row only
with departments as (

    select perf_dept_code, perf_dept_name, dept_category, accounting_group
    from {{ ref('dim_department') }}
    where is_accounting_unit

),

points as (

    select
        w.period,
        w.perf_dept_code,
        coalesce(rg.accounting_group, d.accounting_group) as accounting_group,
        sum(w.points) as points
    from {{ ref('fct_workload_points') }} as w
    inner join departments as d on d.perf_dept_code = w.perf_dept_code
    left join {{ ref('bonus_role_groups') }} as rg on rg.role = w.role
    group by w.period, w.perf_dept_code, coalesce(rg.accounting_group, d.accounting_group)

),

staff as (

    select
        period,
        perf_dept_code,
        accounting_group,
        count(*) as headcount,
        sum(post_coefficient) as post_coefficient_sum,
        sum(night_shifts) as night_shifts
    from {{ ref('int_bonus__staff_months') }}
    group by period, perf_dept_code, accounting_group

),

metrics as (

    select
        perf_dept_code,
        period,
        sum(case when metric_code = 'medical_revenue' then numerator else 0 end) as medical_revenue,
        sum(case when metric_code = 'grade34_surgeries' then numerator else 0 end) as grade34_surgeries
    from {{ ref('int_dept_metrics__monthly') }}
    where metric_code in ('medical_revenue', 'grade34_surgeries')
    group by perf_dept_code, period

),

costs as (

    select
        m.perf_dept_code,
        substring(c.cost_period, 1, 4) || '-' || substring(c.cost_period, 5, 2) as period,
        sum(c.direct_cost) as controllable_cost
    from {{ ref('stg_cost__dept_costs') }} as c
    {{ perf_dept_join('cost', 'c.cost_centre_code',
                      "cast(substring(c.cost_period, 1, 4) || '-' || substring(c.cost_period, 5, 2) || '-01' as date)",
                      'm') }}
    group by m.perf_dept_code, substring(c.cost_period, 1, 4) || '-' || substring(c.cost_period, 5, 2)

),

charges as (

    select
        ordering_perf_dept_code as perf_dept_code,
        period,
        sum(case when has_technical_value then amount else 0 end) as charge_amount,
        sum(case when has_technical_value and standard_code is null then amount else 0 end) as unmapped_amount
    from {{ ref('int_charge_lines__enriched') }}
    group by ordering_perf_dept_code, period

),

tcm as (

    -- 中医非药物疗法人次: quantity of 中医治疗 lines by executing department (refunds subtract)
    select executing_perf_dept_code as perf_dept_code, period, sum(quantity) as tcm_therapies
    from {{ ref('int_charge_lines__enriched') }}
    where split_category = 'tcm_treatment'
    group by executing_perf_dept_code, period

),

penalties as (

    select period, perf_dept_code, sum(amount) as penalty_amount
    from {{ ref('stg_manual__dept_penalty') }}
    group by period, perf_dept_code

),

kpi as (

    select perf_dept_code, period, kpi_coefficient, completeness
    from {{ ref('fct_kpi_dept_summary') }}

),

keys as (

    select period, perf_dept_code, accounting_group from points
    union
    select period, perf_dept_code, accounting_group from staff
    union
    -- every department's own group row, in every month, so department-level facts have a home
    select p.period, d.perf_dept_code, d.accounting_group
    from (select distinct period from points) as p
    cross join departments as d

),

final as (

    select
        k.period,
        k.perf_dept_code,
        d.perf_dept_name,
        d.dept_category,
        k.accounting_group,
        k.accounting_group = d.accounting_group as is_home_group,
        cast(coalesce(p.points, 0) as decimal(18, 4)) as points,
        cast(coalesce(s.headcount, 0) as integer) as headcount,
        cast(coalesce(s.post_coefficient_sum, 0) as decimal(18, 4)) as post_coefficient_sum,
        cast(coalesce(s.night_shifts, 0) as integer) as night_shifts,
        cast(kp.kpi_coefficient as decimal(9, 4)) as kpi_coefficient,
        coalesce(kp.completeness = '完整', false) as kpi_complete,
        cast(case when k.accounting_group = d.accounting_group then coalesce(m.medical_revenue, 0) else 0 end
             as decimal(18, 2)) as medical_revenue,
        cast(case when k.accounting_group = d.accounting_group then coalesce(c.controllable_cost, 0) else 0 end
             as decimal(18, 2)) as controllable_cost,
        cast(case when k.accounting_group = d.accounting_group then coalesce(m.grade34_surgeries, 0) else 0 end
             as integer) as grade34_surgeries,
        cast(case when k.accounting_group = d.accounting_group then coalesce(t.tcm_therapies, 0) else 0 end
             as decimal(18, 4)) as tcm_therapies,
        cast(case when k.accounting_group = d.accounting_group then coalesce(pe.penalty_amount, 0) else 0 end
             as decimal(18, 2)) as penalty_amount,
        cast(case when k.accounting_group = d.accounting_group then coalesce(ch.charge_amount, 0) else 0 end
             as decimal(18, 2)) as charge_amount,
        cast(case when k.accounting_group = d.accounting_group then coalesce(ch.unmapped_amount, 0) else 0 end
             as decimal(18, 2)) as unmapped_amount
    from keys as k
    inner join departments as d on d.perf_dept_code = k.perf_dept_code
    -- a period blocked by an error-severity data-quality failure gets no bonus (int_bonus__blocked_periods)
    left join {{ ref('int_bonus__blocked_periods') }} as blocked on blocked.period = k.period
    left join points as p
        on p.period = k.period and p.perf_dept_code = k.perf_dept_code and p.accounting_group = k.accounting_group
    left join staff as s
        on s.period = k.period and s.perf_dept_code = k.perf_dept_code and s.accounting_group = k.accounting_group
    left join kpi as kp on kp.period = k.period and kp.perf_dept_code = k.perf_dept_code
    left join metrics as m on m.period = k.period and m.perf_dept_code = k.perf_dept_code
    left join costs as c on c.period = k.period and c.perf_dept_code = k.perf_dept_code
    left join tcm as t on t.period = k.period and t.perf_dept_code = k.perf_dept_code
    left join penalties as pe on pe.period = k.period and pe.perf_dept_code = k.perf_dept_code
    left join charges as ch on ch.period = k.period and ch.perf_dept_code = k.perf_dept_code
    where blocked.period is null

)

select * from final
