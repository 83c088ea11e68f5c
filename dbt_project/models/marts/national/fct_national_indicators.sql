-- 国考指标 (national assessment indicators) for the 二级公立医院 and 二级公立中医医院 lists.
-- Grain: hospital × period_type × period × list_code × indicator_code × part_code. Annual rows follow the
-- national calendar (1 January – 31 December; months_covered < 12 means year-to-date); monthly rows are for
-- monitoring and only carry indicators the sources give monthly. A filed value that has not been filed
-- yet gives value null with status 待填报 — never 0.
with values_ as (
    select * from {{ ref('int_national__indicator_values') }}
),

library as (
    select * from {{ ref('national_indicators') }}
),

lists as (
    select * from {{ ref('national_indicator_lists') }}
),

final as (
    select
        cast('{{ var("jx_hospital_code") }}' as varchar(20)) as hospital_code,
        cast('{{ var("jx_hospital_name") }}' as varchar(100)) as hospital_name,
        cast(v.period_type as varchar(10)) as period_type,
        cast(v.period as varchar(10)) as period,
        cast(v.year as integer) as year,
        cast(v.months_covered as integer) as months_covered,
        cast(li.list_code as varchar(20)) as list_code,
        cast(li.seq_no as integer) as seq_no,
        cast(v.indicator_code as varchar(60)) as indicator_code,
        cast(v.part_code as varchar(20)) as part_code,
        cast(li.display_name as varchar(100)) as indicator_name,
        cast(l.part_name as varchar(100)) as part_name,
        cast(li.level1_name as varchar(40)) as level1_name,
        cast(li.level2_name as varchar(40)) as level2_name,
        cast(l.formula_text as varchar(400)) as formula_text,
        cast(l.unit as varchar(20)) as unit,
        cast(li.is_national_monitoring as boolean) as is_national_monitoring,
        cast(l.direction as varchar(10)) as direction,
        cast(li.data_source as varchar(100)) as data_source,
        cast(l.computed_from as varchar(100)) as computed_from,
        cast(v.numerator as decimal(24,4)) as numerator,
        cast(v.denominator as decimal(24,4)) as denominator,
        cast(v.value as decimal(24,4)) as value,
        cast(v.previous_value as decimal(24,4)) as prev_value,
        cast(v.value_change as decimal(24,4)) as value_change,
        cast(v.status as varchar(10)) as status,
        cast(v.status_reason as varchar(200)) as status_reason
    from values_ as v
    inner join library as l
        on l.indicator_code = v.indicator_code and l.part_code = v.part_code
        and l.effective_from <= v.period_end and (l.effective_to is null or l.effective_to >= v.period_end)
    inner join lists as li
        on li.indicator_code = v.indicator_code
        and li.effective_from <= v.period_end and (li.effective_to is null or li.effective_to >= v.period_end)
)

select * from final
