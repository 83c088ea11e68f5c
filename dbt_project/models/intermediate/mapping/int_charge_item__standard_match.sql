-- 收费项目对照标准项目: every HIS charge item → a national 2023 standard item, or none.
-- Order (first hit wins): 1 national code; 2 national code with a hospital suffix (-1, -A…);
-- 3 nine-digit 2001 code through the crosswalk; 4 the same after stripping a sub-code letter
-- (110200001a → 110200001); 5 the confirmed mapping seed (reviewed by the 绩效办).
-- Unmatched items that need a mapping get name suggestions in int_charge_item__name_suggestions.
with items as (

    select charge_item_code, charge_item_name, fee_category_code
    from {{ ref('stg_his__charge_items') }}

),

policy as (

    select fee_category_code, has_technical_value
    from {{ ref('fee_category_policy') }}

),

national as (

    select item_code from {{ ref('stg_reference__national_service_items') }}

),

crosswalk as (

    -- a 2001 code that leads to more than one standard item takes the smallest and is flagged
    select
        code_2001,
        min(code_2023) as code_2023,
        count(distinct code_2023) as candidate_count
    from {{ ref('stg_reference__service_code_crosswalk') }}
    where code_2001 is not null
      and code_2023 in (select item_code from national)
    group by code_2001

),

confirmed as (

    select his_code, standard_code from {{ ref('charge_item_mapping') }}

),

keyed as (

    select
        items.*,
        regexp_replace(charge_item_code, '-[0-9A-Za-z]+$', '') as code_without_suffix,
        regexp_replace(charge_item_code, '^([0-9]{9})[a-z]+$', '\1') as code_without_subcode
    from items

),

candidates as (

    select k.charge_item_code, n.item_code as standard_code, 1 as priority,
           'national_code' as match_method, 1 as candidate_count
    from keyed as k
    inner join national as n on n.item_code = k.charge_item_code

    union all

    select k.charge_item_code, n.item_code, 2, 'national_code_suffix', 1
    from keyed as k
    inner join national as n on n.item_code = k.code_without_suffix
    where k.code_without_suffix <> k.charge_item_code

    union all

    select k.charge_item_code, c.code_2023, 3, 'crosswalk_2001', c.candidate_count
    from keyed as k
    inner join crosswalk as c on c.code_2001 = k.charge_item_code

    union all

    select k.charge_item_code, c.code_2023, 4, 'crosswalk_2001_subcode', c.candidate_count
    from keyed as k
    inner join crosswalk as c on c.code_2001 = k.code_without_subcode
    where k.code_without_subcode <> k.charge_item_code

    union all

    select m.his_code, m.standard_code, 5, 'confirmed_mapping', 1
    from confirmed as m
    inner join national as n on n.item_code = m.standard_code

),

best as (

    select
        candidates.*,
        row_number() over (partition by charge_item_code order by priority) as candidate_rank
    from candidates

),

final as (

    select
        k.charge_item_code,
        k.charge_item_name,
        k.fee_category_code,
        coalesce(p.has_technical_value, false) as requires_mapping,
        b.standard_code,
        b.match_method,
        coalesce(b.candidate_count > 1, false) as is_ambiguous
    from keyed as k
    left join policy as p
        on p.fee_category_code = k.fee_category_code
    left join best as b
        on b.charge_item_code = k.charge_item_code
       and b.candidate_rank = 1

)

select * from final
