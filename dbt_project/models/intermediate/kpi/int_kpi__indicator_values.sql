-- 指标实际值: every enabled indicator's actual value per perf department × month.
-- actual = value(numerator_ref) / value(denominator_ref), or value(numerator_ref) alone; a ref is
-- `metric:<code>` (int_dept_metrics__monthly) or `indicator:<code>` (another indicator: derived).
-- Derived indicators resolve in up to three passes (levels 0–2); connectors/kpi_config rejects
-- cycles and deeper chains before any build. A missing input gives a NULL actual (缺数), never 0.
-- Grain: perf_dept_code × period × indicator_code (only department-months that have any metric).
with indicators as (

    select
        indicator_code,
        split_part(numerator_ref, ':', 1) as num_kind,
        split_part(numerator_ref, ':', 2) as num_code,
        split_part(denominator_ref, ':', 1) as den_kind,
        split_part(denominator_ref, ':', 2) as den_code
    from {{ ref('kpi_indicators') }}
    where enabled

),

metrics as (

    select perf_dept_code, period, metric_code, metric_value
    from {{ ref('int_dept_metrics__monthly') }}

),

dept_months as (

    select distinct perf_dept_code, period from metrics

),

grid as (

    select dm.perf_dept_code, dm.period, i.*
    from dept_months as dm
    cross join indicators as i

),

level_0 as (

    select
        g.perf_dept_code,
        g.period,
        g.indicator_code,
        case
            when g.den_code is null or g.den_code = '' then n.metric_value
            when d.metric_value = 0 then null
            else n.metric_value / d.metric_value
        end as actual
    from grid as g
    left join metrics as n
        on n.perf_dept_code = g.perf_dept_code and n.period = g.period and n.metric_code = g.num_code
    left join metrics as d
        on d.perf_dept_code = g.perf_dept_code and d.period = g.period and d.metric_code = g.den_code
    where g.num_kind = 'metric' and coalesce(g.den_kind, '') in ('', 'metric')

),

{% for level in [1, 2] %}
level_{{ level }} as (

    {%- set known = [] -%}
    {%- for l in range(level) %}{% do known.append('level_' ~ l) %}{% endfor %}
    with known as (
        {% for k in known %}select * from {{ k }}{% if not loop.last %} union all {% endif %}{% endfor %}
    )
    select
        g.perf_dept_code,
        g.period,
        g.indicator_code,
        case
            when g.den_code is null or g.den_code = '' then coalesce(ni.actual, nm.metric_value)
            when coalesce(di.actual, dm.metric_value) = 0 then null
            else coalesce(ni.actual, nm.metric_value) / coalesce(di.actual, dm.metric_value)
        end as actual
    from grid as g
    left join known as ni
        on g.num_kind = 'indicator' and ni.perf_dept_code = g.perf_dept_code and ni.period = g.period
       and ni.indicator_code = g.num_code
    left join metrics as nm
        on g.num_kind = 'metric' and nm.perf_dept_code = g.perf_dept_code and nm.period = g.period
       and nm.metric_code = g.num_code
    left join known as di
        on g.den_kind = 'indicator' and di.perf_dept_code = g.perf_dept_code and di.period = g.period
       and di.indicator_code = g.den_code
    left join metrics as dm
        on g.den_kind = 'metric' and dm.perf_dept_code = g.perf_dept_code and dm.period = g.period
       and dm.metric_code = g.den_code
    where (g.num_kind = 'indicator' or g.den_kind = 'indicator')
      and g.indicator_code not in (select indicator_code from known)
      and (g.num_kind <> 'indicator' or g.num_code in (select indicator_code from known))
      and (coalesce(g.den_kind, '') <> 'indicator' or g.den_code in (select indicator_code from known))

),
{% endfor %}

final as (

    select perf_dept_code, period, indicator_code, cast(actual as decimal(18, 6)) as actual from level_0
    union all
    select perf_dept_code, period, indicator_code, cast(actual as decimal(18, 6)) from level_1
    union all
    select perf_dept_code, period, indicator_code, cast(actual as decimal(18, 6)) from level_2

)

select * from final
