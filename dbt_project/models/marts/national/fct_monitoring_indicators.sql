-- 经济管理监测指标 (seed 003: 18 monitoring indicators with their sub-items), year on year.
-- Grain: hospital × year × item_code. "上年" is the same months of the previous year (see
-- int_national__component_periods); difference = this year − last year; growth_rate uses the growth formula
-- of macros/national/national_formula.sql.
with component_periods as (
    select * from {{ ref('int_national__component_periods') }} where period_type = 'year'
),

components as (
    select component_code, component_name, source_kind from {{ ref('national_components') }}
),

items as (
    select * from {{ ref('monitoring_items') }}
),

periods as (
    select distinct year, months_covered, period_end from component_periods
),

period_items as (
    select p.year, p.months_covered, p.period_end, i.*
    from periods as p
    inner join items as i
        on i.effective_from <= p.period_end and (i.effective_to is null or i.effective_to >= p.period_end)
),

-- items computed from components (value, ratio)
component_items as (
    select
        pi.year,
        pi.item_code,
        case
            when pi.formula_type = 'value' then round(cast(num.current_value as decimal(24,8)) * pi.scale, 4)
            else {{ jx_national_value("'ratio'", 'num.current_value + coalesce(plus.current_value, case when pi.numerator_plus_ref is null then 0 end) - coalesce(less.current_value, case when pi.numerator_less_ref is null then 0 end)', 'den.current_value', 'pi.scale') }}
        end as current_value,
        case
            when pi.formula_type = 'value' then round(cast(num.previous_value as decimal(24,8)) * pi.scale, 4)
            else {{ jx_national_value("'ratio'", 'num.previous_value + coalesce(plus.previous_value, case when pi.numerator_plus_ref is null then 0 end) - coalesce(less.previous_value, case when pi.numerator_less_ref is null then 0 end)', 'den.previous_value', 'pi.scale') }}
        end as previous_value,
        coalesce(cn.source_kind = 'filed' and num.current_value is null, false)
            or coalesce(cp.source_kind = 'filed' and plus.current_value is null, false) as is_missing_filed,
        case
            when cn.source_kind = 'filed' and num.current_value is null then cn.component_name
            when cp.source_kind = 'filed' and plus.current_value is null then cp.component_name
        end as missing_filed_name
    from period_items as pi
    left join component_periods as num on num.year = pi.year and num.component_code = pi.numerator_ref
    left join component_periods as plus on plus.year = pi.year and plus.component_code = pi.numerator_plus_ref
    left join component_periods as less on less.year = pi.year and less.component_code = pi.numerator_less_ref
    left join component_periods as den on den.year = pi.year and den.component_code = pi.denominator_ref
    left join components as cn on cn.component_code = pi.numerator_ref
    left join components as cp on cp.component_code = pi.numerator_plus_ref
    where pi.formula_type in ('value', 'ratio')
),

-- items computed from other items (床护比 = 注册护士数 ÷ 平均开放床位)
item_items as (
    select
        pi.year,
        pi.item_code,
        {{ jx_national_value("'ratio'", 'n.current_value', 'd.current_value', 'pi.scale') }} as current_value,
        {{ jx_national_value("'ratio'", 'n.previous_value', 'd.previous_value', 'pi.scale') }} as previous_value,
        coalesce(n.is_missing_filed, false) or coalesce(d.is_missing_filed, false) as is_missing_filed,
        coalesce(n.missing_filed_name, d.missing_filed_name) as missing_filed_name
    from period_items as pi
    left join component_items as n on n.year = pi.year and n.item_code = pi.numerator_ref
    left join component_items as d on d.year = pi.year and d.item_code = pi.denominator_ref
    where pi.formula_type = 'item_ratio'
),

item_values as (
    select * from component_items
    union all
    select * from item_items
),

final as (
    select
        cast('{{ var("jx_hospital_code") }}' as varchar(20)) as hospital_code,
        cast(pi.year as integer) as year,
        cast(pi.months_covered as integer) as months_covered,
        cast(pi.item_code as varchar(10)) as item_code,
        cast(pi.parent_item_code as varchar(10)) as parent_item_code,
        cast(pi.seq_no as integer) as seq_no,
        cast(pi.item_name as varchar(100)) as item_name,
        cast(pi.unit as varchar(20)) as unit,
        cast(case when not iv.is_missing_filed then iv.current_value end as decimal(24,4)) as current_value,
        cast(iv.previous_value as decimal(24,4)) as previous_value,
        cast(case when not iv.is_missing_filed then iv.current_value - iv.previous_value end as decimal(24,4))
            as difference,
        cast(case when not iv.is_missing_filed then
            {{ jx_national_value("'growth'",
                jx_national_numerator("'growth'", 'iv.current_value', 'null', 'iv.previous_value', 'null'),
                jx_national_denominator("'growth'", 'iv.current_value', 'null', 'iv.previous_value', 'null'),
                100) }}
        end as decimal(24,4)) as growth_rate,
        cast(case
            when iv.is_missing_filed then '待填报'
            when iv.current_value is null then '缺数'
            else 'computed'
        end as varchar(10)) as status,
        cast(case
            when iv.is_missing_filed then '待填报：' || iv.missing_filed_name
            when iv.current_value is null then '缺少源数据'
            when iv.previous_value is null then '上年同期无数据，无法比较'
        end as varchar(200)) as status_reason
    from period_items as pi
    inner join item_values as iv on iv.year = pi.year and iv.item_code = pi.item_code
)

select * from final
