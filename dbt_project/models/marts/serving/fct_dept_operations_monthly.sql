-- 院级运营驾驶舱 (operations cockpit) serving mart. Grain: perf department × month (period).
-- One row per department that had activity, beds or costs in the month. Every count and amount is
-- additive, so the hospital, a 科室类别 or a month is the SUM of rows; ratios are carried as their
-- numerator and denominator too (a dashboard recomputes them at any level, never averages them).
--   outpatient_visits   门急诊人次 = registrations not cancelled (int_dept_metrics__outpatient)
--   discharges          出院人次 (病案首页, discharge department)
--   surgeries           手术台次; grade34_surgeries 三四级手术台次; grade34_surgery_share = grade34 / surgeries
--   occupied_bed_days   实际占用床日 = Σ occupied beds over the census days; open_bed_days 实际开放床日
--   bed_use_rate        床位使用率 = occupied_bed_days / open_bed_days
--   open_beds, empty_beds  开放床位 and 空床数 on the last census day of the month (per ward:
--                       max(open − occupied, 0), so a ward with 加床 counts 0, never negative)
--   medical_revenue     医疗收入 (ordering department, refunds subtract)
--   direct_cost         直接成本; total_cost 全成本 = direct + the three allocation steps (管理, 医辅,
--                       医技; the allocation columns net to zero over the hospital, so Σ total_cost =
--                       Σ direct_cost and the figure stays additive)
--   surplus             收支结余 = medical_revenue − total_cost
--   <m>_prev_month / <m>_prev_year: the same department's figure one month / twelve months earlier
--                       (NULL when that month has no row)
--   <m>_mom / <m>_yoy   环比 / 同比 growth = (current − previous) / |previous|, NULL when previous is
--                       NULL or 0 (|previous| so that a surplus turning from −100 to −50 reads +50%)
{%- set additive = ['outpatient_visits', 'discharges', 'surgeries', 'grade34_surgeries', 'occupied_bed_days',
                    'open_bed_days', 'medical_revenue', 'total_cost', 'surplus'] %}
{%- set growth = ['outpatient_visits', 'discharges', 'surgeries', 'medical_revenue', 'total_cost', 'surplus'] %}
with departments as (

    select perf_dept_code, perf_dept_name, dept_category, parent_dept_code, parent_dept_name, accounting_group
    from {{ ref('dim_department') }}

),

metrics as (

    select
        perf_dept_code,
        period,
        sum(case when metric_code = 'outpatient_visits' then numerator else 0 end) as outpatient_visits,
        sum(case when metric_code = 'discharges' then numerator else 0 end) as discharges,
        sum(case when metric_code = 'surgeries' then numerator else 0 end) as surgeries,
        sum(case when metric_code = 'grade34_surgeries' then numerator else 0 end) as grade34_surgeries,
        sum(case when metric_code = 'bed_use_rate' then numerator else 0 end) as occupied_bed_days,
        sum(case when metric_code = 'bed_use_rate' then denominator else 0 end) as open_bed_days,
        sum(case when metric_code = 'medical_revenue' then numerator else 0 end) as medical_revenue
    from {{ ref('int_dept_metrics__monthly') }}
    where metric_code in ('outpatient_visits', 'discharges', 'surgeries', 'grade34_surgeries', 'bed_use_rate',
                          'medical_revenue')
    group by perf_dept_code, period

),

census as (

    select
        m.perf_dept_code,
        {{ jx_month('c.census_date') }} as period,
        c.ward_code,
        c.census_date,
        c.open_beds,
        c.occupied_beds
    from {{ ref('stg_beds__bed_census') }} as c
    {{ perf_dept_join('beds', 'c.ward_code', 'c.census_date', 'm') }}

),

ward_month_end as (

    select ward_code, period, max(census_date) as census_date
    from census
    group by ward_code, period

),

month_end_beds as (

    select
        c.perf_dept_code,
        c.period,
        sum(coalesce(c.open_beds, 0)) as open_beds,
        sum(greatest(coalesce(c.open_beds, 0) - coalesce(c.occupied_beds, 0), 0)) as empty_beds
    from census as c
    inner join ward_month_end as e
        on e.ward_code = c.ward_code and e.period = c.period and e.census_date = c.census_date
    where c.perf_dept_code is not null
    group by c.perf_dept_code, c.period

),

costs as (

    select
        m.perf_dept_code,
        substring(c.cost_period, 1, 4) || '-' || substring(c.cost_period, 5, 2) as period,
        sum(coalesce(c.direct_cost, 0)) as direct_cost,
        sum(coalesce(c.direct_cost, 0) + coalesce(c.allocated_admin_cost, 0) + coalesce(c.allocated_auxiliary_cost, 0)
            + coalesce(c.allocated_medtech_cost, 0)) as total_cost
    from {{ ref('stg_cost__dept_costs') }} as c
    {{ perf_dept_join('cost', 'c.cost_centre_code',
                      "cast(substring(c.cost_period, 1, 4) || '-' || substring(c.cost_period, 5, 2) || '-01' as date)",
                      'm') }}
    where m.perf_dept_code is not null
    group by m.perf_dept_code, substring(c.cost_period, 1, 4) || '-' || substring(c.cost_period, 5, 2)

),

