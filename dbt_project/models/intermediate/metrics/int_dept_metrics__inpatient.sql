-- 住院指标 per perf department (discharge department) × month of discharge, from the 病案首页.
-- Grain: perf_dept_code × period × metric_code (long). Metrics:
--   discharges 出院人次 = count of abstracts
--   avg_length_of_stay 平均住院日 = Σ length_of_stay_days / discharges
--   cost_per_discharge 次均住院费用 = Σ total_cost / discharges
--   surgeries 手术台次 = count of operations (all grades) on the abstracts
--   grade34_surgeries 三四级手术台次 = operations of grade 3–4
--   grade34_surgery_share 三四级手术占比 = operations of grade 3–4 / operations
--   minimally_invasive_share 微创手术占比 = minimally invasive operations / operations
--   tcm_led_discharge_share 以中医为主治疗出院占比 = abstracts flagged 以中医为主治疗 / discharges
with abstracts as (

    select
        a.inpatient_id,
        m.perf_dept_code,
        {{ jx_month('a.discharged_at') }} as period,
        a.length_of_stay_days,
        a.total_cost,
        a.is_tcm_led_treatment
    from {{ ref('stg_his__discharge_abstracts') }} as a
    {{ perf_dept_join('his', 'a.discharge_his_dept_code', 'a.discharged_at', 'm') }}

),

operations as (

    select o.inpatient_id, o.surgery_grade, o.is_minimally_invasive
    from {{ ref('stg_his__operations') }} as o

),

per_stay as (

    select
        a.perf_dept_code,
        a.period,
        count(*) as discharges,
        sum(a.length_of_stay_days) as bed_days_of_discharges,
        sum(a.total_cost) as total_cost,
        sum(case when a.is_tcm_led_treatment then 1 else 0 end) as tcm_led
    from abstracts as a
    group by a.perf_dept_code, a.period

),

per_operation as (

    select
        a.perf_dept_code,
        a.period,
        count(*) as surgeries,
        sum(case when o.surgery_grade >= 3 then 1 else 0 end) as grade34,
        sum(case when o.is_minimally_invasive then 1 else 0 end) as minimally_invasive
    from abstracts as a
    inner join operations as o on o.inpatient_id = a.inpatient_id
    group by a.perf_dept_code, a.period

),

long as (

    select perf_dept_code, period, 'discharges' as metric_code,
           cast(discharges as decimal(18, 4)) as numerator, cast(null as decimal(18, 4)) as denominator
    from per_stay
    union all
    select perf_dept_code, period, 'avg_length_of_stay', bed_days_of_discharges, discharges from per_stay
    union all
    select perf_dept_code, period, 'cost_per_discharge', total_cost, discharges from per_stay
    union all
    select perf_dept_code, period, 'tcm_led_discharge_share', tcm_led, discharges from per_stay
    union all
    select s.perf_dept_code, s.period, 'surgeries', coalesce(o.surgeries, 0), null
    from per_stay as s
    left join per_operation as o on o.perf_dept_code = s.perf_dept_code and o.period = s.period
    union all
    select perf_dept_code, period, 'grade34_surgery_share', grade34, surgeries from per_operation
    union all
    select perf_dept_code, period, 'grade34_surgeries', grade34, null from per_operation
    union all
    select perf_dept_code, period, 'minimally_invasive_share', minimally_invasive, surgeries from per_operation

),

final as (

    {{ metric_columns('long') }}

)

select * from final
