-- 勾稽关系审核 (accounting-identity checks) of the monitoring table, inside it (表内) and against the
-- national indicators (表间). Grain: hospital × year × rule_code. passed is null when a term cannot be
-- evaluated (e.g. a filed value is still 待填报). A failed or unevaluated rule blocks 上报
-- (`jixiao national submit`); the results also land in dq.dq_check_results (layer gouji).
with rules as (
    select * from {{ ref('monitoring_gouji_rules') }}
),

terms as (
    select * from {{ ref('monitoring_gouji_terms') }}
),

items as (
    select year, item_code, current_value, status from {{ ref('fct_monitoring_indicators') }}
),

indicators as (
    select
        cast(year as integer) as year,
        indicator_code || ':' || part_code as indicator_key,
        numerator,
        denominator,
        value
    from {{ ref('int_national__indicator_values') }}
    where period_type = 'year'
),

years as (
    select distinct year from items
),

year_terms as (
    select y.year, r.rule_code, t.side, t.term_kind, t.term_ref, t.term_field, t.sign
    from years as y
    inner join rules as r
        on r.effective_from <= cast(cast(y.year as varchar) || '-12-31' as date)
        and (r.effective_to is null or r.effective_to >= cast(cast(y.year as varchar) || '-12-31' as date))
    inner join terms as t on t.rule_code = r.rule_code
),

term_values as (
    select
        yt.year,
        yt.rule_code,
        yt.side,
        yt.sign * case
            when yt.term_kind = 'item' then i.current_value
            when yt.term_kind = 'constant' then cast(yt.term_ref as decimal(24,4))
            when yt.term_kind = 'indicator' and yt.term_field = 'value' then ind.value
            when yt.term_kind = 'indicator' and yt.term_field = 'numerator' then ind.numerator
            when yt.term_kind = 'indicator' and yt.term_field = 'denominator' then ind.denominator
        end as term_value
    from year_terms as yt
    left join items as i
        on yt.term_kind = 'item' and i.year = yt.year and i.item_code = yt.term_ref
    left join indicators as ind
        on yt.term_kind = 'indicator' and ind.year = yt.year
        and ind.indicator_key = yt.term_ref
),

sides as (
    select
        year,
        rule_code,
        -- a side is unknown (null) when any of its terms is unknown
        case when sum(case when side = 'L' and term_value is null then 1 else 0 end) > 0 then null
             else sum(case when side = 'L' then term_value else 0 end) end as left_value,
        case when sum(case when side = 'R' and term_value is null then 1 else 0 end) > 0 then null
             else sum(case when side = 'R' then term_value else 0 end) end as right_value
    from term_values
    group by year, rule_code
),

final as (
    select
        cast('{{ var("jx_hospital_code") }}' as varchar(20)) as hospital_code,
        cast(s.year as integer) as year,
        cast(r.rule_code as varchar(40)) as rule_code,
        cast(r.rule_name as varchar(100)) as rule_name,
        cast(r.scope as varchar(10)) as scope,
        cast(r.operator as varchar(4)) as operator,
        cast(s.left_value as decimal(24,4)) as left_value,
        cast(s.right_value as decimal(24,4)) as right_value,
        cast(r.tolerance as decimal(18,4)) as tolerance,
        cast(case
            when s.left_value is null or s.right_value is null then null
            when r.operator = '=' then abs(s.left_value - s.right_value) <= r.tolerance
            when r.operator = '<=' then s.left_value <= s.right_value + r.tolerance
            when r.operator = '>=' then s.left_value >= s.right_value - r.tolerance
        end as boolean) as passed,
        cast(case
            when s.left_value is null or s.right_value is null
                then r.rule_name || '：有数据待填报或缺数，无法审核'
            when (r.operator = '=' and abs(s.left_value - s.right_value) > r.tolerance)
                or (r.operator = '<=' and s.left_value > s.right_value + r.tolerance)
                or (r.operator = '>=' and s.left_value < s.right_value - r.tolerance)
                then r.rule_name || '：不成立（左边 ' || cast(round(s.left_value, 2) as varchar)
                    || '，右边 ' || cast(round(s.right_value, 2) as varchar)
                    || '，差额 ' || cast(round(s.left_value - s.right_value, 2) as varchar) || '）'
            else r.rule_name || '：通过'
        end as varchar(300)) as message
    from sides as s
    inner join rules as r
        on r.rule_code = s.rule_code
        and r.effective_from <= cast(cast(s.year as varchar) || '-12-31' as date)
        and (r.effective_to is null or r.effective_to >= cast(cast(s.year as varchar) || '-12-31' as date))
)

select * from final