keys as (

    select perf_dept_code, period from metrics
    union
    select perf_dept_code, period from month_end_beds
    union
    select perf_dept_code, period from costs

),

current_month as (

    select
        k.period,
        cast(k.period || '-01' as date) as period_date,
        cast(substring(k.period, 1, 4) as integer) as year,
        cast(substring(k.period, 6, 2) as integer) as month,
        {{ jx_month("cast(cast(k.period || '-01' as date) - interval '1 month' as date)") }} as prev_month_period,
        {{ jx_month("cast(cast(k.period || '-01' as date) - interval '12 months' as date)") }} as prev_year_period,
        k.perf_dept_code,
        d.perf_dept_name,
        d.dept_category,
        d.parent_dept_code,
        d.parent_dept_name,
        d.accounting_group,
        cast(coalesce(m.outpatient_visits, 0) as integer) as outpatient_visits,
        cast(coalesce(m.discharges, 0) as integer) as discharges,
        cast(coalesce(m.surgeries, 0) as integer) as surgeries,
        cast(coalesce(m.grade34_surgeries, 0) as integer) as grade34_surgeries,
        cast(coalesce(m.occupied_bed_days, 0) as integer) as occupied_bed_days,
        cast(coalesce(m.open_bed_days, 0) as integer) as open_bed_days,
        cast(coalesce(b.open_beds, 0) as integer) as open_beds,
        cast(coalesce(b.empty_beds, 0) as integer) as empty_beds,
        cast(coalesce(m.medical_revenue, 0) as decimal(18, 2)) as medical_revenue,
        cast(coalesce(c.direct_cost, 0) as decimal(18, 2)) as direct_cost,
        cast(coalesce(c.total_cost, 0) as decimal(18, 2)) as total_cost,
        cast(coalesce(m.medical_revenue, 0) - coalesce(c.total_cost, 0) as decimal(18, 2)) as surplus
    from keys as k
    inner join departments as d on d.perf_dept_code = k.perf_dept_code
    left join metrics as m on m.perf_dept_code = k.perf_dept_code and m.period = k.period
    left join month_end_beds as b on b.perf_dept_code = k.perf_dept_code and b.period = k.period
    left join costs as c on c.perf_dept_code = k.perf_dept_code and c.period = k.period

),

final as (

    select
        cur.period,
        cur.period_date,
        cur.year,
        cur.month,
        cur.perf_dept_code,
        cur.perf_dept_name,
        cur.dept_category,
        cur.parent_dept_code,
        cur.parent_dept_name,
        cur.accounting_group,
        cur.outpatient_visits,
        cur.discharges,
        cur.surgeries,
        cur.grade34_surgeries,
        cast(case when cur.surgeries > 0 then round(cast(cur.grade34_surgeries as decimal(18, 4)) / cur.surgeries, 4) end
             as decimal(9, 4)) as grade34_surgery_share,
        cur.occupied_bed_days,
        cur.open_bed_days,
        cast(case when cur.open_bed_days > 0
                  then round(cast(cur.occupied_bed_days as decimal(18, 4)) / cur.open_bed_days, 4) end
             as decimal(9, 4)) as bed_use_rate,
        cur.open_beds,
        cur.empty_beds,
        cur.medical_revenue,
        cur.direct_cost,
        cur.total_cost,
        cur.surplus,
        {%- for m in additive %}
        pm.{{ m }} as {{ m }}_prev_month,
        py.{{ m }} as {{ m }}_prev_year,
        {%- endfor %}
        {%- for m in growth %}
        cast(case when pm.{{ m }} <> 0 then round((cur.{{ m }} - pm.{{ m }}) / abs(cast(pm.{{ m }} as decimal(18, 4))), 4) end
             as decimal(12, 4)) as {{ m }}_mom,
        cast(case when py.{{ m }} <> 0 then round((cur.{{ m }} - py.{{ m }}) / abs(cast(py.{{ m }} as decimal(18, 4))), 4) end
             as decimal(12, 4)) as {{ m }}_yoy{{ ',' if not loop.last }}
        {%- endfor %}
    from current_month as cur
    left join current_month as pm on pm.perf_dept_code = cur.perf_dept_code and pm.period = cur.prev_month_period
    left join current_month as py on py.perf_dept_code = cur.perf_dept_code and py.period = cur.prev_year_period

)

select * from final
