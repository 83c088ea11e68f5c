-- 医院填报指标要素: annual values the hospital filed (template 医院填报指标, stg_manual__filed_indicator) for
-- the components of seed national_components with source_kind 'filed'. Only what was filed: a component
-- without a filing for a year has no row (the indicator then shows 待填报). Monthly filings (period
-- YYYY-MM) and codes that are not filed components are ignored here.
-- Grain: one row per year × component_code.
with filings as (

    select period, indicator_code, indicator_value, data_source, remark
    from {{ ref('stg_manual__filed_indicator') }}
    where length(period) = 4
      and indicator_value is not null

),

filed_components as (

    select component_code
    from {{ ref('national_components') }}
    where source_kind = 'filed'

),

final as (

    select
        cast(f.period as integer) as year,
        cast(c.component_code as varchar) as component_code,
        cast(f.indicator_value as decimal(20, 4)) as component_value,
        cast(f.data_source as varchar) as data_source,
        cast(f.remark as varchar) as remark
    from filings as f
    inner join filed_components as c
        on c.component_code = f.indicator_code

)

select * from final
