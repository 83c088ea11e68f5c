-- 数据月份: the months the national components are computed for — months present in BOTH the HIS
-- discharge abstracts (病案首页, by discharge month) and the finance department ledger (部门辅助总账, by
-- accounting period 1–12). A month missing from either source has no component rows at all, so a
-- flow component is 0 only when the source had data that month and nothing happened.
-- Grain: one row per month (month_start = first day of the month).
with discharge_months as (

    select distinct {{ jx_month('discharged_at') }} as period
    from {{ ref('stg_his__discharge_abstracts') }}
    where discharged_at is not null

),

ledger_months as (

    select distinct
        cast(fiscal_year as varchar) || '-' || lpad(cast(fiscal_month as varchar), 2, '0') as period
    from {{ ref('stg_finance__dept_ledger') }}
    -- periods 0 (期初) and 13 (调整期) are not calendar months
    where fiscal_year is not null
      and fiscal_month between 1 and 12

),

final as (

    select cast(d.period || '-01' as date) as month_start
    from discharge_months as d
    inner join ledger_months as l
        on l.period = d.period

)

select * from final
