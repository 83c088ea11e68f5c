-- 国考指标值 (national indicator values, list-agnostic): one formula per indicator part, evaluated for every
-- period from the component totals. Grain: period_type × period × indicator_code × part_code.
-- The formulas themselves are the jx_national_* macros (macros/national/national_formula.sql); the library
-- (which components, which scale) is the seed national_indicators, selected by its effective dates.
with component_periods as (
    select * from {{ ref('int_national__component_periods') }}
),

components as (
    select component_code, component_name, source_kind from {{ ref('national_components') }}
),

library as (
    select * from {{ ref('national_indicators') }}
),

periods as (
    select distinct period_type, period, year, months_covered, period_start, period_end
    from component_periods
),

-- the library version in force at the end of each period; month periods only for monthly indicators
period_indicators as (
    select
        p.period_type,
        p.period,
        p.year,
        p.months_covered,
        p.period_start,
        p.period_end,
        l.indicator_code,
        l.part_code,
        l.formula_type,
        l.numerator_component,
        l.numerator_plus_component,
        l.numerator_less_component,
        l.denominator_component,
        l.scale
    from periods as p
    inner join library as l
        on l.effective_from <= p.period_end
        and (l.effective_to is null or l.effective_to >= p.period_end)
    where p.period_type = 'year' or l.is_monthly
),

-- one row per (period, indicator part, slot) so that missing filed values can be named
slots as (
    select period_type, period, indicator_code, part_code, formula_type, numerator_component as component_code
    from period_indicators
    union all
    select period_type, period, indicator_code, part_code, formula_type, numerator_plus_component
    from period_indicators where numerator_plus_component is not null
    union all
    select period_type, period, indicator_code, part_code, formula_type, numerator_less_component
    from period_indicators where numerator_less_component is not null
    union all
    select period_type, period, indicator_code, part_code, formula_type, denominator_component
    from period_indicators where denominator_component is not null
),

slot_status as (
    select
        s.period_type,
        s.period,
        s.indicator_code,
        s.part_code,
        sum(case when c.source_kind = 'filed' and cp.current_value is null then 1 else 0 end) as missing_filed_count,
        {{ dbt.listagg(
            "case when c.source_kind = 'filed' and cp.current_value is null then c.component_name end",
            "'、'", "order by c.component_name") }} as missing_filed_names,
        sum(case when cp.previous_complete then 0 else 1 end) as incomplete_previous_count,
        sum(case when cp.previous2_complete then 0 else 1 end) as incomplete_previous2_count
    from slots as s
    inner join components as c on c.component_code = s.component_code
    left join component_periods as cp
        on cp.period_type = s.period_type and cp.period = s.period and cp.component_code = s.component_code
    group by s.period_type, s.period, s.indicator_code, s.part_code
),

with_components as (
    select
        pi.*,
        num.current_value
            + case when pi.numerator_plus_component is null then 0 else plus.current_value end
            - case when pi.numerator_less_component is null then 0 else less.current_value end as n_current,
        num.previous_value
            + case when pi.numerator_plus_component is null then 0 else plus.previous_value end
            - case when pi.numerator_less_component is null then 0 else less.previous_value end as n_previous,
        num.previous2_value
            + case when pi.numerator_plus_component is null then 0 else plus.previous2_value end
            - case when pi.numerator_less_component is null then 0 else less.previous2_value end as n_previous2,
        den.current_value as d_current,
        den.previous_value as d_previous,
        den.previous2_value as d_previous2
    from period_indicators as pi
    left join component_periods as num
        on num.period_type = pi.period_type and num.period = pi.period
        and num.component_code = pi.numerator_component
    left join component_periods as plus
        on plus.period_type = pi.period_type and plus.period = pi.period
        and plus.component_code = pi.numerator_plus_component
    left join component_periods as less
        on less.period_type = pi.period_type and less.period = pi.period
        and less.component_code = pi.numerator_less_component
    left join component_periods as den
        on den.period_type = pi.period_type and den.period = pi.period
        and den.component_code = pi.denominator_component
),

evaluated as (
    select
        wc.*,
        {{ jx_national_numerator('wc.formula_type', 'wc.n_current', 'wc.d_current', 'wc.n_previous', 'wc.d_previous') }}
            as numerator,
        {{ jx_national_denominator('wc.formula_type', 'wc.n_current', 'wc.d_current', 'wc.n_previous', 'wc.d_previous') }}
            as denominator,
        {{ jx_national_numerator('wc.formula_type', 'wc.n_previous', 'wc.d_previous', 'wc.n_previous2', 'wc.d_previous2') }}
            as previous_numerator,
        {{ jx_national_denominator('wc.formula_type', 'wc.n_previous', 'wc.d_previous', 'wc.n_previous2', 'wc.d_previous2') }}
            as previous_denominator
    from with_components as wc
),

valued as (
    select
        e.*,
        {{ jx_national_value('e.formula_type', 'e.numerator', 'e.denominator', 'e.scale') }} as raw_value,
        {{ jx_national_value('e.formula_type', 'e.previous_numerator', 'e.previous_denominator', 'e.scale') }}
            as raw_previous_value,
        ss.missing_filed_count,
        ss.missing_filed_names,
        ss.incomplete_previous_count,
        ss.incomplete_previous2_count
    from evaluated as e
    inner join slot_status as ss
        on ss.period_type = e.period_type and ss.period = e.period
        and ss.indicator_code = e.indicator_code and ss.part_code = e.part_code
),

final as (
    select
        period_type,
        period,
        year,
        months_covered,
        period_start,
        period_end,
        indicator_code,
        part_code,
        formula_type,
        cast(numerator as decimal(24,4)) as numerator,
        cast(denominator as decimal(24,4)) as denominator,
        cast(case when status = 'computed' then raw_value end as decimal(24,4)) as value,
        cast(previous_value as decimal(24,4)) as previous_value,
        cast(case when status = 'computed' then raw_value - previous_value end as decimal(24,4)) as value_change,
        status,
        status_reason
    from (
        select
            v.*,
            case
                when v.missing_filed_count > 0 then '待填报'
                when v.formula_type in ('growth', 'growth_per_case') and v.incomplete_previous_count > 0 then '缺数'
                when v.raw_value is null then '缺数'
                else 'computed'
            end as status,
            case
                when v.missing_filed_count > 0 then '待填报：' || v.missing_filed_names
                when v.formula_type in ('growth', 'growth_per_case') and v.incomplete_previous_count > 0
                    then '上年同期数据不完整，无法计算增幅'
                when v.raw_value is null and v.denominator = 0 then '分母为 0，无法计算'
                when v.raw_value is null then '缺少源数据'
            end as status_reason,
            case
                when v.formula_type in ('growth', 'growth_per_case') and v.incomplete_previous2_count > 0 then null
                when v.incomplete_previous_count > 0 then null
                else v.raw_previous_value
            end as previous_value
        from valued as v
    ) as s
)

select * from final
