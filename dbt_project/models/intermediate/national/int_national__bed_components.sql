-- 国考 / 经济管理监测指标要素 — beds (床位日报 NIS census), flows. Grain: one row per month
-- (int_national__months) × component code below; 0 in a month without census rows.
--   beds_open_bed_days  开放床日数 = Σ open beds over the census days of the month, all wards
--   calendar_days       日历天数 = days of the month with a census row (平均开放床位 = open bed days / days)
{%- set components = [
    ('beds_open_bed_days', 'open_bed_days'),
    ('calendar_days', 'census_days'),
] %}

with months as (

    select month_start from {{ ref('int_national__months') }}

),

census as (

    select
        census_date,
        {{ jx_month_start('census_date') }} as month_start,
        open_beds
    from {{ ref('stg_beds__bed_census') }}
    where census_date is not null

),

census_totals as (

    select
        month_start,
        sum(coalesce(open_beds, 0)) as open_bed_days,
        count(distinct census_date) as census_days
    from census
    group by month_start

),

monthly as (

    select m.month_start, t.open_bed_days, t.census_days
    from months as m
    left join census_totals as t on t.month_start = m.month_start

),

final as (
    {{ jx_national_unpivot(components) }}

)

select * from final
