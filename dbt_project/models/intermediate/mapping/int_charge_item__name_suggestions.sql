-- 模糊匹配建议: for each charge item that needs a mapping and has none, the 3 national items whose
-- names share the most character bigrams (Dice coefficient 2|A∩B| / (|A|+|B|), 0–1). Character
-- bigrams suit Chinese names, where words are not separated. Portable SQL, no extensions.
with unmatched as (

    select charge_item_code, {{ jx_clean_name('charge_item_name') }} as clean_name
    from {{ ref('int_charge_item__standard_match') }}
    where requires_mapping and standard_code is null

),

national as (

    select item_code, item_name, {{ jx_clean_name('item_name') }} as clean_name
    from {{ ref('stg_reference__national_service_items') }}

),

digits as (

    select 0 as d union all select 1 union all select 2 union all select 3 union all select 4
    union all select 5 union all select 6 union all select 7 union all select 8 union all select 9

),

positions as (

    select hundreds.d * 100 + tens.d * 10 + ones.d + 1 as pos
    from digits as hundreds cross join digits as tens cross join digits as ones

),

unmatched_bigrams as (

    select distinct u.charge_item_code, substr(u.clean_name, p.pos, 2) as bigram
    from unmatched as u
    inner join positions as p on p.pos < length(u.clean_name)

),

national_bigrams as (

    select distinct n.item_code, substr(n.clean_name, p.pos, 2) as bigram
    from national as n
    inner join positions as p on p.pos < length(n.clean_name)

),

unmatched_sizes as (

    select charge_item_code, count(*) as bigrams from unmatched_bigrams group by charge_item_code

),

national_sizes as (

    select item_code, count(*) as bigrams from national_bigrams group by item_code

),

shared as (

    select u.charge_item_code, n.item_code, count(*) as shared_bigrams
    from unmatched_bigrams as u
    inner join national_bigrams as n on n.bigram = u.bigram
    group by u.charge_item_code, n.item_code

),

scored as (

    select
        s.charge_item_code,
        s.item_code as suggested_code,
        cast(round(2.0 * s.shared_bigrams / (us.bigrams + ns.bigrams), 4) as decimal(9, 4)) as score
    from shared as s
    inner join unmatched_sizes as us on us.charge_item_code = s.charge_item_code
    inner join national_sizes as ns on ns.item_code = s.item_code

),

ranked as (

    select
        scored.*,
        row_number() over (partition by charge_item_code order by score desc, suggested_code) as suggestion_rank
    from scored

),

final as (

    select
        r.charge_item_code,
        r.suggestion_rank,
        r.suggested_code,
        n.item_name as suggested_name,
        r.score
    from ranked as r
    inner join national as n on n.item_code = r.suggested_code
    where r.suggestion_rank <= 3

)

select * from final
