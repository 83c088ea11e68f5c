-- 指标要素按期间汇总: every component for every period (calendar year, and month) with the same months of
-- the previous year and of the year before, so that growth indicators and "上年" columns compare like
-- with like. Grain: period_type × period × component_code.
--
-- A year that is not complete (e.g. the demo's 2026 runs January–October) is compared with the same
-- months of the previous year; if the previous year lacks any of those months its value is null and
-- *_complete is false, never a partial sum. Flows are summed over the period's months; stocks take the
-- value of the period's last month; filed components (医院填报) are annual and have no month periods, and a
-- filed flow (an amount over the year) is not compared when the current year is year-to-date.
with months as (
    select month_start from {{ ref('int_national__months') }}
),

component_months as (
    select month_start, component_code, component_value from {{ ref('int_national__component_months') }}
),

filed as (
    select year, component_code, component_value from {{ ref('int_national__filed_components') }}
),

components as (
    select component_code, aggregation, source_kind from {{ ref('national_components') }}
),

month_years as (
    select
        month_start,
        cast(extract(year from month_start) as integer) as year,
        cast(extract(month from month_start) as integer) as month_no
    from months
),

-- periods: each calendar year with data, and each month
periods as (
    select
        'year' as period_type,
        cast(year as varchar) as period,
        year,
        count(*) as months_covered,
        min(month_start) as period_start,
        max(month_start) as last_month
    from month_years
    group by year
    union all
    select
        'month' as period_type,
        {{ jx_month('month_start') }} as period,
        year,
        1 as months_covered,
        month_start as period_start,
        month_start as last_month
    from month_years
),

-- the months each period covers, shifted back 0, 1 and 2 years
period_months as (
    select
        p.period_type,
        p.period,
        shift.years_back,
        p.months_covered,
        cast({{ dbt.dateadd('year', '-1 * shift.years_back', 'my.month_start') }} as date) as month_start,
        cast({{ dbt.dateadd('year', '-1 * shift.years_back', 'p.last_month') }} as date) as last_month
    from periods as p
    inner join month_years as my
        on (p.period_type = 'year' and my.year = p.year)
        or (p.period_type = 'month' and my.month_start = p.period_start)
    cross join (select 0 as years_back union all select 1 union all select 2) as shift
),

-- how many of the shifted months have data
shifted_coverage as (
    select
        pm.period_type,
        pm.period,
        pm.years_back,
        max(pm.months_covered) as months_needed,
        count(m.month_start) as months_found
    from period_months as pm
    left join months as m on m.month_start = pm.month_start
    group by pm.period_type, pm.period, pm.years_back
),

monthly_values as (
    select
        pm.period_type,
        pm.period,
        pm.years_back,
        cm.component_code,
        sum(cm.component_value) as flow_value,
        max(case when cm.month_start = pm.last_month then cm.component_value end) as stock_value
    from period_months as pm
    inner join component_months as cm on cm.month_start = pm.month_start
    group by pm.period_type, pm.period, pm.years_back, cm.component_code
),

monthly_resolved as (
    select
        mv.period_type,
        mv.period,
        mv.years_back,
        mv.component_code,
        case
            when sc.months_found < sc.months_needed then null
            when c.aggregation = 'stock' then mv.stock_value
            else mv.flow_value
        end as component_value,
        sc.months_found = sc.months_needed as is_complete
    from monthly_values as mv
    inner join shifted_coverage as sc
        on sc.period_type = mv.period_type and sc.period = mv.period and sc.years_back = mv.years_back
    inner join components as c on c.component_code = mv.component_code
    where c.source_kind <> 'filed'
),

-- filed components: one row per year period × filed component code, filed or not
filed_resolved as (
    select
        p.period_type,
        p.period,
        shift.years_back,
        c.component_code,
        case when shift.years_back > 0 and c.aggregation = 'flow' and p.months_covered < 12 then null
             else f.component_value end as component_value,
        f.component_value is not null
            and not (shift.years_back > 0 and c.aggregation = 'flow' and p.months_covered < 12) as is_complete
    from periods as p
    cross join (select 0 as years_back union all select 1 union all select 2) as shift
    cross join components as c
    left join filed as f
        on f.component_code = c.component_code and f.year = p.year - shift.years_back
    where p.period_type = 'year' and c.source_kind = 'filed'
),

resolved as (
    select * from monthly_resolved
    union all
    select * from filed_resolved
),

final as (
    select
        p.period_type,
        p.period,
        p.year,
        p.months_covered,
        p.period_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'p.last_month')) }} as date) as period_end,
        r.component_code,
        c.aggregation,
        c.source_kind,
        cast(max(case when r.years_back = 0 then r.component_value end) as decimal(24,4)) as current_value,
        cast(max(case when r.years_back = 1 then r.component_value end) as decimal(24,4)) as previous_value,
        cast(max(case when r.years_back = 2 then r.component_value end) as decimal(24,4)) as previous2_value,
        coalesce(max(case when r.years_back = 0 and r.is_complete then 1 else 0 end), 0) = 1 as current_complete,
        coalesce(max(case when r.years_back = 1 and r.is_complete then 1 else 0 end), 0) = 1 as previous_complete,
        coalesce(max(case when r.years_back = 2 and r.is_complete then 1 else 0 end), 0) = 1 as previous2_complete
    from periods as p
    inner join resolved as r on r.period_type = p.period_type and r.period = p.period
    inner join components as c on c.component_code = r.component_code
    group by p.period_type, p.period, p.year, p.months_covered, p.period_start, p.last_month,
        r.component_code, c.aggregation, c.source_kind
)

select * from final
