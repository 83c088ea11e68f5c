-- 贡献价值评价 — 指标标准化 (normalisation). Grain: scheme_code × period × perf_dept_code × indicator_code.
-- Every member department of an effective scheme gets a row for every indicator of the scheme in every
-- period of the metric layer; formulas and edge cases are documented in _contribution__models.yml.
with schemes as (

    select
        scheme_code,
        scheme_name,
        dept_attribute,
        scheme_score,
        normalisation,
        effective_from,
        {{ jx_open_end('effective_to') }} as effective_to
    from {{ ref('contribution_schemes') }}

),

items as (

    select scheme_code, indicator_code, weight, floor_value, cap_value
    from {{ ref('contribution_scheme_items') }}

),

indicators as (

    select indicator_code, indicator_name, metric_code, direction
    from {{ ref('contribution_indicators') }}

),

members as (

    select
        scheme_code,
        perf_dept_code,
        effective_from,
        {{ jx_open_end('effective_to') }} as effective_to
    from {{ ref('contribution_scheme_departments') }}

),

metrics as (

    select perf_dept_code, period, metric_code, metric_value
    from {{ ref('int_dept_metrics__monthly') }}

),

periods as (

    select distinct period, cast(period || '-01' as date) as period_start
    from metrics

),

-- scheme × period × member department × indicator: the full grid, so nobody is silently dropped.
-- An item whose indicator_code is not in the catalogue keeps a NULL metric_code and ends up 缺数.
grid as (

    select
        s.scheme_code,
        s.scheme_name,
        s.dept_attribute,
        s.scheme_score,
        s.normalisation,
        p.period,
        m.perf_dept_code,
        i.indicator_code,
        ind.indicator_name,
        ind.metric_code,
        ind.direction,
        i.weight,
        i.floor_value,
        i.cap_value
    from schemes as s
    inner join periods as p
        on p.period_start between s.effective_from and s.effective_to
    inner join members as m
        on m.scheme_code = s.scheme_code
        and p.period_start between m.effective_from and m.effective_to
    inner join items as i
        on i.scheme_code = s.scheme_code
    left join indicators as ind
        on ind.indicator_code = i.indicator_code

),

valued as (

    select
        g.*,
        mt.metric_value,
        {{ kpi_clamp('mt.metric_value', 'g.floor_value', 'g.cap_value') }} as clamped_value
    from grid as g
    left join metrics as mt
        on mt.perf_dept_code = g.perf_dept_code
        and mt.period = g.period
        and mt.metric_code = g.metric_code

),

-- Statistics over the departments WITH a value in the same scheme × period × indicator.
stats as (

    select
        valued.*,
        count(clamped_value) over w as valued_dept_count,
        sum(case when clamped_value > 0 then clamped_value else 0 end) over w as positive_total,
        sum(case when clamped_value > 0 then 1.0 / clamped_value end) over w as inverse_total,
        sum(case when clamped_value <= 0 then 1 else 0 end) over w as non_positive_count,
        min(clamped_value) over w as min_value,
        max(clamped_value) over w as max_value
    from valued
    window w as (partition by scheme_code, period, indicator_code)

),

normalised as (

    select
        stats.*,
        case
            when clamped_value is null then 0
            when normalisation = 'share_of_total' and direction = 'higher' then
                case
                    when positive_total = 0 then 0
                    when clamped_value > 0 then clamped_value / positive_total
                    else 0
                end
            when normalisation = 'share_of_total' and direction = 'lower' then
                case
                    when non_positive_count > 0 then
                        case when clamped_value <= 0 then 1.0 / non_positive_count else 0 end
                    else (1.0 / clamped_value) / inverse_total
                end
            when normalisation = 'min_max' and max_value = min_value then 1
            when normalisation = 'min_max' and direction = 'higher' then
                (clamped_value - min_value) / (max_value - min_value)
            when normalisation = 'min_max' and direction = 'lower' then
                (max_value - clamped_value) / (max_value - min_value)
        end as normalised_raw
    from stats

),

final as (

    select
        scheme_code,
        scheme_name,
        dept_attribute,
        scheme_score,
        normalisation,
        period,
        perf_dept_code,
        indicator_code,
        indicator_name,
        metric_code,
        direction,
        weight,
        floor_value,
        cap_value,
        metric_value,
        cast(clamped_value as decimal(18, 6)) as value,
        coalesce(clamped_value <> metric_value, false) as is_clamped,
        cast(case when clamped_value is null then '缺数' else 'ok' end as varchar(10)) as value_status,
        cast(valued_dept_count as integer) as valued_dept_count,
        cast(round(cast(normalised_raw as decimal(38, 12)), 6) as decimal(18, 6)) as normalised_score
    from normalised

)

select * from final
