-- 收入结构与工作量指标 per perf department (开单科室) × month, from charge lines and points.
-- Grain: perf_dept_code × period × metric_code (long).
--   medical_revenue 医疗收入 = Σ line amounts (refunds subtract)
--   drug_share 药占比 = drug amount (fee categories whose policy revenue_class is 药品) / medical revenue
--   consumable_share 耗占比 = 卫生材料 amount / medical revenue
--   tcm_nondrug_share 中医非药物疗法收入占比 = 中医治疗费 (split category tcm_treatment) / medical revenue
--   workload_points 工作量点数 = Σ points of the department, all roles (fct_workload_points)
with lines as (

    select l.ordering_perf_dept_code as perf_dept_code, l.period, l.amount, l.split_category, p.revenue_class
    from {{ ref('int_charge_lines__enriched') }} as l
    left join {{ ref('fee_category_policy') }} as p on p.fee_category_code = l.fee_category_code

),

revenue as (

    select
        perf_dept_code,
        period,
        sum(amount) as total,
        sum(case when revenue_class = '药品' then amount else 0 end) as drugs,
        sum(case when revenue_class = '卫生材料' then amount else 0 end) as consumables,
        sum(case when split_category = 'tcm_treatment' then amount else 0 end) as tcm_nondrug
    from lines
    group by perf_dept_code, period

),

points as (

    select perf_dept_code, period, sum(points) as points
    from {{ ref('fct_workload_points') }}
    group by perf_dept_code, period

),

long as (

    select perf_dept_code, period, 'medical_revenue' as metric_code,
           cast(total as decimal(18, 4)) as numerator, cast(null as decimal(18, 4)) as denominator
    from revenue
    union all
    select perf_dept_code, period, 'drug_share', drugs, total from revenue
    union all
    select perf_dept_code, period, 'consumable_share', consumables, total from revenue
    union all
    select perf_dept_code, period, 'tcm_nondrug_share', tcm_nondrug, total from revenue
    union all
    select perf_dept_code, period, 'workload_points', points, null from points

),

final as (

    {{ metric_columns('long') }}

)

select * from final
