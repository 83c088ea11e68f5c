-- 床位指标 per perf department × month, from the NIS daily census (ward → perf department by date).
-- Grain: perf_dept_code × period × metric_code (long).
--   occupied_bed_days 实际占用总床日数 = Σ occupied beds over the days
--   bed_use_rate 床位使用率 = Σ occupied beds / Σ open beds
with census as (

    select
        m.perf_dept_code,
        {{ jx_month('c.census_date') }} as period,
        c.occupied_beds,
        c.open_beds
    from {{ ref('stg_beds__bed_census') }} as c
    {{ perf_dept_join('beds', 'c.ward_code', 'c.census_date', 'm') }}

),

totals as (

    select perf_dept_code, period, sum(occupied_beds) as occupied, sum(open_beds) as open_beds
    from census
    group by perf_dept_code, period

),

long as (

    select perf_dept_code, period, 'occupied_bed_days' as metric_code,
           cast(occupied as decimal(18, 4)) as numerator, cast(null as decimal(18, 4)) as denominator
    from totals
    union all
    select perf_dept_code, period, 'bed_use_rate', occupied, open_beds from totals

),

final as (

    {{ metric_columns('long') }}

)

select * from final
