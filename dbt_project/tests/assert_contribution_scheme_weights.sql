-- 贡献价值评价 权重校验: for every contribution scheme the item weights sum to exactly its scheme_score,
-- every scheme has at least one item, and every scheme has at least one member department.
-- Returns one row per problem.
with schemes as (

    select scheme_code, scheme_score from {{ ref('contribution_schemes') }}

),

item_sums as (

    select scheme_code, sum(weight) as total_weight, count(*) as item_count
    from {{ ref('contribution_scheme_items') }}
    group by scheme_code

),

member_counts as (

    select scheme_code, count(*) as member_count
    from {{ ref('contribution_scheme_departments') }}
    group by scheme_code

)

select
    s.scheme_code,
    case
        when i.scheme_code is null then 'no items'
        else 'weights sum to ' || cast(i.total_weight as varchar) || ', scheme_score ' || cast(s.scheme_score as varchar)
    end as problem
from schemes as s
left join item_sums as i
    on i.scheme_code = s.scheme_code
where i.scheme_code is null or i.total_weight <> s.scheme_score

union all

select s.scheme_code, 'no member departments' as problem
from schemes as s
left join member_counts as m
    on m.scheme_code = s.scheme_code
where m.scheme_code is null
