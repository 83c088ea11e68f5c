-- 项目对照覆盖率 (a quality metric): per month, the share of the amount that needs a standard item
-- (everything but drugs, consumables, beds and registration) that has one, by match method.
with lines as (

    select period, amount, match_method, standard_code
    from {{ ref('int_charge_lines__enriched') }}
    where has_technical_value

),

final as (

    select
        period,
        cast(sum(amount) as decimal(18, 2)) as mappable_amount,
        cast(sum(case when standard_code is not null then amount else 0 end) as decimal(18, 2)) as mapped_amount,
        cast(sum(case when standard_code is null then amount else 0 end) as decimal(18, 2)) as unmapped_amount,
        cast(case when sum(amount) <> 0
             then sum(case when standard_code is not null then amount else 0 end) / sum(amount) end
             as decimal(9, 6)) as mapped_share,
        cast(sum(case when match_method in ('national_code', 'national_code_suffix') then amount else 0 end)
             as decimal(18, 2)) as amount_by_national_code,
        cast(sum(case when match_method in ('crosswalk_2001', 'crosswalk_2001_subcode') then amount else 0 end)
             as decimal(18, 2)) as amount_by_crosswalk,
        cast(sum(case when match_method = 'confirmed_mapping' then amount else 0 end)
             as decimal(18, 2)) as amount_by_confirmed_mapping
    from lines
    group by period

)

select * from final
