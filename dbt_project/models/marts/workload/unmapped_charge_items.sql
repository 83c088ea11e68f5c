-- 未对照收费项目: charge items that need a standard item and have none, with their revenue and the
-- top-3 name suggestions for review (jixiao mapping suggest → review sheet → jixiao mapping accept).
-- Only items that were charged are listed (an unused dictionary entry has nothing to review).
-- Unmapped items are never dropped: their lines stay in fct_charge_line_points with 0 points.
with items as (

    select * from {{ ref('int_charge_item__standard_match') }}
    where requires_mapping and standard_code is null

),

lines as (

    select charge_item_code, amount, period
    from {{ ref('int_charge_lines__enriched') }}
    where has_technical_value

),

mappable as (

    select sum(amount) as mappable_amount from lines

),

usage as (

    select
        charge_item_code,
        count(*) as line_count,
        sum(amount) as amount,
        min(period) as first_period,
        max(period) as last_period
    from lines
    group by charge_item_code

),

suggestions as (

    select * from {{ ref('int_charge_item__name_suggestions') }}

),

final as (

    select
        i.charge_item_code,
        i.charge_item_name,
        i.fee_category_code,
        u.line_count,
        cast(u.amount as decimal(18, 2)) as amount,
        cast(case when m.mappable_amount > 0 then u.amount / m.mappable_amount end
             as decimal(9, 6)) as share_of_mappable_amount,
        u.first_period,
        u.last_period,
        s1.suggested_code as suggestion_1_code,
        s1.suggested_name as suggestion_1_name,
        s1.score as suggestion_1_score,
        s2.suggested_code as suggestion_2_code,
        s2.suggested_name as suggestion_2_name,
        s2.score as suggestion_2_score,
        s3.suggested_code as suggestion_3_code,
        s3.suggested_name as suggestion_3_name,
        s3.score as suggestion_3_score
    from items as i
    cross join mappable as m
    inner join usage as u on u.charge_item_code = i.charge_item_code
    left join suggestions as s1 on s1.charge_item_code = i.charge_item_code and s1.suggestion_rank = 1
    left join suggestions as s2 on s2.charge_item_code = i.charge_item_code and s2.suggestion_rank = 2
    left join suggestions as s3 on s3.charge_item_code = i.charge_item_code and s3.suggestion_rank = 3

)

select * from final
